import t from 'tap';
import fc from 'fast-check';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { decodeResumeKey, decodeResumeKeyForSdk, encodeResumeKey, type SdkKey } from '../../../src/decode/resume-key.js';
import * as viaKey from '../../../src/decode/key.js';
import type { Item } from '../../../src/decode/attribute-value.js';
import { b64, bytesArb, spelledNumberArb } from './fixtures/helpers.js';

t.test('the encoding is the key as DynamoDB JSON, names sorted, numbers exactly as given', async (t) => {
  t.equal(encodeResumeKey({ customerId: { S: 'c-17' } }), '{"customerId":{"S":"c-17"}}');
  t.equal(encodeResumeKey({ orderId: { N: '1.2400' }, customerId: { S: 'c' } }), '{"customerId":{"S":"c"},"orderId":{"N":"1.2400"}}');
  t.equal(encodeResumeKey({ b: { B: new Uint8Array([1, 2, 3]) } }), '{"b":{"B":"AQID"}}');
  t.equal(encodeResumeKey({ b: { B: 'AQID' } }), '{"b":{"B":"AQID"}}');
  t.same(decodeResumeKey('{"b":{"B":"AQID"},"n":{"N":"1e3"}}'), { b: { B: 'AQID' }, n: { N: '1e3' } });
  const sdk = decodeResumeKeyForSdk('{"b":{"B":"AQID"},"n":{"N":"1e3"}}');
  t.same(sdk.n, { N: '1e3' });
  t.ok(sdk.b && 'B' in sdk.b && sdk.b.B instanceof Uint8Array);
  t.same(Array.from((sdk.b as { B: Uint8Array }).B), [1, 2, 3]);
  t.equal(viaKey.encodeResumeKey, encodeResumeKey, 'also exported from key.ts');
  // The SDK form is what the SDK's Scan takes as ExclusiveStartKey.
  const asSdk: Record<string, SdkAttributeValue> = sdk satisfies SdkKey;
  t.ok(asSdk);
});

const keyValue = fc.oneof(
  fc.string({ minLength: 1 }).map((S) => ({ raw: { S }, sdk: { S } })),
  spelledNumberArb.map((N) => ({ raw: { N }, sdk: { N } })),
  bytesArb.map((b) => ({ raw: { B: b64(b) }, sdk: { B: b } })),
);
const keyArb = fc.uniqueArray(fc.tuple(fc.oneof(fc.string({ minLength: 1 }), fc.constant('__proto__')), keyValue), {
  minLength: 1,
  maxLength: 2,
  selector: ([n]) => n,
});
const build = (pairs: [string, { raw: AttributeValue; sdk: AttributeValue }][], form: 'raw' | 'sdk'): Item => {
  const out: Item = {};
  for (const [n, v] of pairs) Object.defineProperty(out, n, { value: v[form], enumerable: true, writable: true, configurable: true });
  return out;
};
type AttributeValue = Item[string];

t.test('round trip: encode → decode → encode is identical, in both forms', async (t) => {
  fc.assert(
    fc.property(keyArb, (pairs) => {
      const s = encodeResumeKey(build(pairs, 'raw'));
      return (
        encodeResumeKey(build(pairs, 'sdk')) === s &&
        encodeResumeKey(decodeResumeKey(s)) === s &&
        encodeResumeKey(decodeResumeKeyForSdk(s)) === s &&
        JSON.stringify(Object.keys(decodeResumeKey(s)).sort()) === JSON.stringify(pairs.map(([n]) => n).sort())
      );
    }),
  );
  t.pass('property held');
});

t.test('a malformed resume key is BAD_STATE and says to re-backfill', async (t) => {
  const bad = ['', 'not json', '[]', '"x"', '{}', 'null', '{"a":1}', '{"a":{}}', '{"a":{"X":"1"}}', '{"a":{"N":"abc"}}', '{"a":{"N":5}}',
    '{"a":{"B":"!!"}}', '{"a":{"S":1}}', '{"a":{"S":"x","N":"1"}}', '{"a":{"BOOL":true}}', 'AhVjdXN0b21lcklkAA=='];
  for (const s of bad) {
    t.throws(() => decodeResumeKey(s), { name: 'ConnectorError', code: 'BAD_STATE', message: /re-backfill this binding/ }, JSON.stringify(s));
    t.throws(() => decodeResumeKeyForSdk(s), { code: 'BAD_STATE' });
  }
  t.throws(() => encodeResumeKey({}), { code: 'BAD_DOCUMENT' });
  t.throws(() => encodeResumeKey({ a: { BOOL: true } }), { code: 'BAD_DOCUMENT' });
});
