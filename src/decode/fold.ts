// The test oracle of the capture contract: what a reader of the collection sees once documents are
// reduced by key. A table's Scan decoded with itemToRow must equal the fold of everything captured.
// Top-level merge, as the document schema's root `merge` with lastWriteWins children does: each
// top-level property is replaced by the later value; `null` stands for a removed attribute, so it
// removes the field here (Flow keeps it as null; a Scan has no such attribute); `_meta.op` "d"
// deletes the key; `_meta` itself is not part of a row. A top-level attribute of type NULL and an
// absent one therefore fold alike (under Flow's reduction both read as null): itemToRow leaves
// top-level nulls out so a Scan compares equal. Nested NULLs are kept.
import { isJsonObject, type JsonObject } from '../json/value.js';
import type { Item } from './attribute-value.js';
import { renderItem } from './document.js';
import { documentKeyFn, type KeySchema } from './key.js';
import type { NumberEncoding } from './number.js';
import { setOwn } from './set-own.js';

/**
 * Folds captured documents by key, in order. Map keys equal keyString of each row's item. Rows are
 * fresh objects; their property values are shared with the documents (treat them as read-only).
 */
export function foldDocuments(docs: Iterable<{ doc: JsonObject }>, keyPtrs: readonly string[]): Map<string, JsonObject> {
  const keyOf = documentKeyFn(keyPtrs);
  const rows = new Map<string, JsonObject>();
  for (const { doc } of docs) {
    const key = keyOf(doc);
    const meta = doc._meta;
    if (isJsonObject(meta) && meta.op === 'd') {
      rows.delete(key);
      continue;
    }
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = {}));
    for (const name in doc) {
      if (name === '_meta') continue;
      const v = doc[name]!;
      if (v === null) delete row[name];
      else setOwn(row, name, v);
    }
  }
  return rows;
}

/** An item as its folded row should look: snapshotDocument without `_meta` and top-level nulls. */
export function itemToRow(item: Item, ks: KeySchema, numbers?: NumberEncoding): JsonObject {
  const row = renderItem(item, ks, numbers);
  for (const name in row) if (row[name] === null) delete row[name];
  return row;
}
