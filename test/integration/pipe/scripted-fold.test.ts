// The pipe on DynamoDB Local into the scripted materialization (rows in a JSON file): puts,
// updates, REMOVEs and deletes race the backfill; once quiet, the stored rows equal a Scan of
// each table, and every transaction was committed once.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../../../src/json/value.js';
import { createLogger } from '../../../src/log.js';
import { runPipe } from '../../../src/pipe/run-pipe.js';
import { withDynamoDBLocal } from '../../fixtures/dynamodb-local.js';
import { readStore, scriptedConnector } from '../../fixtures/scripted-materialization.js';
import { captureConfig, diffWithTable, prepareTables, quiet, shapes, writeWhile } from './fixtures/pipe-workload.js';

const PRELOAD = 800;
const WRITES = 300;

t.test('rows equal the tables after writes raced the backfill', async (t) => {
  const { endpoint, client } = await withDynamoDBLocal(t);
  const tables = shapes('scripted');
  await prepareTables(client, tables, PRELOAD, 5);
  const path = join(mkdtempSync(join(tmpdir(), 'pipe-it-')), 'store.json');
  const logs: string[] = [];
  const written = [0, 0];
  let writtenAtFirstBackfillEnd: number | undefined;
  let stop: ((reason: string) => void) | undefined;
  const pipe = runPipe({
    captureConfig: captureConfig(endpoint),
    materialization: { connector: scriptedConnector(), config: { path } },
    log: createLogger((l) => {
      if (writtenAtFirstBackfillEnd === undefined && l.includes('"backfill finished"')) writtenAtFirstBackfillEnd = written[0]! + written[1]!;
      logs.push(l);
    }, 'debug'),
    onStop: (h) => ((stop = h), () => undefined),
    // A small RCU budget keeps the backfill going while the writes land.
    captureResourceConfig: () => ({ rcuAllocation: 5 }),
    limits: { progressIntervalMs: 0 },
  });
  pipe.catch(() => undefined);
  while (!logs.some((l) => l.includes('"backfill starting"'))) await new Promise((r) => setTimeout(r, 20));
  let writing = true;
  const writes = await Promise.all(tables.map((shape, i) => writeWhile(client, shape, i === 0 ? PRELOAD + 100 : PRELOAD / 4 + 30, 50 + i, () => (written[i]!++, writing), WRITES)));
  writing = false;
  await quiet(() => logs.length, 2000);
  const backfillsDone = logs.filter((l) => l.includes('"backfill finished"')).length;
  stop!('test');
  const totals = await pipe;
  t.equal(backfillsDone, 2, 'both backfills finished');
  t.same(writes, [WRITES, WRITES]);
  t.ok(writtenAtFirstBackfillEnd! > 0, `writes raced the backfill (${writtenAtFirstBackfillEnd} before the first backfill finished)`);
  const store = readStore(path);
  t.same(store.transactions, Array.from({ length: totals.transactions }, (_, i) => String(i + 1)), `${totals.transactions} transactions, each committed once, in order`);
  t.ok(totals.loaded > 0 && totals.deletes > 0, `loads found stored rows (${totals.loaded}) and deletes applied (${totals.deletes})`);
  for (const shape of tables) {
    const problems = await diffWithTable(client, shape, Object.values(store.rows[shape.table] ?? {}) as JsonObject[]);
    t.same(problems.slice(0, 10), [], `${shape.table}: rows equal the table (${problems.length} differences)`);
  }
});
