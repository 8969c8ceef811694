// Shard lineage, as pure functions. A child shard is read only after its parent is read to the
// end; siblings run in parallel. A parent missing from the listing was trimmed (or finished and
// pruned), so its child is a root. An unfinished shard we were reading that vanished from the
// listing means lost data, and is reported rather than skipped.

export interface ListedShard {
  shardId: string;
  parentShardId?: string;
  /** Present when the shard is closed (it has an ending sequence number). */
  endingSequenceNumber?: string;
}

export interface ShardProgress {
  lastReadSequence?: string;
  finishedReading?: boolean;
}

export type StartPosition = { type: 'TRIM_HORIZON' } | { type: 'AFTER_SEQUENCE_NUMBER'; sequence: string };

export interface ShardPlan {
  /** Shards whose readers may start now, with where to start. */
  start: { shardId: string; from: StartPosition }[];
  /** Finished shards no longer listed: their state entries can be removed. */
  prune: string[];
  /** Shards we had started reading (not finished) that are gone from the listing. */
  lost: string[];
}

/**
 * Decides which shards to read next. `active` holds shards whose readers are running.
 * A shard listed as its own parent (seen with DynamoDB Local) is treated as a root.
 */
export function planShards(listing: readonly ListedShard[], progress: Readonly<Record<string, ShardProgress>>, active: ReadonlySet<string>): ShardPlan {
  const listed = new Map(listing.map((s) => [s.shardId, s]));
  const isFinished = (id: string): boolean => progress[id]?.finishedReading === true;
  const start: ShardPlan['start'] = [];
  for (const shard of listing) {
    const id = shard.shardId;
    if (active.has(id) || isFinished(id)) continue;
    const parent = shard.parentShardId && shard.parentShardId !== id ? shard.parentShardId : undefined;
    // The parent gates the child while it is listed and unfinished; an unlisted parent with
    // unfinished progress is reported as lost below, and its children wait.
    if (parent !== undefined && !isFinished(parent) && (listed.has(parent) || progress[parent] !== undefined)) continue;
    const seq = progress[id]?.lastReadSequence;
    start.push({ shardId: id, from: seq ? { type: 'AFTER_SEQUENCE_NUMBER', sequence: seq } : { type: 'TRIM_HORIZON' } });
  }
  const prune: string[] = [];
  const lost: string[] = [];
  for (const [id, p] of Object.entries(progress)) {
    if (listed.has(id)) continue;
    if (p.finishedReading) prune.push(id);
    else lost.push(id);
  }
  return { start, prune, lost };
}

/** At first sight of a stream, closed shards hold only changes older than the backfill. */
export function closedAtFirstSight(listing: readonly ListedShard[]): string[] {
  return listing.filter((s) => s.endingSequenceNumber !== undefined).map((s) => s.shardId);
}

/** Sequence numbers are 21-40 digit decimal strings: compare them as BigInt. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
