// The materialize protocol loop, driven in process over PassThrough streams against an embedded
// PGlite (one per file, a fresh schema per test): scripted requests, every response checked
// against materialize-response.schema.json, rows checked with SQL.
import t, { type Test } from 'tap';
import { ConnectorError } from '../../../src/errors.js';
import { stringify } from '../../../src/json/stringify.js';
import { NOTHING_TO_DO } from '../../../src/materialize-postgres/apply.js';
import { materialization, ordersBinding, orderStoreLine, postgresTargets, startInProcess, type TestPostgres } from '../../fixtures/postgres.js';

const pglite = postgresTargets(t)[0]!;

const BIG = '12345678901234567890123456789012345678'; // 38 digits, as DynamoDB allows
const PAST_2_53 = '9007199254740993';
const CHECKPOINT_1 = '{"sources":{"acmeCo/orders/pivot=00":{"readThrough":"123","producers":[{"id":"AwkIBQc=","state":{"lastAck":"8675","begin":"1111"}}]}},"ackIntents":{},"captureState":{"n":123456789012345678901234567890.5}}';
const CHECKPOINT_2 = '{"sources":{"acmeCo/orders/pivot=00":{"readThrough":"456"}}}';

async function failure(t: Test, done: Promise<void>): Promise<ConnectorError> {
  try {
    await done;
  } catch (e) {
    t.type(e, ConnectorError);
    return e as ConnectorError;
  }
  t.fail('expected the run to fail');
  throw new Error('unreachable');
}

async function applied(pg: TestPostgres, bindings: unknown[]): Promise<void> {
  const c = startInProcess();
  c.send({ apply: { materialization: materialization(pg.config, bindings) } });
  await c.next('applied');
  c.end();
  await c.done;
}

t.test('spec', async (t) => {
  const c = startInProcess();
  c.send({ spec: { connectorType: 'IMAGE', config: {} } });
  const { spec } = (await c.next()) as { spec: Record<string, unknown> };
  t.equal(stringify(spec.protocol as never), '3032023');
  t.same(spec.resourcePathPointers, ['/table']);
  t.match(spec.configSchema, { properties: { connectionUri: { secret: true }, schema: { default: 'public' }, embedded: { required: ['dataDir'] } } });
  t.match(spec.resourceConfigSchema, { required: ['table'], properties: { delta_updates: { type: 'boolean' } } });
  c.end();
  await c.done;
});

t.test('validate: constraints, resource path and delta flag', async (t) => {
  const pg = await pglite.start(t);
  const c = startInProcess();
  const { collection } = ordersBinding('orders');
  c.send({
    validate: {
      name: 'acmeCo/pg',
      config: pg.config,
      bindings: [
        { resourceConfig: { table: 'orders' }, collection },
        { resourceConfig: { table: 'orders_log', delta_updates: true }, collection },
      ],
    },
  });
  const { validated } = (await c.next()) as { validated: { bindings: { constraints: Record<string, { type: string }>; resourcePath: string[]; deltaUpdates: boolean }[] } };
  const types = (i: number) => Object.fromEntries(Object.entries(validated.bindings[i]!.constraints).map(([k, v]) => [k, v.type]));
  t.same(types(0), {
    id: 'FIELD_REQUIRED',
    name: 'LOCATION_RECOMMENDED',
    qty: 'LOCATION_RECOMMENDED',
    price: 'LOCATION_RECOMMENDED',
    active: 'LOCATION_RECOMMENDED',
    tags: 'FIELD_OPTIONAL',
    attrs: 'FIELD_OPTIONAL',
    mixed: 'FIELD_OPTIONAL',
    '_meta/op': 'FIELD_OPTIONAL',
    flow_document: 'FIELD_REQUIRED',
  });
  t.equal(types(1).flow_document, 'FIELD_OPTIONAL', 'delta updates: the document is optional');
  t.equal(types(1).id, 'FIELD_REQUIRED');
  t.same(
    validated.bindings.map((b) => [b.resourcePath, b.deltaUpdates]),
    [
      [['orders'], false],
      [['orders_log'], true],
    ],
  );
  c.end();
  await c.done;
});

t.test('validate: every resource config problem at once', async (t) => {
  const pg = await pglite.start(t);
  const c = startInProcess();
  const { collection } = ordersBinding('x');
  c.send({
    validate: {
      name: 'acmeCo/pg',
      config: pg.config,
      bindings: [{ resourceConfig: {}, collection }, { resourceConfig: { table: 'x'.repeat(64) }, collection }, { resourceConfig: { table: 'y', extra: 1 }, collection }],
    },
  });
  const err = await failure(t, c.done);
  t.equal(err.code, 'VALIDATION_FAILED');
  t.match(err.message, /\/bindings\/0\/resourceConfig\/table: is required/);
  t.match(err.message, /\/bindings\/1\/resourceConfig\/table: table name is 64 bytes long/);
  t.match(err.message, /\/bindings\/2\/resourceConfig\/extra: unknown property/);
});

t.test('apply twice: creates, then finds nothing to do; columns typed from projections', async (t) => {
  const pg = await pglite.start(t);
  const c = startInProcess();
  const m = materialization(pg.config, [ordersBinding('orders'), ordersBinding('orders_log', { delta: true, document: false })]);
  c.send({ apply: { materialization: m } }, { apply: { materialization: m } });
  const first = (await c.next()) as { applied: { actionDescription: string } };
  t.match(first.applied.actionDescription, /CREATE TABLE IF NOT EXISTS "t_[0-9a-f]+"\."flow_checkpoints_v1"/);
  t.match(first.applied.actionDescription, /CREATE TABLE IF NOT EXISTS "t_[0-9a-f]+"\."orders" \(\n {2}"id" NUMERIC NOT NULL,/);
  t.same(await c.next(), { applied: { actionDescription: NOTHING_TO_DO } });
  c.end();
  await c.done;
  const cols = await pg.query(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name LIKE 'orders%' ORDER BY table_name, ordinal_position`,
    [pg.schema],
  );
  t.same(
    cols.filter((r) => r.table_name === 'orders').map((r) => [r.column_name, r.data_type, r.is_nullable]),
    [
      ['id', 'numeric', 'NO'],
      ['name', 'text', 'YES'],
      ['qty', 'numeric', 'YES'],
      ['price', 'numeric', 'YES'],
      ['active', 'boolean', 'YES'],
      ['tags', 'jsonb', 'YES'],
      ['attrs', 'jsonb', 'YES'],
      ['mixed', 'jsonb', 'YES'],
      ['flow_document', 'jsonb', 'NO'],
    ],
  );
  t.same(
    cols.filter((r) => r.table_name === 'orders_log').map((r) => r.column_name),
    ['id', 'name', 'qty', 'price', 'active', 'tags', 'attrs', 'mixed'],
    'delta without the document',
  );
  const pk = await pg.query(`SELECT count(*) AS n FROM information_schema.table_constraints WHERE table_schema = $1 AND table_name = 'orders_log' AND constraint_type = 'PRIMARY KEY'`, [pg.schema]);
  t.equal(pk[0]!.n, '0', 'delta updates: no primary key');
});

t.test('apply: the schema grows by ADD COLUMN; a dropped NOT NULL field loosens', async (t) => {
  const pg = await pglite.start(t);
  await applied(pg, [ordersBinding('orders', { values: ['name'] })]);
  await pg.query(`ALTER TABLE "${pg.schema}"."orders" ADD COLUMN legacy TEXT NOT NULL DEFAULT 'x'`);
  const c = startInProcess();
  c.send({ apply: { materialization: materialization(pg.config, [ordersBinding('orders', { values: ['name', 'qty', 'tags'] })]) } });
  const { applied: a } = (await c.next()) as { applied: { actionDescription: string } };
  t.same(a.actionDescription.split('\n'), [
    `ALTER TABLE "${pg.schema}"."orders" ADD COLUMN IF NOT EXISTS "qty" NUMERIC;`,
    `ALTER TABLE "${pg.schema}"."orders" ADD COLUMN IF NOT EXISTS "tags" JSONB;`,
    `ALTER TABLE "${pg.schema}"."orders" ALTER COLUMN "legacy" DROP NOT NULL;`,
  ]);
  c.end();
  await c.done;
});

t.test('a transaction cycle: load, flush, store, commit; exact numbers; update and delete; restart returns the checkpoint', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applied(pg, m.bindings);

  const c = startInProcess();
  c.send({ open: { materialization: m, version: 'v1', range: { keyEnd: 4294967295, rClockEnd: 4294967295 }, state: {} } });
  t.same(await c.next('opened'), { opened: {} }, 'no checkpoint before the first commit');
  c.send({ acknowledge: {} });
  t.same(await c.next(), { acknowledged: {} });
  c.send({ load: { binding: 0, key: [BIG] } }, { flush: {} });
  t.same(await c.next(), { flushed: {} }, 'an absent key is not loaded');
  c.send(
    orderStoreLine(BIG, { name: 'big', qty: PAST_2_53, price: '0.10', tags: '[1.10,2]', attrs: '{"deep":{"n":123456789012345678901234567890}}' }),
    orderStoreLine('2', { name: 'two', mixed: '7' }),
    orderStoreLine('3', { name: null }),
    `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_1}}}`,
  );
  t.same(await c.next(), { startedCommit: {} });
  const rows = await pg.query(`SELECT id::text, name, qty::text, price::text, active::text, tags::text, attrs::text, mixed::text, flow_document::text AS doc FROM "${pg.schema}".orders ORDER BY orders.id`);
  t.same(
    rows.map((r) => [r.id, r.name, r.qty, r.price, r.active, r.tags, r.attrs, r.mixed]),
    [
      ['2', 'two', '1', null, 'true', '[]', '{}', '7'],
      ['3', null, '1', null, 'true', '[]', '{}', '"m"'],
      [BIG, 'big', PAST_2_53, '0.10', 'true', '[1.10, 2]', '{"deep": {"n": 123456789012345678901234567890}}', '"m"'],
    ],
    'NUMERIC and JSONB hold every digit',
  );

  c.send({ acknowledge: {} });
  t.same(await c.next(), { acknowledged: {} });
  c.send({ load: { key: [BIG] } }, { load: { key: ['2'] } }, { load: { key: ['404'] } }, { flush: {} });
  const loaded = [await c.next(), await c.next()];
  t.same(await c.next(), { flushed: {} });
  const docs = loaded.map((l) => stringify((l as { loaded: { doc: never } }).loaded.doc)).sort();
  t.match(docs[0], /^\{"id":"12345678901234567890123456789012345678",/);
  t.match(docs[0], /"attrs":\{"deep":\{"n":123456789012345678901234567890\}\}/, 'loaded documents keep every digit');
  t.match(docs[0], /"qty":9007199254740993/);
  t.match(docs[1], /"id":"2"/);
  t.ok(loaded.every((l) => stringify((l as { loaded: { binding: never } }).loaded.binding) === '0'));
  c.send(orderStoreLine(BIG, { name: 'bigger' }, { exists: true }), orderStoreLine('2', { op: 'd' }, { exists: true, delete: true }), orderStoreLine('404', { op: 'd' }, { delete: true }));
  c.send(`{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_2}}}`, { acknowledge: {} });
  t.same(await c.next(), { startedCommit: {} });
  t.same(await c.next(), { acknowledged: {} });
  c.end();
  await c.done;
  t.same(
    (await pg.query(`SELECT id::text, name FROM "${pg.schema}".orders ORDER BY orders.id`)).map((r) => [r.id, r.name]),
    [
      ['3', null],
      [BIG, 'bigger'],
    ],
    'updated, deleted, and a delete of an absent key is a no-op',
  );

  const again = startInProcess();
  again.send({ open: { materialization: m, range: { keyEnd: 4294967295, rClockEnd: 4294967295 } } });
  const opened = (await again.next('opened')) as { opened: { runtimeCheckpoint: never } };
  t.equal(stringify(opened.opened.runtimeCheckpoint), CHECKPOINT_2, 'restart: opened.runtimeCheckpoint is the last committed checkpoint');
  again.end();
  await again.done;
  const ck = await pg.query(`SELECT materialization, key_begin::text, key_end::text, fence::text FROM "${pg.schema}".flow_checkpoints_v1`);
  t.same(ck, [{ materialization: 'acmeCo/pg', key_begin: '0', key_end: '4294967295', fence: '2' }], 'each open bumped the fence');
});

t.test('checkpoint round trip keeps exact numbers', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applied(pg, m.bindings);
  const c = startInProcess();
  c.send({ open: { materialization: m } }, { acknowledge: {} }, { flush: {} }, `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_1}}}`, { acknowledge: {} });
  for (const want of ['opened', 'acknowledged', 'flushed', 'startedCommit', 'acknowledged']) t.ok((await c.next(want))[want], want);
  c.end();
  await c.done;
  const again = startInProcess();
  again.send({ open: { materialization: m } });
  const opened = (await again.next()) as { opened: { runtimeCheckpoint: never } };
  t.same(JSON.parse(stringify(opened.opened.runtimeCheckpoint)), JSON.parse(CHECKPOINT_1));
  t.match(stringify(opened.opened.runtimeCheckpoint), /"n":123456789012345678901234567890\.5/);
  again.end();
  await again.done;
});

t.test('a stale instance cannot commit: the newer open fenced it off', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applied(pg, m.bindings);
  const older = startInProcess();
  older.send({ open: { materialization: m } }, { acknowledge: {} }, { flush: {} });
  await older.next('opened');
  await older.next('acknowledged');
  await older.next('flushed');
  const newer = startInProcess();
  newer.send({ open: { materialization: m } }, { acknowledge: {} });
  await newer.next('opened');
  await newer.next('acknowledged');

  older.send(orderStoreLine('1', { name: 'stale' }), `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_1}}}`);
  const err = await failure(t, older.done);
  t.equal(err.code, 'BAD_STATE');
  t.match(err.fields, { fenced: true, fence: '1' });
  t.match(err.message, /was opened by a newer instance since this one opened \(fence 1 is no longer current\)/);
  t.same(older.out.pending(), [], 'no startedCommit');
  t.same(await pg.query(`SELECT id FROM "${pg.schema}".orders`), [], 'nothing of the stale transaction landed');

  newer.send({ flush: {} }, orderStoreLine('1', { name: 'fresh' }), `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_2}}}`);
  await newer.next('flushed');
  t.same(await newer.next(), { startedCommit: {} });
  newer.end();
  await newer.done;
  t.same(await pg.query(`SELECT name, (SELECT checkpoint::text FROM "${pg.schema}".flow_checkpoints_v1) AS ck FROM "${pg.schema}".orders`), [
    { name: 'fresh', ck: '{"sources": {"acmeCo/orders/pivot=00": {"readThrough": "456"}}}' },
  ]);
});

t.test('delta updates: every store is a row; no loads', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('events', { delta: true })]);
  await applied(pg, m.bindings);
  const c = startInProcess();
  c.send({ open: { materialization: m } }, { acknowledge: {} }, { flush: {} });
  await c.next('opened');
  await c.next('acknowledged');
  await c.next('flushed');
  c.send(orderStoreLine('1', { name: 'a' }), orderStoreLine('1', { name: 'b' }), orderStoreLine('1', { op: 'd' }, { delete: true }), `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_2}}}`);
  t.same(await c.next(), { startedCommit: {} });
  c.send({ acknowledge: {} }, { load: { key: ['1'] } });
  await c.next('acknowledged');
  const err = await failure(t, c.done);
  t.equal(err.code, 'BAD_REQUEST');
  t.match(err.message, /uses delta updates: nothing is loaded/);
  t.same(
    (await pg.query(`SELECT id::text, name, flow_document->'_meta'->>'op' AS op FROM "${pg.schema}".events ORDER BY name NULLS LAST`)).map((r) => [r.id, r.name, r.op]),
    [
      ['1', 'a', 'c'],
      ['1', 'b', 'c'],
      ['1', null, 'd'],
    ],
  );
});

t.test('order rules', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applied(pg, m.bindings);
  const cases: [string, unknown[], RegExp][] = [
    ['flush before acknowledge', [{ open: { materialization: m } }, { flush: {} }], /flush out of order: the previous commit is not acknowledged yet/],
    ['store before flush', [{ open: { materialization: m } }, { acknowledge: {} }, orderStoreLine('1', {})], /store out of order: stores come after flush/],
    ['startCommit before flush', [{ open: { materialization: m } }, { acknowledge: {} }, { startCommit: { runtimeCheckpoint: {} } }], /startCommit out of order/],
    ['load before open', [{ load: { key: ['1'] } }], /load before open/],
    ['spec after open', [{ open: { materialization: m } }, { spec: {} }], /spec after open/],
    ['an unknown binding', [{ open: { materialization: m } }, { acknowledge: {} }, { load: { binding: 3, key: ['1'] } }], /binding 3 does not exist/],
    ['a key of the wrong length', [{ open: { materialization: m } }, { acknowledge: {} }, { load: { key: ['1', '2'] } }], /a key has 2 values, but 1 key fields are selected/],
    ['two verbs', ['{"flush":{},"spec":{}}'], /has several verbs \(spec, flush\)/],
    ['a malformed store', [{ open: { materialization: m } }, { acknowledge: {} }, { flush: {} }, { store: { key: 'x' } }], /store request \(line 4\) is invalid: \/store\/key: must be array/],
  ];
  for (const [name, requests, message] of cases) {
    const c = startInProcess();
    c.send(...requests);
    c.end();
    const err = await failure(t, c.done);
    t.equal(err.code, 'BAD_REQUEST', name);
    t.match(err.message, message, name);
  }
});

t.test('stdin ending inside a transaction commits nothing', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applied(pg, m.bindings);
  const c = startInProcess();
  c.send({ open: { materialization: m } }, { acknowledge: {} }, { flush: {} });
  for (let i = 0; i < 2500; i++) c.send(orderStoreLine(String(i), {})); // past one batch: rows were written, uncommitted
  c.end();
  const err = await failure(t, c.done);
  t.match(err.message, /stdin ended inside a transaction \(0 loads, 2500 stores, no startCommit\); nothing of it was committed/);
  t.same(await pg.query(`SELECT count(*) AS n FROM "${pg.schema}".orders`), [{ n: '0' }]);
});

t.test('open before apply names the fix', async (t) => {
  const pg = await pglite.start(t);
  const c = startInProcess();
  c.send({ open: { materialization: materialization(pg.config, [ordersBinding('orders')]) } });
  const err = await failure(t, c.done);
  t.equal(err.code, 'BAD_STATE');
  t.match(err.message, /binding 0 \(table "orders"\): table "t_[0-9a-f]+"\."orders" does not exist; run apply first/);
});
