import t from 'tap';
import type { Item } from '../../../src/decode/attribute-value.js';
import { snapshotDocument, streamDocument, type StreamRecordInput } from '../../../src/decode/document.js';
import type { KeySchema } from '../../../src/decode/key.js';
import { documentSchema, itemSchema } from '../../../src/discover/document-schema.js';
import { inferItems, topLevelSchemas } from '../../../src/discover/infer.js';
import { stringify } from '../../../src/json/stringify.js';
import { createAjv } from '../../../src/protocol/ajv.js';

/** PROTOCOL.md §3.3's example, verbatim. */
const PROTOCOL_EXAMPLE = `{"$defs":{"orders":{"type":"object","$anchor":"orders","required":["customerId","orderId"],
   "properties":{"customerId":{"type":"string"},"orderId":{"type":"string","format":"number"}}}},
 "allOf":[
  {"required":["_meta"],
   "properties":{"_meta":{"type":"object","required":["op"],"reduce":{"strategy":"merge"},
     "properties":{
      "op":{"enum":["c","d","u"]},
      "snapshot":{"type":"boolean"},
      "eventId":{"type":"string"},
      "eventName":{"enum":["INSERT","MODIFY","REMOVE"]},
      "sequenceNumber":{"type":"string","pattern":"^[0-9]{1,40}$"},
      "approximateCreationDateTime":{"type":"string","format":"date-time"},
      "userIdentity":{"type":"object","properties":{"principalId":{"type":"string"},"type":{"type":"string"}}},
      "before":{"$ref":"#orders","reduce":{"strategy":"firstWriteWins"}}}}},
   "if":{"required":["_meta"],"properties":{"_meta":{"required":["op"],"properties":{"op":{"const":"d"}}}}},
   "then":{"reduce":{"strategy":"merge","delete":true}},
   "else":{"reduce":{"strategy":"merge"}}},
  {"$ref":"#orders"}],
 "x-infer-schema":true}`;

const ordersKs: KeySchema = { hash: { name: 'customerId', type: 'S' }, range: { name: 'orderId', type: 'N' } };

/** Descriptions are optional (§3.3): the layout without them must be the protocol's, key order included. */
function withoutDescriptions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDescriptions);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'description').map(([k, x]) => [k, withoutDescriptions(x)]));
}

/** What Flow sees: the document's JSON text, parsed. */
const asJson = (doc: Parameters<typeof stringify>[0]): unknown => JSON.parse(stringify(doc));

t.test('keys only: exactly the layout of PROTOCOL.md §3.3, hardened if included', async (t) => {
  const s = documentSchema('orders', ordersKs);
  t.equal(JSON.stringify(withoutDescriptions(s)), JSON.stringify(JSON.parse(PROTOCOL_EXAMPLE)));
});

t.test('key types: S string, N decimal string, B base64 string; hash then range required', async (t) => {
  const item = itemSchema('t', { hash: { name: 'id', type: 'N' }, range: { name: 'blob', type: 'B' } });
  t.same(item, {
    type: 'object',
    $anchor: 't',
    required: ['id', 'blob'],
    properties: { id: { type: 'string', format: 'number' }, blob: { type: 'string', contentEncoding: 'base64' } },
  });
  t.same(itemSchema('t', { hash: { name: 'k', type: 'S' } }).required, ['k']);
});

t.test('the $defs key stays the table name, the anchor is sanitized', async (t) => {
  const s = documentSchema('2024-orders', ordersKs) as { $defs: Record<string, { $anchor: string }>; allOf: [unknown, { $ref: string }] };
  t.same(Object.keys(s.$defs), ['2024-orders']);
  t.equal(s.$defs['2024-orders']!.$anchor, '_2024-orders');
  t.equal(s.allOf[1].$ref, '#_2024-orders');
  t.match(JSON.stringify(s), /"before":\{"\$ref":"#_2024-orders"/);
});

t.test('inferred attributes follow the keys; a sample cannot retype a key or add _meta', async (t) => {
  const item = itemSchema('t', ordersKs, { status: { type: ['null', 'string'] }, customerId: { type: 'number' }, _meta: { type: 'string' } });
  t.same(Object.keys(item.properties as object), ['customerId', 'orderId', 'status']);
  t.same((item.properties as Record<string, unknown>).customerId, { type: 'string' });
});

const items: Item[] = [
  {
    customerId: { S: 'c-17' },
    orderId: { N: '12345678901234567890123456789012345678' },
    total: { N: '99999999999999999999999999999999999999' },
    ratio: { N: '-1.000000000000000000000000000000000001E-130' },
    status: { S: 'open' },
    coupon: { S: 'X1' },
    lines: { L: [{ M: { sku: { S: 'a' }, qty: { N: '2' } } }, { M: { sku: { S: 'b' }, qty: { N: '1' }, gift: { BOOL: true } } }] },
    tags: { SS: ['x', 'y'] },
    sizes: { NS: ['1', '2.5'] },
    blobs: { BS: [new Uint8Array([0, 255])] },
    raw: { B: new Uint8Array([1, 2, 3]) },
    nothing: { NULL: true },
    shipTo: { M: { city: { S: 'Paris' }, geo: { L: [{ N: '48.85' }, { N: '2.35' }] } } },
  },
  { customerId: { S: 'c-18' }, orderId: { N: '1' }, status: { N: '3' } },
];

function sampledSchema(): Record<string, unknown> {
  return documentSchema('orders', ordersKs, topLevelSchemas(inferItems(items, new Set(['customerId', 'orderId', '_meta']))));
}

t.test("Ajv (the project's, strict) compiles the schema; snapshot and stream documents validate", async (t) => {
  const validate = createAjv().compile(sampledSchema());
  const ok = (doc: unknown, what: string): void => {
    const valid = validate(doc);
    t.ok(valid, `${what}: ${JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message}`))}`);
  };
  for (const item of items) ok(asJson(snapshotDocument(item, ordersKs)), `snapshot of ${JSON.stringify(item.customerId)}`);
  const [first, second] = items as [Item, Item];
  const updated: Item = { ...first, status: { S: 'shipped' } };
  delete updated.coupon;
  const modify: StreamRecordInput = {
    eventID: 'e1',
    eventName: 'MODIFY',
    dynamodb: { ApproximateCreationDateTime: 1714564803, Keys: { customerId: first.customerId!, orderId: first.orderId! }, NewImage: updated, OldImage: first },
  };
  const modifyDoc = asJson(streamDocument(modify, ordersKs)) as { coupon: unknown };
  t.equal(modifyDoc.coupon, null, 'a removed attribute is an explicit null');
  ok(modifyDoc, 'update with a removed attribute');
  const remove: StreamRecordInput = {
    eventID: 'e2',
    eventName: 'REMOVE',
    dynamodb: { ApproximateCreationDateTime: 1714637700, Keys: { customerId: second.customerId!, orderId: second.orderId! }, OldImage: second },
    userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
  };
  ok(asJson(streamDocument(remove, ordersKs)), 'TTL delete');
  ok(asJson(streamDocument({ ...modify, eventName: 'INSERT', dynamodb: { ...modify.dynamodb!, OldImage: undefined } }, ordersKs)), 'insert');
});

t.test('exact 38-digit numbers, as JSON text of any length, are numbers', async (t) => {
  const validate = createAjv().compile(sampledSchema());
  const doc = asJson(snapshotDocument(items[0]!, ordersKs)) as Record<string, unknown>;
  t.match(stringify(snapshotDocument(items[0]!, ordersKs)), /"total":99999999999999999999999999999999999999,/);
  t.equal(doc.orderId, '12345678901234567890123456789012345678', 'a numeric key is its exact decimal string');
  t.ok(validate(doc));
});

t.test('what the schema rejects: missing or mistyped keys, no _meta, unknown op, a mistyped before', async (t) => {
  const validate = createAjv().compile(sampledSchema());
  const base = asJson(snapshotDocument(items[1]!, ordersKs)) as Record<string, unknown>;
  t.ok(validate(base));
  const bad = (patch: Record<string, unknown>, what: string): void => {
    const doc: Record<string, unknown> = { ...base, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete doc[k];
    t.notOk(validate(doc), what);
  };
  bad({ orderId: 1 }, 'numeric key as a JSON number');
  bad({ customerId: undefined }, 'missing hash key');
  bad({ orderId: 'one' }, 'N key that is not decimal text');
  bad({ _meta: undefined }, 'no _meta');
  bad({ _meta: { snapshot: true } }, 'no op');
  bad({ _meta: { op: 'x' } }, 'unknown op');
  bad({ _meta: { op: 'u', before: { customerId: 'c-18' } } }, 'before without its range key');
  t.ok(validate({ ...base, total: 'a lot' }), 'an attribute of another type than sampled is accepted: sampled types are a hint');
  t.ok(validate({ ...base, brandNew: { any: ['thing'] } }), 'attributes never sampled are accepted');
});

t.test("the hardened if matches only documents that say op d", async (t) => {
  const s = documentSchema('orders', ordersKs) as { allOf: [{ if: object }] };
  const isDelete = createAjv().compile(s.allOf[0].if);
  t.ok(isDelete({ _meta: { op: 'd' } }));
  t.notOk(isDelete({ _meta: { op: 'u' } }));
  t.notOk(isDelete({ _meta: {} }), 'no op: not a delete (Estuary’s shipped if says it is)');
  t.notOk(isDelete({}), 'no _meta: not a delete (Estuary’s shipped if says it is)');
});

t.test('the schema is a pure function of its inputs', async (t) => {
  t.equal(JSON.stringify(sampledSchema()), JSON.stringify(sampledSchema()));
});
