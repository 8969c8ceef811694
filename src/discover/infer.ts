// Sample-based typing of non-key attributes (PROTOCOL.md §3.3, beyond Estuary): each attribute's
// observed DynamoDB types are merged into one JSON schema, nested maps and lists included. The
// result is a hint about a schemaless table, not a promise: discover puts it in an annotation
// (document-schema.ts), never in what Flow validates. Numbers are `number` (a JSON literal of any
// length), or strings of format `number` when documents carry numbers as strings.
import { attributeTag, type Item } from '../decode/attribute-value.js';
import type { NumberEncoding } from '../decode/number.js';

export type JsonType = 'array' | 'boolean' | 'null' | 'number' | 'object' | 'string';
export type Schema = Record<string, unknown>;

/** DynamoDB nests documents at most 32 levels deep; deeper input is typed without its contents. */
export const MAX_INFERRED_DEPTH = 32;
/**
 * Most properties typed per object. A map with more distinct keys in the sample is a dictionary
 * (keyed by ids, dates...), not a record: listing its keys would bloat the schema with no use.
 */
export const MAX_INFERRED_PROPERTIES = 256;

/** What the sample showed at one location. Mutable while observing, then rendered once. */
export interface Shape {
  types: Set<JsonType>;
  /** Strings from S/SS were seen here. */
  plainStrings: boolean;
  /** Strings from B/BS (base64) were seen here. */
  base64Strings: boolean;
  /** Properties of the objects seen here, until there are too many. */
  properties: Map<string, Shape>;
  /** More than MAX_INFERRED_PROPERTIES keys, or too deep: typed as a bare object. */
  opaque: boolean;
  /** Elements of the arrays seen here, merged. */
  items: Shape | undefined;
}

export function newShape(): Shape {
  return { types: new Set(), plainStrings: false, base64Strings: false, properties: new Map(), opaque: false, items: undefined };
}

/** Merges one AttributeValue into a shape. Values that are not AttributeValues are ignored. */
export function observeValue(shape: Shape, av: unknown, depth = 0): void {
  const tag = attributeTag(av);
  if (typeof tag !== 'string') return;
  const v = (av as Record<string, unknown>)[tag];
  switch (tag) {
    case 'S':
      shape.types.add('string');
      shape.plainStrings = true;
      return;
    case 'N':
      shape.types.add('number');
      return;
    case 'B':
      shape.types.add('string');
      shape.base64Strings = true;
      return;
    case 'BOOL':
      shape.types.add('boolean');
      return;
    case 'NULL':
      shape.types.add('null');
      return;
    case 'M':
      shape.types.add('object');
      if (typeof v === 'object' && v !== null) observeEntries(shape, Object.entries(v), depth);
      return;
    case 'L':
      shape.types.add('array');
      shape.items ??= newShape();
      if (depth >= MAX_INFERRED_DEPTH) return;
      if (Array.isArray(v)) for (const el of v) observeValue(shape.items, el, depth + 1);
      return;
    case 'SS':
    case 'NS':
    case 'BS': {
      shape.types.add('array');
      const items = (shape.items ??= newShape());
      if (!Array.isArray(v) || v.length === 0) return;
      if (tag === 'NS') items.types.add('number');
      else {
        items.types.add('string');
        if (tag === 'SS') items.plainStrings = true;
        else items.base64Strings = true;
      }
      return;
    }
  }
}

/** Merges the entries of a map (or an item) into an object shape. */
export function observeEntries(shape: Shape, entries: Iterable<[string, unknown]>, depth = 0): void {
  shape.types.add('object');
  if (shape.opaque) return;
  if (depth >= MAX_INFERRED_DEPTH) {
    makeOpaque(shape);
    return;
  }
  for (const [name, av] of entries) {
    let child = shape.properties.get(name);
    if (!child) {
      if (shape.properties.size >= MAX_INFERRED_PROPERTIES) {
        makeOpaque(shape);
        return;
      }
      child = newShape();
      shape.properties.set(name, child);
    }
    observeValue(child, av, depth + 1);
  }
}

function makeOpaque(shape: Shape): void {
  shape.opaque = true;
  shape.properties.clear();
}

/**
 * The shape of a table's items without the given attributes (the key, typed from the key schema,
 * and `_meta`, which documents never carry from an item).
 */
export function inferItems(items: Iterable<Item>, skip: ReadonlySet<string>): Shape {
  const root = newShape();
  for (const item of items) {
    observeEntries(
      root,
      Object.entries(item).filter(([name]) => !skip.has(name)),
    );
  }
  return root;
}

/**
 * The JSON schema of a shape: types sorted, properties sorted by name. Deterministic. With
 * `numbers: 'string'` a number is a string: `format: number` when nothing else was a string there.
 */
export function shapeSchema(shape: Shape, numbers: NumberEncoding = 'literal'): Schema {
  const asStrings = numbers === 'string' && shape.types.has('number');
  const seen = new Set(shape.types);
  if (asStrings) {
    seen.delete('number');
    seen.add('string');
  }
  const types = [...seen].sort();
  const out: Schema = {};
  if (types.length === 1) out.type = types[0];
  else if (types.length > 1) out.type = types;
  if (asStrings && !shape.plainStrings && !shape.base64Strings) out.format = 'number';
  if (!asStrings && shape.types.has('string') && shape.base64Strings && !shape.plainStrings) out.contentEncoding = 'base64';
  if (shape.types.has('object') && !shape.opaque && shape.properties.size > 0) out.properties = propertySchemas(shape, numbers);
  if (shape.types.has('array') && shape.items && shape.items.types.size > 0) out.items = shapeSchema(shape.items, numbers);
  return out;
}

/**
 * The schemas of a root shape's properties, for the top level of a document: each also allows
 * `null`, because a stream update or delete writes an explicit null for a removed attribute
 * (PROTOCOL.md §3.4). Empty when the root is opaque (too many attributes to list).
 */
export function topLevelSchemas(root: Shape, numbers: NumberEncoding = 'literal'): Record<string, Schema> {
  if (root.opaque) return {};
  const out = propertySchemas(root, numbers);
  for (const s of Object.values(out)) {
    const t = s.type;
    const types = Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
    // No type at all (nothing decodable seen) already admits null.
    if (types.length > 0 && !types.includes('null')) s.type = [...types, 'null'].sort();
  }
  return out;
}

function propertySchemas(shape: Shape, numbers: NumberEncoding): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const name of [...shape.properties.keys()].sort()) {
    // Object.defineProperty keeps a property named `__proto__` an own data property.
    Object.defineProperty(out, name, { value: shapeSchema(shape.properties.get(name)!, numbers), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
