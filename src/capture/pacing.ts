// How long a stream reader waits before its next GetRecords. Every call is billed, even an empty
// one: an idle shard polled once a second costs 86,400 calls a day. Readers poll quickly while a
// shard is busy and back off exponentially once it has been idle for a while. The cap comes from
// advanced.idleBackoffMax (config.ts holds its default).
import { DEFAULT_IDLE_BACKOFF_MAX_MS } from '../config.js';

/** Wait after an empty read while the shard was recently busy: keeps latency under a second. */
export const ACTIVE_POLL_MS = 500;
/** Empty reads in a row before backing off (30 s of quick polling at ACTIVE_POLL_MS). */
export const EMPTY_READS_BEFORE_BACKOFF = 60;
/** First backoff wait; it doubles with every further empty read up to the cap. */
export const BACKOFF_START_MS = 2_000;

/** Delay before the next GetRecords given how many empty reads came in a row (0 = got records). */
export function pollDelay(emptyReadsInARow: number, idleBackoffMaxMs = DEFAULT_IDLE_BACKOFF_MAX_MS): number {
  if (emptyReadsInARow <= 0) return 0;
  if (emptyReadsInARow <= EMPTY_READS_BEFORE_BACKOFF) return Math.min(ACTIVE_POLL_MS, idleBackoffMaxMs);
  const doublings = Math.min(30, emptyReadsInARow - EMPTY_READS_BEFORE_BACKOFF - 1);
  return Math.min(idleBackoffMaxMs, BACKOFF_START_MS * 2 ** doublings);
}
