import t from 'tap';
import fc from 'fast-check';
import { ConvergenceGate } from '../../../src/capture/gate.js';
import { BloomFilter } from '../../../src/capture/bloom.js';

t.test('a key the stream emitted drops its backfill document; others are emitted', async (t) => {
  const g = new ConvergenceGate();
  g.streamEmitted('a');
  t.equal(g.check('a'), 'drop');
  t.equal(g.check('b'), 'emit');
  g.close();
  t.equal(g.check('a'), 'emit', 'after the backfill the gate lets everything through');
  g.streamEmitted('c');
  t.equal(g.stats.tracked, 1, 'nothing is tracked once closed');
});

t.test('past the exact budget, keys go to the Bloom filter and come back as recheck, never emit', async (t) => {
  const g = new ConvergenceGate(200, 12);
  const keys = Array.from({ length: 500 }, (_, i) => `key-${i}`);
  for (const k of keys) g.streamEmitted(k);
  let drops = 0;
  let rechecks = 0;
  for (const k of keys) {
    const v = g.check(k);
    t.not(v, 'emit', `touched key ${k} is never emitted from a stale scan`);
    if (v === 'drop') drops++;
    else rechecks++;
  }
  t.ok(drops > 0 && rechecks > 0, 'both tiers are used');
  t.ok(g.memoryBytes <= 200 + 2 ** 12 / 8, 'memory stays within budget plus the filter');
});

t.test('a re-read is dropped when the stream emits its key inside the window', async (t) => {
  const g = new ConvergenceGate(0, 10);
  g.streamEmitted('k');
  t.equal(g.check('k'), 'recheck');
  g.openWindow();
  t.notOk(g.touchedInWindow('k'));
  g.streamEmitted('k');
  t.ok(g.touchedInWindow('k'));
  g.closeWindow();
  g.openWindow();
  t.notOk(g.touchedInWindow('k'), 'a new window starts empty');
  g.closeWindow();
});

t.test('Bloom filter: no false negatives (property)', async (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string(), { maxLength: 300 }), (keys) => {
      const b = new BloomFilter(10);
      keys.forEach((k) => b.add(k));
      return keys.every((k) => b.has(k));
    }),
  );
  const b = new BloomFilter(16);
  for (let i = 0; i < 1000; i++) b.add(`in-${i}`);
  let fp = 0;
  for (let i = 0; i < 10000; i++) if (b.has(`out-${i}`)) fp++;
  t.ok(fp < 100, `false positive rate under 1% at ~65 bits per key (saw ${fp}/10000)`);
});
