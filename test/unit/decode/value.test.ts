import t, { type Test } from 'tap';
import fc from 'fast-check';
import { decodeValue } from '../../../src/decode/value.js';
import type { AttributeValue } from '../../../src/decode/attribute-value.js';
import { canonicalNumber } from '../../../src/json/decimal.js';
import { stringify } from '../../../src/json/stringify.js';
import { LosslessNumber, type Json } from '../../../src/json/value.js';
import { rawAvArb, toSdk } from './fixtures/avs.js';
import { b64, bytesArb, spellings, decimalArb, sortedStringify } from './fixtures/helpers.js';

const text = (av: AttributeValue): string => stringify(decodeValue(av));

function badDocument(t: Test, fn: () => unknown, attribute: string, msg: string): void {
  t.throws(fn, { name: 'ConnectorError', code: 'BAD_DOCUMENT', fields: { attribute } }, msg);
}

t.test('every AttributeValue type', async (t) => {
  t.equal(text({ S: 'héllo "x"' }), '"héllo \\"x\\""');
  t.equal(text({ S: '' }), '""');
  t.equal(text({ N: '42' }), '42');
  t.equal(text({ B: new Uint8Array([0, 1, 2, 255]) }), '"AAEC/w=="');
  t.equal(text({ B: 'AAEC/w==' }), '"AAEC/w=="');
  t.equal(text({ B: new Uint8Array() }), '""');
  t.equal(text({ BOOL: true }), 'true');
  t.equal(text({ BOOL: false }), 'false');
  t.equal(text({ NULL: true }), 'null');
  t.equal(text({ M: { a: { N: '1.50' }, b: { L: [{ S: 'x' }, { NULL: true }] } } }), '{"a":1.5,"b":["x",null]}');
  t.equal(text({ L: [] }), '[]');
  t.equal(text({ M: {} }), '{}');
  t.equal(text({ SS: ['b', 'a'] }), '["b","a"]', 'sets keep the returned order');
  t.equal(text({ NS: ['3', '1e3', '-2.50'] }), '[3,1000,-2.5]');
  t.equal(text({ BS: [new Uint8Array([1]), 'Ag=='] }), '["AQ==","Ag=="]');
});

t.test('numbers: exact, canonical, never a float', async (t) => {
  const cases: [string, string][] = [
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['-12345678901234567890123456789012345678', '-12345678901234567890123456789012345678'],
    ['0.12345678901234567890123456789012345678', '0.12345678901234567890123456789012345678'],
    ['9007199254740993', '9007199254740993'],
    ['1e3', '1000'],
    ['1E+3', '1000'],
    ['1.2400', '1.24'],
    ['-7', '-7'],
    ['-0', '0'],
    ['0.000', '0'],
    ['1e125', '1e+125'],
    ['9.9999999999999999999999999999999999999E+125', '9.9999999999999999999999999999999999999e+125'],
    ['1E-130', '1e-130'],
    ['-1.5e-130', '-1.5e-130'],
  ];
  for (const [input, want] of cases) {
    const v = decodeValue({ N: input });
    t.ok(v instanceof LosslessNumber, `${input} is a LosslessNumber`);
    t.equal(stringify(v), want, input);
  }
});

t.test('every spelling of a value decodes to the same literal', async (t) => {
  fc.assert(
    fc.property(decimalArb, (d) => {
      const all = spellings(d).map((s) => text({ N: s }));
      return all.every((s) => s === all[0]) && all[0] === canonicalNumber(`${d.neg ? '-' : ''}${d.coef}e${d.exp}`);
    }),
  );
  t.pass('property held');
});

t.test('binary: SDK bytes and raw base64 give the same text, never encoded twice', async (t) => {
  fc.assert(
    fc.property(bytesArb, (bytes) => {
      const want = JSON.stringify(b64(bytes));
      return text({ B: bytes }) === want && text({ B: b64(bytes) }) === want && text({ B: Buffer.from(bytes) }) === want;
    }),
  );
  const view = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5);
  t.equal(text({ B: view }), '"AQID"', 'a view on a larger buffer encodes only its own bytes');
  t.equal(text({ B: 'QR==' }), '"QQ=="', 'non-zero unused bits are canonicalized');
  t.equal(text({ B: 'QUI=' }), '"QUI="');
  t.equal(text({ B: 'QUJ=' }), '"QUI="');
});

t.test('raw and SDK forms decode identically; decoding reverses a marshal', async (t) => {
  fc.assert(
    fc.property(rawAvArb, (av) => {
      const raw = decodeValue(av);
      return stringify(raw) === stringify(decodeValue(toSdk(av))) && sortedStringify(raw) === sortedStringify(reference(av));
    }),
    { numRuns: 300 },
  );
  t.pass('property held');
});

/** An independent, obviously-correct decoder (sorted keys) to compare against. */
function reference(av: AttributeValue): Json {
  const [tag, v] = Object.entries(av)[0]! as [string, never];
  switch (tag) {
    case 'N':
      return new LosslessNumber(canonicalNumber(v)!);
    case 'NS':
      return (v as string[]).map((n) => new LosslessNumber(canonicalNumber(n)!));
    case 'NULL':
      return null;
    case 'M':
      return Object.fromEntries(Object.entries(v as Record<string, AttributeValue>).map(([k, x]) => [k, reference(x)]));
    case 'L':
      return (v as AttributeValue[]).map(reference);
    default:
      return v;
  }
}

t.test('undecodable values: BAD_DOCUMENT naming the attribute path', async (t) => {
  badDocument(t, () => decodeValue({ N: 'abc' }, 'price'), '/price', 'N not a number');
  badDocument(t, () => decodeValue({ N: '' }, 'price'), '/price', 'N empty');
  badDocument(t, () => decodeValue({ N: 'NaN' }, 'price'), '/price', 'N NaN');
  badDocument(t, () => decodeValue({ M: { a: { L: [{ N: '1' }, { N: 'x' }] } } }, 'top'), '/top/a/1', 'nested path');
  badDocument(t, () => decodeValue({ M: { 'a/b': { NS: ['1', 'oops'] } } }, 'm'), '/m/a~1b/1', 'escaped path');
  badDocument(t, () => decodeValue({} as AttributeValue, 'e'), '/e', 'empty shape');
  badDocument(t, () => decodeValue({ X: 1 } as unknown as AttributeValue, 'x'), '/x', 'unknown shape');
  badDocument(t, () => decodeValue({ S: 'a', N: '1' } as unknown as AttributeValue, 'two'), '/two', 'two types');
  badDocument(t, () => decodeValue({ $unknown: ['Z', 1] }, 'u'), '/u', 'SDK unknown member');
  badDocument(t, () => decodeValue(null as unknown as AttributeValue, 'n'), '/n', 'null');
  badDocument(t, () => decodeValue({ S: 5 } as unknown as AttributeValue, 's'), '/s', 'S not a string');
  badDocument(t, () => decodeValue({ B: 'not base64!' }, 'b'), '/b', 'B not base64');
  badDocument(t, () => decodeValue({ B: 'QQ' }, 'b'), '/b', 'B unpadded');
  badDocument(t, () => decodeValue({ L: {} } as unknown as AttributeValue, 'l'), '/l', 'L not an array');
  badDocument(t, () => decodeValue({ N: 'x' }), '', 'no attribute name');
  t.equal(text({ S: 'a', N: undefined } as unknown as AttributeValue), '"a"', 'members set to undefined are ignored');
  t.match(String(t.throws(() => decodeValue({ N: 'abc' }, 'price'))), /price/);
});

t.test('32 levels of nesting', async (t) => {
  let av: AttributeValue = { N: '1.0' };
  let want = '1';
  for (let i = 0; i < 32; i++) {
    av = i % 2 ? { M: { k: av } } : { L: [av] };
    want = i % 2 ? `{"k":${want}}` : `[${want}]`;
  }
  t.equal(text(av), want);
});

t.test('a map attribute named __proto__ stays data', async (t) => {
  const m = JSON.parse('{"M":{"__proto__":{"S":"x"},"a":{"N":"1"}}}') as AttributeValue;
  const v = decodeValue(m) as Record<string, Json>;
  t.ok(Object.hasOwn(v, '__proto__'));
  t.equal(Object.getPrototypeOf(v), Object.prototype);
  t.equal(stringify(v), '{"__proto__":"x","a":1}');
});
