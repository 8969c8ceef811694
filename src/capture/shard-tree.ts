// Shard lineage, as pure functions. A child shard is read only after its parent is read to the
// end; siblings run in parallel. Every listed shard is recorded in the state when first seen,
// before it is read, so a restart knows every shard the capture has seen and where it resumes.
// Changes are lost, and reported rather than skipped, when:
//   - an unfinished recorded shard vanished from the listing (trimmed before it was read to the end);
//   - a newly listed shard's parent is neither listed nor recorded, while the state holds a complete
//     record of earlier listings: the parent was created and trimmed between two listings (the
//     capture was down past the retention), unread. A finished parent that was pruned (finished,
//     then gone from the listing) cannot cause this: its children were listed, and so recorded,
//     while it was listed (a shard is trimmed 24 h after its children appear). Only at a fresh
//     capture's first sight is an unknown parent fine: it was trimmed before the capture began and
//     the backfill holds its changes. Such a child is a root, as is a shard listed as its own
//     parent (DynamoDB Local);
//   - a shard about to be read from TRIM_HORIZON is past the retention (stream-retention.ts).
import { pastRetention } from './stream-retention.js';

export interface ListedShard {
  shardId: string;
  parentShardId?: string;
  /** Present when the shard is closed (it has an ending sequence number). */
  endingSequenceNumber?: string;
}

export interface ShardProgress {
  lastReadSequence?: string;
  finishedReading?: boolean;
  /** While no lastReadSequence: every record older than this (RFC 3339) was read or is not needed. */
  readThroughAt?: string;
}

export type StartPosition = { type: 'TRIM_HORIZON' } | { type: 'AFTER_SEQUENCE_NUMBER'; sequence: string };

export interface ShardPlan {
  /** Shards whose readers may start now, with where to start. */
  start: { shardId: string; from: StartPosition }[];
  /** Finished shards no longer listed: their state entries can be removed. */
  prune: string[];
  /** Shards we had started reading (not finished) that are gone from the listing. */
  lost: string[];
  /** Shards listed for the first time, to record before any is read. */
  record: Record<string, ShardProgress>;
  /** Newly listed shards whose parent nobody saw: it was created and trimmed unread. */
  orphaned: { shardId: string; parentShardId: string }[];
  /** Shards due to start from TRIM_HORIZON whose readThroughAt is past the retention. */
  stale: { shardId: string; readThroughAt: string }[];
}

export interface PlanOptions {
  /** readThroughAt of shards first seen in this listing: the time before the previous listing. */
  newShardsFrom?: string;
  /** The state recorded every shard of the earlier listings, so an unknown parent was missed. */
  lineageRecorded?: boolean;
  /** The time, for the retention check of shards starting from TRIM_HORIZON (none without it). */
  now?: Date;
}

/**
 * Decides which shards to read next. `active` holds shards whose readers are running.
 * A shard listed as its own parent (seen with DynamoDB Local) is treated as a root.
 */
export function planShards(listing: readonly ListedShard[], recorded: Readonly<Record<string, ShardProgress>>, active: ReadonlySet<string>, opts: PlanOptions = {}): ShardPlan {
  const listed = new Map(listing.map((s) => [s.shardId, s]));
  const parentOf = (s: ListedShard): string | undefined => (s.parentShardId && s.parentShardId !== s.shardId ? s.parentShardId : undefined);
  const record: ShardPlan['record'] = {};
  const orphaned: ShardPlan['orphaned'] = [];
  for (const shard of listing) {
    if (recorded[shard.shardId] !== undefined) continue;
    const parent = parentOf(shard);
    // Judged against the state before this listing's pruning: a parent pruned now was recorded.
    if (opts.lineageRecorded && parent !== undefined && !listed.has(parent) && recorded[parent] === undefined) {
      orphaned.push({ shardId: shard.shardId, parentShardId: parent });
      continue;
    }
    record[shard.shardId] = opts.newShardsFrom !== undefined ? { readThroughAt: opts.newShardsFrom } : {};
  }
  const progress: Readonly<Record<string, ShardProgress>> = { ...recorded, ...record };
  const isFinished = (id: string): boolean => progress[id]?.finishedReading === true;
  const start: ShardPlan['start'] = [];
  const stale: ShardPlan['stale'] = [];
  for (const shard of listing) {
    const id = shard.shardId;
    if (active.has(id) || isFinished(id) || progress[id] === undefined) continue;
    const parent = parentOf(shard);
    // The parent gates the child while it is listed and unfinished; an unlisted parent with
    // unfinished progress is reported as lost below, and its children wait.
    if (parent !== undefined && !isFinished(parent) && (listed.has(parent) || progress[parent] !== undefined)) continue;
    const p = progress[id]!;
    if (p.lastReadSequence) {
      start.push({ shardId: id, from: { type: 'AFTER_SEQUENCE_NUMBER', sequence: p.lastReadSequence } });
      continue;
    }
    if (opts.now !== undefined && p.readThroughAt !== undefined && pastRetention(p.readThroughAt, opts.now)) {
      stale.push({ shardId: id, readThroughAt: p.readThroughAt });
      continue;
    }
    start.push({ shardId: id, from: { type: 'TRIM_HORIZON' } });
  }
  const prune: string[] = [];
  const lost: string[] = [];
  for (const [id, p] of Object.entries(recorded)) {
    if (listed.has(id)) continue;
    if (p.finishedReading) prune.push(id);
    else lost.push(id);
  }
  return { start, prune, lost, record, orphaned, stale };
}

/** At first sight of a stream, closed shards hold only changes older than the backfill. */
export function closedAtFirstSight(listing: readonly ListedShard[]): string[] {
  return listing.filter((s) => s.endingSequenceNumber !== undefined).map((s) => s.shardId);
}

/**
 * Every shard of a fresh capture's first listing, as recorded: closed shards are finished; open
 * shards are read from TRIM_HORIZON and need nothing older than `listedAt` (the time before the
 * listing, RFC 3339), since the backfill starts after it.
 */
export function firstSightShards(listing: readonly ListedShard[], listedAt: string): Record<string, ShardProgress> {
  const closed = new Set(closedAtFirstSight(listing));
  const out: Record<string, ShardProgress> = {};
  for (const s of listing) out[s.shardId] = closed.has(s.shardId) ? { finishedReading: true } : { readThroughAt: listedAt };
  return out;
}

/** Sequence numbers are 21-40 digit decimal strings: compare them as BigInt. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
