// Sessions (open, transactions, restart, fencing), driven in process over PassThrough streams
// against an embedded PGlite (one per file, a fresh schema per test): scripted requests, every
// response checked against materialize-response.schema.json, rows checked with SQL.
import t from 'tap';
import { stringify } from '../../../src/json/stringify.js';
import { applyInProcess, materialization, ordersBinding, orderStoreLine, postgresTargets, runFailure, startInProcess } from '../../fixtures/postgres.js';

const pglite = postgresTargets(t)[0]!;

const BIG = '12345678901234567890123456789012345678'; // 38 digits, as DynamoDB allows
const PAST_2_53 = '9007199254740993';
const CHECKPOINT_1 = '{"sources":{"acmeCo/orders/pivot=00":{"readThrough":"123","producers":[{"id":"AwkIBQc=","state":{"lastAck":"8675","begin":"1111"}}]}},"ackIntents":{},"captureState":{"n":123456789012345678901234567890.5}}';
const CHECKPOINT_2 = '{"sources":{"acmeCo/orders/pivot=00":{"readThrough":"456"}}}';

t.test('a transaction cycle: load, flush, store, commit; exact numbers; update and delete; restart returns the checkpoint', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applyInProcess(pg, m.bindings);

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
  await applyInProcess(pg, m.bindings);
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
  await applyInProcess(pg, m.bindings);
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
  const err = await runFailure(t, older.done);
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
  await applyInProcess(pg, m.bindings);
  const c = startInProcess();
  c.send({ open: { materialization: m } }, { acknowledge: {} }, { flush: {} });
  await c.next('opened');
  await c.next('acknowledged');
  await c.next('flushed');
  c.send(orderStoreLine('1', { name: 'a' }), orderStoreLine('1', { name: 'b' }), orderStoreLine('1', { op: 'd' }, { delete: true }), `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT_2}}}`);
  t.same(await c.next(), { startedCommit: {} });
  c.send({ acknowledge: {} }, { load: { key: ['1'] } });
  await c.next('acknowledged');
  const err = await runFailure(t, c.done);
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

t.test('stdin ending inside a transaction commits nothing', async (t) => {
  const pg = await pglite.start(t);
  const m = materialization(pg.config, [ordersBinding('orders')]);
  await applyInProcess(pg, m.bindings);
  const c = startInProcess();
  c.send({ open: { materialization: m } }, { acknowledge: {} }, { flush: {} });
  for (let i = 0; i < 2500; i++) c.send(orderStoreLine(String(i), {})); // past one batch: rows were written, uncommitted
  c.end();
  const err = await runFailure(t, c.done);
  t.match(err.message, /stdin ended inside a transaction \(0 loads, 2500 stores, no startCommit\); nothing of it was committed/);
  t.same(await pg.query(`SELECT count(*) AS n FROM "${pg.schema}".orders`), [{ n: '0' }]);
});

