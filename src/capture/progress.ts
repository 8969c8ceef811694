// Periodic progress lines per binding: backfill segments, items, documents, rates, shards, lag.
import type { TableContext } from './context.js';

export interface ProgressSnapshot {
  binding: number;
  table: string;
  segmentsDone: number;
  segmentsTotal: number;
  itemsScanned: number;
  snapshotDocs: number;
  streamDocs: number;
  droppedByGate: number;
  /** Documents into the per-transaction combiner, and out of it (one per key per transaction). */
  documentsIn: number;
  documentsOut: number;
  itemsPerSecond: number;
  shardsOpen: number;
  shardsFinished: number;
  backfillFinished: boolean;
  /**
   * Seconds between now and the newest record read on the open shard furthest behind; 0 once every
   * open shard has been read to its end; undefined before the first record.
   */
  streamLagSeconds?: number;
}

export function snapshot(ctx: TableContext, sinceItems: number, sinceMs: number, nowMs: number): ProgressSnapshot {
  const s = ctx.stats;
  const elapsed = Math.max(1, nowMs - sinceMs) / 1000;
  const out: ProgressSnapshot = {
    binding: ctx.binding,
    table: ctx.table,
    segmentsDone: s.segmentsDone,
    segmentsTotal: ctx.state.totalBackfillSegments ?? ctx.settings.backfillSegments,
    itemsScanned: s.itemsScanned,
    snapshotDocs: s.snapshotDocs,
    streamDocs: s.streamDocs,
    droppedByGate: s.droppedByGate,
    documentsIn: ctx.output.stats.perBinding.get(ctx.binding)?.in ?? 0,
    documentsOut: ctx.output.stats.perBinding.get(ctx.binding)?.out ?? 0,
    itemsPerSecond: Math.round((s.itemsScanned - sinceItems) / elapsed),
    shardsOpen: s.shardsOpen,
    shardsFinished: s.shardsFinished,
    backfillFinished: ctx.state.backfillFinishedAt !== undefined,
  };
  // A drained stream is caught up, however old its newest record: an idle table is not "behind".
  if (s.newestRecordMs !== undefined) {
    const behind = s.behindMs.size > 0 ? Math.min(...s.behindMs.values()) : nowMs;
    out.streamLagSeconds = Math.max(0, Math.round((nowMs - behind) / 1000));
  }
  return out;
}

/** Starts logging every `intervalMs`; returns a function that stops it and logs a last line. */
export function startProgress(tables: readonly TableContext[], intervalMs: number, now: () => number = Date.now): () => void {
  if (intervalMs <= 0 || tables.length === 0) return () => undefined;
  let lastMs = now();
  let lastItems = tables.map((t) => t.stats.itemsScanned);
  const tick = (): void => {
    const t = now();
    tables.forEach((ctx, i) => ctx.log.info('progress', { ...snapshot(ctx, lastItems[i] ?? 0, lastMs, t) }));
    lastMs = t;
    lastItems = tables.map((c) => c.stats.itemsScanned);
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    tick();
  };
}
