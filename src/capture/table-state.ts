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
  };
}

/** RFC 3339 with whole seconds, as the state and documents use. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
