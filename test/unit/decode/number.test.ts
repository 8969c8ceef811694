import t from 'tap';
import fc from 'fast-check';
import { canonicalNumberText } from '../../../src/decode/number.js';
import { canonicalNumber } from '../../../src/json/decimal.js';
import { spelledNumberArb } from './fixtures/helpers.js';

t.test('the fast path agrees with canonicalNumber everywhere', async (t) => {
  const plain = fc
    .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,50}$/), fc.option(fc.stringMatching(/^\d{0,50}$/)), fc.option(fc.stringMatching(/^[eE][+-]?\d{1,3}$/)))
    .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : '.' + f}${e ?? ''}`);
  const junk = fc.oneof(fc.string(), fc.constantFrom('', '-', '.', '-.', 'NaN', 'Infinity', '0x10', '1_000', ' 1', '1 '));
  fc.assert(fc.property(fc.oneof(spelledNumberArb, plain, junk), (s) => canonicalNumberText(s) === canonicalNumber(s)), { numRuns: 5000 });
  t.pass('property held');
});

t.test('boundaries of the fast path', async (t) => {
  for (const s of ['0', '-0', '00', '0.0', '0.50', '-0.05', '10', '1.', '.1', '-', '1'.repeat(48), '1'.repeat(49), '-' + '1'.repeat(48), '0.' + '0'.repeat(45) + '1', '0.' + '0'.repeat(46) + '1']) {
    t.equal(canonicalNumberText(s), canonicalNumber(s), JSON.stringify(s));
  }
});
