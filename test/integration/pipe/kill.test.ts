// kill -9 of the pipe (`source-dynamodb pipe`, dist/cli.js) three times, then of its
// materialization (materialize-postgres) three times, at random moments while writes land, the
// first during the backfill; each time the pipe is started again. The database is served from this
// process, so neither kill touches it. Afterwards the rows equal the table, and no transaction was
// committed twice: every run resumes right after the transaction the checkpoints table holds,
// commits consecutive numbers no other run committed, and the final checkpoint is the last commit.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseJson } from '../../../src/json/parse.js';
import type { JsonObject } from '../../../src/json/value.js';
import { withDynamoDBLocal } from '../../fixtures/dynamodb-local.js';
import { CLI, startConnector, type ConnectorProcess } from '../../fixtures/connector-process.js';
import { MATERIALIZE_MAIN, postgresTargets } from '../../fixtures/postgres.js';
import { randomWrite, rng, type TableShape } from '../../fixtures/workload.js';
import { alive, captureConfig, diffWithTable, prepareTables, quiet, until } from './fixtures/pipe-workload.js';

const KEYS = 800;
const KILLS = ['pipe', 'pipe', 'pipe', 'materialization', 'materialization', 'materialization'] as const;

interface RunLog {
  opened: number;
  committed: number[];
  backfillFinished: boolean;
}

function runLog(proc: ConnectorProcess): RunLog {
  const recs = proc.stderr.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  return {
    opened: Number(recs.find((r) => r.msg === 'materialization opened')?.lastCommittedTransaction ?? NaN),
    committed: recs.filter((r) => r.msg === 'transaction committed').map((r) => Number(r.transaction)),
    backfillFinished: recs.some((r) => r.msg === 'backfill finished'),
  };
}

for (const target of postgresTargets(t)) {
  t.test(`${target.name}: kill -9 of the pipe and of the materialization, 3 times each`, { skip: target.skip }, async (t) => {
    const pg = await target.start(t);
    const { endpoint, client } = await withDynamoDBLocal(t);
    const shape: TableShape = { table: `killed_${pg.schema.slice(2, 8)}`, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };
    await prepareTables(client, [shape], KEYS, 11);
    const dir = mkdtempSync(join(tmpdir(), 'pipe-kill-'));
    writeFileSync(join(dir, 'capture.json'), JSON.stringify(captureConfig(endpoint)));
    writeFileSync(join(dir, 'materialization.json'), JSON.stringify(pg.config));
    const start = (): ConnectorProcess =>
      startConnector([], {
        script: CLI,
        args: ['pipe', '--config', join(dir, 'capture.json'), '--into', `"${process.execPath}" "${MATERIALIZE_MAIN}"`, '--materialization-config', join(dir, 'materialization.json'), '--name', `test/${pg.schema}`, '--rcu-allocation', '6'],
        env: { LOG_LEVEL: 'debug' },
      });

    const r = rng(3);
    let writing = true;
    const writer = (async () => {
      const w = rng(8);
      while (writing) {
        await randomWrite(client, shape, KEYS + 100, w);
        await sleep(5);
      }
    })();
    const runs: RunLog[] = [];
    for (const [i, victim] of KILLS.entries()) {
      const proc = start();
      await until(() => proc.stderr.some((l) => l.includes('"materialization opened"')), `run ${i} to open`);
      const matPid = Number((JSON.parse(proc.stderr.find((l) => l.includes('"materialization opened"'))!) as { pid: number }).pid);
      await sleep(300 + Math.floor(r() * 2500));
      if (victim === 'pipe') {
        proc.child.kill('SIGKILL');
        t.equal((await proc.exited).signal, 'SIGKILL', `run ${i}: the pipe was killed`);
        await until(() => !alive(matPid), `run ${i}: its materialization to end after its input closed`);
      } else {
        process.kill(matPid, 'SIGKILL');
        t.equal((await proc.exited).code, 1, `run ${i}: the pipe failed when its materialization was killed`);
        t.ok(proc.stderr.at(-1)!.includes('materialization was killed by SIGKILL'), `run ${i}: and said why`);
      }
      runs.push(runLog(proc));
    }
    t.notOk(runs[0]!.backfillFinished, 'the first kill landed during the backfill');
    writing = false;
    await writer;
    const last = start();
    await until(() => last.stderr.some((l) => l.includes('"materialization opened"')), 'the last run to open');
    await quiet(() => last.stderr.length, 2500);
    last.child.kill('SIGTERM');
    t.equal((await last.exited).code, 0, 'SIGTERM ends the pipe cleanly');
    runs.push(runLog(last));
    t.ok(runs.some((run) => run.backfillFinished), 'the backfill finished across the restarts');

    const problems = await diffWithTable(client, shape, (await pg.query(`SELECT flow_document::text AS doc FROM "${pg.schema}"."${shape.table}"`)).map((row) => parseJson(row.doc!) as JsonObject));
    t.same(problems.slice(0, 10), [], `rows equal the table after 6 kills (${problems.length} differences)`);

    const seen = new Set<number>();
    const twice: number[] = [];
    let committedThrough = 0;
    for (const [i, run] of runs.entries()) {
      // A transaction may commit in the database just before a kill, before the pipe logged it.
      t.ok(run.opened === committedThrough || run.opened === committedThrough + 1, `run ${i} resumed after transaction ${run.opened} (logged through ${committedThrough})`);
      t.same(run.committed, run.committed.map((_, j) => run.opened + 1 + j), `run ${i} committed consecutive transactions after it`);
      for (const n of run.committed) {
        if (seen.has(n)) twice.push(n);
        seen.add(n);
      }
      committedThrough = run.committed.at(-1) ?? run.opened;
    }
    t.same(twice, [], `no transaction committed twice (${seen.size} committed)`);
    const [cp] = await pg.query(`SELECT checkpoint::text AS cp FROM "${pg.schema}".flow_checkpoints_v1 WHERE materialization = $1`, [`test/${pg.schema}`]);
    t.match(cp!.cp, `"readThrough": "${committedThrough}"`, 'the checkpoints table holds the last transaction committed');
  });
}
