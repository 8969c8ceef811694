// The documents the combiner holds for one key, and how they become output. Documents of a key are
// reduced partially, left to right, as they arrive; where a partial reduction is not associative
// (PROTOCOL.md §5) the later document starts a new segment, so `docs` is normally one document and
// more only after such a switch. A `front` document (a materialization's loaded, stored document)
// goes before all of them whenever it arrives.
import { ConnectorError } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';
import type { AnnotationTree } from './annotations.js';
import type { Key } from './key.js';
import { reduceDocument, type ReduceMode } from './reduce.js';
import type { SchemaIndex } from './schema-index.js';

export interface KeyGroup {
  key: Key;
  /** keyIdentity(key) */
  id: string;
  front?: JsonObject;
  docs: JsonObject[];
}

/** What the combiner drains: a combined document, its key, and (full mode) whether it is deleted. */
export interface Drained {
  doc: JsonObject;
  key: Key;
  /** Full mode: the last reduction's root annotation had `delete: true`. Always false in partial mode. */
  deleted: boolean;
}

/** Reduces `r` partially into the last of `docs`, or appends it where that is not associative. */
export function pushPartial(index: SchemaIndex, docs: JsonObject[], r: JsonObject, annotations?: AnnotationTree): void {
  const last = docs[docs.length - 1];
  if (last === undefined) {
    docs.push(r);
    return;
  }
  const res = reduceDocument(last, r, annotations ?? index.annotate(r), 'partial');
  if (res.notAssociative !== undefined) docs.push(r);
  else docs[docs.length - 1] = asObject(res.doc);
}

/** Joins the same key's groups from successive runs, earlier first. */
export function joinGroups(index: SchemaIndex, groups: KeyGroup[]): KeyGroup {
  const first = groups[0]!;
  const out: KeyGroup = { key: first.key, id: first.id, docs: [...first.docs] };
  if (first.front) out.front = first.front;
  for (const g of groups.slice(1)) {
    if (g.front) out.front = checkOneFront(out.front, g);
    for (const d of g.docs) pushPartial(index, out.docs, d);
  }
  return out;
}

export function checkOneFront(prior: JsonObject | undefined, g: KeyGroup): JsonObject {
  if (prior) throw new ConnectorError('INTERNAL', `two front documents were added for one key (${g.id}) in one transaction`);
  return g.front!;
}

/** The output of a group: its documents in partial mode; one fully reduced document in full mode. */
export function finishGroup(index: SchemaIndex, g: KeyGroup, mode: ReduceMode): Drained[] {
  if (mode === 'partial') {
    let docs = g.docs;
    if (g.front) {
      docs = [g.front];
      for (const d of g.docs) pushPartial(index, docs, d);
    }
    return docs.map((doc) => ({ doc, key: g.key, deleted: false }));
  }
  let acc: JsonObject | undefined;
  let deleted = false;
  for (const d of g.front ? [g.front, ...g.docs] : g.docs) {
    const res = reduceDocument(acc, d, index.annotate(d), 'full');
    if (res.notAssociative !== undefined) throw new ConnectorError('INTERNAL', 'a full reduction reported NotAssociative');
    acc = asObject(res.doc);
    deleted = res.deleted;
  }
  return acc ? [{ doc: acc, key: g.key, deleted }] : [];
}

function asObject(v: Json): JsonObject {
  if (!isJsonObject(v)) throw new ConnectorError('BAD_DOCUMENT', 'a reduction of documents gave a value that is not an object');
  return v;
}
