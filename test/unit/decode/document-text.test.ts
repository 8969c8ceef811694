import t from 'tap';
import fc from 'fast-check';
import { snapshotDocumentText } from '../../../src/decode/document-text.js';
import { snapshotDocument } from '../../../src/decode/document.js';
import { stringify } from '../../../src/json/stringify.js';
import type { AttributeValue, Item } from '../../../src/decode/attribute-value.js';
import type { KeySchema } from '../../../src/decode/key.js';
import { parseJson } from '../../../src/json/parse.js';
import { isJsonObject, type Json } from '../../../src/json/value.js';

function sorted(v: Json): string {
  const walk = (x: Json): Json => {
    if (Array.isArray(x)) return x.map(walk);
    if (!isJsonObject(x)) return x;
    const out: Record<string, Json> = {};
    for (const k of Object.keys(x).sort()) out[k] = walk(x[k]!);
    return out;
  };
  return JSON.stringify(stringify(walk(v)));
}

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('1.2400', '1e3', '-0', '12345678901234567890123456789012345678', '9007199254740993', '-1.5e-130', '0.000001'),
);
const b64 = fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('base64'));
const av: fc.Arbitrary<AttributeValue> = fc.letrec<{ v: AttributeValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string().map((S) => ({ S })),
    numberText.map((N) => ({ N })),
    b64.map((B) => ({ B })),
    fc.uint8Array({ maxLength: 6 }).map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }).map((M) => ({ M })),
    fc.array(tie('v'), { maxLength: 3 }).map((L) => ({ L })),
    fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })),
    fc.uniqueArray(numberText, { minLength: 1, maxLength: 3 }).map((NS) => ({ NS })),
    fc.array(b64, { minLength: 1, maxLength: 2 }).map((BS) => ({ BS })),
  ),
})).v;

const ks: KeySchema = { hash: { name: 'id', type: 'N' }, range: { name: 'rk', type: 'B' } };

t.test('the text path writes exactly what the object path serializes', async (t) => {
  fc.assert(
    fc.property(numberText, b64, fc.dictionary(fc.string(), av, { maxKeys: 6 }), (id, rk, rest) => {
      const item: Item = { ...rest, id: { N: id }, rk: { B: rk } };
      // Same members and values; member order may differ only where JS objects put
      // integer-like names first.
      return sorted(parseJson(snapshotDocumentText(item, ks))) === sorted(snapshotDocument(item, ks));
    }),
    { numRuns: 500 },
  );
  t.pass('property held');
});

t.test('member order follows the item for ordinary names', async (t) => {
  const item = { id: { N: '1e3' }, rk: { B: 'AA==' }, b: { S: 'x' }, a: { NS: ['2', '1.50'] } } as Item;
  t.equal(snapshotDocumentText(item, ks), '{"_meta":{"op":"c","snapshot":true},"id":"1000","rk":"AA==","b":"x","a":[2,1.5]}');
});

t.test('bad values take the slow path and raise its error', async (t) => {
  const item = { id: { N: '1' }, rk: { B: 'AA==' }, bad: { N: 'abc' } } as Item;
  t.throws(() => snapshotDocumentText(item, ks), { code: 'BAD_DOCUMENT' });
  const odd = { id: { N: '1' }, rk: { B: 'AA==' }, two: { S: 'x', N: '1' } } as unknown as Item;
  t.throws(() => snapshotDocumentText(odd, ks), { code: 'BAD_DOCUMENT' });
});

t.test('numbers as strings: the text path writes exactly what the object path serializes', async (t) => {
  fc.assert(
    fc.property(numberText, b64, fc.dictionary(fc.string(), av, { maxKeys: 6 }), (id, rk, rest) => {
      const item: Item = { ...rest, id: { N: id }, rk: { B: rk } };
      return sorted(parseJson(snapshotDocumentText(item, ks, 'string'))) === sorted(snapshotDocument(item, ks, 'string'));
    }),
    { numRuns: 500 },
  );
  t.pass('property held');
});

t.test('numbers as strings: every number, nested or in a set, is a string of its exact canonical digits', async (t) => {
  const item = {
    id: { N: '12345678901234567890123456789012345678' },
    rk: { B: 'AA==' },
    n: { N: '1.2400' },
    big: { N: '-99999999999999999999999999999999999999' },
    ns: { NS: ['2', '1.50'] },
    m: { M: { deep: { L: [{ N: '1e3' }, { S: '7' }] } } },
  } as Item;
  const text = snapshotDocumentText(item, ks, 'string');
  t.equal(
    text,
    '{"_meta":{"op":"c","snapshot":true},"id":"12345678901234567890123456789012345678","rk":"AA==","n":"1.24","big":"-99999999999999999999999999999999999999","ns":["2","1.5"],"m":{"deep":["1000","7"]}}',
  );
  t.equal(stringify(snapshotDocument(item, ks, 'string')), text, 'the object path agrees');
  t.equal(
    snapshotDocumentText(item, ks),
    '{"_meta":{"op":"c","snapshot":true},"id":"12345678901234567890123456789012345678","rk":"AA==","n":1.24,"big":-99999999999999999999999999999999999999,"ns":[2,1.5],"m":{"deep":[1000,"7"]}}',
    'literal mode keeps exact literals',
  );
});
