// Stopping `source-dynamodb pipe` (dist/cli.js) as people and runtimes do: Ctrl-C in a terminal
// (SIGINT to the whole foreground process group, so the materialization child gets it too unless
// the pipe keeps it apart) and SIGTERM to the pipe alone. Each stop lands mid-backfill; the pipe
// exits 0 with no error, the endpoint's checkpoint is the last transaction the pipe logged as
// committed, and the next run resumes right after it. A last run catches up with changes made while
// stopped, and the rows equal the table. A second Ctrl-C while a stop waits exits at once.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { constants } from 'node:os';
import { parseJson } from '../../../src/json/parse.js';
import type { JsonObject } from '../../../src/json/value.js';
import { createStreamTable, withDynamoDBLocal } from '../../fixtures/dynamodb-local.js';
import { CLI } from '../../fixtures/connector-process.js';
import { MATERIALIZE_MAIN, postgresTargets } from '../../fixtures/postgres.js';
import type { TableShape } from '../../fixtures/workload.js';
import { alive, captureConfig, diffWithTable, prepareTables, until } from './fixtures/pipe-workload.js';

/** Enough rows that a small read budget keeps the backfill going across several transactions. */
const KEYS = 600;
/** Read capacity per second for the backfill: slow enough that every stop lands inside it. */
const RCU = 4;

interface PipeProcess {
  pid: number;
  logs: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The pipe in its own process group, as a shell starts a foreground job. */
function startPipe(args: string[]): PipeProcess {
  const child = spawn(process.execPath, [CLI, 'pipe', ...args], { env: { ...process.env, LOG_LEVEL: 'debug' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr.on('data', (c: Buffer) => {
    partial += c.toString('utf8');
    let i;
    while ((i = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, i);
      partial = partial.slice(i + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ level: 'text', msg: line });
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  });
  return { pid: child.pid!, logs, exited };
}

const committed = (p: PipeProcess): number[] => p.logs.filter((r) => r.msg === 'transaction committed').map((r) => Number(r.transaction));
const opened = (p: PipeProcess): Record<string, unknown> => p.logs.find((r) => r.msg === 'materialization opened') ?? {};
const errors = (p: PipeProcess): Record<string, unknown>[] => p.logs.filter((r) => r.level === 'error');

for (const target of postgresTargets(t)) {
  t.test(`${target.name}: SIGINT to the process group and SIGTERM end the pipe at a checkpoint, exit 0; restarts resume`, { skip: target.skip }, async (t) => {
    const pg = await target.start(t);
    const { endpoint, client } = await withDynamoDBLocal(t);
    const shape: TableShape = { table: `stopped_${pg.schema.slice(2, 8)}`, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };
    await prepareTables(client, [shape], KEYS, 5);
    const dir = mkdtempSync(join(tmpdir(), 'pipe-stop-'));
    writeFileSync(join(dir, 'capture.json'), JSON.stringify(captureConfig(endpoint)));
    writeFileSync(join(dir, 'materialization.json'), JSON.stringify(pg.config));
    const name = `test/${pg.schema}`;
    const start = (): PipeProcess =>
      startPipe(['--config', join(dir, 'capture.json'), '--into', `"${process.execPath}" "${MATERIALIZE_MAIN}"`, '--materialization-config', join(dir, 'materialization.json'), '--name', name, '--rcu-allocation', String(RCU)]);
    const readThrough = async (): Promise<number> => {
      const [row] = await pg.query(`SELECT checkpoint::text AS cp FROM "${pg.schema}".flow_checkpoints_v1 WHERE materialization = $1`, [name]);
      const m = /"readThrough": "(\d+)"/.exec(row?.cp ?? '');
      return m ? Number(m[1]) : 0;
    };

    let last = 0;
    const stops = [
      { signal: 'SIGINT', to: 'the process group (Ctrl-C)', kill: (p: PipeProcess) => process.kill(-p.pid, 'SIGINT') },
      { signal: 'SIGTERM', to: 'the pipe', kill: (p: PipeProcess) => process.kill(p.pid, 'SIGTERM') },
      { signal: 'SIGINT', to: 'the pipe', kill: (p: PipeProcess) => process.kill(p.pid, 'SIGINT') },
    ] as const;
    for (const [i, stop] of stops.entries()) {
      const p = start();
      // Stop once this run has committed something of its own, while the backfill still runs.
      await until(() => committed(p).length > 0, `run ${i} to commit a transaction`);
      const matPid = Number(opened(p).pid);
      stop.kill(p);
      const status = await p.exited;
      t.same(status, { code: 0, signal: null }, `run ${i}: ${stop.signal} to ${stop.to} ends the pipe with exit 0`);
      t.same(errors(p), [], `run ${i}: no error is logged`);
      t.ok(p.logs.some((r) => r.msg === 'pipe finished'), `run ${i}: the pipe says it finished`);
      t.notOk(p.logs.some((r) => r.msg === 'backfill finished'), `run ${i}: the stop landed during the backfill`);
      t.equal(Number(opened(p).lastCommittedTransaction), last, `run ${i}: resumed right after transaction ${last}`);
      if (i > 0) t.equal(opened(p).resumeFrom, 'materialization checkpoint', `run ${i}: from the endpoint's checkpoint`);
      const txns = committed(p);
      t.same(txns, txns.map((_, j) => last + 1 + j), `run ${i}: committed consecutive transactions`);
      last = txns.at(-1)!;
      t.equal(await readThrough(), last, `run ${i}: the endpoint's checkpoint is the last transaction logged as committed`);
      await until(() => !alive(matPid), `run ${i}: its materialization to exit`);
    }

    // Changes while stopped reach the rows through the resumed stream.
    for (const k of ['while-stopped-1', 'while-stopped-2']) await client.send(new PutItemCommand({ TableName: shape.table, Item: { pk: { S: k }, note: { S: 'late' } } }));
    const final = start();
    await until(() => final.logs.some((r) => r.msg === 'backfill finished'), 'the resumed backfill to finish');
    const docs = async (): Promise<JsonObject[]> => (await pg.query(`SELECT flow_document::text AS doc FROM "${pg.schema}"."${shape.table}"`)).map((row) => parseJson(row.doc!) as JsonObject);
    await until(async () => (await diffWithTable(client, shape, await docs())).length === 0, 'the rows to equal the table');
    t.notOk(final.logs.some((r) => r.msg === 'table seen for the first time'), 'the last run resumed the table rather than starting it over');
    process.kill(final.pid, 'SIGTERM');
    t.same(await final.exited, { code: 0, signal: null }, 'the last run stops with exit 0 too');
    t.same(errors(final), [], 'without errors');
    t.equal(await readThrough(), committed(final).at(-1) ?? last, 'and its last commit is the checkpoint');
  });
}

t.test('a second SIGINT while the first waits on a materialization that never answers exits at once', async (t) => {
  const { endpoint, client } = await withDynamoDBLocal(t);
  await createStreamTable(client, 'stop_hung');
  const dir = mkdtempSync(join(tmpdir(), 'pipe-hung-'));
  writeFileSync(join(dir, 'capture.json'), JSON.stringify(captureConfig(endpoint)));
  writeFileSync(join(dir, 'materialization.json'), '{}');
  // Says its pid, then never answers and ignores the end of its input.
  writeFileSync(join(dir, 'hung.mjs'), "console.error(JSON.stringify({ level: 'info', msg: 'hung', hungPid: process.pid })); setInterval(() => {}, 1 << 30);\n");
  const p = startPipe(['--config', join(dir, 'capture.json'), '--into', `"${process.execPath}" "${join(dir, 'hung.mjs')}"`, '--materialization-config', join(dir, 'materialization.json'), '--table', 'stop_hung']);
  await until(() => p.logs.some((r) => r.msg === 'hung'), 'the materialization to start');
  const hungPid = Number(p.logs.find((r) => r.msg === 'hung')!.hungPid);
  t.teardown(() => (alive(hungPid) ? process.kill(hungPid, 'SIGKILL') : undefined));
  process.kill(-p.pid, 'SIGINT');
  await until(() => p.logs.some((r) => r.msg === 'pipe stopping after the capture ends at a checkpoint'), 'the first SIGINT to start a stop');
  process.kill(-p.pid, 'SIGINT');
  t.same(await p.exited, { code: 128 + constants.signals.SIGINT, signal: null }, 'the second exits at once, with the status of an interrupt');
  t.ok(p.logs.some((r) => r.level === 'warn' && String(r.msg).startsWith('second SIGINT: exiting now')), 'and says so');
});
