import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimit } from '../../../src/discover/map-limit.js';

t.test('results come back in input order with at most `limit` calls in flight', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const items = Array.from({ length: 37 }, (_, i) => i);
  const out = await mapLimit(items, 10, async (n) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await sleep((n * 7) % 5);
    inFlight--;
    return n * 2;
  });
  t.same(out, items.map((n) => n * 2));
  t.equal(peak, 10);
});

t.test('an empty list needs no call', async (t) => {
  t.same(await mapLimit([], 3, () => Promise.reject(new Error('never'))), []);
});

t.test('a failure rejects and stops new calls', async (t) => {
  const started: number[] = [];
  await t.rejects(
    mapLimit([0, 1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
      started.push(n);
      await sleep(1);
      if (n === 1) throw new Error('boom');
      return n;
    }),
    { message: 'boom' },
  );
  await sleep(20);
  t.ok(started.length <= 3, `started ${started.join(',')}`);
});

t.test('a limit below 1 is a bug', async (t) => {
  await t.rejects(mapLimit([1], 0, async (n) => n), RangeError);
});
