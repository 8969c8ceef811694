// Backoff and retry rules: full jitter within bounds, bounded attempts, only retryable classes
// retried, the same call repeated, waits cut short by the stop signal.
import t from 'tap';
import { AwsCallError, classify } from '../../../src/aws/classify.js';
import { BASE_DELAY_MS, MAX_ATTEMPTS, MAX_DELAY_MS, backoffDelay, withRetry } from '../../../src/aws/retry.js';

const throttled = (): AwsCallError => new AwsCallError('ProvisionedThroughputExceededException', 'Scan: slow down', 400, 'Scan');

t.test('full jitter: uniform in [0, min(cap, base·2^attempt)]', async (t) => {
  t.equal(backoffDelay(0, () => 0), 0);
  t.equal(backoffDelay(0, () => 0.999999), BASE_DELAY_MS);
  t.equal(backoffDelay(3, () => 0.999999), BASE_DELAY_MS * 8);
  t.equal(backoffDelay(30, () => 0.999999), MAX_DELAY_MS, 'capped');
  t.equal(backoffDelay(4, () => 0.999999, 2, 20), 20, 'tests can shrink base and cap');
  t.equal(backoffDelay(2, () => 0.5, 2, 20), 4);
  const draws = Array.from({ length: 2000 }, () => backoffDelay(6));
  t.ok(draws.every((d) => d >= 0 && d <= BASE_DELAY_MS * 64), 'every draw within the ceiling');
  t.ok(new Set(draws).size > 500, 'the waits are spread out (jitter), not one fixed delay');
});

t.test('a retryable failure is retried with the same call until it succeeds', async (t) => {
  let calls = 0;
  const waits: number[] = [];
  const attempts: number[] = [];
  const out = await withRetry(
    async () => {
      if (++calls < 3) throw throttled();
      return 'page';
    },
    { sleep: async (ms) => void waits.push(ms), random: () => 1, baseDelayMs: 5, maxDelayMs: 100, onRetry: (_e, a) => attempts.push(a) },
  );
  t.equal(out, 'page');
  t.equal(calls, 3);
  t.same(waits, [5, 10], 'backoff doubles');
  t.same(attempts, [1, 2]);
});

t.test('attempts are bounded; the error says so', async (t) => {
  let calls = 0;
  const err = await withRetry(
    async () => {
      calls++;
      throw throttled();
    },
    { sleep: async () => undefined, maxAttempts: 4 },
  ).catch((e: unknown) => e as AwsCallError);
  t.equal(calls, 4);
  t.match(err.message, /gave up after 4 attempts/);
  t.equal(classify(err), 'throttled', 'still classified by name');
  calls = 0;
  await withRetry(
    async () => {
      calls++;
      throw new AwsCallError('InternalServerError', 'x', 500, 'Scan');
    },
    { sleep: async () => undefined },
  ).catch(() => undefined);
  t.equal(calls, MAX_ATTEMPTS, 'the default bound');
});

t.test('non-retryable failures are thrown at once', async (t) => {
  for (const name of ['AccessDeniedException', 'ResourceNotFoundException', 'TrimmedDataAccessException', 'ExpiredIteratorException', 'ValidationException']) {
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        throw new AwsCallError(name, name, 400, 'GetRecords');
      },
      { sleep: async () => undefined },
    ).catch(() => undefined);
    t.equal(calls, 1, name);
  }
});

t.test('an aborted signal ends the retries', async (t) => {
  const ac = new AbortController();
  let calls = 0;
  await withRetry(
    async () => {
      calls++;
      ac.abort();
      throw throttled();
    },
    { signal: ac.signal },
  ).catch(() => undefined);
  t.equal(calls, 1);
});

t.test('classification by name, network code and status', async (t) => {
  const cases: [unknown, string][] = [
    [new AwsCallError('ProvisionedThroughputExceededException', '', 400, 'Scan'), 'throttled'],
    [new AwsCallError('ThrottlingException', '', 400, 'Scan'), 'throttled'],
    [new AwsCallError('LimitExceededException', '', 400, 'DescribeStream'), 'throttled'],
    [new AwsCallError('InternalServerError', '', 500, 'Scan'), 'transient'],
    [new AwsCallError('HTTP503', '', 503, 'Scan'), 'transient'],
    [new AwsCallError('HTTP429', '', 429, 'Scan'), 'throttled'],
    [new AwsCallError('MalformedResponse', '', 200, 'Scan'), 'transient'],
    [new AwsCallError('NetworkError', '', undefined, 'Scan', 'ECONNRESET'), 'transient'],
    [new AwsCallError('NetworkError', '', 200, 'Scan', 'UND_ERR_BODY_TIMEOUT'), 'transient'],
    [new AwsCallError('NetworkError', '', undefined, 'Scan', 'UND_ERR_HEADERS_TIMEOUT'), 'transient'],
    [new AwsCallError('ExpiredIteratorException', '', 400, 'GetRecords'), 'expired-iterator'],
    [new AwsCallError('TrimmedDataAccessException', '', 400, 'GetRecords'), 'trimmed'],
    [new AwsCallError('ResourceNotFoundException', '', 400, 'Scan'), 'not-found'],
    [new AwsCallError('AccessDeniedException', '', 400, 'Scan'), 'auth'],
    [new AwsCallError('UnrecognizedClientException', '', 400, 'Scan'), 'auth'],
    [new AwsCallError('HTTP403', '', 403, 'Scan'), 'auth'],
  ];
  for (const [e, cls] of cases) t.equal(classify(e), cls, (e as AwsCallError).errorName);
});
