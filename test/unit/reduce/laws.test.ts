// The laws of PROTOCOL.md §5 as properties over random documents of a schema using every strategy:
// associativity of partial reductions, and "reduce each transaction, then combine the results"
// equal to "reduce everything at once", for any split.
import t from 'tap';
import fc from 'fast-check';
import { richDoc, richSchema } from './fixtures/rich.js';
import { combine, texts } from './fixtures/combine.js';
import { reduceDocument, type ReduceResult } from '../../../src/reduce/reduce.js';
import { SchemaIndex } from '../../../src/reduce/schema-index.js';
import { canonicalText } from '../../../src/reduce/order.js';
import type { Json, JsonObject } from '../../../src/json/value.js';

const index = SchemaIndex.compile(richSchema);
const keyPointers = ['/k'];
/** Documents without the fields that make partial reductions non-associative on purpose. */
const assocDoc = richDoc.map(({ na: _na, sw: _sw, ...rest }) => rest as JsonObject);
const sameKey = (docs: JsonObject[]): JsonObject[] => docs.map((d) => ({ ...d, k: 'a' }));

function partial(l: Json, r: Json): ReduceResult {
  return reduceDocument(l, r, index.annotate(r), 'partial');
}

t.test('partial reductions are associative: (a·b)·c = a·(b·c) wherever both sides combine', async (t) => {
  let checked = 0;
  fc.assert(
    fc.property(fc.oneof(richDoc, assocDoc), assocDoc, assocDoc, (a, b, c) => {
      const ab = partial(a, b);
      const bc = partial(b, c);
      if (ab.notAssociative !== undefined || bc.notAssociative !== undefined) return true;
      const left = partial(ab.doc, c);
      const right = partial(a, bc.doc);
      if (left.notAssociative !== undefined || right.notAssociative !== undefined) return left.notAssociative !== undefined && right.notAssociative !== undefined;
      checked++;
      return canonicalText(left.doc) === canonicalText(right.doc);
    }),
    { numRuns: 500 },
  );
  t.ok(checked > 300, `${checked} triples combined on both sides`);
});

t.test('full reductions: base ⊕ (b·c) = (base ⊕ b) ⊕ c, deletes included', async (t) => {
  fc.assert(
    fc.property(richDoc, richDoc, richDoc, (a, b, c) => {
      const bc = partial(b, c);
      if (bc.notAssociative !== undefined) return true;
      const full = (l: Json | undefined, r: Json): { doc: Json; deleted: boolean } => reduceDocument(l, r, index.annotate(r), 'full') as { doc: Json; deleted: boolean };
      const base = full(undefined, a).doc;
      const seq = full(full(base, b).doc, c);
      const grouped = full(base, bc.doc);
      return canonicalText(seq.doc) === canonicalText(grouped.doc) && seq.deleted === grouped.deleted;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

const splitArb = fc.array(richDoc, { maxLength: 25 }).chain((docs) =>
  fc.tuple(fc.constant(docs), fc.uniqueArray(fc.nat(docs.length), { maxLength: 4 }).map((cuts) => [0, ...cuts.sort((x, y) => x - y), docs.length])),
);

async function byTransactions(docs: JsonObject[], bounds: number[]): Promise<JsonObject[]> {
  const out: JsonObject[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const part = await combine({ schema: richSchema, keyPointers, mode: 'partial' }, docs.slice(bounds[i - 1], bounds[i]));
    out.push(...part.map((d) => d.doc));
  }
  return out;
}

t.test('any split into transactions, combined partially and then fully, equals one full reduction', async (t) => {
  await fc.assert(
    fc.asyncProperty(splitArb, async ([docs, bounds]) => {
      const once = texts(await combine({ schema: richSchema, keyPointers, mode: 'full' }, docs));
      const split = await byTransactions(docs, bounds);
      const viaSplit = texts(await combine({ schema: richSchema, keyPointers, mode: 'full' }, split));
      const twice = await combine({ schema: richSchema, keyPointers, mode: 'partial' }, split);
      const viaTwice = texts(await combine({ schema: richSchema, keyPointers, mode: 'full' }, twice.map((d) => d.doc)));
      return canonicalText(once) === canonicalText(viaSplit) && canonicalText(once) === canonicalText(viaTwice);
    }),
    { numRuns: 200 },
  );
  t.pass();
});

t.test('one key, many documents: the same law where every reduction meets the previous one', async (t) => {
  await fc.assert(
    fc.asyncProperty(splitArb, async ([docs, bounds]) => {
      const one = sameKey(docs);
      const once = texts(await combine({ schema: richSchema, keyPointers, mode: 'full' }, one));
      const viaSplit = texts(await combine({ schema: richSchema, keyPointers, mode: 'full' }, await byTransactions(one, bounds)));
      return canonicalText(once) === canonicalText(viaSplit);
    }),
    { numRuns: 200 },
  );
  t.pass();
});
