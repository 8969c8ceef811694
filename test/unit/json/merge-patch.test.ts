import t from 'tap';
import fc from 'fast-check';
import { applyMergePatch } from '../../../src/json/merge-patch.js';
import { getAt, parsePointer, formatPointer } from '../../../src/json/pointer.js';
import { stringify } from '../../../src/json/stringify.js';
import { parseJson } from '../../../src/json/parse.js';
import type { Json } from '../../../src/json/value.js';

t.test('RFC 7396 examples', async (t) => {
  const cases: [Json, Json, Json][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) t.same(applyMergePatch(target, patch), want);
});

t.test('a merge patch is idempotent: applying it twice equals applying it once', async (t) => {
  const leaf = fc.oneof(fc.integer(), fc.constant(null), fc.string());
  const obj = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(leaf, fc.dictionary(fc.constantFrom('x', 'y'), leaf)));
  fc.assert(
    fc.property(obj, obj, (target, patch) => {
      const once = applyMergePatch(target as Json, patch as Json);
      return JSON.stringify(applyMergePatch(once, patch as Json)) === JSON.stringify(once);
    }),
  );
  t.pass('property held');
});

t.test('pointers', async (t) => {
  t.same(parsePointer('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
  t.equal(formatPointer(['a/b', 'c~d']), '/a~1b/c~0d');
  t.equal(getAt({ a: [{ b: 1 }] }, parsePointer('/a/0/b')), 1);
  t.equal(getAt({ a: [] }, parsePointer('/a/x')), undefined);
  t.throws(() => parsePointer('a'));
});

t.test('lossless parse and stringify round trip exact numbers', async (t) => {
  const text = '{"big":123456789012345678901234567890.12345678,"k":9007199254740993,"e":1e-130,"s":"x\\"y","a":[true,null,-0.5]}';
  t.equal(stringify(parseJson(text)), text);
  t.throws(() => stringify(NaN));
});
