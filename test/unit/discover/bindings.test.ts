import t from 'tap';
import { discoverBindings, DESCRIBE_CONCURRENCY } from '../../../src/discover/bindings.js';
import { ConnectorError } from '../../../src/errors.js';
import { capturingLogger, fakeCatalog, type FakeTable } from './fixtures/fake-catalog.js';

const where = { region: 'us-east-1', endpoint: 'http://localhost:8000' };

const TABLES: Record<string, FakeTable> = {
  zeta: { hash: ['id', 'S'], items: [{ id: { S: 'a' }, n: { N: '1' } }] },
  'orders/by~day': { hash: ['customer/id', 'N'], range: ['day~1', 'B'], items: [] },
  noStream: { hash: ['id', 'S'], stream: null },
  keysOnly: { hash: ['id', 'S'], stream: 'KEYS_ONLY' },
  newOnly: { hash: ['id', 'S'], stream: 'NEW_IMAGE' },
  disabled: { hash: ['id', 'S'], stream: 'disabled' },
  '1st': { hash: ['pk', 'S'], items: [{ pk: { S: 'x' }, _meta: { S: 'dropped' }, v: { M: { w: { BOOL: true } } } }] },
};

t.test('only NEW_AND_OLD_IMAGES tables become bindings, sorted by table name; the rest are logged with a reason', async (t) => {
  const { log, lines } = capturingLogger();
  const cat = fakeCatalog(TABLES);
  const bindings = await discoverBindings(cat, { sampleSize: 5, log, ...where });
  t.same(
    bindings.map((b) => [b.recommendedName, b.resourceConfig, b.key]),
    [
      ['1st', { table: '1st' }, ['/pk']],
      ['orders/by~day', { table: 'orders/by~day' }, ['/customer~1id', '/day~01']],
      ['zeta', { table: 'zeta' }, ['/id']],
    ],
  );
  const skipped = lines().filter((l) => l.msg === 'table skipped: it cannot be captured');
  t.same(skipped.map((l) => l.table).sort(), ['disabled', 'keysOnly', 'newOnly', 'noStream']);
  t.ok(skipped.every((l) => l.level === 'info' && typeof l.reason === 'string'));
  const reason = (table: string): string => skipped.find((l) => l.table === table)!.reason as string;
  t.match(reason('noStream'), /not enabled/);
  t.match(reason('disabled'), /not enabled/);
  t.match(reason('keysOnly'), /view type KEYS_ONLY, not NEW_AND_OLD_IMAGES/);
  t.match(reason('newOnly'), /view type NEW_IMAGE/);
  t.same(cat.sampleLimits, [5, 5, 5], 'sampled the bound tables only, with the configured limit');
});

t.test('a whole binding, snapshot-style (sampled attributes, sanitized anchor)', async (t) => {
  const { log } = capturingLogger();
  const [first] = await discoverBindings(fakeCatalog({ '1st': TABLES['1st']! }), { sampleSize: 100, log, ...where });
  const expected = {
    recommendedName: '1st',
    resourceConfig: { table: '1st' },
    documentSchema: {
      $defs: {
        '1st': {
          type: 'object',
          $anchor: '_1st',
          required: ['pk'],
          properties: { pk: { type: 'string' }, v: { 'x-sampled-schema': { type: ['null', 'object'], properties: { w: { type: 'boolean' } } } } },
        },
      },
      allOf: [
        {
          required: ['_meta'],
          properties: {
            _meta: {
              type: 'object',
              required: ['op'],
              reduce: { strategy: 'merge' },
              properties: {
                op: { enum: ['c', 'd', 'u'] },
                snapshot: { type: 'boolean' },
                eventId: { type: 'string' },
                eventName: { enum: ['INSERT', 'MODIFY', 'REMOVE'] },
                sequenceNumber: { type: 'string', pattern: '^[0-9]{1,40}$' },
                approximateCreationDateTime: { type: 'string', format: 'date-time' },
                userIdentity: { type: 'object', properties: { principalId: { type: 'string' }, type: { type: 'string' } } },
                before: { $ref: '#_1st', reduce: { strategy: 'firstWriteWins' } },
              },
            },
          },
          if: { required: ['_meta'], properties: { _meta: { required: ['op'], properties: { op: { const: 'd' } } } } },
          then: { reduce: { strategy: 'merge', delete: true } },
          else: { reduce: { strategy: 'merge' } },
        },
        { $ref: '#_1st' },
      ],
      'x-infer-schema': true,
    },
    key: ['/pk'],
  };
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'description').map(([k, x]) => [k, strip(x)])) : v;
  t.equal(JSON.stringify(strip(first)), JSON.stringify(expected), 'exact, key order included');
});

t.test('sample size 0 types the keys only and never scans', async (t) => {
  const { log } = capturingLogger();
  const cat = fakeCatalog(TABLES);
  const bindings = await discoverBindings(cat, { sampleSize: 0, log, ...where });
  t.same(cat.sampleLimits, []);
  const zeta = bindings.find((b) => b.recommendedName === 'zeta')!;
  t.same(Object.keys((zeta.documentSchema.$defs as Record<string, { properties: object }>).zeta!.properties), ['id']);
});

t.test('DescribeTable runs with bounded concurrency', async (t) => {
  const many: Record<string, FakeTable> = {};
  for (let i = 0; i < 45; i++) many[`t${String(i).padStart(2, '0')}`] = { hash: ['id', 'S'] };
  const { log } = capturingLogger();
  const cat = fakeCatalog(many);
  const bindings = await discoverBindings(cat, { sampleSize: 0, log, ...where });
  t.equal(bindings.length, 45);
  t.equal(cat.describeCalls, 45);
  t.equal(cat.peakInFlight, DESCRIBE_CONCURRENCY);
  t.equal(DESCRIBE_CONCURRENCY, 10);
});

t.test('a table deleted between ListTables and DescribeTable is skipped, not fatal', async (t) => {
  const { log, lines } = capturingLogger();
  const bindings = await discoverBindings(fakeCatalog(TABLES, { deleteAfterListing: ['zeta'] }), { sampleSize: 0, log, ...where });
  t.notOk(bindings.some((b) => b.recommendedName === 'zeta'));
  t.match(lines().find((l) => l.table === 'zeta'), { reason: /deleted/ });
});

t.test('no qualifying table: NO_TABLES naming the stream requirement, the permissions and the region', async (t) => {
  const { log } = capturingLogger();
  const only = { noStream: TABLES.noStream!, keysOnly: TABLES.keysOnly! };
  const err = await discoverBindings(fakeCatalog(only), { sampleSize: 0, log, ...where }).catch((e: unknown) => e);
  t.ok(err instanceof ConnectorError);
  const e = err as ConnectorError;
  t.equal(e.code, 'NO_TABLES');
  t.match(e.message, /none of the 2 DynamoDB tables in region "us-east-1"/);
  t.match(e.message, /"keysOnly": its DynamoDB stream has view type KEYS_ONLY/);
  t.match(e.message, /"noStream": its DynamoDB stream is not enabled/);
  t.match(e.message, /"New and old images"/);
  for (const p of ['dynamodb:ListTables', 'dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords']) t.match(e.message, p);
  t.match(e.message, /Check that region "us-east-1"/);

  const none = (await discoverBindings(fakeCatalog({}), { sampleSize: 0, log, ...where }).catch((x: unknown) => x)) as ConnectorError;
  t.equal(none.code, 'NO_TABLES');
  t.match(none.message, /no DynamoDB tables were found in region "us-east-1" at http:\/\/localhost:8000/);
});

t.test('the NO_TABLES message quotes at most 10 tables', async (t) => {
  const many: Record<string, FakeTable> = {};
  for (let i = 0; i < 14; i++) many[`t${i}`] = { hash: ['id', 'S'], stream: null };
  const { log } = capturingLogger();
  const e = (await discoverBindings(fakeCatalog(many), { sampleSize: 0, log, ...where }).catch((x: unknown) => x)) as ConnectorError;
  t.match(e.message, /and 4 more \(see the log\)/);
});

t.test('a failing call fails discover with its ConnectorError', async (t) => {
  const { log } = capturingLogger();
  const denied = new ConnectorError('AWS_AUTH', 'denied');
  await t.rejects(discoverBindings(fakeCatalog(TABLES, { fail: (op) => (op === 'Scan' ? denied : undefined) }), { sampleSize: 1, log, ...where }), denied);
});
