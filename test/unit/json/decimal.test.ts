import t from 'tap';
import fc from 'fast-check';
import {
  addNumberText,
  canonicalNumber,
  compareNumberText,
  isJsonNumberText,
  parseDecimal,
  formatDecimal,
} from '../../../src/json/decimal.js';

t.test('canonical spelling: one text per value', async (t) => {
  const cases: [string, string][] = [
    ['1.2300', '1.23'],
    ['1e3', '1000'],
    ['1E+3', '1000'],
    ['-0', '0'],
    ['0.000', '0'],
    ['+1', '1'],
    ['01', '1'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-1.5e-3', '-0.0015'],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['9007199254740993', '9007199254740993'],
    ['1e125', '1e+125'],
    ['-1.23e-130', '-1.23e-130'],
  ];
  for (const [input, want] of cases) t.equal(canonicalNumber(input), want, input);
  t.equal(canonicalNumber('abc'), undefined);
  t.equal(canonicalNumber(''), undefined);
  t.equal(canonicalNumber('.'), undefined);
  t.equal(canonicalNumber('1e'), undefined);
});

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 38n - 1n }), fc.integer({ min: -130, max: 125 }))
  .map(([neg, coef, exp]) => `${neg ? '-' : ''}${coef}e${exp}`);

t.test('canonical text is valid JSON, stable, and the same value', async (t) => {
  fc.assert(
    fc.property(decimalText, (s) => {
      const c = canonicalNumber(s)!;
      if (!isJsonNumberText(c)) return false;
      if (canonicalNumber(c) !== c) return false;
      return compareNumberText(s, c) === 0;
    }),
  );
  t.pass('property held');
});

t.test('addition is exact: commutative, associative, with an inverse', async (t) => {
  fc.assert(
    fc.property(decimalText, decimalText, decimalText, (a, b, c) => {
      const ab = addNumberText(a, b);
      if (ab !== addNumberText(b, a)) return false;
      if (addNumberText(ab, c) !== addNumberText(a, addNumberText(b, c))) return false;
      const negA = a.startsWith('-') ? a.slice(1) : '-' + a;
      return addNumberText(ab, negA) === canonicalNumber(b);
    }),
  );
  t.equal(addNumberText('0.1', '0.2'), '0.3');
  t.equal(addNumberText('99999999999999999999999999999999999999', '1'), '100000000000000000000000000000000000000');
});

t.test('comparison agrees with subtraction', async (t) => {
  fc.assert(
    fc.property(decimalText, decimalText, (a, b) => {
      const negB = b.startsWith('-') ? b.slice(1) : '-' + b;
      const diff = parseDecimal(addNumberText(a, negB))!;
      const want = diff.coef === 0n ? 0 : diff.neg ? -1 : 1;
      return compareNumberText(a, b) === want && compareNumberText(b, a) === -want;
    }),
  );
  t.equal(compareNumberText('9007199254740993', '9007199254740992'), 1);
  t.equal(formatDecimal(parseDecimal('-0.0')!), '0');
});
