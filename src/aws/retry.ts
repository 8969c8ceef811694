// Jittered exponential backoff with bounded attempts for throttling and transient faults.
import { AwsCallError, classify, isRetryable } from './classify.js';

/** Attempts before giving up on one request; ~1 min of backoff in all, then the error is surfaced. */
export const MAX_ATTEMPTS = 10;
/** First backoff; AWS recommends starting around 50-100 ms for DynamoDB. */
export const BASE_DELAY_MS = 100;
/** Cap for a single wait, so a long throttle still polls about every 10 s. */
export const MAX_DELAY_MS = 10_000;

export interface RetryOptions {
  maxAttempts?: number;
  /** First backoff ceiling and the cap of one wait (tests shrink them; defaults above). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** "Full jitter" backoff: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = BASE_DELAY_MS, capMs = MAX_DELAY_MS): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const max = opts.maxAttempts ?? MAX_ATTEMPTS;
  const wait = opts.sleep ?? ((ms: number) => sleep(ms, opts.signal));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const cls = classify(err);
      if (!isRetryable(cls) || attempt + 1 >= max || opts.signal?.aborted) {
        if (err instanceof AwsCallError && isRetryable(cls)) err.message += ` (gave up after ${attempt + 1} attempts)`;
        throw err;
      }
      const delay = backoffDelay(attempt, opts.random, opts.baseDelayMs, opts.maxDelayMs);
      opts.onRetry?.(err, attempt + 1, delay);
      await wait(delay);
    }
  }
}
