// discover against DynamoDB Local: which tables become bindings, their keys and schemas, sampled
// attributes (38-digit numbers included), ListTables pagination past 100 tables, NO_TABLES, an
// unreachable endpoint, TypeScript output that compiles, and no secret in any log line or error.
import t from 'tap';
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { PutItemCommand, ScanCommand, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from '../../src/decode/attribute-value.js';
import { snapshotDocument } from '../../src/decode/document.js';
import type { KeySchema } from '../../src/decode/key.js';
import { writeTypeScript } from '../../src/discover/typescript.js';
import { ConnectorError } from '../../src/errors.js';
import { stringify } from '../../src/json/stringify.js';
import { createLogger } from '../../src/log.js';
import { createAjv, validatorFor } from '../../src/protocol/ajv.js';
import { Writer } from '../../src/protocol/writer.js';
import { discover } from '../../src/verbs/discover.js';
import { createStreamTable, LOCAL_REGION, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';

const SECRET = 'fakeSecretAccessKey';
const credentials = { auth_type: 'AWSAccessKey', aws_access_key_id: 'fakeMyKeyId', aws_secret_access_key: SECRET };
/** Small tables created to page ListTables (100 names a page). */
const PAGING_TABLES = 105;
/** CreateTable calls in flight while making them. */
const CREATE_BATCH = 15;
/** An unreachable endpoint must fail this fast (bounded SDK retries and connect timeout). */
const UNREACHABLE_DEADLINE_MS = 20_000;

const { endpoint, client } = await withDynamoDBLocal(t);
const logText: string[] = [];
const errorTexts: string[] = [];

function deps() {
  const lines: string[] = [];
  const log = createLogger((l) => {
    lines.push(l);
    logText.push(l);
  }, 'debug');
  return { deps: { log, writer: new Writer(new PassThrough()), env: {} }, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function run(config: Record<string, unknown>) {
  const d = deps();
  try {
    const out = await discover({ connectorType: 'IMAGE', config }, d.deps);
    return { out: out.discovered.bindings, lines: d.lines() };
  } catch (e) {
    if (e instanceof Error) errorTexts.push(e.message);
    throw e;
  }
}

const config = (advanced: Record<string, unknown> = {}) => ({ region: LOCAL_REGION, credentials, advanced: { endpoint, ...advanced } });

t.test('no qualifying table: NO_TABLES explaining streams, permissions and region', async (t) => {
  await createStreamTable(client, 'noStream', { streamViewType: null });
  await createStreamTable(client, 'keysOnly', { streamViewType: 'KEYS_ONLY' });
  const err = await run(config()).catch((e: unknown) => e);
  t.ok(err instanceof ConnectorError);
  const e = err as ConnectorError;
  t.equal(e.code, 'NO_TABLES');
  t.match(e.message, /none of the 2 DynamoDB tables in region "us-east-1"/);
  t.match(e.message, /"keysOnly": its DynamoDB stream has view type KEYS_ONLY/);
  t.match(e.message, /"noStream": its DynamoDB stream is not enabled/);
  t.match(e.message, /"New and old images"/);
  t.match(e.message, /dynamodb:ListTables, dynamodb:DescribeTable and dynamodb:Scan/);
  t.match(e.message, /dynamodb:DescribeStream, dynamodb:GetShardIterator and dynamodb:GetRecords/);
});

const eventsKs: KeySchema = { hash: { name: 'id', type: 'N' }, range: { name: 'blob', type: 'B' } };
const BIG = '12345678901234567890123456789012345678';
const eventsItems: Record<string, SdkAttributeValue>[] = [
  {
    id: { N: BIG },
    blob: { B: new Uint8Array([0, 1, 2, 255]) },
    amount: { N: '99999999999999999999999999999999999999' },
    tiny: { N: '1.000000000000000000000000000000000001' },
    label: { S: 'first' },
    flags: { SS: ['a', 'b'] },
    sizes: { NS: ['1', BIG] },
    parts: { BS: [new Uint8Array([9])] },
    nested: { M: { deep: { L: [{ N: '1' }, { M: { x: { BOOL: true } } }] }, none: { NULL: true } } },
  },
  { id: { N: '-' + BIG }, blob: { B: new Uint8Array([3]) }, label: { N: '7' } },
];

t.test('bindings: S hash; N hash + B range with 38-digit values; skipped tables logged; sorted', async (t) => {
  await createStreamTable(client, 'orders', { hashKey: 'customer/id', rangeKey: 'order~no' });
  await createStreamTable(client, 'events', { hashKey: 'id', hashKeyType: 'N', rangeKey: 'blob', rangeKeyType: 'B' });
  await client.send(new PutItemCommand({ TableName: 'orders', Item: { 'customer/id': { S: 'c-1' }, 'order~no': { S: 'o-1' }, status: { S: 'open' } } }));
  for (const Item of eventsItems) await client.send(new PutItemCommand({ TableName: 'events', Item }));

  const { out, lines } = await run(config());
  const response = validatorFor('capture-response.schema.json');
  t.ok(response(JSON.parse(stringify({ discovered: { bindings: out } } as never))), 'a response the runtime accepts: ' + JSON.stringify(response.errors));
  t.same(
    out.map((b) => [b.recommendedName, b.resourceConfig, b.key]),
    [
      ['events', { table: 'events' }, ['/id', '/blob']],
      ['orders', { table: 'orders' }, ['/customer~1id', '/order~0no']],
    ],
  );
  const skipped = lines.filter((l) => l.msg === 'table skipped: it cannot be captured');
  t.same(skipped.map((l) => [l.level, l.table]).sort(), [
    ['info', 'keysOnly'],
    ['info', 'noStream'],
  ]);

  const events = out[0]!.documentSchema as { $defs: { events: { properties: Record<string, unknown>; required: string[] } } };
  t.same(events.$defs.events.required, ['id', 'blob']);
  t.same(events.$defs.events.properties, {
    id: { type: 'string', format: 'number' },
    blob: { type: 'string', contentEncoding: 'base64' },
    // Sampled types are an annotation: Flow enforces nothing on non-key attributes.
    amount: { 'x-sampled-schema': { type: ['null', 'number'] } },
    flags: { 'x-sampled-schema': { type: ['array', 'null'], items: { type: 'string' } } },
    label: { 'x-sampled-schema': { type: ['null', 'number', 'string'] } },
    nested: {
      'x-sampled-schema': {
        type: ['null', 'object'],
        properties: { deep: { type: 'array', items: { type: ['number', 'object'], properties: { x: { type: 'boolean' } } } }, none: { type: 'null' } },
      },
    },
    parts: { 'x-sampled-schema': { type: ['array', 'null'], items: { type: 'string', contentEncoding: 'base64' } } },
    sizes: { 'x-sampled-schema': { type: ['array', 'null'], items: { type: 'number' } } },
    tiny: { 'x-sampled-schema': { type: ['null', 'number'] } },
  });
  const orders = out[1]!.documentSchema as { $defs: { orders: { properties: Record<string, unknown> } } };
  t.same(orders.$defs.orders.properties, { 'customer/id': { type: 'string' }, 'order~no': { type: 'string' }, status: { 'x-sampled-schema': { type: ['null', 'string'] } } });

  // The table's own items, as backfill documents, validate against what discover wrote.
  const validate = createAjv().compile(out[0]!.documentSchema);
  const scanned = await client.send(new ScanCommand({ TableName: 'events' }));
  t.equal(scanned.Items?.length, 2);
  for (const item of scanned.Items as Item[]) {
    const text = stringify(snapshotDocument(item, eventsKs));
    t.match(text, /"id":"-?12345678901234567890123456789012345678"/, 'the 38-digit key is exact');
    t.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors));
  }
});

t.test('sampling off (discoverSampleSize 0): keys only', async (t) => {
  const { out } = await run(config({ discoverSampleSize: 0 }));
  const events = out.find((b) => b.recommendedName === 'events')!.documentSchema as { $defs: { events: { properties: object } } };
  t.same(Object.keys(events.$defs.events.properties), ['id', 'blob']);
});

t.test('--typescript: the written files compile under strict tsc', async (t) => {
  const { out } = await run(config());
  const dir = t.testdir({});
  const paths = await writeTypeScript(out, dir);
  t.same(paths.map((p) => p.slice(dir.length + 1)), ['events.ts', 'orders.ts']);
  const use = `import type { EventsDocument } from './events.js';\nimport type { OrdersDocument } from './orders.js';\n` +
    `export const e: EventsDocument = { _meta: { op: 'c', snapshot: true }, id: '1', blob: 'AA==', amount: 1, label: null };\n` +
    `export const o: OrdersDocument = { _meta: { op: 'd', before: { 'customer/id': 'c', 'order~no': 'o' } }, 'customer/id': 'c', 'order~no': 'o' };\n`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(`${dir}/use.ts`, use);
  const tsc = promisify(execFile);
  const args = ['--noEmit', '--strict', '--target', 'ES2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', ...paths, `${dir}/use.ts`];
  const res = await tsc(process.execPath, ['node_modules/typescript/bin/tsc', ...args]).then(
    () => 'ok',
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  t.equal(res, 'ok');
  // And the types are not vacuous: a numeric key as a number is rejected.
  await writeFile(`${dir}/use.ts`, `import type { EventsDocument } from './events.js';\nexport const e: EventsDocument = { _meta: { op: 'c' }, id: 1, blob: 'AA==' };\n`);
  const bad = await tsc(process.execPath, ['node_modules/typescript/bin/tsc', ...args]).then(
    () => 'ok',
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  t.match(bad, /use\.ts.*error TS2322: Type 'number' is not assignable to type 'string'/);
});

t.test(`ListTables pagination: ${PAGING_TABLES} more tables`, async (t) => {
  const names = Array.from({ length: PAGING_TABLES }, (_, i) => `page-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += CREATE_BATCH) {
    await Promise.all(names.slice(i, i + CREATE_BATCH).map((n) => createStreamTable(client, n)));
  }
  const { out, lines } = await run(config({ discoverSampleSize: 0 }));
  t.equal(out.length, PAGING_TABLES + 2);
  t.same(out.map((b) => b.recommendedName), ['events', 'orders', ...names].sort());
  t.match(lines.find((l) => l.msg === 'discovered tables'), { bindings: PAGING_TABLES + 2, tables: PAGING_TABLES + 4, skipped: 2 });
});

t.test('an unreachable endpoint fails fast with AWS_UNREACHABLE naming it', async (t) => {
  const started = Date.now();
  const err = (await run({ region: LOCAL_REGION, credentials, advanced: { endpoint: 'http://127.0.0.1:1' } }).catch((e: unknown) => e)) as ConnectorError;
  t.ok(err instanceof ConnectorError);
  t.equal(err.code, 'AWS_UNREACHABLE');
  t.match(err.message, /cannot reach DynamoDB at http:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/);
  t.ok(Date.now() - started < UNREACHABLE_DEADLINE_MS, `${Date.now() - started} ms`);
});

t.test('the secret access key appears in no log line and no error message', async (t) => {
  t.ok(logText.length > 0);
  t.ok(errorTexts.length >= 2);
  for (const text of [...logText, ...errorTexts]) t.notOk(text.includes(SECRET), text.slice(0, 200));
});
