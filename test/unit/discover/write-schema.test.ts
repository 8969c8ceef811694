// The law behind discover's write schema: Flow validates every captured document against it, so
// every document the connector can emit for a table must validate against the schema discover
// produced from a sample of *other* items of that table, whatever their attribute types.
import t from 'tap';
import fc from 'fast-check';
import type { AttributeValue, Item } from '../../../src/decode/attribute-value.js';
import { snapshotDocument, streamDocument, type StreamRecordInput } from '../../../src/decode/document.js';
import { snapshotDocumentText } from '../../../src/decode/document-text.js';
import type { KeySchema } from '../../../src/decode/key.js';
import type { NumberEncoding } from '../../../src/decode/number.js';
import { documentSchema } from '../../../src/discover/document-schema.js';
import { inferItems, topLevelSchemas } from '../../../src/discover/infer.js';
import { stringify } from '../../../src/json/stringify.js';
import type { JsonObject } from '../../../src/json/value.js';
import { createAjv } from '../../../src/protocol/ajv.js';
import { rawAvArb } from '../decode/fixtures/avs.js';
import { b64, bytesArb, spelledNumberArb } from '../decode/fixtures/helpers.js';

const ks: KeySchema = { hash: { name: 'pk', type: 'N' }, range: { name: 'sk', type: 'B' } };

/** Attribute names that collide across items, so that one attribute takes several types. */
const nameArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'nested', '_meta', '__proto__', 'pk'), fc.string({ maxLength: 5 }));

const itemArb: fc.Arbitrary<Item> = fc
  .tuple(spelledNumberArb, bytesArb, fc.dictionary(nameArb, rawAvArb, { maxKeys: 6 }))
  .map(([pk, sk, rest]) => {
    const item: Item = {};
    for (const [k, v] of Object.entries(rest)) Object.defineProperty(item, k, { value: v, enumerable: true, writable: true, configurable: true });
    item.pk = { N: pk };
    item.sk = { B: b64(sk) };
    return item;
  });

const eventArb = fc.constantFrom('INSERT', 'MODIFY', 'REMOVE');

function record(eventName: string, oldImage: Item, newImage: Item, seq: number): StreamRecordInput {
  const keys: Record<string, AttributeValue> = { pk: newImage.pk!, sk: newImage.sk! };
  const old: Item = { ...oldImage, pk: newImage.pk!, sk: newImage.sk! };
  return {
    eventID: `e${seq}`,
    eventName,
    dynamodb: {
      ApproximateCreationDateTime: 1714564800 + seq,
      Keys: keys,
      SequenceNumber: String(100000000000000000000 + seq),
      ...(eventName === 'REMOVE' ? { OldImage: old } : eventName === 'MODIFY' ? { OldImage: old, NewImage: newImage } : { NewImage: newImage }),
    },
    ...(seq % 3 === 0 ? { userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' } } : {}),
  };
}

/** What Flow's runtime sees: the JSON text of the document, parsed. */
const asFlowSees = (doc: JsonObject): unknown => JSON.parse(stringify(doc));

for (const numbers of ['literal', 'string'] as NumberEncoding[]) {
  t.test(`numbers ${numbers}: every backfill and stream document validates against the schema sampled from other items`, async (t) => {
    const ajv = createAjv();
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(itemArb, { maxLength: 8 }),
        fc.array(fc.tuple(itemArb, itemArb, eventArb), { minLength: 1, maxLength: 6 }),
        (sample, changes) => {
          const attributes = topLevelSchemas(inferItems(sample, new Set(['pk', 'sk', '_meta'])), numbers);
          const validate = ajv.compile(documentSchema('varied', ks, attributes));
          const docs: unknown[] = [];
          changes.forEach(([older, newer, event], i) => {
            docs.push(asFlowSees(snapshotDocument(newer, ks, numbers)));
            docs.push(JSON.parse(snapshotDocumentText(newer, ks, numbers)));
            docs.push(asFlowSees(streamDocument(record(event, older, newer, i), ks, numbers)));
          });
          for (const d of docs) {
            checked++;
            if (!validate(d)) throw new Error(`${JSON.stringify(d)} fails: ${ajv.errorsText(validate.errors)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
    t.ok(checked > 300, `${checked} documents validated`);
  });
}

t.test('the write schema still rejects what the connector never emits: mistyped keys, no _meta, unknown op', async (t) => {
  const attributes = topLevelSchemas(inferItems([{ pk: { N: '1' }, sk: { B: 'AA==' }, a: { N: '1' } }], new Set(['pk', 'sk'])));
  const validate = createAjv().compile(documentSchema('varied', ks, attributes));
  const good = { _meta: { op: 'c', snapshot: true }, pk: '1', sk: 'AA==', a: 'no longer a number' };
  t.ok(validate(good), 'a sampled number attribute holding a string is accepted');
  t.notOk(validate({ ...good, pk: 1 }), 'a number key as a JSON number');
  t.notOk(validate({ ...good, pk: 'one' }), 'a number key that is not decimal text');
  t.notOk(validate({ pk: '1', sk: 'AA==' }), 'no _meta');
  t.notOk(validate({ ...good, _meta: { op: 'x' } }), 'an unknown op');
  t.notOk(validate({ ...good, _meta: { op: 'u', sequenceNumber: 'abc' } }), 'a sequence number that is not decimal digits');
});

t.test('numbers as strings: sampled numbers are hinted as strings of format number, mixed locations are not', async (t) => {
  const items: Item[] = [
    { pk: { N: '1' }, sk: { B: 'AA==' }, qty: { N: '12345678901234567890123456789012345678' }, mixed: { N: '1' }, ns: { NS: ['1', '2'] } },
    { pk: { N: '2' }, sk: { B: 'AA==' }, qty: { N: '3' }, mixed: { S: 'x' } },
  ];
  const hints = topLevelSchemas(inferItems(items, new Set(['pk', 'sk'])), 'string');
  t.same(hints.qty, { type: ['null', 'string'], format: 'number' });
  t.same(hints.mixed, { type: ['null', 'string'] }, 'a location where plain strings were seen too has no format');
  t.same(hints.ns, { type: ['array', 'null'], items: { type: 'string', format: 'number' } });
  const literal = topLevelSchemas(inferItems(items, new Set(['pk', 'sk'])));
  t.same(literal.qty, { type: ['null', 'number'] }, 'literal numbers are hinted as numbers');
});
