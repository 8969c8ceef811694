// Progress lines per binding: what each field reports, computed from the table's counters.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { newStats, type TableContext } from '../../../src/capture/context.js';
import { snapshot, startProgress } from '../../../src/capture/progress.js';
import { tableStateFrom } from '../../../src/capture/table-state.js';
import { createLogger } from '../../../src/log.js';

function fakeTable(binding: number, table: string, logs: string[], state: unknown = {}): TableContext {
  return {
    binding,
    table,
    state: tableStateFrom(state),
    settings: { backfillSegments: 8, idleBackoffMaxMs: 1000, relistIntervalMs: 1000, scanWorkers: 2, progressIntervalMs: 10 },
    stats: newStats(0),
    log: createLogger((l) => logs.push(l)),
    output: { stats: { perBinding: new Map([[binding, { in: 7, out: 5 }]]) } },
  } as unknown as TableContext;
}

t.test('snapshot: counters, totals from state, rate over the interval, lag from the newest record', async (t) => {
  const ctx = fakeTable(2, 'orders', [], { totalBackfillSegments: 5 });
  Object.assign(ctx.stats, { itemsScanned: 1500, snapshotDocs: 1400, streamDocs: 30, droppedByGate: 100, segmentsDone: 3, shardsOpen: 2, shardsFinished: 1 });
  const s = snapshot(ctx, 500, 10_000, 14_000);
  t.strictSame(s, {
    binding: 2,
    table: 'orders',
    segmentsDone: 3,
    segmentsTotal: 5,
    itemsScanned: 1500,
    snapshotDocs: 1400,
    streamDocs: 30,
    droppedByGate: 100,
    documentsIn: 7,
    documentsOut: 5,
    itemsPerSecond: 250,
    shardsOpen: 2,
    shardsFinished: 1,
    backfillFinished: false,
  });
  t.notOk('streamLagSeconds' in s, 'no lag before the first stream record');
  // Two open shards read behind their ends: the lag is that of the one furthest behind.
  ctx.stats.newestRecordMs = 9_000;
  ctx.stats.behindMs.set('s1', 7_000).set('s2', 9_000);
  t.equal(snapshot(ctx, 1500, 14_000, 19_400).streamLagSeconds, 12, 'seconds since the newest record read on the shard furthest behind, rounded');
  t.equal(snapshot(ctx, 1500, 14_000, 19_400).itemsPerSecond, 0, 'nothing scanned since the last line');
  ctx.stats.behindMs.delete('s1');
  t.equal(snapshot(ctx, 1500, 14_000, 19_400).streamLagSeconds, 10, 'a shard read to its end no longer counts');
  ctx.stats.behindMs.clear();
  t.equal(snapshot(ctx, 1500, 14_000, 19_400).streamLagSeconds, 0, 'every shard read to its end: caught up, however old the newest record');
  ctx.stats.behindMs.set('s2', 30_000);
  t.equal(snapshot(ctx, 1500, 14_000, 19_400).streamLagSeconds, 0, 'clock skew never gives a negative lag');
});

t.test('snapshot: segments total from settings before first sight; finished once recorded', async (t) => {
  const ctx = fakeTable(0, 't', []);
  t.equal(snapshot(ctx, 0, 0, 0).segmentsTotal, 8);
  ctx.state.backfillFinishedAt = '2024-05-01T00:00:00Z';
  t.equal(snapshot(ctx, 0, 0, 0).backfillFinished, true);
  t.equal(snapshot(ctx, 0, 5, 5).itemsPerSecond, 0, 'a zero-length interval does not divide by zero');
});

t.test('startProgress logs one line per binding each interval and a last one at stop', async (t) => {
  const logs: string[] = [];
  const a = fakeTable(0, 'a', logs);
  const b = fakeTable(1, 'b', logs);
  let clock = 1_000;
  const stop = startProgress([a, b], 10, () => clock);
  a.stats.itemsScanned = 300;
  clock = 3_000;
  await sleep(40);
  stop();
  const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'progress');
  t.ok(lines.length >= 4, `periodic lines and the last ones (${lines.length})`);
  t.equal(lines.length % 2, 0, 'every tick logs each binding');
  t.strictSame(lines.slice(-2).map((l) => [l.binding, l.table]), [
    [0, 'a'],
    [1, 'b'],
  ]);
  const firstA = lines.find((l) => l.table === 'a')!;
  t.equal(firstA.itemsPerSecond, 150, '300 items over 2 s');
  t.equal(firstA.level, 'info');
  const n = logs.length;
  await sleep(40);
  t.equal(logs.length, n, 'nothing after stop');
});

t.test('startProgress with interval 0 or no tables does nothing', async (t) => {
  const logs: string[] = [];
  startProgress([fakeTable(0, 'a', logs)], 0)();
  startProgress([], 10)();
  t.strictSame(logs, []);
});
