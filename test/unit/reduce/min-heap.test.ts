import t from 'tap';
import fc from 'fast-check';
import { MinHeap } from '../../../src/reduce/min-heap.js';

t.test('pops in order', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer()), (xs) => {
      const h = new MinHeap<number>((a, b) => a < b);
      for (const x of xs) h.push(x);
      const out: number[] = [];
      while (h.size) out.push(h.pop()!);
      return JSON.stringify(out) === JSON.stringify([...xs].sort((a, b) => a - b));
    }),
  );
  t.equal(new MinHeap<number>((a, b) => a < b).pop(), undefined);
});
