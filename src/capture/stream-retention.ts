// When a shard read from TRIM_HORIZON may have lost records to the stream's retention.
//
// DynamoDB drops stream records 24 h after they were written. For a shard with a lastReadSequence
// a loss is loud by itself: GetShardIterator AFTER_SEQUENCE_NUMBER of a trimmed record fails with
// TrimmedDataAccessException. TRIM_HORIZON never fails, it silently starts at whatever is left, so
// a shard without a lastReadSequence needs its own proof. It carries `readThroughAt` (RFC 3339):
// every record of this shard older than that time has been read, or is not needed.
//   - An open shard at a fresh capture's first sight: the time before that listing. The backfill
//     starts after it, so it holds every change older than that.
//   - A shard first seen later (a child): the time before the previous listing that did not show
//     it (`shardsListedAt` in the state carries it across restarts). The shard did not exist then,
//     so all its records are newer.
//   - While such a shard is polled empty, the time before an empty poll, once the shard is idle
//     (an empty page alone proves nothing: AWS says it may take several calls to reach the part
//     of a shard that holds records). Recorded only every READ_THROUGH_REFRESH_MS.
// Records newer than readThroughAt are still in the shard while readThroughAt is younger than the
// retention: so reading from TRIM_HORIZON loses nothing then, and may have lost records otherwise.
// The times are this host's clock throughout, so only its drift between runs matters (the margin),
// and they are cut to whole seconds (table-state.ts rfc3339), which keeps a lower bound one.
import { EMPTY_READS_BEFORE_BACKOFF } from './pacing.js';
import { rfc3339 } from './table-state.js';

/** DynamoDB Streams keeps records for 24 hours, then trims them (PROTOCOL.md §4). */
export const STREAM_RETENTION_MS = 24 * 3_600_000;
/**
 * Loss is assumed this long before the retention ends: covers records that reach the stream a
 * little after they were written (so an empty poll missed them), this host's clock drifting or
 * being reset between runs, and DynamoDB trimming a little early. An outage this close to 24 h is
 * better re-backfilled than trusted.
 */
export const RETENTION_SAFETY_MARGIN_MS = 3_600_000;
/**
 * How rarely a recorded time moves forward without other news (an idle shard's readThroughAt, the
 * binding's shardsListedAt): one small checkpoint per idle shard an hour instead of one per poll.
 * A bound is at most this much older than the truth, so a restart may report a loss for an outage
 * of at least 24 h - margin - this (22 h), never miss one.
 */
export const READ_THROUGH_REFRESH_MS = 3_600_000;
/** Empty reads in a row after which a shard counts as idle (pacing.ts backs off from there). */
export const EMPTY_READS_BEFORE_REFRESH = EMPTY_READS_BEFORE_BACKOFF;

/** True when records newer than `readThroughAt` may already be trimmed at `now`. */
export function pastRetention(readThroughAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(readThroughAt) > STREAM_RETENTION_MS - RETENTION_SAFETY_MARGIN_MS;
}

/**
 * A new readThroughAt to checkpoint after an empty read of an open shard that has none of its
 * records read yet, or undefined: only once the shard is idle, and at most once per refresh period.
 * `polledAt` is the time before the empty GetRecords was sent, so it is a lower bound.
 */
export function refreshedReadThrough(recorded: string | undefined, polledAt: Date, emptyReadsInARow: number): string | undefined {
  if (emptyReadsInARow < EMPTY_READS_BEFORE_REFRESH) return undefined;
  if (recorded !== undefined && polledAt.getTime() - Date.parse(recorded) < READ_THROUGH_REFRESH_MS) return undefined;
  return rfc3339(polledAt);
}

/** True when the binding's shardsListedAt is due to move forward to a listing at `listedAt`. */
export function listingTimeDue(recorded: string | undefined, listedAt: Date): boolean {
  return recorded === undefined || listedAt.getTime() - Date.parse(recorded) >= READ_THROUGH_REFRESH_MS;
}
