import t from 'tap';
import fc from 'fast-check';
import { foldDocuments, itemToRow } from '../../../src/decode/fold.js';
import { snapshotDocument, streamDocument, type StreamRecordInput } from '../../../src/decode/document.js';
import { keyPointers, keyString, type KeySchema } from '../../../src/decode/key.js';
import type { AttributeValue, Item } from '../../../src/decode/attribute-value.js';
import { stringify } from '../../../src/json/stringify.js';
import type { JsonObject } from '../../../src/json/value.js';
import { rawAvArb, toSdkItem } from './fixtures/avs.js';
import { sortedStringify, spellings, type Dec } from './fixtures/helpers.js';

const ks: KeySchema = { hash: { name: 'pk', type: 'N' }, range: { name: 'sk', type: 'S' } };
const ptrs = keyPointers(ks);

t.test('folding the documents of PROTOCOL.md §3.4', async (t) => {
  const docs: { doc: JsonObject }[] = [
    { doc: { _meta: { op: 'c', snapshot: true }, customerId: 'c-17', orderId: '42', status: 'open', coupon: 'X1' } },
    { doc: { _meta: { op: 'u' }, customerId: 'c-17', orderId: '42', status: 'shipped', coupon: null } },
  ];
  const two = foldDocuments(docs, ['/customerId', '/orderId']);
  t.same([...two.entries()], [['["c-17","42"]', { customerId: 'c-17', orderId: '42', status: 'shipped' }]]);
  const three = foldDocuments([...docs, { doc: { _meta: { op: 'd' }, customerId: 'c-17', orderId: '42', status: null } }], ['/customerId', '/orderId']);
  t.equal(three.size, 0);
  const again = foldDocuments([...docs, { doc: { _meta: { op: 'd' }, customerId: 'c-17', orderId: '42' } }, { doc: { _meta: { op: 'c' }, customerId: 'c-17', orderId: '42', n: 1 } }], [
    '/customerId',
    '/orderId',
  ]);
  t.same(again.get('["c-17","42"]'), { customerId: 'c-17', orderId: '42', n: 1 }, 'a key re-created after a delete starts empty');
});

t.test('itemToRow is the snapshot document without _meta and top-level nulls', async (t) => {
  const item: Item = { sk: { S: 'a' }, pk: { N: '1.50' }, v: { NS: ['1e3'] } };
  t.equal(stringify(itemToRow(item, ks)), '{"pk":"1.5","sk":"a","v":[1000]}');
  const withNull: Item = { ...item, gone: { NULL: true }, m: { M: { n: { NULL: true } } } };
  t.equal(stringify(itemToRow(withNull, ks)), '{"pk":"1.5","sk":"a","v":[1000],"m":{"n":null}}', 'a top-level NULL folds like an absent attribute');
  const { _meta, ...rest } = snapshotDocument(item, ks);
  t.ok(_meta);
  t.equal(stringify(itemToRow(item, ks)), stringify(rest));
});

// The fold law. A model table takes random writes; each write yields the stream record DynamoDB
// would emit (NEW_AND_OLD_IMAGES), and "scan" steps emit a backfill document of the item as it is
// at that moment. Number keys are spelled differently from write to write (as DynamoDB Local does
// for UpdateItem), records come in SDK or raw form. Folding every document must give the table.

const pks: Dec[] = [
  { neg: false, coef: 1n, exp: 0 },
  { neg: false, coef: 25n, exp: -1 },
  { neg: false, coef: 9007199254740993n, exp: 0 },
  { neg: false, coef: 9007199254740992n, exp: 0 },
  { neg: true, coef: 1n, exp: -3 },
  { neg: false, coef: 12345678901234567890123456789012345678n, exp: 87 },
];
const names = ['a', 'b', 'c', 'x/y', '__proto__'];
const keyArb = fc.record({ pk: fc.nat(pks.length - 1), sk: fc.constantFrom('s1', 's2'), spell: fc.nat(3), keysSpell: fc.nat(3), sdk: fc.boolean() });
const attrsArb = fc.dictionary(fc.constantFrom(...names), rawAvArb, { maxKeys: 4 });
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: keyArb, attrs: attrsArb }),
  fc.record({ kind: fc.constant('update' as const), key: keyArb, set: attrsArb, remove: fc.subarray(names) }),
  fc.record({ kind: fc.constant('delete' as const), key: keyArb, ttl: fc.boolean() }),
  fc.record({ kind: fc.constant('scan' as const), key: keyArb }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
type Key = Op['key'];

function define(item: Item, name: string, v: AttributeValue): void {
  Object.defineProperty(item, name, { value: v, enumerable: true, writable: true, configurable: true });
}
function keyItem(k: Key, spell: number): Item {
  return { pk: { N: spellings(pks[k.pk]!)[spell]! }, sk: { S: k.sk } };
}
function withAttrs(base: Item, attrs: Record<string, AttributeValue>, remove: string[] = []): Item {
  const out: Item = {};
  for (const n of Object.keys(base)) if (!remove.includes(n)) define(out, n, base[n]!);
  for (const n of Object.keys(attrs)) define(out, n, attrs[n]!);
  return out;
}

function run(ops: Op[]): { docs: { doc: JsonObject }[]; table: Map<string, Item> } {
  const table = new Map<string, Item>();
  const docs: { doc: JsonObject }[] = [];
  let seq = 0;
  const emit = (k: Key, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', oldImage?: Item, newImage?: Item, ttl = false) => {
    const form = (i: Item | undefined) => (i && k.sdk ? toSdkItem(i) : i);
    const rec: StreamRecordInput = {
      eventID: `e${++seq}`,
      eventName,
      dynamodb: { ApproximateCreationDateTime: k.sdk ? new Date(seq * 1000) : seq, Keys: keyItem(k, k.keysSpell), OldImage: form(oldImage), NewImage: form(newImage), SequenceNumber: String(seq), StreamViewType: 'NEW_AND_OLD_IMAGES' },
      ...(ttl ? { userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' } } : {}),
    };
    docs.push({ doc: streamDocument(rec, ks) });
  };
  for (const op of ops) {
    const id = `${op.key.pk}/${op.key.sk}`;
    const old = table.get(id);
    const keys = keyItem(op.key, op.key.spell);
    if (op.kind === 'put' || op.kind === 'update') {
      // Key attributes are never overwritten by the write's other attributes.
      const next = op.kind === 'put' ? withAttrs(withAttrs({}, op.attrs), keys) : withAttrs(withAttrs(old ?? {}, op.set, op.remove), keys);
      table.set(id, next);
      emit(op.key, old ? 'MODIFY' : 'INSERT', old, next);
    } else if (op.kind === 'delete') {
      if (!old) continue;
      table.delete(id);
      emit(op.key, 'REMOVE', old, undefined, op.ttl);
    } else if (old) {
      docs.push({ doc: snapshotDocument(op.key.sdk ? toSdkItem(old) : old, ks) });
    }
  }
  return { docs, table };
}

t.test('fold law: the fold of the captured documents equals the table', async (t) => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 5, maxLength: 60, size: 'max' }), (ops) => {
      const { docs, table } = run(ops);
      const folded = foldDocuments(docs, ptrs);
      const want = new Map([...table.values()].map((item) => [keyString(item, ks), sortedStringify(itemToRow(item, ks))]));
      if (folded.size !== want.size) return false;
      for (const [k, row] of folded) if (want.get(k) !== sortedStringify(row)) return false;
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('property held');
});

t.test('the fold is sensitive: dropping a removal null breaks it', async (t) => {
  const k: Key = { pk: 0, sk: 's1', spell: 0, keysSpell: 1, sdk: false };
  const { docs, table } = run([
    { kind: 'put', key: k, attrs: { a: { S: 'x' }, b: { N: '1' } } },
    { kind: 'update', key: k, set: {}, remove: ['b'] },
  ]);
  const last = docs[docs.length - 1]!.doc;
  t.equal(last.b, null);
  delete last.b;
  const folded = foldDocuments(docs, ptrs);
  const item = [...table.values()][0]!;
  t.not(sortedStringify(folded.get(keyString(item, ks))!), sortedStringify(itemToRow(item, ks)));
});
