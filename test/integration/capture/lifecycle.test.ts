// Bindings over a capture's life, each restart given the state folded from the checkpoints before:
// a binding added later is backfilled while the others resume streaming; a bumped stateKey starts
// its binding over; the state of removed bindings is pruned by the first checkpoint; and a restart
// resumes each segment from its key and each shard from its sequence, so nothing committed is
// emitted twice.
import t from 'tap';
import type { ProgressSnapshot } from '../../../src/capture/progress.js';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Item } from '../../../src/decode/attribute-value.js';
import { documentKeyFn, keyPointers, keyString } from '../../../src/decode/key.js';
import type { Json, JsonObject } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable, enableStream } from '../../fixtures/dynamodb-local.js';
import { captureInProcess, type TestBinding } from '../../fixtures/in-process-capture.js';
import { foldState } from '../../fixtures/connector-process.js';
import { committedDocs, diffFoldWithTable, preload, rng, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

// One DynamoDB Local for the whole file.
const { endpoint, client } = await withDynamoDBLocal(t);

const shapeOf = (table: string): TableShape => ({ table, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `pre-${i}` } }) });

interface TableState {
  totalBackfillSegments?: number;
  streamArn?: string;
  backfillFinishedAt?: string;
  backfillSegmentProgress?: Record<string, { exclusiveStartKey?: string; finishedAt?: string }>;
  shards?: Record<string, { lastReadSequence?: string; finishedReading?: boolean }>;
}
const states = (s: Json): Record<string, TableState> => (s as { bindingStateV1?: Record<string, TableState> }).bindingStateV1 ?? {};

interface Run {
  lines: string[];
  logs: string[];
  state: Json;
}

/** One capture run from `state`, until `until` holds and the output is quiet; returns the folded state. */
async function run(bindings: TestBinding[], state: Json, opts: { settings?: Parameters<typeof captureInProcess>[3]; until?: (lines: string[]) => boolean; quietMs?: number; during?: () => Promise<void> } = {}): Promise<Run> {
  const cap = await captureInProcess(endpoint, bindings, states(state), opts.settings ?? {});
  try {
    const during = opts.during?.();
    if (opts.until) await waitFor(() => opts.until!(cap.lines), 'the run reaches its goal');
    await during;
    await waitQuiet(() => cap.lines.length, opts.quietMs ?? 1500);
  } finally {
    await cap.stop();
  }
  return { lines: cap.lines, logs: cap.logs, state: foldState(state, cap.lines) };
}

const meta = (d: JsonObject): JsonObject => d._meta as JsonObject;
const snapshotKeys = (lines: string[], binding: number): string[] => committedDocs(lines, binding).filter((d) => meta(d.doc).snapshot === true).map((d) => String(d.doc.pk));
const eventIds = (lines: string[], binding: number): string[] => committedDocs(lines, binding).flatMap((d) => (typeof meta(d.doc).eventId === 'string' ? [meta(d.doc).eventId as string] : []));
/** True once a checkpoint recorded the binding's finished backfill. */
function backfillDone(lines: string[], sk: string): boolean {
  return lines.some((l) => {
    if (!l.startsWith('{"checkpoint"')) return false;
    const cp = JSON.parse(l) as { checkpoint: { state: { updated: { bindingStateV1?: Record<string, TableState | null> } } } };
    return cp.checkpoint.state.updated.bindingStateV1?.[sk]?.backfillFinishedAt !== undefined;
  });
}

async function put(table: string, pk: string, v = 'x'): Promise<void> {
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { S: v } } }));
}

/** A table whose preloaded items reach a capture only through its backfill (the stream came later). */
async function preloadedTable(table: string, n: number, seed: number): Promise<TableShape> {
  const shape = shapeOf(table);
  await createStreamTable(client, table, { streamViewType: null });
  await preload(client, shape, n, rng(seed));
  await enableStream(client, table);
  return shape;
}

t.test('added binding backfills while the old one streams on; bumped stateKey starts over; removed state is pruned', async (t) => {
  const A = await preloadedTable('life_a', 200, 1);
  const B = await preloadedTable('life_b', 150, 2);
  const a1: TestBinding = { binding: 0, stateKey: 'life_a.v1', table: A.table };

  // Run 1: A alone, backfilled, then a few live changes.
  const r1 = await run([a1], {}, {
    until: (l) => backfillDone(l, 'life_a.v1'),
    during: async () => {
      for (let i = 0; i < 5; i++) await put(A.table, `run1-${i}`);
    },
  });
  t.equal(new Set(snapshotKeys(r1.lines, 0).filter((k) => k.startsWith('pre-'))).size, 200, 'run 1: A backfilled');

  // While stopped: inserts and an update of a backfilled item.
  const afterRun1: string[] = [];
  for (let i = 0; i < 5; i++) afterRun1.push(`stopped-${i}`);
  for (const k of afterRun1) await put(A.table, k);
  await client.send(new UpdateItemCommand({ TableName: A.table, Key: { pk: { S: 'pre-7' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'changed while stopped' } } }));
  afterRun1.push('pre-7');

  // Run 2: B added (as binding 0; A moves to binding 1 and keeps its stateKey), A written meanwhile.
  const expectedA = afterRun1.length + 5;
  // B's backfill is paced (small pages, 5 RCU/s) so that it lasts a few seconds.
  const r2 = await run([{ binding: 0, stateKey: 'life_b.v1', table: B.table, rcuAllocation: 5 }, { ...a1, binding: 1 }], r1.state, {
    settings: { scanLimit: 10 },
    until: (l) => backfillDone(l, 'life_b.v1') && committedDocs(l, 1).length >= expectedA,
    during: async () => {
      for (let i = 0; i < 5; i++) {
        await put(A.table, `run2-${i}`);
        afterRun1.push(`run2-${i}`);
        await sleep(20);
      }
    },
  });
  t.strictSame(snapshotKeys(r2.lines, 1), [], 'run 2: A is not backfilled again');
  t.strictSame(committedDocs(r2.lines, 1).map((d) => String(d.doc.pk)).sort(), [...afterRun1].sort(), 'run 2: A emits exactly the changes made since run 1');
  const seen1 = new Set(eventIds(r1.lines, 0));
  t.notOk(eventIds(r2.lines, 1).some((id) => seen1.has(id)), 'run 2: no stream record of run 1 is read again');
  t.equal(new Set(snapshotKeys(r2.lines, 0)).size, 150, 'run 2: B is backfilled');
  const firstA = r2.lines.findIndex((l) => l.startsWith('{"captured":{"binding":1,'));
  const bDone = r2.lines.findIndex((_, i) => backfillDone(r2.lines.slice(i, i + 1), 'life_b.v1'));
  t.ok(firstA >= 0 && firstA < bDone, `run 2: A streams while B is still backfilling (A's first document at line ${firstA}, B done at line ${bDone})`);
  t.notOk(r2.lines.some((l) => l.includes('null') && l.startsWith('{"checkpoint"') && l.includes('"life_a.v1":null')), 'run 2 prunes nothing');
  const aDocs = [...committedDocs(r1.lines, 0), ...committedDocs(r2.lines, 1)];
  t.same(diffFoldWithTable(aDocs, await scanRows(client, A), A.ks), [], 'A: the fold of runs 1 and 2 equals the table');
  t.same(diffFoldWithTable(committedDocs(r2.lines, 0), await scanRows(client, B), B.ks), [], 'B: fold equals table');
  t.ok(states(r2.state)['life_a.v1']?.backfillFinishedAt && states(r2.state)['life_b.v1']?.backfillFinishedAt, 'both bindings have state');

  // Run 3: B removed, A re-backfilled (backfill counter bumped: a new stateKey).
  const r3 = await run([{ binding: 0, stateKey: 'life_a.v2', table: A.table }], r2.state, { until: (l) => backfillDone(l, 'life_a.v2') });
  const firstCheckpoint = r3.lines.find((l) => l.startsWith('{"checkpoint"'))!;
  t.strictSame(JSON.parse(firstCheckpoint), { checkpoint: { state: { updated: { bindingStateV1: { 'life_a.v1': null, 'life_b.v1': null } }, mergePatch: true } } }, 'run 3: the first checkpoint prunes both old states');
  t.ok(r3.lines.findIndex((l) => l.startsWith('{"checkpoint"')) < r3.lines.findIndex((l) => l.startsWith('{"captured"')), 'before any document');
  t.strictSame(Object.keys(states(r3.state)), ['life_a.v2'], 'run 3: only the new stateKey has state');
  const table = await scanRows(client, A);
  const streamed = new Set(committedDocs(r3.lines).filter((d) => meta(d.doc).eventId !== undefined).map((d) => String(d.doc.pk)));
  const rescanned = new Set(snapshotKeys(r3.lines, 0));
  const missing = [...table.values()].map((row) => String(row.pk)).filter((k) => !rescanned.has(k) && !streamed.has(k));
  t.strictSame(missing, [], 'run 3: every item of A is captured again (by the backfill, or by the stream replayed from its start)');
  t.ok(rescanned.size >= 200 - 5 - 1, `run 3: A is backfilled again (${rescanned.size} snapshot documents)`);
  t.same(diffFoldWithTable(committedDocs(r3.lines), table, A.ks), [], 'run 3 alone folds to the table');
});

// Keys of every type in resume keys: non-ASCII strings; 38-digit numbers that collide as floats
// with binary range keys.
const RESUME_SHAPES: TableShape[] = [
  { table: 'life_resume_s', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `ключ-${i}-✓` } }) },
  {
    table: 'life_resume_nb',
    ks: { hash: { name: 'id', type: 'N' }, range: { name: 'rk', type: 'B' } },
    key: (i) => ({ id: { N: String(10n ** 37n + BigInt(i % 150)) }, rk: { B: Uint8Array.from([i % 7, 0xff, 0, Math.floor(i / 150)]) } }),
  },
];
const RESUME_ITEMS = 300;

for (const shape of RESUME_SHAPES) {
  t.test(`${shape.table}: restarts resume each segment from its key and each shard from its sequence`, async (t) => {
    const { table, ks } = shape;
    await createStreamTable(client, table, { hashKey: ks.hash.name, hashKeyType: ks.hash.type, ...(ks.range ? { rangeKey: ks.range.name, rangeKeyType: ks.range.type } : {}), streamViewType: null });
    await preload(client, shape, RESUME_ITEMS, rng(3));
    await enableStream(client, table);
    const keyOf = documentKeyFn(keyPointers(ks));
    const preloaded = new Set(Array.from({ length: RESUME_ITEMS }, (_, i) => keyString(shape.key(i) as Item, ks)));
    const sk = `${table}.v1`;
    const binding: TestBinding = { binding: 0, stateKey: sk, table, keyPointers: keyPointers(ks) };
    let writes = 0;
    const writeNew = async (stop: () => boolean): Promise<void> => {
      while (!stop()) {
        await client.send(new PutItemCommand({ TableName: table, Item: { ...shape.key(RESUME_ITEMS + writes++), v: { S: 'new' } } }));
        await sleep(30);
      }
    };
    const scanned = (lines: string[]): string[] => committedDocs(lines).filter((d) => meta(d.doc).snapshot === true).map((d) => keyOf(d.doc)).filter((k) => preloaded.has(k));

    // Run 1: a slow backfill (small pages, 2 RCU/s), stopped part way, with live inserts.
    const r1 = await run([{ ...binding, rcuAllocation: 2 }], {}, {
      settings: { scanLimit: 10, backfillSegments: 4, scanWorkers: 2 },
      until: (l) => scanned(l).length >= 50 && eventIds(l, 0).length >= 5,
      during: () => writeNew(() => writes >= 10),
      quietMs: 1,
    });
    const st1 = states(r1.state)[sk]!;
    t.notOk(st1.backfillFinishedAt, 'run 1 stopped during the backfill');
    t.ok(Object.values(st1.backfillSegmentProgress ?? {}).some((p) => p.exclusiveStartKey), 'segments recorded resume keys');
    t.ok(Object.values(st1.shards ?? {}).some((s) => s.lastReadSequence), 'the shard recorded its last sequence');

    // Run 2: resume and finish, with more inserts.
    const r2 = await run([binding], r1.state, {
      until: (l) => backfillDone(l, sk),
      during: () => writeNew(() => writes >= 20),
    });
    // Run 3: nothing changed; a resumed, finished capture has nothing to say.
    const r3 = await run([binding], r2.state, { quietMs: 2000 });

    const s1 = scanned(r1.lines);
    const s2 = scanned(r2.lines);
    const again = s2.filter((k) => new Set(s1).has(k));
    t.strictSame(again, [], `no item committed by run 1's backfill is scanned again by run 2 (${s1.length} then ${s2.length})`);
    t.equal(new Set([...s1, ...s2]).size, RESUME_ITEMS, 'runs 1 and 2 together scan every preloaded item');
    t.equal(s1.length + s2.length, RESUME_ITEMS, 'and none twice');
    const e1 = eventIds(r1.lines, 0);
    const e2 = eventIds(r2.lines, 0);
    t.strictSame(e2.filter((id) => e1.includes(id)), [], 'no stream record read by run 1 is read again by run 2');
    t.equal(new Set([...e1, ...e2]).size, writes, `every insert is read from the stream once (${writes})`);
    t.strictSame(r3.lines.filter((l) => l.startsWith('{"captured"')), [], 'run 3 emits no document: no snapshot, no stream record again');
    t.same(diffFoldWithTable([...committedDocs(r1.lines), ...committedDocs(r2.lines), ...committedDocs(r3.lines)], await scanRows(client, shape), ks), [], 'fold of the three runs equals the table');
  });
}

t.test('progress lines report, per binding, what the capture did', async (t) => {
  const P = await preloadedTable('progress_p', 300, 4);
  const Q = await preloadedTable('progress_q', 100, 5);
  const SEGMENTS = 5;
  const INSERTS: Record<number, number> = { 0: 7, 1: 3 };
  const cap = await captureInProcess(
    endpoint,
    [
      // P's backfill is paced, so that several progress lines fall inside it.
      { binding: 0, stateKey: 'progress_p.v1', table: P.table, rcuAllocation: 10 },
      { binding: 1, stateKey: 'progress_q.v1', table: Q.table },
    ],
    {},
    { progressIntervalMs: 200, scanLimit: 20, backfillSegments: SEGMENTS },
  );
  try {
    await waitFor(() => backfillDone(cap.lines, 'progress_p.v1') && backfillDone(cap.lines, 'progress_q.v1'), 'both backfills finish');
    // After the backfills, so that no stream document combines with a snapshot one.
    for (const [binding, n] of Object.entries(INSERTS)) for (let i = 0; i < n; i++) await put(binding === '0' ? P.table : Q.table, `new-${i}`);
    await waitFor(() => [0, 1].every((b) => eventIds(cap.lines, b).length === INSERTS[b]), 'the inserts are captured');
    // Long enough for the readers to find their shards drained, and for a stale lag to show.
    await waitQuiet(() => cap.lines.length, 2500);
  } finally {
    await cap.stop();
  }

  const all = cap.logs.map((l) => JSON.parse(l) as { msg: string } & ProgressSnapshot).filter((l) => l.msg === 'progress');
  const tables = { 0: [P, 300], 1: [Q, 100] } as const;
  for (const binding of [0, 1] as const) {
    const [shape, items] = tables[binding];
    const lines = all.filter((l) => l.binding === binding);
    t.ok(lines.length >= 3, `${shape.table}: periodic progress lines (${lines.length})`);
    const counters = ['segmentsDone', 'itemsScanned', 'snapshotDocs', 'streamDocs', 'shardsFinished'] as const;
    let prev: ProgressSnapshot | undefined;
    const problems: string[] = [];
    for (const l of lines) {
      if (l.table !== shape.table) problems.push(`table ${l.table}`);
      for (const f of [...counters, 'segmentsTotal', 'itemsPerSecond', 'shardsOpen', 'droppedByGate'] as const) {
        if (!Number.isInteger(l[f]) || l[f] < 0) problems.push(`${f} = ${l[f]}`);
      }
      if (l.segmentsTotal !== SEGMENTS) problems.push(`segmentsTotal ${l.segmentsTotal}`);
      if (l.segmentsDone > SEGMENTS) problems.push(`segmentsDone ${l.segmentsDone}`);
      if (l.backfillFinished !== (l.segmentsDone === SEGMENTS)) problems.push(`backfillFinished ${l.backfillFinished} with ${l.segmentsDone} segments done`);
      // The lag is known once a stream record has been read, and is then whole seconds.
      if ((l.streamLagSeconds !== undefined) !== l.streamDocs > 0) problems.push(`streamLagSeconds ${l.streamLagSeconds} with ${l.streamDocs} stream documents`);
      if (l.streamLagSeconds !== undefined && !(Number.isInteger(l.streamLagSeconds) && l.streamLagSeconds >= 0)) problems.push(`streamLagSeconds ${l.streamLagSeconds}`);
      if (prev) {
        for (const f of counters) if (l[f] < prev[f]) problems.push(`${f} went down: ${prev[f]} -> ${l[f]}`);
        // A rate over the interval: positive exactly when items were scanned in it.
        if ((l.itemsScanned > prev.itemsScanned) !== l.itemsPerSecond > 0) problems.push(`itemsPerSecond ${l.itemsPerSecond} while itemsScanned ${prev.itemsScanned} -> ${l.itemsScanned}`);
      }
      prev = l;
    }
    t.strictSame(problems, [], `${shape.table}: every line is well-formed and consistent with the one before`);
    const last = lines.at(-1)!;
    const docs = committedDocs(cap.lines, binding);
    t.strictSame(
      {
        segmentsDone: last.segmentsDone,
        itemsScanned: last.itemsScanned,
        snapshotDocs: last.snapshotDocs,
        streamDocs: last.streamDocs,
        droppedByGate: last.droppedByGate,
        backfillFinished: last.backfillFinished,
        shardsOpen: last.shardsOpen,
        shardsFinished: last.shardsFinished,
      },
      {
        segmentsDone: SEGMENTS,
        itemsScanned: items,
        snapshotDocs: docs.filter((d) => meta(d.doc).snapshot === true).length,
        streamDocs: docs.filter((d) => meta(d.doc).eventId !== undefined).length,
        droppedByGate: 0,
        backfillFinished: true,
        // The last line is logged once the capture stopped: no shard reader is left open.
        shardsOpen: 0,
        shardsFinished: 0,
      },
      `${shape.table}: the last line matches what was captured`,
    );
    t.equal(last.streamDocs, INSERTS[binding], `${shape.table}: one stream document per insert`);
    // While running: DynamoDB Local keeps one open shard per stream and never splits it.
    const streaming = lines.slice(0, -1).filter((l) => l.streamDocs > 0);
    t.ok(streaming.length > 0 && streaming.every((l) => l.shardsOpen === 1), `${shape.table}: one shard open while streaming (${streaming.length} lines)`);
    t.ok(last.streamLagSeconds !== undefined, `${shape.table}: the lag is reported once records were read`);
    // Every record was read and the shard has since been polled empty: no lag, however old the
    // newest record is (an idle table is caught up, not ever further behind).
    t.equal(lines.at(-2)!.streamLagSeconds, 0, `${shape.table}: a caught-up stream reports no lag`);
    t.equal(last.documentsOut, docs.length, `${shape.table}: documentsOut counts the documents written`);
    t.equal(last.documentsIn, last.snapshotDocs + last.streamDocs, `${shape.table}: documentsIn counts snapshot and stream documents`);
    if (binding === 0) {
      t.ok(lines.some((l) => l.itemsScanned > 0 && l.itemsScanned < items && l.itemsPerSecond > 0), `${shape.table}: lines during the backfill show it advancing`);
      t.ok(lines.some((l) => l.segmentsDone < SEGMENTS && !l.backfillFinished), `${shape.table}: and unfinished`);
    }
  }
});

async function waitFor(cond: () => boolean, what: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
