// The FoundationDB tuple encoder against the spec's own test cases (design/tuple.md), boundary
// values worked out from its rules, and its defining property: bytes sort as the values do.
import t from 'tap';
import fc from 'fast-check';
import { jsonToTupleElement, pack, packJsonBase64, type TupleElement } from '../../../src/pipe/fdb-tuple.js';
import { LosslessNumber } from '../../../src/json/value.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

t.test("the spec's test cases", async (t) => {
  t.equal(hex(pack([null])), '00', 'null');
  t.equal(hex(pack([bytes('foo\x00bar')])), hex(bytes('\x01foo\x00\xffbar\x00')), 'byte string with an escaped 0x00');
  t.equal(hex(pack(['F\u00d4O\u0000bar'])), hex(bytes('\x02F\xc3\x94O\x00\xffbar\x00')), 'unicode string, UTF-8 and escaped');
  t.equal(hex(pack([[bytes('foo\x00bar'), null, []]])), hex(bytes('\x05\x01foo\x00\xffbar\x00\x00\xff\x05\x00\x00')), 'nested tuple with a null and an empty tuple');
  t.equal(hex(pack([-5551212n])), hex(bytes('\x11\xabK\x93')), 'negative integer');
  t.equal(hex(pack([-1n])), '13fe', '-1 is 0x13 0xfe');
  t.equal(hex(pack([[]])), '0500', 'the empty nested tuple');
  t.equal(hex(pack([[null]])), '0500ff00', 'a nested tuple holding only null');
  t.equal(hex(pack([false, true])), '2627', 'false, true');
});

t.test('integers at every length boundary', async (t) => {
  const cases: [bigint, string][] = [
    [0n, '14'],
    [1n, '1501'],
    [255n, '15ff'],
    [256n, '160100'],
    [-255n, '1300'],
    [-256n, '12feff'],
    [(1n << 64n) - 1n, '1c' + 'ff'.repeat(8)],
    [1n << 64n, '1d0901' + '00'.repeat(8)],
    [-((1n << 64n) - 1n), '0c' + '00'.repeat(8)],
    [-(1n << 64n), '0bf6fe' + 'ff'.repeat(8)],
    // A 38-digit DynamoDB number: 16 bytes.
    [12345678901234567890123456789012345678n, '1d10' + 12345678901234567890123456789012345678n.toString(16).padStart(32, '0')],
  ];
  for (const [n, want] of cases) t.equal(hex(pack([n])), want, String(n));
  t.throws(() => pack([1n << 2048n]), RangeError, 'past 255 bytes there is no encoding');
});

t.test('doubles: IEEE big-endian, sign bit flipped, negatives fully flipped', async (t) => {
  t.equal(hex(pack([{ double: 42 }])), '21c045000000000000', '42.0');
  t.equal(hex(pack([{ double: -42 }])), '213fbaffffffffffff', '-42.0');
  t.equal(hex(pack([{ double: 0 }])), '218000000000000000', '0.0');
  t.equal(hex(pack([{ double: -0 }])), '217fffffffffffffff', '-0.0 sorts before 0.0');
});

const compareBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

t.test('order: encoded integers sort as the integers, across every length', async (t) => {
  const big = fc.bigInt({ min: -(1n << 200n), max: 1n << 200n });
  const int = fc.oneof(big, fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), fc.bigInt({ min: -300n, max: 300n }));
  fc.assert(fc.property(int, int, (a, b) => sign(compareBytes(pack([a]), pack([b]))) === (a < b ? -1 : a > b ? 1 : 0)), { numRuns: 3000 });
  t.pass('held');
});

t.test('order: encoded doubles and strings sort as the values', async (t) => {
  const dbl = fc.double({ noNaN: true });
  fc.assert(fc.property(dbl, dbl, (a, b) => a === b || sign(compareBytes(pack([{ double: a }]), pack([{ double: b }]))) === (a < b ? -1 : 1)), { numRuns: 3000 });
  const str = fc.string({ unit: 'binary' });
  const byCodePoint = (a: string, b: string): number => {
    const x = [...a].map((c) => c.codePointAt(0)!);
    const y = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return sign(x[i]! - y[i]!);
    return sign(x.length - y.length);
  };
  fc.assert(fc.property(str, str, (a, b) => sign(compareBytes(pack([a]), pack([b]))) === byCodePoint(a, b)), { numRuns: 3000 });
  t.pass('held');
});

t.test('JSON values map to elements as Flow packs them', async (t) => {
  const el = (v: Parameters<typeof jsonToTupleElement>[0]): TupleElement => jsonToTupleElement(v);
  t.same(el(null), null);
  t.same(el(true), true);
  t.same(el('x'), 'x');
  t.same(el(7), 7n, 'an integral JS number is an integer');
  t.same(el(1.5), { double: 1.5 });
  t.same(el(new LosslessNumber('12345678901234567890123456789012345678')), 12345678901234567890123456789012345678n, 'exact integers of any size');
  t.same(el(new LosslessNumber('-1.25')), { double: -1.25 });
  t.same(el(new LosslessNumber('1e3')), { double: 1000 }, 'exponent forms are doubles, as serde_json reads them');
  t.same(Buffer.from(el({ b: [1, new LosslessNumber('2.50')] }) as Uint8Array).toString(), '{"b":[1,2.50]}', 'objects and arrays are the bytes of their exact JSON text');
  t.equal(packJsonBase64(['hi', 42]), Buffer.from([0x02, 0x68, 0x69, 0x00, 0x15, 42]).toString('base64'));
  t.equal(packJsonBase64([true, null]), Buffer.from([0x27, 0x00]).toString('base64'), 'a top-level null is a bare 0x00');
});
