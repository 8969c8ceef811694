// The materialize loop before open and its order rules, driven in process over PassThrough streams
// against an embedded PGlite (one per file, a fresh schema per test): spec, validate, apply, and
// requests out of order. Every response is checked against materialize-response.schema.json.
import t from 'tap';
import { stringify } from '../../../src/json/stringify.js';
import { NOTHING_TO_DO } from '../../../src/materialize-postgres/apply.js';
import { applyInProcess, materialization, ordersBinding, orderStoreLine, postgresTargets, runFailure, startInProcess } from '../../fixtures/postgres.js';

const pglite = postgresTargets(t)[0]!;

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
  const err = await runFailure(t, c.done);
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
  await applyInProcess(pg, [ordersBinding('orders', { values: ['name'] })]);
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

t.test('order rules', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applyInProcess(pg, m.bindings);
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
    const err = await runFailure(t, c.done);
    t.equal(err.code, 'BAD_REQUEST', name);
    t.match(err.message, message, name);
  }
});

t.test('open before apply names the fix', async (t) => {
  const pg = await pglite.start(t);
  const c = startInProcess();
  c.send({ open: { materialization: materialization(pg.config, [ordersBinding('orders')]) } });
  const err = await runFailure(t, c.done);
  t.equal(err.code, 'BAD_STATE');
  t.match(err.message, /binding 0 \(table "orders"\): table "t_[0-9a-f]+"\."orders" does not exist; run apply first/);
});
