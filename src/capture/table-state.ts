// The in-memory state of one binding, kept equal to what its committed checkpoints describe.
import { GO_ZERO_TIME } from '../config.js';
import type { ShardProgress } from './shard-tree.js';

export interface SegmentProgress {
  exclusiveStartKey?: string;
  finishedAt?: string;
}

export interface TableState {
  totalBackfillSegments?: number;
  streamArn?: string;
  backfillSegmentProgress: Record<string, SegmentProgress>;
  backfillFinishedAt?: string;
  shards: Record<string, ShardProgress>;
  /**
   * Every shard listed at this time (RFC 3339, taken before the listing) is in `shards` or was
   * finished and pruned: a shard first seen later was created after it (stream-retention.ts).
   * Absent in states written before shards were recorded at first sight.
   */
  shardsListedAt?: string;
}

export function isSegmentFinished(p: SegmentProgress | undefined): boolean {
  return p?.finishedAt !== undefined && p.finishedAt !== GO_ZERO_TIME;
}

export function tableStateFrom(raw: unknown): TableState {
  const r = (raw ?? {}) as Partial<TableState>;
  return {
    totalBackfillSegments: r.totalBackfillSegments,
    streamArn: r.streamArn,
    backfillSegmentProgress: { ...(r.backfillSegmentProgress ?? {}) },
    backfillFinishedAt: r.backfillFinishedAt,
    shards: { ...(r.shards ?? {}) },
    ...(r.shardsListedAt !== undefined ? { shardsListedAt: r.shardsListedAt } : {}),
  };
}

/** Applies a shard's merge patch (null removes a field) to the in-memory state. */
export function patchShard(st: TableState, shardId: string, patch: Readonly<Record<string, string | boolean | null>>): void {
  const next: Record<string, unknown> = { ...st.shards[shardId] };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  st.shards[shardId] = next as ShardProgress;
}

/** RFC 3339 with whole seconds, as the state and documents use. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
