import t, { type Test } from 'tap';
import { ConnectorError } from '../../src/errors.js';
import {
  DEFAULT_BACKFILL_SEGMENTS,
  DEFAULT_DISCOVER_SAMPLE_SIZE,
  DEFAULT_IDLE_BACKOFF_MAX_MS,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_NUMBER_ENCODING,
  MIN_IDLE_BACKOFF_MAX_MS,
  parseEndpointConfig,
  parseResourceConfig,
  parseState,
  secretsOf,
  secretsOfRaw,
} from '../../src/config.js';
import { endpointConfigSchema, resourceConfigSchema } from '../../src/generated/schemas.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';

const accessKey = (extra: Record<string, unknown> = {}) => ({
  region: 'us-east-1',
  credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: SECRET },
  ...extra,
});

/** Runs fn, expects a ConnectorError with `code`, returns its message. */
function failure(t: Test, fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (e) {
    t.type(e, ConnectorError);
    t.equal((e as ConnectorError).code, code);
    return (e as ConnectorError).message;
  }
  t.fail('expected an error');
  return '';
}

t.test('access key config gets every default', async (t) => {
  const c = parseEndpointConfig(accessKey());
  t.same(c, {
    region: 'us-east-1',
    credentials: { authType: 'AWSAccessKey', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET, legacy: false },
    backfillSegments: DEFAULT_BACKFILL_SEGMENTS,
    scanLimit: undefined,
    endpoint: undefined,
    streamsEndpoint: undefined,
    stsEndpoint: undefined,
    discoverSampleSize: DEFAULT_DISCOVER_SAMPLE_SIZE,
    idleBackoffMaxMs: DEFAULT_IDLE_BACKOFF_MAX_MS,
    maxConcurrentRequests: DEFAULT_MAX_CONCURRENT_REQUESTS,
    autoRebackfill: false,
    numbers: DEFAULT_NUMBER_ENCODING,
  });
  t.same(secretsOf(c), [SECRET]);
});

t.test('advanced options resolve', async (t) => {
  const zeros = parseEndpointConfig(accessKey({ advanced: { backfillSegments: 0, scanLimit: 0, discoverSampleSize: 0 } }));
  t.equal(zeros.backfillSegments, 100, '0 segments means 100, as in Estuary');
  t.equal(zeros.scanLimit, undefined, '0 scan limit means none configured');
  t.equal(zeros.discoverSampleSize, 0, '0 turns sampling off');
  const set = parseEndpointConfig(
    accessKey({
      advanced: { backfillSegments: 8, scanLimit: 50, endpoint: 'http://localhost:8000', discoverSampleSize: 10, idleBackoffMax: 30, maxConcurrentRequests: 4, autoRebackfill: true },
    }),
  );
  t.match(set, { backfillSegments: 8, scanLimit: 50, endpoint: 'http://localhost:8000', discoverSampleSize: 10, idleBackoffMaxMs: 30_000, maxConcurrentRequests: 4, autoRebackfill: true });
  t.match(failure(t, () => parseEndpointConfig(accessKey({ advanced: { autoRebackfill: 'yes' } })), 'BAD_CONFIG'), /\/advanced\/autoRebackfill: must be boolean/);
});

t.test('idleBackoffMax also takes Estuary-style duration strings', async (t) => {
  const ms = (v: unknown) => parseEndpointConfig(accessKey({ advanced: { idleBackoffMax: v } })).idleBackoffMaxMs;
  t.equal(ms('1m'), 60_000);
  t.equal(ms('1m30s'), 90_000);
  t.equal(ms('1h'), 3_600_000);
  t.equal(ms('500ms'), MIN_IDLE_BACKOFF_MAX_MS, 'under a second counts as a second');
  t.match(failure(t, () => ms('2h'), 'BAD_CONFIG'), /\/advanced\/idleBackoffMax: must be at most 3600 seconds/);
  t.match(failure(t, () => ms(7200), 'BAD_CONFIG'), /\/advanced\/idleBackoffMax: must be <= 3600/);
  t.match(failure(t, () => ms('soon'), 'BAD_CONFIG'), /\/advanced\/idleBackoffMax: is not valid/);
  t.match(failure(t, () => ms(0), 'BAD_CONFIG'), /\/advanced\/idleBackoffMax: must be >= 1/);
});

t.test('missing region and credentials are both reported', async (t) => {
  const msg = failure(t, () => parseEndpointConfig({}), 'BAD_CONFIG');
  t.match(msg, /\/region: is required; add it \(Region: AWS region/);
  t.match(msg, /\/credentials: is required; add it \(Authentication:.*auth_type is one of AWSAccessKey, AWSIAM, AWSDefaultChain/);
  t.match(msg, /2 problems/);
});

t.test('unknown or missing auth_type names the choices and nothing else', async (t) => {
  const unknown = failure(t, () => parseEndpointConfig({ region: 'x', credentials: { auth_type: 'Kerberos', aws_secret_access_key: SECRET } }), 'BAD_CONFIG');
  t.match(unknown, /\/credentials\/auth_type: unknown auth_type "Kerberos": expected one of AWSAccessKey, AWSIAM, AWSDefaultChain/);
  t.notMatch(unknown, /aws_role_arn/, 'errors of branches not chosen are dropped');
  const missing = failure(t, () => parseEndpointConfig({ region: 'x', credentials: {} }), 'BAD_CONFIG');
  t.match(missing, /\/credentials\/auth_type: is required: set it to one of AWSAccessKey, AWSIAM, AWSDefaultChain/);
});

t.test('the chosen branch reports all its own problems', async (t) => {
  const msg = failure(t, () => parseEndpointConfig({ region: 'x', credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: '', extra: 1 } }), 'BAD_CONFIG');
  t.match(msg, /\/credentials\/aws_secret_access_key: is required/);
  t.match(msg, /\/credentials\/aws_access_key_id: must not be empty/);
  t.match(msg, /\/credentials\/extra: unknown property; remove it or fix its spelling \(allowed here: auth_type, aws_access_key_id, aws_secret_access_key\)/);
  t.notMatch(msg, /AWSIAM|profile/);
});

t.test('negative numbers and unknown advanced fields are rejected together', async (t) => {
  const msg = failure(
    t,
    () => parseEndpointConfig(accessKey({ advanced: { backfillSegments: -1, scanLimit: -5, maxConcurrentRequests: 0, endpoint: 'not a url', shardPollMs: 5 } })),
    'BAD_CONFIG',
  );
  t.match(msg, /5 problems/);
  t.match(msg, /\/advanced\/backfillSegments: must be >= 0/);
  t.match(msg, /\/advanced\/scanLimit: must be >= 0/);
  t.match(msg, /\/advanced\/maxConcurrentRequests: must be >= 1/);
  t.match(msg, /\/advanced\/endpoint: must be a valid uri/);
  t.match(msg, /\/advanced\/shardPollMs: unknown property/);
});

t.test('unknown top-level fields and wrong types', async (t) => {
  const msg = failure(t, () => parseEndpointConfig(accessKey({ region: 42, regoin: 'us-east-1' })), 'BAD_CONFIG');
  t.match(msg, /\/region: must be string, not integer/);
  t.match(msg, /\/regoin: unknown property/);
  t.match(failure(t, () => parseEndpointConfig('us-east-1'), 'BAD_CONFIG'), /\(top level\): must be object, not string/);
});

t.test("Estuary's legacy shape is accepted", async (t) => {
  const c = parseEndpointConfig({ region: 'eu-west-1', awsAccessKeyId: 'AKIAOLD', awsSecretAccessKey: SECRET, advanced: { backfillSegments: 10 } });
  t.same(c.credentials, { authType: 'AWSAccessKey', accessKeyId: 'AKIAOLD', secretAccessKey: SECRET, legacy: true });
  t.equal(c.backfillSegments, 10);
  t.same(secretsOf(c), [SECRET]);
  const both = parseEndpointConfig({ ...accessKey(), awsAccessKeyId: 'AKIAOLD', awsSecretAccessKey: 'old-secret' });
  t.equal(both.credentials.authType, 'AWSAccessKey');
  t.match(both.credentials, { accessKeyId: 'AKIAEXAMPLE', legacy: false }, 'credentials win over leftover legacy keys');
  const half = failure(t, () => parseEndpointConfig({ region: 'x', awsAccessKeyId: 'AKIAOLD' }), 'BAD_CONFIG');
  t.match(half, /\/awsSecretAccessKey: is required/);
  t.notMatch(half, /\/credentials/, 'a legacy config is not told to add credentials');
});

t.test('IAM role: injected session credentials, or none (the connector assumes the role)', async (t) => {
  const iam = { auth_type: 'AWSIAM', aws_role_arn: 'arn:aws:iam::123456789012:role/flow', aws_region: 'us-east-1' };
  const bare = parseEndpointConfig({ region: 'us-east-1', credentials: iam });
  t.same(bare.credentials, { authType: 'AWSIAM', roleArn: iam.aws_role_arn, awsRegion: 'us-east-1', externalId: undefined, session: undefined }, 'no session: assumed by the connector');
  t.same(secretsOf(bare), []);

  const withId = parseEndpointConfig({ region: 'us-east-1', credentials: { ...iam, aws_external_id: 'tenant-42:prod' } });
  t.match(withId.credentials, { authType: 'AWSIAM', externalId: 'tenant-42:prod', session: undefined });
  t.same(secretsOf(withId), [], 'an external ID is not a secret (AWS says so), so it is not redacted');
  const badId = failure(t, () => parseEndpointConfig({ region: 'us-east-1', credentials: { ...iam, aws_external_id: 'has space' } }), 'BAD_CONFIG');
  t.match(badId, /\/credentials\/aws_external_id/, "an external ID STS would refuse (characters outside [\\w+=,.@:/-]) fails at the boundary");
  t.match(failure(t, () => parseEndpointConfig({ region: 'us-east-1', credentials: { ...iam, aws_external_id: 'x' } }), 'BAD_CONFIG'), /\/credentials\/aws_external_id/, 'STS needs at least 2 characters');

  const injected = parseEndpointConfig({
    region: 'us-east-1',
    credentials: { ...iam, aws_access_key_id: 'ASIAEXAMPLE', aws_secret_access_key: SECRET, aws_session_token: TOKEN },
  });
  t.match(injected.credentials, { authType: 'AWSIAM', session: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN } }, "Flow's injected session is kept");
  t.same(secretsOf(injected).sort(), [SECRET, TOKEN].sort());

  const partial = failure(t, () => parseEndpointConfig({ region: 'us-east-1', credentials: { ...iam, aws_session_token: TOKEN } }), 'BAD_CONFIG');
  t.match(partial, /\/credentials: aws_access_key_id, aws_secret_access_key missing/);
  t.match(partial, /leave all three out to have the connector assume the role itself/);
  t.notMatch(partial, TOKEN);
  t.match(failure(t, () => parseEndpointConfig({ region: 'x', credentials: { auth_type: 'AWSIAM' } }), 'BAD_CONFIG'), /aws_role_arn: is required.*aws_region: is required/);
});

t.test('endpoints: Streams defaults to advanced.endpoint, STS has its own', async (t) => {
  const none = parseEndpointConfig(accessKey());
  t.same([none.endpoint, none.streamsEndpoint, none.stsEndpoint], [undefined, undefined, undefined], "AWS's regional endpoints");
  const one = parseEndpointConfig(accessKey({ advanced: { endpoint: 'http://localhost:8000' } }));
  t.same([one.endpoint, one.streamsEndpoint, one.stsEndpoint], ['http://localhost:8000', 'http://localhost:8000', undefined], 'one endpoint serves both, as before');
  const split = parseEndpointConfig(
    accessKey({
      advanced: {
        endpoint: 'https://vpce-1-a.dynamodb.us-east-1.vpce.amazonaws.com',
        streamsEndpoint: 'https://vpce-2-b.streams.dynamodb.us-east-1.vpce.amazonaws.com',
        stsEndpoint: 'https://vpce-3-c.sts.us-east-1.vpce.amazonaws.com',
      },
    }),
  );
  t.same(
    [split.endpoint, split.streamsEndpoint, split.stsEndpoint],
    ['https://vpce-1-a.dynamodb.us-east-1.vpce.amazonaws.com', 'https://vpce-2-b.streams.dynamodb.us-east-1.vpce.amazonaws.com', 'https://vpce-3-c.sts.us-east-1.vpce.amazonaws.com'],
  );
  const onlyStreams = parseEndpointConfig(accessKey({ advanced: { streamsEndpoint: 'http://127.0.0.1:9001' } }));
  t.same([onlyStreams.endpoint, onlyStreams.streamsEndpoint], [undefined, 'http://127.0.0.1:9001'], 'Streams elsewhere, DynamoDB on AWS');
  const bad = failure(t, () => parseEndpointConfig(accessKey({ advanced: { streamsEndpoint: 'not a url', stsEndpoint: 'sts here' } })), 'BAD_CONFIG');
  t.match(bad, /\/advanced\/streamsEndpoint: must be a valid uri/);
  t.match(bad, /\/advanced\/stsEndpoint: must be a valid uri/, 'both problems at once');
});

t.test('default credential chain', async (t) => {
  t.same(parseEndpointConfig({ region: 'x', credentials: { auth_type: 'AWSDefaultChain' } }).credentials, { authType: 'AWSDefaultChain', profile: undefined });
  t.same(parseEndpointConfig({ region: 'x', credentials: { auth_type: 'AWSDefaultChain', profile: 'dev' } }).credentials, {
    authType: 'AWSDefaultChain',
    profile: 'dev',
  });
  t.match(
    failure(t, () => parseEndpointConfig({ region: 'x', credentials: { auth_type: 'AWSDefaultChain', aws_secret_access_key: SECRET } }), 'BAD_CONFIG'),
    /\/credentials\/aws_secret_access_key: unknown property/,
  );
});

t.test('no secret value ever appears in an error message', async (t) => {
  const bad: unknown[] = [
    { region: 1, credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: 5, aws_secret_access_key: SECRET, x: SECRET } },
    { region: 'x', credentials: { auth_type: SECRET, aws_secret_access_key: SECRET } },
    { region: 'x', credentials: { auth_type: 'AWSIAM', aws_session_token: SECRET, aws_secret_access_key: TOKEN } },
    { region: 'x', awsAccessKeyId: 3, awsSecretAccessKey: SECRET, advanced: { endpoint: SECRET } },
    { region: 'x', awsSecretAccessKey: SECRET, credentials: { auth_type: 'AWSAccessKey', aws_secret_access_key: 7 }, [SECRET]: 1 },
  ];
  for (const raw of bad) {
    let err: ConnectorError | undefined;
    try {
      parseEndpointConfig(raw);
    } catch (e) {
      err = e as ConnectorError;
    }
    t.ok(err, 'rejected');
    t.notMatch(err!.message, SECRET);
    t.notMatch(err!.message, TOKEN);
    t.notMatch(JSON.stringify(err!.fields), SECRET);
    t.notMatch(JSON.stringify(err!.fields), TOKEN);
  }
  t.same(secretsOfRaw(bad[2]).sort(), [SECRET, TOKEN].sort());
  t.same(secretsOfRaw(bad[3]), [SECRET]);
});

t.test('resource config', async (t) => {
  t.same(parseResourceConfig({ table: 'orders' }), { table: 'orders', rcuAllocation: undefined });
  t.same(parseResourceConfig({ table: 'orders', rcuAllocation: 0 }), { table: 'orders', rcuAllocation: undefined });
  t.same(parseResourceConfig({ table: 'orders', rcuAllocation: 500 }), { table: 'orders', rcuAllocation: 500 });
  const msg = failure(t, () => parseResourceConfig({ rcuAllocation: -1, tabel: 'x' }, 'binding 2'), 'BAD_CONFIG');
  t.match(msg, /^resource config of binding 2 is invalid \(3 problems\)/);
  t.match(msg, /\/table: is required; add it \(Table Name/);
  t.match(msg, /\/rcuAllocation: must be >= 0/);
  t.match(msg, /\/tabel: unknown property/);
  t.match(failure(t, () => parseResourceConfig({ table: '' }), 'BAD_CONFIG'), /\/table: must not be empty/);
});

t.test('state: fresh starts', async (t) => {
  for (const raw of [undefined, null, {}, { bindingStateV1: {} }]) t.same(parseState(raw), { bindingStateV1: {} });
});

t.test('state: a full state round-trips, maps filled, Go zero time read as unfinished', async (t) => {
  const state = {
    bindingStateV1: {
      'orders.v1': {
        totalBackfillSegments: 100,
        streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000',
        backfillSegmentProgress: {
          '0': { exclusiveStartKey: '{"customerId":{"S":"c-17"}}', finishedAt: '2024-05-01T13:02:11Z' },
          '1': { exclusiveStartKey: 'AgFjLTk5AA==', finishedAt: '0001-01-01T00:00:00Z' },
        },
        shards: { 'shardId-1': { lastReadSequence: '000000000000000000201', finishedReading: true } },
      },
      'fresh.v2': { totalBackfillSegments: 4 },
    },
    somethingNewer: { tolerated: true },
  };
  const parsed = parseState(state);
  const orders = parsed.bindingStateV1['orders.v1']!;
  t.equal(orders.backfillSegmentProgress['0']!.finishedAt, '2024-05-01T13:02:11Z');
  t.same(orders.backfillSegmentProgress['1'], { exclusiveStartKey: 'AgFjLTk5AA==' }, 'zero time dropped');
  t.same(orders.shards['shardId-1'], { lastReadSequence: '000000000000000000201', finishedReading: true });
  t.same(parsed.bindingStateV1['fresh.v2'], { totalBackfillSegments: 4, backfillSegmentProgress: {}, shards: {} });
});

t.test('state: wrong shapes are BAD_STATE with every pointer', async (t) => {
  const msg = failure(
    t,
    () =>
      parseState({
        bindingStateV1: {
          a: { totalBackfillSegments: '100', backfillSegmentProgress: { first: {} }, shards: { s: { lastReadSequence: 12, finishedReading: 'yes' } } },
          b: [],
        },
      }),
    'BAD_STATE',
  );
  t.match(msg, /^connector state is invalid \(5 problems\)/);
  t.match(msg, /\/bindingStateV1\/a\/totalBackfillSegments: must be integer, not string/);
  t.match(msg, /\/bindingStateV1\/a\/backfillSegmentProgress: has an invalid property name "first"/);
  t.match(msg, /\/bindingStateV1\/a\/shards\/s\/lastReadSequence: must be string, not integer/);
  t.match(msg, /\/bindingStateV1\/a\/shards\/s\/finishedReading: must be boolean, not string/);
  t.match(msg, /\/bindingStateV1\/b: must be object, not array/);
  t.match(failure(t, () => parseState([]), 'BAD_STATE'), /\(top level\): must be object/);
});

/** Every property of a schema, wherever it is, with its JSON pointer. */
function* properties(node: unknown, at: string): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) yield* properties(n, `${at}/${i}`);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      for (const [name, s] of Object.entries(v)) yield [`${at}/properties/${name}`, s as Record<string, unknown>];
    }
    if (k !== 'default' && k !== 'const') yield* properties(v, `${at}/${k}`);
  }
}

t.test('every advertised property has a title and a description, and every required one exists', async (t) => {
  for (const [name, schema] of [
    ['endpoint config', endpointConfigSchema],
    ['resource config', resourceConfigSchema],
  ] as const) {
    let count = 0;
    for (const [ptr, prop] of properties(schema, '#')) {
      count++;
      t.type(prop.title, 'string', `${name} ${ptr} has a title`);
      t.type(prop.description, 'string', `${name} ${ptr} has a description`);
    }
    t.ok(count > 1, `${name}: walked ${count} properties`);
    const walk = (n: unknown): void => {
      if (typeof n !== 'object' || n === null) return;
      const s = n as { required?: string[]; properties?: Record<string, unknown> };
      if (Array.isArray(s.required) && s.properties) for (const r of s.required) t.ok(r in s.properties, `${name}: required ${r} is a property`);
      Object.values(n).forEach(walk);
    };
    walk(schema);
  }
});
