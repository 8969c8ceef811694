// Flow's total order of JSON values (PROTOCOL.md §5): null < booleans < numbers < strings < arrays
// < objects; false < true; numbers by exact value (never through a float); strings by Unicode code
// point; arrays item by item, then by length; objects as their properties sorted by name, compared
// name then value, then by count. An absent value (undefined) sorts before everything. The
// combiner orders keys with it, minimize/maximize choose with it, and merge/set join arrays by it.
import { compareNumberText, canonicalNumber } from '../json/decimal.js';
import { getAt, type Pointer } from '../json/pointer.js';
import { isLosslessNumber, numberText, type Json, type JsonObject } from '../json/value.js';

export type Ordering = -1 | 0 | 1;

/** Type ranks in Flow's order; absent first. */
const Rank = { Absent: 0, Null: 1, Bool: 2, Number: 3, String: 4, Array: 5, Object: 6 } as const;

function rank(v: Json | undefined): number {
  if (v === undefined) return Rank.Absent;
  if (v === null) return Rank.Null;
  switch (typeof v) {
    case 'boolean':
      return Rank.Bool;
    case 'number':
      return Rank.Number;
    case 'string':
      return Rank.String;
    default:
      return isLosslessNumber(v) ? Rank.Number : Array.isArray(v) ? Rank.Array : Rank.Object;
  }
}

export function compareJson(a: Json | undefined, b: Json | undefined): Ordering {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case Rank.Bool:
      return a === b ? 0 : a ? 1 : -1;
    case Rank.Number:
      if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
      return compareNumberText(numberText(a as number), numberText(b as number));
    case Rank.String:
      return compareCodePoints(a as string, b as string);
    case Rank.Array:
      return compareArrays(a as Json[], b as Json[]);
    case Rank.Object:
      return compareObjects(a as JsonObject, b as JsonObject);
    default:
      return 0;
  }
}

function compareArrays(a: Json[], b: Json[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareJson(a[i], b[i]);
    if (c) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareObjects(a: JsonObject, b: JsonObject): Ordering {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(ka[i]!, kb[i]!) || compareJson(a[ka[i]!], b[kb[i]!]);
    if (c) return c;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

export function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort(compareCodePoints);
}

/**
 * Strings by code point (as Flow, which compares UTF-8 bytes). JS `<` compares UTF-16 units, which
 * differs only between a surrogate (U+D800–DFFF) and U+E000–FFFF; shifting both ranges fixes it.
 */
export function compareCodePoints(a: string, b: string): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Compares two values by the values at each pointer in turn (an empty list: all are equal). */
export function compareAtPointers(ptrs: readonly Pointer[], a: Json, b: Json): Ordering {
  for (const p of ptrs) {
    const c = compareJson(getAt(a, p), getAt(b, p));
    if (c) return c;
  }
  return 0;
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  return compareJson(a, b) === 0;
}

/**
 * One text per class of equal values: canonical number spelling, properties sorted by code point.
 * `canonicalText(a) === canonicalText(b)` exactly when `compareJson(a, b) === 0`.
 */
export function canonicalText(v: Json): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || isLosslessNumber(v)) return canonicalNumber(numberText(v)) ?? 'NaN';
  if (Array.isArray(v)) return '[' + v.map(canonicalText).join(',') + ']';
  return '{' + sortedKeys(v).map((k) => JSON.stringify(k) + ':' + canonicalText(v[k]!)).join(',') + '}';
}
