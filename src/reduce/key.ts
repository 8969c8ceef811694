// Collection keys for the combiner: the values at the key pointers, compared in Flow's total order
// (numbers by exact value), with one identity string per equal key for hashing.
import { ConnectorError } from '../errors.js';
import { getAt, parsePointer, type Pointer } from '../json/pointer.js';
import type { Json, JsonObject } from '../json/value.js';
import { canonicalText, compareJson, type Ordering } from './order.js';

export type Key = readonly Json[];

export class KeyExtractor {
  private readonly pointers: Pointer[];

  constructor(readonly keyPointers: readonly string[]) {
    if (keyPointers.length === 0) throw new ConnectorError('BAD_SCHEMA', 'a collection key needs at least one JSON pointer, like "/id"');
    this.pointers = keyPointers.map((p) => {
      try {
        return parsePointer(p);
      } catch {
        throw new ConnectorError('BAD_SCHEMA', `the collection key ${JSON.stringify(p)} is not a JSON pointer (it must start with "/")`);
      }
    });
  }

  /** The key of a document; every key location must be present. */
  extract(doc: JsonObject): Json[] {
    return this.pointers.map((p, i) => {
      const v = getAt(doc, p);
      if (v === undefined) {
        throw new ConnectorError('BAD_DOCUMENT', `a document lacks the collection key ${JSON.stringify(this.keyPointers[i])}`, {
          fields: { location: this.keyPointers[i] },
        });
      }
      return v;
    });
  }
}

export function compareKeys(a: Key, b: Key): Ordering {
  for (let i = 0; i < a.length; i++) {
    const c = compareJson(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

/** Equal exactly when compareKeys says 0 (`1.50` and `1.5` are one key). */
export function keyIdentity(key: Key): string {
  return canonicalText(key as Json[]);
}
