import t from 'tap';
import fc from 'fast-check';
import { canonicalText, compareAtPointers, compareCodePoints, compareJson } from '../../../src/reduce/order.js';
import { parseJson } from '../../../src/json/parse.js';
import { parsePointer } from '../../../src/json/pointer.js';
import type { Json } from '../../../src/json/value.js';

const j = (s: string): Json => parseJson(s);

t.test("Flow's order: null < bool < number < string < array < object, absent first", async (t) => {
  const sorted = ['null', 'false', 'true', '-1e100', '-1', '0', '1e-130', '0.5', '1', '9007199254740992', '9007199254740993', '1e125', '""', '"A"', '"a"', '"ab"', '"b"', '[]', '[1]', '[1,2]', '[2]', '{}', '{"a":1}', '{"a":1,"b":0}', '{"a":2}', '{"b":0}'];
  for (let i = 0; i < sorted.length; i++) {
    for (let k = 0; k < sorted.length; k++) t.equal(compareJson(j(sorted[i]!), j(sorted[k]!)), Math.sign(i - k), `${sorted[i]} vs ${sorted[k]}`);
  }
  t.equal(compareJson(undefined, null), -1);
  t.equal(compareJson(j('1.0'), 1), 0, 'LosslessNumber and number compare by value');
  t.equal(compareJson(j('{"b":1,"a":2}'), j('{"a":2,"b":1}')), 0, 'property order does not matter');
});

const codePoints = (s: string): number[] => [...s].map((c) => c.codePointAt(0)!);
t.test('strings compare by code point (UTF-8 byte order), not UTF-16 unit', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      const x = codePoints(a);
      const y = codePoints(b);
      let want = 0;
      for (let i = 0; i < Math.min(x.length, y.length) && !want; i++) want = Math.sign(x[i]! - y[i]!);
      return compareCodePoints(a, b) === (want || Math.sign(x.length - y.length));
    }),
  );
  t.equal(compareCodePoints('\uff61', '\ud83d\ude00'), -1);
});

const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom('1.0', '1', '-0', '2e0').map((s) => j(s)), fc.constantFrom('', 'a', 'b'),
    fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

t.test('a total order, and canonicalText is equal exactly for equal values', async (t) => {
  fc.assert(
    fc.property(jsonArb, jsonArb, jsonArb, (a, b, c) => {
      const ab = compareJson(a, b);
      if (ab !== -compareJson(b, a)) return false;
      if ((ab === 0) !== (canonicalText(a) === canonicalText(b))) return false;
      if (ab <= 0 && compareJson(b, c) <= 0 && compareJson(a, c) > 0) return false;
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('compareAtPointers compares the values at each pointer in turn; none means equal', async (t) => {
  const p = [parsePointer('/a'), parsePointer('/b/0')];
  t.equal(compareAtPointers(p, j('{"a":1,"b":[2]}'), j('{"a":1,"b":[3]}')), -1);
  t.equal(compareAtPointers(p, j('{"a":2}'), j('{"a":1,"b":[3]}')), 1);
  t.equal(compareAtPointers(p, j('{"b":[9]}'), j('{"a":null}')), -1, 'absent first');
  t.equal(compareAtPointers([], j('1'), j('2')), 0);
});
