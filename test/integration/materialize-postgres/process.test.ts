// materialize-postgres as a process (dist/materialize-postgres/main.js), as a runner drives it,
// against PGlite always and against a real PostgreSQL server when TEST_POSTGRES_URL is set.
import t from 'tap';
import { stringify } from '../../../src/json/stringify.js';
import { materialization, ordersBinding, orderStoreLine, postgresTargets, startMaterializeProcess, type Teardownable } from '../../fixtures/postgres.js';

const BIG = '-98765432109876543210987654321098765.43'; // 38 digits and a sign
const checkpoint = (n: number): string => `{"sources":{"acmeCo/orders/pivot=00":{"readThrough":"${n}"}},"captureState":{"seq":${n}123456789012345678901234567890}}`;

/** Runs one process through apply and a committed transaction of `ids`, then EOF. */
async function commitOnce(t: Teardownable, m: unknown, ids: string[], n: number): Promise<void> {
  const c = startMaterializeProcess(t, [{ open: { materialization: m } }, { acknowledge: {} }, { flush: {} }, ...ids.map((id) => orderStoreLine(id, { name: `n${n}`, price: BIG })), `{"startCommit":{"runtimeCheckpoint":${checkpoint(n)}}}`, { acknowledge: {} }]);
  for (const want of ['opened', 'acknowledged', 'flushed', 'startedCommit', 'acknowledged']) await c.next(want);
  c.child.stdin.end();
  const exit = await c.exited;
  if (exit.code !== 0) throw new Error(`exit ${exit.code}: ${c.stderr.join('\n')}`);
}

for (const target of postgresTargets(t)) {
  t.test(target.name, { skip: target.skip }, async (t) => {
    t.test('spec, validate, apply twice, a transaction, restart', async (t) => {
      const pg = await target.start(t);
      const m = materialization(pg.config, [ordersBinding('orders')]);
      const c = startMaterializeProcess(t, [
        { spec: {} },
        { validate: { name: m.name, config: pg.config, bindings: [{ resourceConfig: { table: 'orders' }, collection: ordersBinding('orders').collection }] } },
        { apply: { materialization: m } },
        { apply: { materialization: m } },
      ]);
      t.ok((await c.next('spec')).spec);
      t.match(await c.next('validated'), { validated: { bindings: [{ resourcePath: ['orders'] }] } });
      t.match(await c.next('applied'), { applied: { actionDescription: /CREATE TABLE/ } });
      t.match(await c.next('applied'), { applied: { actionDescription: /^nothing to apply/ } });
      c.child.stdin.end();
      t.same(await c.exited, { code: 0, signal: null });
      t.notMatch(c.raw(), /[^\n]$/, 'stdout ends with a whole line');

      await commitOnce(t, m, ['1', '9007199254740993', BIG.replace('-', '').replace('.', '')], 1);
      const rows = await pg.query(`SELECT id::text, name, price::text FROM "${pg.schema}".orders ORDER BY orders.id`);
      t.same(
        rows.map((r) => [r.id, r.price]),
        [
          ['1', BIG],
          ['9007199254740993', BIG],
          ['9876543210987654321098765432109876543', BIG],
        ],
        'exact keys and values',
      );

      const again = startMaterializeProcess(t, [{ open: { materialization: m } }]);
      const opened = (await again.next('opened')) as { opened: { runtimeCheckpoint: never } };
      t.equal(stringify(opened.opened.runtimeCheckpoint), checkpoint(1), 'opened.runtimeCheckpoint is what the last commit stored, exactly');
      again.child.stdin.end();
      t.equal((await again.exited).code, 0);
    });

    t.test('a stale process fails with one error line and commits nothing', async (t) => {
      const pg = await target.start(t);
      const m = materialization(pg.config, [ordersBinding('orders')]);
      const apply = startMaterializeProcess(t, [{ apply: { materialization: m } }]);
      await apply.next('applied');
      apply.child.stdin.end();
      await apply.exited;

      const older = startMaterializeProcess(t, [{ open: { materialization: m } }, { acknowledge: {} }, { flush: {} }]);
      for (const want of ['opened', 'acknowledged', 'flushed']) await older.next(want);
      const newer = startMaterializeProcess(t, [{ open: { materialization: m } }]);
      await newer.next('opened');
      older.send(JSON.parse(orderStoreLine('1', { name: 'stale' })));
      older.send(JSON.parse(`{"startCommit":{"runtimeCheckpoint":${checkpoint(7)}}}`));
      t.same(await older.exited, { code: 1, signal: null });
      t.match(older.lastLog(), { level: 'error', code: 'BAD_STATE', fenced: true, msg: /opened by a newer instance/ });
      t.notOk(older.out.all.some((l) => l.includes('startedCommit')), 'no startedCommit');
      t.same(await pg.query(`SELECT count(*) AS n FROM "${pg.schema}".orders`), [{ n: '0' }]);
      newer.child.stdin.end();
      t.equal((await newer.exited).code, 0);
    });

    t.test('kill -9 inside a transaction: nothing of it lands; restart resumes from the last commit', async (t) => {
      const pg = await target.start(t);
      const m = materialization(pg.config, [ordersBinding('orders')]);
      const apply = startMaterializeProcess(t, [{ apply: { materialization: m } }]);
      await apply.next('applied');
      apply.child.stdin.end();
      await apply.exited;
      await commitOnce(t, m, ['1', '2'], 1);

      const c = startMaterializeProcess(t, [{ open: { materialization: m } }, { acknowledge: {} }, { flush: {} }]);
      for (const want of ['opened', 'acknowledged', 'flushed']) await c.next(want);
      c.child.stdin.on('error', () => undefined); // writes still buffered when the child dies
      const stores = Array.from({ length: 3000 }, (_, i) => orderStoreLine(String(100 + i), { name: 'lost' })); // past a batch: rows written, not committed
      await new Promise((r) => c.child.stdin.write(stores.join('\n') + '\n', r));
      await new Promise((r) => setTimeout(r, 500));
      c.child.kill('SIGKILL');
      t.equal((await c.exited).signal, 'SIGKILL');
      // The server notices the dropped connection and rolls back; give PGlite's socket a moment.
      await new Promise((r) => setTimeout(r, 200));
      t.same(await pg.query(`SELECT id::text, name FROM "${pg.schema}".orders ORDER BY orders.id`), [
        { id: '1', name: 'n1' },
        { id: '2', name: 'n1' },
      ]);
      const again = startMaterializeProcess(t, [{ open: { materialization: m } }]);
      const opened = (await again.next('opened')) as { opened: { runtimeCheckpoint: never } };
      t.equal(stringify(opened.opened.runtimeCheckpoint), checkpoint(1));
      again.child.stdin.end();
      await again.exited;
    });
  });
}

t.test('an unreachable server: IO error naming host and port, no password', async (t) => {
  const c = startMaterializeProcess(t, [{ apply: { materialization: materialization({ connectionUri: 'postgres://flow:hunter22@127.0.0.1:1/db' }, [ordersBinding('orders')]) } }]);
  c.child.stdin.end();
  t.same(await c.exited, { code: 1, signal: null });
  t.match(c.lastLog(), { level: 'error', code: 'IO', msg: /cannot reach PostgreSQL at 127\.0\.0\.1:1\/db/ });
  t.notMatch(c.stderr.join('\n'), /hunter22/);
  t.equal(c.raw(), '', 'nothing on stdout');
});
