import t from 'tap';
import fc from 'fast-check';
import { runCases } from './fixtures/cases.js';
import { sumValues } from '../../../src/reduce/sum.js';
import { parseJson } from '../../../src/json/parse.js';
import { stringify } from '../../../src/json/stringify.js';
import { canonicalNumber } from '../../../src/json/decimal.js';
import { isLosslessNumber, LosslessNumber } from '../../../src/json/value.js';

const sum = (l: string, r: string): string => stringify(sumValues(parseJson(l), parseJson(r), undefined));

t.test('38-digit decimals sum exactly into an exact number literal', async (t) => {
  t.equal(sum('99999999999999999999999999999999999999', '1'), '100000000000000000000000000000000000000');
  t.equal(sum('1234567890123456789012345678.9012345678', '0.0000000001'), '1234567890123456789012345678.9012345679');
  t.equal(sum('-12345678901234567890123456789012345678', '12345678901234567890123456789012345678'), '0');
  t.equal(sum('9007199254740993', '1'), '9007199254740994'); // past 2^53, where a float would say ...992
  t.equal(sum('0.1', '0.2'), '0.3');
  t.equal(sum('1e125', '1e125'), '2e+125');
  t.ok(isLosslessNumber(sumValues(parseJson('1'), parseJson('2'), undefined)), 'LosslessNumber in, LosslessNumber out');
});

t.test('decimal strings add exactly into a string; plain safe integers stay plain', async (t) => {
  t.equal(sumValues('12345678901234567890.5', '0.5', undefined), '12345678901234567891');
  t.equal(sumValues('1.5', new LosslessNumber('1'), undefined), '2.5');
  t.equal(sumValues(2, 3, undefined), 5);
  t.same(sumValues(Number.MAX_SAFE_INTEGER, 2, undefined), new LosslessNumber('9007199254740993'));
  t.same(sumValues(0.1, 0.2, undefined), new LosslessNumber('0.3'));
  t.equal(sumValues(undefined, 7, undefined), 7, 'an absent L is zero');
});

t.test('sum of random big decimals equals BigInt arithmetic on scaled values', async (t) => {
  const dec = fc.tuple(fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }), fc.integer({ min: 0, max: 20 }));
  const text = ([c, s]: [bigint, number]): string => {
    const neg = c < 0n;
    const digits = (neg ? -c : c).toString().padStart(s + 1, '0');
    return (neg ? '-' : '') + (s ? `${digits.slice(0, -s)}.${digits.slice(-s)}` : digits);
  };
  fc.assert(
    fc.property(dec, dec, (a, b) => {
      const scale = 20;
      const got = sum(text(a), text(b));
      const want = a[0] * 10n ** BigInt(scale - a[1]) + b[0] * 10n ** BigInt(scale - b[1]);
      return got === canonicalNumber(text([want, scale]));
    }),
  );
  t.pass();
});

t.test('sum through the schema; wrong types are SumWrongType', async (t) => {
  runCases(t, { reduce: { strategy: 'merge' }, properties: { n: { reduce: { strategy: 'sum' } } } }, [
    { rhs: '{"n":99999999999999999999999999999999999999}', expect: '{"n":99999999999999999999999999999999999999}' },
    { rhs: '{"n":1}', expect: '{"n":100000000000000000000000000000000000000}' },
    { rhs: '{"n":"x"}', expect: { error: 'SumWrongType' } },
    { rhs: '{"n":null}', expect: { error: 'SumWrongType' } },
    { rhs: '{"n":-1.5}', expect: '{"n":99999999999999999999999999999999999998.5}' },
  ]);
});
