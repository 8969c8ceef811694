import t, { type Test } from 'tap';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRun, writeRun } from '../../../src/reduce/spill.js';
import { Combiner } from '../../../src/reduce/combiner.js';
import type { KeyGroup } from '../../../src/reduce/key-group.js';
import { parseJson } from '../../../src/json/parse.js';
import { stringify } from '../../../src/json/stringify.js';
import type { JsonObject } from '../../../src/json/value.js';
import { canonicalText } from '../../../src/reduce/order.js';
import { richDoc, richSchema } from './fixtures/rich.js';
import { combine, drainAll, texts } from './fixtures/combine.js';

const doc = (text: string): JsonObject => parseJson(text) as JsonObject;

function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'reduce-spill-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a run reads back as written: exact numbers, own __proto__ properties, front documents, multi-byte text across chunks', async (t) => {
  const dir = scratch(t);
  const big = doc('{"k":12345678901234567890123456789012345678,"v":1.000000000000000000000000000000000001,"__proto__":{"x":1e-130}}');
  const groups: KeyGroup[] = [
    { key: [parseJson('12345678901234567890123456789012345678')], id: 'a', docs: [big, doc('{"k":1}')] },
    { key: ['s'], id: 'b', front: doc('{"k":"s","stored":true}'), docs: [] },
    { key: ['t'], id: 'c', docs: [{ k: 't', long: '\u00e9\ud83d\ude00'.repeat(50_000) }] },
  ];
  const file = join(dir, 'run.ndjson');
  t.ok(writeRun(file, groups) > 0);
  const back = [...readRun(file)];
  t.same(back.map((g) => stringify([g.key as never, g.front ?? null, g.docs])), groups.map((g) => stringify([g.key as never, g.front ?? null, g.docs])));
  t.equal(back[0]!.id, '[12345678901234567890123456789012345678]', 'identities are recomputed');
  t.ok(Object.hasOwn(back[0]!.docs[0]!, '__proto__'));
  t.throws(() => writeRun(file, groups), { code: 'IO' }, 'never overwrites');
});

t.test('a tiny budget spills, and drains the same documents as memory would; files are removed', async (t) => {
  const spillDir = scratch(t);
  const schema = { reduce: { strategy: 'merge' }, properties: { n: { reduce: { strategy: 'sum' } } } };
  const docs = ['{"k":3,"n":1}', '{"k":1,"n":99999999999999999999999999999999999999}', '{"k":3,"n":2}', '{"k":2,"n":1}', '{"k":1,"n":1}'].map(doc);
  const c = new Combiner({ schema, keyPointers: ['/k'], mode: 'partial', memoryBudgetBytes: 1, spillDir });
  for (const d of docs) c.add(d);
  t.ok(c.spilled);
  t.equal(c.stats.spilledRuns, 5);
  t.equal(readdirSync(spillDir).length, 1, 'one folder per transaction');
  const want = ['{"k":1,"n":100000000000000000000000000000000000000}', '{"k":2,"n":1}', '{"k":3,"n":3}'];
  t.same((await drainAll(c)).map((d) => stringify(d.doc)), want);
  t.same(readdirSync(spillDir), [], 'spill files removed after the drain');
  t.equal(c.spilled, false);
  for (const d of docs) c.add(d);
  t.ok(c.spilled);
  t.same([...c.drainSync()].map((d) => stringify(d.doc)), want, 'drainSync reads spilled runs too');
  t.same(readdirSync(spillDir), []);
});

t.test('a drain abandoned early, or never read, leaves nothing behind once closed', async (t) => {
  const spillDir = scratch(t);
  const c = new Combiner({ schema: {}, keyPointers: ['/k'], mode: 'full', memoryBudgetBytes: 1, spillDir });
  for (let i = 0; i < 5; i++) c.add({ k: i });
  for await (const d of c.drain()) {
    t.same(d.key, [0]);
    break;
  }
  t.same(readdirSync(spillDir), [], 'break runs the cleanup');
  for (let i = 0; i < 5; i++) c.add({ k: i });
  c.drain(); // never read
  c.add({ k: 1 });
  c.add({ k: 2 });
  t.ok(readdirSync(spillDir).length > 0);
  c.close();
  t.same(readdirSync(spillDir), []);
});

t.test('property: any budget gives the output of an unbounded combiner', async (t) => {
  const spillDir = scratch(t);
  await fc.assert(
    fc.asyncProperty(fc.array(richDoc, { maxLength: 40 }), fc.integer({ min: 1, max: 6000 }), fc.constantFrom('partial' as const, 'full' as const), async (docs, budget, mode) => {
      const memory = await combine({ schema: richSchema, keyPointers: ['/k'], mode }, docs);
      const tiny = await combine({ schema: richSchema, keyPointers: ['/k'], mode, memoryBudgetBytes: 1, spillDir }, docs);
      const some = await combine({ schema: richSchema, keyPointers: ['/k'], mode, memoryBudgetBytes: budget, spillDir }, docs);
      // Spilling after every document repeats memory's steps exactly. Larger runs may join
      // non-associative segments differently in partial mode, which a full reduction resolves.
      const fully = async (out: typeof memory): Promise<string[]> => (mode === 'full' ? texts(out) : texts(await combine({ schema: richSchema, keyPointers: ['/k'], mode: 'full' }, out.map((d) => d.doc))));
      return canonicalText(texts(tiny)) === canonicalText(texts(memory)) && canonicalText(await fully(some)) === canonicalText(await fully(memory));
    }),
    { numRuns: 100 },
  );
  t.same(readdirSync(spillDir), []);
});
