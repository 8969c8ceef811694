import t from 'tap';
import { ACTIVE_POLL_MS, BACKOFF_START_MS, EMPTY_READS_BEFORE_BACKOFF, pollDelay } from '../../../src/capture/pacing.js';
import { TokenBucket } from '../../../src/capture/token-bucket.js';

t.test('poll delay: none after records, quick while recently busy, then doubling to the cap', async (t) => {
  t.equal(pollDelay(0), 0);
  t.equal(pollDelay(1), ACTIVE_POLL_MS);
  t.equal(pollDelay(EMPTY_READS_BEFORE_BACKOFF), ACTIVE_POLL_MS);
  t.equal(pollDelay(EMPTY_READS_BEFORE_BACKOFF + 1), BACKOFF_START_MS);
  t.equal(pollDelay(EMPTY_READS_BEFORE_BACKOFF + 2), BACKOFF_START_MS * 2);
  t.equal(pollDelay(EMPTY_READS_BEFORE_BACKOFF + 50, 30_000), 30_000);
  let prev = 0;
  for (let n = 1; n < 200; n++) {
    const d = pollDelay(n, 60_000);
    t.ok(d >= prev, 'never shrinks while idle');
    prev = d;
  }
  const perDay = 86_400_000 / pollDelay(10_000, 10_000);
  t.ok(perDay < 86_400 / 5, `an idle shard costs ${perDay} calls a day, far fewer than polling each second`);
});

t.test('token bucket paces consumption to the rate', async (t) => {
  let now = 0;
  const b = new TokenBucket(100, () => now);
  t.equal(b.waitMs(), 0, 'a full bucket starts at once');
  b.charge(250);
  const w = b.waitMs();
  t.ok(w >= 1500 && w <= 1510, `owes 150 units at 100/s: ~1.5 s (got ${w})`);
  now += w;
  t.equal(b.waitMs(), 0);
  const unlimited = new TokenBucket(0, () => now);
  unlimited.charge(1e9);
  t.equal(unlimited.waitMs(), 0, 'rate 0 means unlimited');
});
