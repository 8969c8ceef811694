// The pipe against the scripted materialization (test/fixtures/scripted-materialization.ts), fed by
// a scripted capture: message order (the fixture fails on any violation), exists/delete flags, a
// lone tombstone skipped, the field selection, the runtime checkpoint round trip across crashes of
// the materialization before and after it commits, explicit acknowledgements, delta updates, and
// the pipe's checks of a misbehaving materialization.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldDocuments } from '../../../src/decode/fold.js';
import { stringify } from '../../../src/json/stringify.js';
import type { JsonObject } from '../../../src/json/value.js';
import { createLogger } from '../../../src/log.js';
import { spawnConnector, type Connector } from '../../../src/pipe/connector.js';
import { runPipe, type PipeOptions } from '../../../src/pipe/run-pipe.js';
import { readStore, scriptedConnector, type ScriptedConfig } from '../../fixtures/scripted-materialization.js';
import { c, d, fakeCapture, TABLE, u, type FakeScript } from './fixtures/fake-capture.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/scripted-materialization.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const BATCHES: JsonObject[][] = [
  [c('k1', 1, { tag: 'a', obj: { x: 1 } }), c('k2', 2), c('k3', 3)],
  // k4: created and deleted before any commit: a lone tombstone, no store. k5: delete then re-insert.
  [u('k1', 10, 1), d('k2', 2), c('k4', 4), d('k4', 4), c('k5', 5), d('k5', 5), c('k5', 50)],
  // k3: a stored key deleted and re-inserted in one transaction: updated, not deleted.
  [d('k3', 3), c('k3', 30), u('k5', 51, 50)],
];

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'pipe-test-'));
}

interface Journal {
  verb: string;
  key?: string[];
  exists?: boolean;
  delete?: boolean;
  op?: string;
}

const journalOf = (path: string): Journal[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Journal);

async function pipe(capture: Connector, cfg: ScriptedConfig, extra: Partial<PipeOptions> = {}, materialization?: Connector): Promise<{ logs: string[]; run: ReturnType<typeof runPipe> }> {
  const logs: string[] = [];
  const run = runPipe({
    captureConfig: {},
    capture,
    materialization: { connector: materialization ?? scriptedConnector(), config: cfg },
    log: createLogger((l) => logs.push(l), 'debug'),
    limits: { lingerMs: 0, progressIntervalMs: 0 },
    ...extra,
  });
  return { logs, run };
}

/** Rows of the store as the fold of all captured documents would have them. */
function expectedRows(batches: JsonObject[][]): string {
  return rowsText(foldDocuments(batches.flat().map((doc) => ({ doc })), ['/id']));
}

const rowsText = (rows: Map<string, JsonObject>): string => stringify(Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1))) as JsonObject);

function storedRows(path: string): string {
  const rows = readStore(path).rows[TABLE] ?? {};
  return rowsText(foldDocuments(Object.values(rows).map((doc) => ({ doc })), ['/id']));
}

t.test('each capture batch is one transaction: order, flags, lone tombstone, field selection', async (t) => {
  const tmp = dir();
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json'), journal: join(tmp, 'journal.ndjson') };
  const capture = fakeCapture({ batches: BATCHES, explicitAcks: true, endAtEnd: true });
  const { run } = await pipe(capture, cfg);
  const totals = await run;
  t.equal(totals.transactions, 3);
  t.match(totals, { documents: 3 + 7 + 3, loads: 3 + 4 + 2, loaded: 0 + 2 + 2, stores: 3 + 3 + 2, deletes: 1, skipped: 1 });
  t.same(capture.acks, [1, 1, 1], 'the capture was acknowledged once per checkpoint, after each commit');
  const store = readStore(cfg.path);
  t.same(store.transactions, ['1', '2', '3'], 'transactions committed once each, in order');
  t.same(store.tables[TABLE], { keys: ['id'], values: ['tag', 'v'], document: 'flow_document', fieldConfig: {} }, 'keys, recommended scalars, the document; not objects or _meta');
  t.equal(storedRows(cfg.path), expectedRows(BATCHES), 'rows equal the fold of every captured document');

  const journal = journalOf(cfg.journal!);
  t.equal(
    journal
      .map((j) => ({ open: 'o', acknowledge: 'a', load: 'L', flush: 'f', store: 'S', startCommit: 'C' })[j.verb])
      .join('')
      .replace(/L+/g, 'L')
      .replace(/S+/g, 'S'),
    'oa' + 'LfSCa'.repeat(3),
    'open, acknowledge, then per transaction: loads, flush, stores, startCommit, acknowledge',
  );
  const stores = journal.filter((j) => j.verb === 'store').map((j) => `${j.key![0]}:${j.exists ? 'E' : '-'}${j.delete ? 'D' : '-'}:${j.op}`);
  t.same(stores, ['k1:--:c', 'k2:--:c', 'k3:--:c', 'k1:E-:u', 'k2:ED:d', 'k5:--:c', 'k3:E-:c', 'k5:E-:u']);
});

t.test('without acknowledgements, checkpoints that arrive together share a transaction', async (t) => {
  const tmp = dir();
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json') };
  const capture = fakeCapture({ batches: BATCHES, endAtEnd: true });
  const totals = await (await pipe(capture, cfg, { limits: { lingerMs: 20, progressIntervalMs: 0 } })).run;
  t.ok(totals.transactions < 3, `${totals.transactions} transaction(s) for 3 checkpoints`);
  t.equal(totals.checkpoints, 3);
  t.same(capture.acks, [], 'a capture that did not ask for acknowledgements gets none');
  t.equal(storedRows(cfg.path), expectedRows(BATCHES));
});

for (const when of ['before', 'after'] as const) {
  t.test(`the materialization crashes at the second startCommit, ${when} committing: the restart resumes from its checkpoint`, async (t) => {
    const tmp = dir();
    const cfg: ScriptedConfig = { path: join(tmp, 'store.json'), crash: { at: 'startCommit', nth: 2, when } };
    const capture = fakeCapture({ batches: BATCHES, explicitAcks: true, endAtEnd: true });
    const first = await pipe(capture, cfg);
    await t.rejects(first.run, { code: 'IO', message: /materialization exited with code 3/ });
    const committed = when === 'before' ? ['1'] : ['1', '2'];
    t.same(readStore(cfg.path).transactions, committed);

    const second = await pipe(capture, { path: cfg.path });
    const totals = await second.run;
    t.same(capture.opens, [{}, { cursor: committed.length }], 'the capture reopened with the state committed with the last transaction');
    t.same(readStore(cfg.path).transactions, ['1', '2', '3'], 'no transaction committed twice, none lost');
    t.equal(totals.transactions, 3 - committed.length);
    t.ok(second.logs.some((l) => l.includes('"materialization opened"') && l.includes(`"lastCommittedTransaction":${committed.length}`)));
    t.equal(storedRows(cfg.path), expectedRows(BATCHES));
  });
}

t.test('the pipe state file keeps the spec, version and runtime checkpoint', async (t) => {
  const tmp = dir();
  const statePath = join(tmp, 'pipe-state.json');
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json') };
  await (await pipe(fakeCapture({ batches: BATCHES, explicitAcks: true, endAtEnd: true }), cfg, { statePath })).run;
  const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { lastVersion: string; lastMaterialization: { name: string }; runtimeCheckpoint: unknown };
  t.match(saved.lastVersion, /^([0-9a-f]{2}:){7}[0-9a-f]{2}$/);
  t.equal(saved.lastMaterialization.name, 'source-dynamodb/pipe');
  t.same(saved.runtimeCheckpoint, readStore(cfg.path).checkpoint, 'the same checkpoint as the endpoint committed');
});

t.test("the materialization's connector state is kept in the pipe state file and given back at open", async (t) => {
  const tmp = dir();
  const statePath = join(tmp, 'pipe-state.json');
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json'), connectorState: true };
  await (await pipe(fakeCapture({ batches: BATCHES.slice(0, 2), explicitAcks: true, endAtEnd: true }), cfg, { statePath })).run;
  await (await pipe(fakeCapture({ batches: BATCHES, explicitAcks: true, endAtEnd: true }), cfg, { statePath })).run;
  // Run 1: acknowledge ×3 (after open, after 2 commits), flush ×2, startCommit ×2.
  t.same(readStore(cfg.path).openStates, [{}, { flushed: 2, started: 2, acknowledged: 3 }]);
});

t.test('delta updates: no loads, every combined document stored as is, no document field', async (t) => {
  const tmp = dir();
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json'), journal: join(tmp, 'journal.ndjson'), deltaUpdates: true };
  const totals = await (await pipe(fakeCapture({ batches: BATCHES, explicitAcks: true, endAtEnd: true }), cfg)).run;
  t.equal(totals.loads, 0);
  t.equal(totals.stores, 3 + 4 + 2, 'one store per key per transaction, tombstones included');
  t.same(readStore(cfg.path).tables[TABLE], { keys: ['id'], values: ['tag', 'v'], document: '', fieldConfig: {} });
  t.notOk(journalOf(cfg.journal!).some((j) => j.verb === 'load'));
});

t.test('a materialization that breaks the protocol fails the pipe', async (t) => {
  for (const [misbehave, message] of [
    ['loadTwice', /loaded the document of one key twice/],
    ['ackTwice', /acknowledged without an acknowledge/],
  ] as const) {
    const tmp = dir();
    const { run } = await pipe(fakeCapture({ batches: BATCHES, explicitAcks: true, endAtEnd: true }), { path: join(tmp, 'store.json'), misbehave });
    await t.rejects(run, { code: 'BAD_REQUEST', message }, misbehave);
  }
});

t.test('a stop request ends the pipe once the capture has stopped at a checkpoint and all is committed', async (t) => {
  const tmp = dir();
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json') };
  let stop: ((reason: string) => void) | undefined;
  const { run, logs } = await pipe(fakeCapture({ batches: BATCHES }), cfg, {
    onStop: (h) => {
      stop = h;
      return () => undefined;
    },
  });
  while (!logs.some((l) => l.includes('"transaction committed"'))) await new Promise((r) => setTimeout(r, 5));
  stop!('test');
  const totals = await run;
  t.equal(totals.checkpoints, 3);
  t.equal(storedRows(cfg.path), expectedRows(BATCHES));
});

t.test('the scripted materialization as a process, one per RPC', async (t) => {
  const tmp = dir();
  const cfg: ScriptedConfig = { path: join(tmp, 'store.json') };
  const materialization = spawnConnector({ name: 'materialization', command: [process.execPath, '--import', 'tsx', FIXTURE], cwd: ROOT, log: createLogger(() => undefined) });
  const script: FakeScript = { batches: BATCHES, explicitAcks: true, endAtEnd: true };
  const totals = await (await pipe(fakeCapture(script), cfg, {}, materialization)).run;
  t.equal(totals.transactions, 3);
  t.equal(storedRows(cfg.path), expectedRows(BATCHES));
});
