// The k-way merge of sorted runs at drain: the least key among the run heads comes out next, and a
// key present in several runs is joined in run order (earlier runs hold earlier documents).
import { compareKeys } from './key.js';
import { joinGroups, type KeyGroup } from './key-group.js';
import { MinHeap } from './min-heap.js';
import type { SchemaIndex } from './schema-index.js';

interface Head {
  group: KeyGroup;
  source: number;
}

export function* mergeRuns(index: SchemaIndex, sources: Iterator<KeyGroup>[]): Generator<KeyGroup> {
  const heap = new MinHeap<Head>((a, b) => {
    const c = compareKeys(a.group.key, b.group.key);
    return c < 0 || (c === 0 && a.source < b.source);
  });
  const refill = (source: number): void => {
    const r = sources[source]!.next();
    if (!r.done) heap.push({ group: r.value, source });
  };
  try {
    for (let i = 0; i < sources.length; i++) refill(i);
    while (heap.size) {
      const first = heap.pop()!;
      const same = [first];
      refill(first.source);
      while (heap.size && compareKeys(heap.peek()!.group.key, first.group.key) === 0) {
        const next = heap.pop()!;
        same.push(next);
        refill(next.source);
      }
      yield same.length === 1 ? first.group : joinGroups(index, same.map((h) => h.group));
    }
  } finally {
    for (const s of sources) s.return?.();
  }
}
