// validate against DynamoDB Local: resource paths in request order, every problem of every
// binding reported in one error, config errors, an unreachable endpoint, and no secret leaked.
import t from 'tap';
import { PassThrough } from 'node:stream';
import { ConnectorError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { validatorFor } from '../../src/protocol/ajv.js';
import { Writer } from '../../src/protocol/writer.js';
import { validate } from '../../src/verbs/validate.js';
import { createStreamTable, LOCAL_REGION, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';

const SECRET = 'fakeSecretAccessKey';
const credentials = { auth_type: 'AWSAccessKey', aws_access_key_id: 'fakeMyKeyId', aws_secret_access_key: SECRET };
const UNREACHABLE_DEADLINE_MS = 20_000;

const { endpoint, client } = await withDynamoDBLocal(t);
await Promise.all([
  createStreamTable(client, 'orders'),
  createStreamTable(client, 'events', { hashKey: 'id', hashKeyType: 'N', rangeKey: 'at', rangeKeyType: 'B' }),
  createStreamTable(client, 'noStream', { streamViewType: null }),
  createStreamTable(client, 'keysOnly', { streamViewType: 'KEYS_ONLY' }),
  createStreamTable(client, 'newOnly', { streamViewType: 'NEW_IMAGE' }),
]);

const texts: string[] = [];
const deps = () => ({ log: createLogger((l) => texts.push(l), 'debug'), writer: new Writer(new PassThrough()), env: {} });
const config = (ep = endpoint) => ({ region: LOCAL_REGION, credentials, advanced: { endpoint: ep } });
const binding = (resourceConfig: unknown) => ({ resourceConfig, collection: { name: 'acmeCo/x', key: ['/id'], writeSchema: {} }, backfill: 0 });

async function run(body: Record<string, unknown>) {
  try {
    return await validate({ name: 'acmeCo/dynamodb', connectorType: 'IMAGE', ...body }, deps());
  } catch (e) {
    if (e instanceof Error) texts.push(e.message);
    throw e;
  }
}

t.test('good bindings: one resourcePath per binding, in request order', async (t) => {
  const out = await run({ config: config(), bindings: [binding({ table: 'orders', rcuAllocation: 10 }), binding({ table: 'events' })] });
  t.same(out, { validated: { bindings: [{ resourcePath: ['orders'] }, { resourcePath: ['events'] }] } });
  t.ok(validatorFor('capture-response.schema.json')(out), 'a response the runtime accepts');
  t.same(await run({ config: config(), bindings: [] }), { validated: { bindings: [] } });
});

t.test('several problems, one VALIDATION_FAILED listing each binding, table and fix', async (t) => {
  const err = (await run({
    config: config(),
    bindings: [
      binding({ table: 'orders' }),
      binding({ table: 'missing' }),
      binding({ table: 'noStream' }),
      binding({ table: 'keysOnly' }),
      binding({ table: 'orders' }),
      binding({ table: 'newOnly' }),
      binding({ table: 'events', rcuAllocation: -5 }),
      binding({ table: 'Orders' }),
    ],
  }).catch((e: unknown) => e)) as ConnectorError;
  t.ok(err instanceof ConnectorError);
  t.equal(err.code, 'VALIDATION_FAILED');
  const lines = err.message.split('\n');
  t.equal(lines[0], '7 of 8 bindings cannot be captured:');
  t.match(lines[1], /^binding 1 \(table "missing"\): the table does not exist in region "us-east-1"/);
  t.match(lines[2], /^binding 2 \(table "noStream"\): its DynamoDB stream is not enabled: enable DynamoDB Streams .*"New and old images".*--table-name noStream/);
  t.match(lines[3], /^binding 3 \(table "keysOnly"\): its DynamoDB stream has view type KEYS_ONLY, not NEW_AND_OLD_IMAGES/);
  t.match(lines[4], /^binding 4 \(table "orders"\): the table is also bound by binding 0/);
  t.match(lines[5], /^binding 5 \(table "newOnly"\): its DynamoDB stream has view type NEW_IMAGE/);
  t.match(lines[6], /^binding 6 \(table "events"\): resource config is invalid: \/rcuAllocation: must be >= 0/);
  t.match(lines[7], /^binding 7 \(table "Orders"\): the table does not exist .*case-sensitive/);
  t.equal(lines.length, 8);
});

t.test('a bad endpoint config is BAD_CONFIG, before any AWS call', async (t) => {
  const err = (await run({ config: { credentials }, bindings: [] }).catch((e: unknown) => e)) as ConnectorError;
  t.equal(err.code, 'BAD_CONFIG');
  t.match(err.message, /region/);
});

t.test('an unreachable endpoint fails fast with AWS_UNREACHABLE', async (t) => {
  const started = Date.now();
  const err = (await run({ config: config('http://127.0.0.1:1'), bindings: [binding({ table: 'orders' })] }).catch((e: unknown) => e)) as ConnectorError;
  t.equal(err.code, 'AWS_UNREACHABLE');
  t.match(err.message, /http:\/\/127\.0\.0\.1:1/);
  t.ok(Date.now() - started < UNREACHABLE_DEADLINE_MS);
});

t.test('AWSIAM without injected session keys: tables are not checked, paths still answered', async (t) => {
  const iam = { region: LOCAL_REGION, credentials: { auth_type: 'AWSIAM', aws_role_arn: 'arn:aws:iam::123456789012:role/flow', aws_region: LOCAL_REGION }, advanced: { endpoint: 'http://127.0.0.1:1' } };
  t.same(await run({ config: iam, bindings: [binding({ table: 'whatever' })] }), { validated: { bindings: [{ resourcePath: ['whatever'] }] } });
  t.ok(texts.some((l) => l.includes('were not checked against AWS')));
});

t.test('the secret access key appears in no log line and no error message', async (t) => {
  t.ok(texts.length > 0);
  for (const text of texts) t.notOk(text.includes(SECRET), text.slice(0, 200));
});
