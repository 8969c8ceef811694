import t from 'tap';
import fc from 'fast-check';
import { decodeKeyValue, documentKeyFn, keyPointers, keyString, keyStringOf, type KeySchema } from '../../../src/decode/key.js';
import type { Item } from '../../../src/decode/attribute-value.js';
import { compareNumberText } from '../../../src/json/decimal.js';
import { LosslessNumber } from '../../../src/json/value.js';
import { b64, bytesArb, decimalArb, spellings } from './fixtures/helpers.js';

const numKey: KeySchema = { hash: { name: 'id', type: 'N' } };
const pair: KeySchema = { hash: { name: 'h', type: 'S' }, range: { name: 'r', type: 'S' } };
const bin: KeySchema = { hash: { name: 'b', type: 'B' } };

t.test('key values are strings: S as is, N canonical, B base64', async (t) => {
  t.equal(decodeKeyValue({ S: 'c-17' }, 'S'), 'c-17');
  t.equal(decodeKeyValue({ N: '42' }, 'N'), '42');
  t.equal(decodeKeyValue({ N: '1.2400' }, 'N'), '1.24');
  t.equal(decodeKeyValue({ N: '1e3' }, 'N'), '1000');
  t.equal(decodeKeyValue({ N: '-0' }, 'N'), '0');
  t.equal(decodeKeyValue({ N: '12345678901234567890123456789012345678' }, 'N'), '12345678901234567890123456789012345678');
  t.equal(decodeKeyValue({ B: new Uint8Array([1, 2, 3]) }, 'B'), 'AQID');
  t.equal(decodeKeyValue({ B: 'AQID' }, 'B'), 'AQID');
});

t.test('bad key values: BAD_DOCUMENT naming the attribute', async (t) => {
  const bad = { name: 'ConnectorError', code: 'BAD_DOCUMENT', fields: { attribute: '/id' } };
  t.throws(() => decodeKeyValue(undefined, 'N', 'id'), bad, 'missing');
  t.throws(() => decodeKeyValue({ S: '1' }, 'N', 'id'), bad, 'wrong type');
  t.throws(() => decodeKeyValue({ N: 'one' }, 'N', 'id'), bad, 'not a number');
  t.throws(() => decodeKeyValue({ B: '***' }, 'B', 'id'), bad, 'not base64');
  t.throws(() => decodeKeyValue({ S: 1 } as unknown as Item[string], 'S', 'id'), bad, 'S not a string');
  t.throws(() => keyString({ other: { S: 'x' } }, numKey), bad, 'keyString of an item without its key');
  t.throws(() => keyString({}, { hash: { name: '__proto__', type: 'S' } }), { code: 'BAD_DOCUMENT' }, 'inherited names are not attributes');
});

t.test('key pointers escape names per RFC 6901', async (t) => {
  t.same(keyPointers(numKey), ['/id']);
  t.same(keyPointers({ hash: { name: 'a/b', type: 'S' }, range: { name: 'c~d', type: 'N' } }), ['/a~1b', '/c~0d']);
});

t.test('numbers past 2^53 stay distinct keys', async (t) => {
  const a = keyString({ id: { N: '9007199254740993' } }, numKey);
  const b = keyString({ id: { N: '9007199254740992' } }, numKey);
  t.not(a, b);
  t.equal(a, '["9007199254740993"]');
  t.equal(keyString({ id: { N: '3804086584686624768' } }, numKey), '["3804086584686624768"]');
});

const numItem = (n: string): Item => ({ id: { N: n } });

t.test('distinct values never share a keyString; equal values in any spelling always do', async (t) => {
  fc.assert(
    fc.property(decimalArb, decimalArb, fc.nat(3), fc.nat(3), (x, y, i, j) => {
      const sx = spellings(x)[i]!;
      const sy = spellings(y)[j]!;
      const same = keyString(numItem(sx), numKey) === keyString(numItem(sy), numKey);
      return same === (compareNumberText(sx, sy) === 0);
    }),
  );
  fc.assert(
    fc.property(decimalArb, (d) => new Set(spellings(d).map((s) => keyString(numItem(s), numKey))).size === 1),
  );
  // Near neighbours, the likely collisions: n and n+1 at 38 digits.
  fc.assert(
    fc.property(fc.bigInt({ min: 10n ** 37n, max: 10n ** 38n - 2n }), (n) => keyString(numItem(`${n}`), numKey) !== keyString(numItem(`${n + 1n}`), numKey)),
  );
  t.pass('properties held');
});

t.test('hash and range parts never run into each other', async (t) => {
  const item = (h: string, r: string): Item => ({ h: { S: h }, r: { S: r } });
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (h1, r1, h2, r2) => {
      const same = keyString(item(h1, r1), pair) === keyString(item(h2, r2), pair);
      return same === (h1 === h2 && r1 === r2);
    }),
  );
  t.not(keyString(item('a","b', 'c'), pair), keyString(item('a', 'b","c'), pair));
  t.equal(keyString(item('a', 'b'), pair), keyStringOf(['a', 'b']));
});

t.test('binary keys: SDK bytes and raw base64 are one key', async (t) => {
  fc.assert(fc.property(bytesArb, (bytes) => keyString({ b: { B: bytes } }, bin) === keyString({ b: { B: b64(bytes) } }, bin)));
  t.pass('property held');
});

t.test('documentKeyFn reads the same identity from a document', async (t) => {
  const keyOf = documentKeyFn(['/h', '/r']);
  t.equal(keyOf({ h: 'a', r: 'b', x: 1 }), keyString({ h: { S: 'a' }, r: { S: 'b' } }, pair));
  const numOf = documentKeyFn(['/id']);
  t.equal(numOf({ id: '1000' }), keyString(numItem('1e3'), numKey));
  t.equal(numOf({ id: new LosslessNumber('1.2400') }), '["1.24"]', 'a number value counts by canonical text');
  t.equal(numOf({ id: 7 }), '["7"]');
  t.throws(() => numOf({ other: 'x' }), { code: 'BAD_DOCUMENT' });
  t.throws(() => numOf({ id: null }), { code: 'BAD_DOCUMENT' });
  t.equal(documentKeyFn(['/a~1b'])({ 'a/b': 'v' }), '["v"]');
});
