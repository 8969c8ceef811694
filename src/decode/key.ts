// Key attributes (PROTOCOL.md §3.3, §3.5): always rendered as strings (Flow keys must be string,
// integer or boolean), N keys as canonical decimal text so that `1.2400` written by UpdateItem and
// `1.24` written by PutItem are one key, and a key past 2^53 never collides with its neighbour.
import { ConnectorError } from '../errors.js';
import { canonicalNumberText } from './number.js';
import { formatPointer, getAt, parsePointer, type Pointer } from '../json/pointer.js';
import { isLosslessNumber, type JsonObject } from '../json/value.js';
import { attributeTag, type AttributeValue, type Item } from './attribute-value.js';
import { toBase64 } from './binary.js';
import { badValue } from './value.js';

export type KeyType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}

/** A table's primary key: HASH, then RANGE if any, with types from AttributeDefinitions. */
export interface KeySchema {
  hash: KeyAttribute;
  range?: KeyAttribute;
}

/** The attribute of an item by own property only (an attribute may be named `__proto__`). */
export function ownAttribute(item: Item, name: string): AttributeValue | undefined {
  return Object.hasOwn(item, name) ? item[name] : undefined;
}

/** A key attribute's value as a string: S as is, N as canonical decimal text, B as base64. */
export function decodeKeyValue(av: AttributeValue | undefined, type: KeyType, name = '(key)'): string {
  if (av === undefined) throw badKey(name, `the key attribute ${JSON.stringify(name)} is missing`);
  const tag = attributeTag(av);
  if (typeof tag !== 'string') throw badKey(name, tag.problem);
  if (tag !== type) throw badKey(name, `the key attribute ${JSON.stringify(name)} has type ${tag}, but the table's key schema says ${type}`);
  const v = (av as Record<string, unknown>)[tag];
  let out: string | undefined;
  if (type === 'S') out = typeof v === 'string' ? v : undefined;
  else if (type === 'N') out = typeof v === 'string' ? canonicalNumberText(v) : undefined;
  else out = toBase64(v);
  if (out === undefined) throw badKey(name, `the key value is not valid ${type === 'N' ? 'decimal text' : type === 'B' ? 'base64' : 'string'}`);
  return out;
}

function badKey(name: string, why: string): Error {
  return badValue(formatPointer([name]), why);
}

/** The collection key: `/<hash>` then `/<range>`, names escaped per RFC 6901. */
export function keyPointers(ks: KeySchema): string[] {
  const ptrs = [formatPointer([ks.hash.name])];
  if (ks.range) ptrs.push(formatPointer([ks.range.name]));
  return ptrs;
}

/**
 * The identity of a key as one string, for maps and sets (the capture gate, the combiner, the
 * fold): the JSON array of the rendered key values. JSON of strings is injective, values are
 * canonical, and Scan items, stream `Keys` and stream images all give the same text. Identities
 * are comparable within one table (one key schema).
 */
export function keyString(item: Item, ks: KeySchema): string {
  const h = decodeKeyValue(ownAttribute(item, ks.hash.name), ks.hash.type, ks.hash.name);
  if (!ks.range) return JSON.stringify([h]);
  return JSON.stringify([h, decodeKeyValue(ownAttribute(item, ks.range.name), ks.range.type, ks.range.name)]);
}

/** The identity of already-rendered key values, in key order; equals keyString for the same key. */
export function keyStringOf(values: readonly string[]): string {
  return JSON.stringify(values);
}

/**
 * A function giving the key identity of a captured document from its key pointers (parsed once);
 * equals keyString of the item the document came from. Key values are strings in our documents;
 * a number (from another source) counts by its canonical text.
 */
export function documentKeyFn(keyPtrs: readonly string[]): (doc: JsonObject) => string {
  const parsed: Pointer[] = keyPtrs.map(parsePointer);
  return (doc) => {
    const values: string[] = [];
    for (let i = 0; i < parsed.length; i++) {
      const v = getAt(doc, parsed[i]!);
      let text: string | undefined;
      if (typeof v === 'string') text = v;
      else if (typeof v === 'number' && Number.isFinite(v)) text = canonicalNumberText(String(v));
      else if (isLosslessNumber(v)) text = canonicalNumberText(v.value);
      if (text === undefined) {
        throw new ConnectorError('BAD_DOCUMENT', `document has no string or number key at ${keyPtrs[i]}`, { fields: { pointer: keyPtrs[i] } });
      }
      values.push(text);
    }
    return keyStringOf(values);
  };
}

// Resume keys are key text too; they live in resume-key.ts and are offered here as well.
export { decodeResumeKey, decodeResumeKeyForSdk, encodeResumeKey, type RawKey, type SdkKey } from './resume-key.js';
