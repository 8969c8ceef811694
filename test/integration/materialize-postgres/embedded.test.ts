// The embedded default: materialize-postgres with {"embedded":{"dataDir":...}} runs PGlite on a
// folder in its own process; startEmbeddedPostgres serves a folder to others (the runner, demo).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { stringify } from '../../../src/json/stringify.js';
import { startEmbeddedPostgres } from '../../../src/materialize-postgres/embedded.js';
import { client, LineQueue, materialization, ordersBinding, orderStoreLine, startMaterializeProcess } from '../../fixtures/postgres.js';

const EMBEDDED_JS = fileURLToPath(new URL('../../../dist/materialize-postgres/embedded.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mpg-embedded-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** PGlite creates a new folder (initdb) in ~5 s, much longer on a busy machine. */
const FIRST_START_MS = 180_000;
/** Reopening an existing folder takes about a second. */
const REOPEN_MS = 60_000;
const CHECKPOINT = '{"sources":{"acmeCo/orders/pivot=00":{"readThrough":"42"}},"captureState":{"n":12345678901234567890123456789}}';

t.test('a materialization into an embedded folder survives restarts; the helper serves it afterwards', async (t) => {
  const dataDir = path.join(tmp, 'db1');
  const config = { embedded: { dataDir } };
  const m = materialization(config, [ordersBinding('orders')]);
  const c = startMaterializeProcess(t, [
    { apply: { materialization: m } },
    { open: { materialization: m } },
    { acknowledge: {} },
    { flush: {} },
    orderStoreLine('12345678901234567890123456789012345678', { name: 'big', price: '0.000000000000000000000000000000000001' }),
    `{"startCommit":{"runtimeCheckpoint":${CHECKPOINT}}}`,
    { acknowledge: {} },
  ]);
  await c.next('applied', FIRST_START_MS);
  for (const want of ['opened', 'acknowledged', 'flushed', 'startedCommit', 'acknowledged']) await c.next(want);

  const rival = startMaterializeProcess(t, [{ open: { materialization: m } }], {});
  rival.child.stdin.end();
  t.same(await rival.exited, { code: 1, signal: null }, 'one process per folder');
  t.match(rival.lastLog(), { code: 'BAD_CONFIG', msg: new RegExp(`is in use by process ${c.child.pid}`) });

  c.child.stdin.end();
  t.same(await c.exited, { code: 0, signal: null });
  t.notOk(fs.existsSync(`${dataDir}.lock`), 'the lock is released at exit');

  const again = startMaterializeProcess(t, [{ open: { materialization: m } }]);
  const opened = (await again.next('opened', REOPEN_MS)) as { opened: { runtimeCheckpoint: never } };
  t.equal(stringify(opened.opened.runtimeCheckpoint), CHECKPOINT);
  again.child.stdin.end();
  t.equal((await again.exited).code, 0);

  const server = await startEmbeddedPostgres(dataDir);
  t.teardown(() => server.stop());
  const pg = await client(server.url);
  t.teardown(() => pg.end());
  const { rows } = await pg.query('SELECT id::text, name, price::text FROM public.orders');
  t.same(rows, [{ id: '12345678901234567890123456789012345678', name: 'big', price: '0.000000000000000000000000000000000001' }]);
});

t.test('a process hosting startEmbeddedPostgres killed -9: committed data survives, the stale lock is taken over', async (t) => {
  const dataDir = path.join(tmp, 'db2');
  const script = `import(${JSON.stringify(EMBEDDED_JS)}).then(async (m) => { const s = await m.startEmbeddedPostgres(${JSON.stringify(dataDir)}); process.stdout.write(s.url + '\\n'); })`;
  const host = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = new LineQueue();
  host.stdout.on('data', (c: Buffer) => out.push(c.toString('utf8')));
  const url = await out.next('the embedded server URL', FIRST_START_MS);
  t.match(url, /^postgres:\/\/postgres@127\.0\.0\.1:[0-9]+\/postgres$/);
  // PGlite is one session: the socket server runs one connection's transaction at a time, and
  // other connections wait until it ends. So the second client reads only between transactions.
  const a = await client(url);
  const b = await client(url);
  await a.query('CREATE TABLE kept (n NUMERIC PRIMARY KEY)');
  await a.query('BEGIN');
  await a.query(`INSERT INTO kept VALUES (1)`);
  const read = b.query('SELECT count(*) AS n FROM kept');
  await a.query('COMMIT');
  t.same((await read).rows, [{ n: '1' }], 'a second connection waits for the open transaction, then sees it committed');
  await a.query('BEGIN');
  await a.query(`INSERT INTO kept VALUES (2)`); // never committed
  await b.end();
  a.on('error', () => undefined);
  host.kill('SIGKILL');
  await new Promise((r) => host.on('close', r));
  await a.end().catch(() => undefined);
  t.ok(fs.existsSync(`${dataDir}.lock`), 'the dead process left its lock');

  const server = await startEmbeddedPostgres(dataDir);
  t.teardown(() => server.stop());
  const c = await client(server.url);
  t.teardown(() => c.end());
  t.same((await c.query('SELECT n::text FROM kept ORDER BY n')).rows, [{ n: '1' }]);
});
