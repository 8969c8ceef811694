// One capture transaction: a key seen once leaves exactly as it came; documents of one key reduce,
// left to right, through the collection's reduce annotations; the checkpoints come after every
// document of the transaction, composed.
import t from 'tap';
import { Transaction, type BindingReduction, type OutputDoc } from '../../../src/capture/transaction.js';
import { documentSchema } from '../../../src/discover/document-schema.js';
import type { KeySchema } from '../../../src/decode/key.js';
import { parseJson } from '../../../src/json/parse.js';
import { stringify } from '../../../src/json/stringify.js';
import { isJsonObject, type Json, type JsonObject } from '../../../src/json/value.js';
import { SchemaIndex } from '../../../src/reduce/schema-index.js';

const KS: KeySchema = { hash: { name: 'pk', type: 'S' } };

function reduction(keyPointers: string[] = ['/pk'], keyIsTableKey = true, schema: unknown = documentSchema('items', KS)): BindingReduction {
  return { keyPointers, schema: SchemaIndex.compile(schema), keyIsTableKey };
}

const key = (pk: string): string => JSON.stringify([pk]);
const obj = (text: string): JsonObject => parseJson(text) as JsonObject;
const textDoc = (pk: string, text: string): OutputDoc => ({ key: key(pk), text });
const objDoc = (pk: string, text: string): OutputDoc => ({ key: key(pk), doc: obj(text) });

/** Sorted-key text: documents compare equal whatever order their properties came in. */
function canonical(v: Json): string {
  const sort = (x: Json): Json => {
    if (Array.isArray(x)) return x.map(sort);
    if (!isJsonObject(x)) return x;
    const out: JsonObject = {};
    for (const k of Object.keys(x).sort()) out[k] = sort(x[k]!);
    return out;
  };
  return stringify(sort(v));
}

interface Parsed {
  captured: { binding: number; doc: JsonObject; text: string }[];
  checkpoints: JsonObject[];
  order: ('doc' | 'checkpoint')[];
}

function parse(lines: string[]): Parsed {
  const out: Parsed = { captured: [], checkpoints: [], order: [] };
  for (const l of lines) {
    const prefix = /^\{"captured":\{"binding":(\d+),"doc":/.exec(l);
    if (prefix) {
      const text = l.slice(prefix[0].length, -2);
      out.captured.push({ binding: Number(prefix[1]), doc: obj(text), text });
      out.order.push('doc');
    } else {
      const cp = (JSON.parse(l) as { checkpoint: { state: { updated: JsonObject; mergePatch: boolean } } }).checkpoint.state;
      if (cp.mergePatch !== true) throw new Error(`checkpoint without mergePatch: ${l}`);
      out.checkpoints.push(cp.updated);
      out.order.push('checkpoint');
    }
  }
  return out;
}

const patch = (sk: string, p: JsonObject): JsonObject => ({ bindingStateV1: { [sk]: p } });

t.test('lone keys pass through untouched: the exact text, odd spellings and property order kept', async (t) => {
  const txn = new Transaction(new Map([[0, reduction()]]));
  const a = '{"_meta":{"op":"c","snapshot":true},"pk":"a","n":1.2400,"z":1,"b":[3,2,1],"big":12345678901234567890123456789012345678}';
  const b = '{"_meta":{"op":"c","snapshot":true},"pk":"b","nested":{"y":-0.50,"x":1e3}}';
  txn.add(0, [textDoc('a', a), textDoc('b', b)], patch('items.v1', { backfillSegmentProgress: { '0': { exclusiveStartKey: 'k' } } }));
  const { lines, docsIn, docsOut } = txn.lines();
  t.strictSame(lines.slice(0, 2), [`{"captured":{"binding":0,"doc":${a}}}`, `{"captured":{"binding":0,"doc":${b}}}`]);
  t.equal(docsIn, 2);
  t.equal(docsOut, 2);
  t.equal(lines.length, 3, 'then one checkpoint');
});

t.test('a lone document given as an object is written with its exact numbers', async (t) => {
  const txn = new Transaction(new Map([[0, reduction()]]));
  const text = '{"_meta":{"op":"u","eventId":"e1","before":{"pk":"a","n":1}},"pk":"a","n":98765432109876543210987654321098765432,"gone":null}';
  txn.add(0, [objDoc('a', text)], patch('items.v1', {}));
  t.equal(txn.lines().lines[0], `{"captured":{"binding":0,"doc":${text}}}`);
});

t.test('documents of one key reduce left to right through the reduce annotations', async (t) => {
  const txn = new Transaction(new Map([[0, reduction()]]));
  const snap = '{"_meta":{"op":"c","snapshot":true},"pk":"a","v":1,"gone":"x","keep":"k"}';
  const u1 = '{"_meta":{"op":"u","eventId":"e1","approximateCreationDateTime":"2024-05-01T00:00:01Z","before":{"pk":"a","v":1,"gone":"x","keep":"k"}},"pk":"a","v":2,"gone":null,"keep":"k"}';
  const other = '{"_meta":{"op":"c","snapshot":true},"pk":"b","v":7}';
  const u2 = '{"_meta":{"op":"u","eventId":"e2","approximateCreationDateTime":"2024-05-01T00:00:02Z","before":{"pk":"a","v":2,"keep":"k"}},"pk":"a","v":3.50,"keep":"k"}';
  // Snapshot page (text), then two stream batches (objects), as the output sees them.
  txn.add(0, [textDoc('a', snap), textDoc('b', other)], patch('items.v1', { backfillSegmentProgress: { '0': { exclusiveStartKey: 'x' } } }));
  txn.add(0, [objDoc('a', u1)], patch('items.v1', { shards: { s1: { lastReadSequence: '10' } } }));
  txn.add(0, [objDoc('a', u2)], patch('items.v1', { shards: { s1: { lastReadSequence: '11' } } }));
  const { lines, docsIn, docsOut } = txn.lines();
  const p = parse(lines);
  t.equal(docsIn, 4);
  t.equal(docsOut, 2, 'one document per key');
  t.strictSame(p.order, ['doc', 'doc', 'checkpoint']);
  const byKey = new Map(p.captured.map((c) => [c.doc.pk as string, c]));
  t.equal(byKey.get('b')!.text, other, 'the lone key b is untouched');
  // Root merge; _meta merges (op, eventId, time: last write wins; before: first write wins);
  // other properties: last write wins, null included (it records the REMOVE).
  const want = obj(
    '{"_meta":{"op":"u","snapshot":true,"eventId":"e2","approximateCreationDateTime":"2024-05-01T00:00:02Z","before":{"pk":"a","v":1,"gone":"x","keep":"k"}},"pk":"a","v":3.50,"gone":null,"keep":"k"}',
  );
  t.equal(canonical(byKey.get('a')!.doc), canonical(want));
  t.strictSame(p.checkpoints, [patch('items.v1', { backfillSegmentProgress: { '0': { exclusiveStartKey: 'x' } }, shards: { s1: { lastReadSequence: '11' } } })], 'one composed checkpoint');
});

t.test('an insert then a delete of one key reduce to the delete', async (t) => {
  const txn = new Transaction(new Map([[0, reduction()]]));
  const c = '{"_meta":{"op":"c","eventId":"e1","approximateCreationDateTime":"2024-05-01T00:00:01Z"},"pk":"a","v":1}';
  const d =
    '{"_meta":{"op":"d","eventId":"e2","approximateCreationDateTime":"2024-05-01T00:00:02Z","userIdentity":{"principalId":"dynamodb.amazonaws.com","type":"Service"},"before":{"pk":"a","v":1}},"pk":"a","v":null}';
  txn.add(0, [objDoc('a', c), objDoc('a', d)], patch('items.v1', {}));
  const p = parse(txn.lines().lines);
  t.equal(p.captured.length, 1);
  const want = obj(
    '{"_meta":{"op":"d","eventId":"e2","approximateCreationDateTime":"2024-05-01T00:00:02Z","userIdentity":{"principalId":"dynamodb.amazonaws.com","type":"Service"},"before":{"pk":"a","v":1}},"pk":"a","v":null}',
  );
  t.equal(canonical(p.captured[0]!.doc), canonical(want), 'still a delete, still recognizable as a TTL delete');
});

t.test('checkpoints follow every document of the transaction, in every binding', async (t) => {
  const txn = new Transaction(new Map([
    [0, reduction()],
    [3, reduction()],
  ]));
  txn.add(0, [textDoc('a', '{"_meta":{"op":"c","snapshot":true},"pk":"a"}')], patch('a.v1', { backfillSegmentProgress: { '0': { exclusiveStartKey: '1' } } }));
  txn.add(3, [textDoc('a', '{"_meta":{"op":"c","snapshot":true},"pk":"a","other":"binding"}')], patch('b.v1', { shards: { s: { lastReadSequence: '5' } } }));
  // A prune then a new state under the same key cannot be one merge patch: two checkpoints.
  txn.add(0, [], patch('a.v1', { backfillFinishedAt: 'T' }));
  txn.add(0, [], { bindingStateV1: { 'gone.v1': null } });
  txn.add(0, [], { bindingStateV1: { 'gone.v1': { streamArn: 'new' } } });
  txn.add(0, [textDoc('z', '{"_meta":{"op":"c","snapshot":true},"pk":"z"}')], patch('a.v1', { backfillSegmentProgress: { '1': { finishedAt: 'T' } } }));
  const { lines, docsIn, docsOut } = txn.lines();
  const p = parse(lines);
  t.equal(docsIn, 3);
  t.equal(docsOut, 3, 'the same key in two bindings is two documents');
  t.strictSame(p.order, ['doc', 'doc', 'doc', 'checkpoint', 'checkpoint']);
  t.strictSame(
    p.captured.map((c) => [c.binding, c.doc.pk]),
    [
      [0, 'a'],
      [0, 'z'],
      [3, 'a'],
    ],
  );
  t.strictSame(p.checkpoints, [
    {
      bindingStateV1: {
        'a.v1': { backfillSegmentProgress: { '0': { exclusiveStartKey: '1' } }, backfillFinishedAt: 'T' },
        'b.v1': { shards: { s: { lastReadSequence: '5' } } },
        'gone.v1': null,
      },
    },
    { bindingStateV1: { 'gone.v1': { streamArn: 'new' }, 'a.v1': { backfillSegmentProgress: { '1': { finishedAt: 'T' } } } } },
  ]);
});

t.test('a collection key other than the table key: documents reduce by the collection key', async (t) => {
  const schema = { type: 'object', reduce: { strategy: 'merge' }, properties: { n: { type: 'integer', reduce: { strategy: 'sum' } } } };
  const txn = new Transaction(new Map([[0, reduction(['/grp'], false, schema)]]));
  txn.add(0, [objDoc('a', '{"pk":"a","grp":"g1","n":1}'), objDoc('b', '{"pk":"b","grp":"g1","n":2}'), objDoc('c', '{"pk":"c","grp":"g2","n":5}')], patch('x.v1', {}));
  const p = parse(txn.lines().lines);
  const byGroup = new Map(p.captured.map((c) => [c.doc.grp as string, c.doc]));
  t.equal(p.captured.length, 2);
  t.equal(canonical(byGroup.get('g1')!), canonical(obj('{"pk":"b","grp":"g1","n":3}')));
  t.equal(p.captured.find((c) => c.doc.grp === 'g2')!.text, '{"pk":"c","grp":"g2","n":5}', 'a lone group is untouched');
});

t.test('only a checkpoint when there are no documents; an unknown binding is refused', async (t) => {
  const txn = new Transaction(new Map([[0, reduction()]]));
  t.ok(txn.empty);
  txn.add(0, [], patch('a.v1', { streamArn: 'arn' }));
  t.notOk(txn.empty);
  t.strictSame(txn.lines(), { lines: ['{"checkpoint":{"state":{"updated":{"bindingStateV1":{"a.v1":{"streamArn":"arn"}}},"mergePatch":true}}}'], docsIn: 0, docsOut: 0, perBinding: new Map() });
  t.throws(() => new Transaction(new Map()).add(7, [textDoc('a', '{"pk":"a"}')], {}), /binding 7/);
});
