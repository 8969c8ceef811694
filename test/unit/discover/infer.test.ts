import t from 'tap';
import type { Item } from '../../../src/decode/attribute-value.js';
import { inferItems, MAX_INFERRED_PROPERTIES, newShape, observeValue, shapeSchema, topLevelSchemas } from '../../../src/discover/infer.js';

const schemaOf = (...values: unknown[]): Record<string, unknown> => {
  const s = newShape();
  for (const v of values) observeValue(s, v);
  return shapeSchema(s);
};

t.test('each DynamoDB type maps to its JSON type (PROTOCOL.md §3.5)', async (t) => {
  t.same(schemaOf({ S: 'x' }), { type: 'string' });
  t.same(schemaOf({ N: '12345678901234567890123456789012345678' }), { type: 'number' });
  t.same(schemaOf({ B: new Uint8Array([1, 2]) }), { type: 'string', contentEncoding: 'base64' });
  t.same(schemaOf({ B: 'AQI=' }), { type: 'string', contentEncoding: 'base64' }, 'raw DynamoDB JSON form too');
  t.same(schemaOf({ BOOL: true }), { type: 'boolean' });
  t.same(schemaOf({ NULL: true }), { type: 'null' });
  t.same(schemaOf({ M: {} }), { type: 'object' });
  t.same(schemaOf({ L: [] }), { type: 'array' });
  t.same(schemaOf({ SS: ['a', 'b'] }), { type: 'array', items: { type: 'string' } });
  t.same(schemaOf({ NS: ['1', '2.5'] }), { type: 'array', items: { type: 'number' } });
  t.same(schemaOf({ BS: [new Uint8Array([1])] }), { type: 'array', items: { type: 'string', contentEncoding: 'base64' } });
});

t.test('observed types merge into a sorted type list', async (t) => {
  t.same(schemaOf({ S: 'x' }, { N: '1' }, { S: 'y' }), { type: ['number', 'string'] });
  t.same(schemaOf({ NULL: true }, { BOOL: false }, { N: '1' }), { type: ['boolean', 'null', 'number'] });
  t.same(schemaOf({ S: 'x' }, { B: 'AQI=' }), { type: 'string' }, 'text and base64 at one place: no contentEncoding');
  t.same(schemaOf({ SS: ['a'] }, { NS: ['1'] }), { type: 'array', items: { type: ['number', 'string'] } });
  t.same(schemaOf({ M: { a: { S: 'x' } } }, { S: 'flat' }), { type: ['object', 'string'], properties: { a: { type: 'string' } } });
});

t.test('nested maps and lists merge recursively, never required, never closed', async (t) => {
  const s = schemaOf(
    { M: { address: { M: { city: { S: 'Paris' }, zip: { N: '75001' } } }, tags: { L: [{ S: 'a' }, { N: '1' }] } } },
    { M: { address: { M: { city: { S: 'Lyon' }, geo: { L: [{ N: '45.75' }, { N: '4.85' }] } } }, extra: { NULL: true } } },
  );
  t.same(s, {
    type: 'object',
    properties: {
      address: {
        type: 'object',
        properties: { city: { type: 'string' }, geo: { type: 'array', items: { type: 'number' } }, zip: { type: 'number' } },
      },
      extra: { type: 'null' },
      tags: { type: 'array', items: { type: ['number', 'string'] } },
    },
  });
  t.notMatch(JSON.stringify(s), /required|additionalProperties/);
});

t.test('lists of maps merge their properties', async (t) => {
  t.same(schemaOf({ L: [{ M: { a: { S: 'x' } } }, { M: { b: { BOOL: true } } }] }), {
    type: 'array',
    items: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } } },
  });
});

t.test('a map with too many keys is a dictionary: typed as a bare object', async (t) => {
  const big: Record<string, unknown> = {};
  for (let i = 0; i <= MAX_INFERRED_PROPERTIES; i++) big[`k${i}`] = { N: String(i) };
  t.same(schemaOf({ M: big }), { type: 'object' });
  t.same(schemaOf({ M: big }, { M: { a: { S: 'x' } } }), { type: 'object' }, 'stays opaque');
});

t.test('values that are not AttributeValues are ignored, not fatal', async (t) => {
  t.same(schemaOf({ X: 1 }, {}, null, { S: 'ok' }), { type: 'string' });
});

t.test('items: keys and _meta skipped, top-level attributes sorted and nullable', async (t) => {
  const items: Item[] = [
    { pk: { S: 'a' }, status: { S: 'open' }, total: { N: '99999999999999999999999999999999999999' }, _meta: { S: 'x' } },
    { pk: { S: 'b' }, status: { NULL: true }, flags: { SS: ['x'] }, nested: { M: { n: { NULL: true } } } },
    { pk: { S: 'c' }, total: { N: '-1.5E-30' } },
  ];
  const top = topLevelSchemas(inferItems(items, new Set(['pk', '_meta'])));
  t.same(Object.keys(top), ['flags', 'nested', 'status', 'total']);
  t.same(top, {
    flags: { type: ['array', 'null'], items: { type: 'string' } },
    nested: { type: ['null', 'object'], properties: { n: { type: 'null' } } },
    status: { type: ['null', 'string'] },
    total: { type: ['null', 'number'] },
  });
});

t.test('an attribute named __proto__ is an ordinary property', async (t) => {
  const top = topLevelSchemas(inferItems([JSON.parse('{"pk":{"S":"a"},"__proto__":{"S":"x"}}') as Item], new Set(['pk'])));
  t.ok(Object.hasOwn(top, '__proto__'));
  t.same(Object.getOwnPropertyDescriptor(top, '__proto__')?.value, { type: ['null', 'string'] });
});

t.test('inference is deterministic whatever the order of items and attributes', async (t) => {
  const a: Item = { pk: { S: '1' }, x: { N: '1' }, y: { M: { b: { S: 'b' }, a: { N: '2' } } } };
  const b: Item = { y: { M: { c: { BOOL: true } } }, x: { S: 's' }, pk: { S: '2' } };
  const skip = new Set(['pk']);
  t.equal(JSON.stringify(topLevelSchemas(inferItems([a, b], skip))), JSON.stringify(topLevelSchemas(inferItems([b, a], skip))));
});

t.test('no items, no attributes', async (t) => {
  t.same(topLevelSchemas(inferItems([], new Set())), {});
});
