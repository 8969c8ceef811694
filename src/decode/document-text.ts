// The backfill's fast path: a snapshot document written straight from the Scan item's
// AttributeValues into JSON text, with no intermediate objects or number wrappers. It produces
// exactly stringify(snapshotDocument(item, ks)); anything unusual (an unknown or mistyped value)
// goes through snapshotDocument, which raises the precise error.
import type { Item } from './attribute-value.js';
import { toBase64 } from './binary.js';
import { snapshotDocument } from './document.js';
import { decodeKeyValue, ownAttribute, type KeySchema } from './key.js';
import { canonicalNumberText, type NumberEncoding } from './number.js';
import { stringify } from '../json/stringify.js';

const SNAPSHOT_META = '{"_meta":{"op":"c","snapshot":true}';

/** Signals "take the slow path": the object decoder reports what is wrong. */
const SLOW = Symbol('slow');

export function snapshotDocumentText(item: Item, ks: KeySchema, numbers?: NumberEncoding): string {
  const attributeText = numbers === 'string' ? stringNumbers : literalNumbers;
  try {
    let out = SNAPSHOT_META;
    const hash = ks.hash.name;
    const range = ks.range?.name;
    out += ',' + JSON.stringify(hash) + ':' + JSON.stringify(decodeKeyValue(ownAttribute(item, hash), ks.hash.type, hash));
    if (range !== undefined) out += ',' + JSON.stringify(range) + ':' + JSON.stringify(decodeKeyValue(ownAttribute(item, range), ks.range!.type, range));
    for (const name in item) {
      if (name === hash || name === range || name === '_meta') continue;
      out += ',' + JSON.stringify(name) + ':' + attributeText(item[name]);
    }
    return out + '}';
  } catch (e) {
    if (e !== SLOW) throw e;
    return stringify(snapshotDocument(item, ks, numbers));
  }
}

/** A value's JSON text with numbers as literals, or as strings of the same digits. */
const literalNumbers = (av: unknown): string => valueText(av, numberText);
const stringNumbers = (av: unknown): string => valueText(av, numberStringText);

function valueText(av: unknown, num: (v: unknown) => string): string {
  if (typeof av !== 'object' || av === null) throw SLOW;
  const o = av as Record<string, unknown>;
  let tag: string | undefined;
  for (const k in o) {
    if (tag !== undefined) throw SLOW; // more than one member: let the decoder explain
    tag = k;
  }
  const v = o[tag!];
  switch (tag) {
    case 'S':
      if (typeof v !== 'string') throw SLOW;
      return JSON.stringify(v);
    case 'N':
      return num(v);
    case 'B':
      return binaryText(v);
    case 'BOOL':
      if (typeof v !== 'boolean') throw SLOW;
      return v ? 'true' : 'false';
    case 'NULL':
      if (typeof v !== 'boolean') throw SLOW;
      return 'null';
    case 'M': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw SLOW;
      let out = '{';
      let first = true;
      for (const k in v as Record<string, unknown>) {
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + valueText((v as Record<string, unknown>)[k], num);
        first = false;
      }
      return out + '}';
    }
    case 'L':
      return listText(v, (x) => valueText(x, num));
    case 'SS':
      return listText(v, (s) => {
        if (typeof s !== 'string') throw SLOW;
        return JSON.stringify(s);
      });
    case 'NS':
      return listText(v, num);
    case 'BS':
      return listText(v, binaryText);
    default:
      throw SLOW;
  }
}

function numberText(v: unknown): string {
  if (typeof v !== 'string') throw SLOW;
  const t = canonicalNumberText(v);
  if (t === undefined) throw SLOW;
  return t;
}

/** Canonical number text holds only digits, '-', '.', 'e' and '+': quoting needs no escaping. */
function numberStringText(v: unknown): string {
  return '"' + numberText(v) + '"';
}

function binaryText(v: unknown): string {
  const b64 = toBase64(v);
  if (b64 === undefined) throw SLOW;
  return '"' + b64 + '"';
}

function listText(l: unknown, each: (v: unknown) => string): string {
  if (!Array.isArray(l)) throw SLOW;
  let out = '[';
  for (let i = 0; i < l.length; i++) out += (i ? ',' : '') + each(l[i]);
  return out + ']';
}
