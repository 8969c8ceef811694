// The discovered document schema of PROTOCOL.md §3.3 with the documents of §3.4: what the capture's
// partial combine and a materialization's full reduction make of creates, updates and deletes.
import t from 'tap';
import fc from 'fast-check';
import { combine, texts } from './fixtures/combine.js';
import { parseJson } from '../../../src/json/parse.js';
import { type Json, type JsonObject } from '../../../src/json/value.js';
import { canonicalText } from '../../../src/reduce/order.js';
import { documentSchema } from '../../../src/discover/document-schema.js';
import { foldDocuments } from '../../../src/decode/fold.js';
import type { KeySchema } from '../../../src/decode/key.js';

const orders = {
  $defs: {
    orders: {
      type: 'object', $anchor: 'orders', required: ['customerId', 'orderId'],
      properties: { customerId: { type: 'string' }, orderId: { type: 'string', format: 'number' } },
    },
  },
  allOf: [
    {
      required: ['_meta'],
      properties: {
        _meta: {
          type: 'object', required: ['op'], reduce: { strategy: 'merge' },
          properties: {
            op: { enum: ['c', 'd', 'u'] }, snapshot: { type: 'boolean' }, eventId: { type: 'string' },
            approximateCreationDateTime: { type: 'string', format: 'date-time' },
            userIdentity: { type: 'object', properties: { principalId: { type: 'string' }, type: { type: 'string' } } },
            before: { $ref: '#orders', reduce: { strategy: 'firstWriteWins' } },
          },
        },
      },
      if: { required: ['_meta'], properties: { _meta: { required: ['op'], properties: { op: { const: 'd' } } } } },
      then: { reduce: { strategy: 'merge', delete: true } },
      else: { reduce: { strategy: 'merge' } },
    },
    { $ref: '#orders' },
  ],
  'x-infer-schema': true,
};
const key = ['/customerId', '/orderId'];
const doc = (text: string): JsonObject => parseJson(text) as JsonObject;

const B1 = '{"customerId":"c-17","orderId":"42","status":"open","coupon":"X1"}';
const B2 = '{"customerId":"c-17","orderId":"42","status":"shipped"}';
const c = doc('{"_meta":{"op":"c","snapshot":true},"customerId":"c-17","orderId":"42","status":"open","coupon":"X1"}');
const u = doc(`{"_meta":{"op":"u","eventId":"e1","approximateCreationDateTime":"2024-05-01T12:00:03Z","before":${B1}},"customerId":"c-17","orderId":"42","status":"shipped","coupon":null}`);
const d = doc(
  `{"_meta":{"op":"d","eventId":"e2","approximateCreationDateTime":"2024-05-02T08:15:00Z","userIdentity":{"principalId":"dynamodb.amazonaws.com","type":"Service"},"before":${B2}},"customerId":"c-17","orderId":"42","status":null}`,
);

t.test('c, u(before B1), d(before B2): partial gives one tombstone with before B1; full deletes', async (t) => {
  const partial = await combine({ schema: orders, keyPointers: key, mode: 'partial' }, [c, u, d]);
  t.same(texts(partial), [
    canonicalText(
      parseJson(
        `{"_meta":{"op":"d","snapshot":true,"eventId":"e2","approximateCreationDateTime":"2024-05-02T08:15:00Z","userIdentity":{"principalId":"dynamodb.amazonaws.com","type":"Service"},"before":${B1}},` +
          '"customerId":"c-17","orderId":"42","status":null,"coupon":null}',
      ),
    ),
  ]);
  t.same(partial[0]!.key, ['c-17', '42']);
  const full = await combine({ schema: orders, keyPointers: key, mode: 'full' }, [c, u, d]);
  t.equal(full.length, 1);
  t.equal(full[0]!.deleted, true, 'the materialization deletes the row');
  const fromPartial = await combine({ schema: orders, keyPointers: key, mode: 'full' }, partial.map((x) => x.doc));
  t.same(texts(fromPartial), texts(full), 'full(partial(c,u,d)) = full(c,u,d)');
});

t.test('a delete then a re-insert clears the delete; before keeps the oldest', async (t) => {
  const again = doc('{"_meta":{"op":"c","eventId":"e3"},"customerId":"c-17","orderId":"42","status":"new"}');
  const [got] = await combine({ schema: orders, keyPointers: key, mode: 'full' }, [d, again]);
  t.equal(got!.deleted, false);
  t.same(canonicalText(got!.doc), canonicalText(parseJson(
    `{"_meta":{"op":"c","eventId":"e3","approximateCreationDateTime":"2024-05-02T08:15:00Z","userIdentity":{"principalId":"dynamodb.amazonaws.com","type":"Service"},"before":${B2}},"customerId":"c-17","orderId":"42","status":"new"}`,
  )));
  const lone = await combine({ schema: orders, keyPointers: key, mode: 'full' }, [d]);
  t.equal(lone[0]!.deleted, true, 'a lone tombstone is reported deleted: the runner can make it a no-op for an absent key');
});

t.test('documents without _meta fail the hardened schema instead of reading as deletes', async (t) => {
  await t.rejects(combine({ schema: orders, keyPointers: key, mode: 'partial' }, [doc('{"customerId":"a","orderId":"1"}')]), { code: 'BAD_DOCUMENT' });
  await t.rejects(combine({ schema: orders, keyPointers: key, mode: 'partial' }, [doc('{"_meta":{"op":"c"},"customerId":"a"}')]), { code: 'BAD_DOCUMENT' });
});

// The law behind the capture's combiner: for a model table taking random writes, emitting the
// documents of §3.4, the partially combined documents of each transaction (any split) fold to the
// same rows as every document folded one by one; and a full reduction of everything gives the rows.
const ks: KeySchema = { hash: { name: 'customerId', type: 'S' }, range: { name: 'orderId', type: 'N' } };
const valueArb: fc.Arbitrary<Json> = fc.oneof(fc.constantFrom('x', 'y', true, null), fc.integer({ min: -3, max: 3 }).map((n) => parseJson(`${n}.0`)), fc.constant<Json>({ m: [1, { n: 2 }] }));
const opArb = fc.record({
  kind: fc.constantFrom('put', 'put', 'delete', 'scan'),
  key: fc.tuple(fc.constantFrom('c1', 'c2'), fc.constantFrom('1', '2', '10')),
  attrs: fc.dictionary(fc.constantFrom('a', 'b', 'status', '__proto__'), valueArb, { maxKeys: 3 }),
});

t.test('fold(partial combine per transaction) = fold(documents) = full combine, with the generated discovered schema', async (t) => {
  const schema = documentSchema('orders', ks);
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), fc.array(fc.nat(30), { maxLength: 4 }), async (ops, cuts) => {
      const table = new Map<string, JsonObject>();
      const docs: JsonObject[] = [];
      ops.forEach((op, i) => {
        const id = JSON.stringify(op.key);
        const keys: JsonObject = { customerId: op.key[0], orderId: op.key[1] };
        const old = table.get(id);
        if (op.kind === 'scan') {
          if (old) docs.push({ _meta: { op: 'c', snapshot: true }, ...old });
          return;
        }
        if (op.kind === 'delete') {
          if (!old) return;
          table.delete(id);
          const out: JsonObject = { _meta: { op: 'd', eventId: `e${i}`, before: old }, ...keys };
          for (const n of Object.keys(old)) if (!Object.hasOwn(keys, n)) define(out, n, null);
          docs.push(out);
          return;
        }
        const row: JsonObject = { ...keys };
        for (const n of Object.keys(op.attrs)) define(row, n, op.attrs[n]!);
        table.set(id, row);
        const out: JsonObject = { _meta: old ? { op: 'u', eventId: `e${i}`, before: old } : { op: 'c', eventId: `e${i}` }, ...keys };
        for (const n of Object.keys(row)) if (!Object.hasOwn(keys, n)) define(out, n, row[n]!);
        if (old) for (const n of Object.keys(old)) if (!Object.hasOwn(row, n)) define(out, n, null);
        docs.push(out);
      });
      const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, docs.length)), docs.length])].sort((a, b) => a - b);
      const combined: JsonObject[] = [];
      for (let i = 1; i < bounds.length; i++) {
        const part = await combine({ schema, keyPointers: ['/customerId', '/orderId'], mode: 'partial' }, docs.slice(bounds[i - 1], bounds[i]));
        combined.push(...part.map((x) => x.doc));
      }
      const want = rows(foldDocuments(docs.map((doc) => ({ doc })), ['/customerId', '/orderId']));
      const got = rows(foldDocuments(combined.map((doc) => ({ doc })), ['/customerId', '/orderId']));
      const full = await combine({ schema, keyPointers: ['/customerId', '/orderId'], mode: 'full' }, docs);
      const fullRows = full.filter((x) => !x.deleted).map((x) => canonicalText(withoutMetaAndNulls(x.doc))).sort();
      const model = [...table.values()].map((r) => canonicalText(withoutMetaAndNulls(r))).sort();
      return got === want && canonicalText(fullRows) === canonicalText(model);
    }),
    { numRuns: 150 },
  );
  t.pass();
});

function define(o: JsonObject, name: string, v: Json): void {
  Object.defineProperty(o, name, { value: v, enumerable: true, writable: true, configurable: true });
}

function rows(m: Map<string, JsonObject>): string {
  return [...m.entries()].map(([k, v]) => k + canonicalText(v)).sort().join('\n');
}

function withoutMetaAndNulls(d: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const n of Object.keys(d)) if (n !== '_meta' && d[n] !== null) define(out, n, d[n]!);
  return out;
}
