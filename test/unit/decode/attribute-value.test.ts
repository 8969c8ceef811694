import t from 'tap';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { attributeTag, type AttributeValue, type Item } from '../../../src/decode/attribute-value.js';

t.test('the tag of each AttributeValue type', async (t) => {
  const all: [AttributeValue, string][] = [
    [{ S: 'x' }, 'S'], [{ N: '1' }, 'N'], [{ B: 'AA==' }, 'B'], [{ B: new Uint8Array([0]) }, 'B'], [{ BOOL: false }, 'BOOL'],
    [{ NULL: true }, 'NULL'], [{ M: {} }, 'M'], [{ L: [] }, 'L'], [{ SS: ['a'] }, 'SS'], [{ NS: ['1'] }, 'NS'], [{ BS: ['AA=='] }, 'BS'],
  ];
  for (const [av, tag] of all) t.equal(attributeTag(av), tag, tag);
  t.equal(attributeTag({ S: 'x', N: undefined }), 'S', 'undefined members are ignored');
});

t.test('shapes that are not an AttributeValue', async (t) => {
  for (const bad of [null, undefined, 'S', 1, [], {}, { X: 1 }, { S: 'a', N: '1' }, { $unknown: ['X', 1] }, { S: undefined }]) {
    const tag = attributeTag(bad);
    t.equal(typeof tag, 'object', JSON.stringify(bad) ?? 'undefined');
    t.type((tag as { problem: string }).problem, 'string');
  }
});

t.test("the SDK's AttributeValue types are assignable (checked by tsc)", async (t) => {
  const fromDynamo: Record<string, SdkAttributeValue> = { a: { NULL: true }, b: { B: new Uint8Array() } };
  const fromStreams: Record<string, StreamsAttributeValue> = { a: { BS: [new Uint8Array()] } };
  const items: Item[] = [fromDynamo, fromStreams];
  t.equal(items.length, 2);
});
