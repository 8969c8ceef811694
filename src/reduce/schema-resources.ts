// Where every subschema of a schema document lives, and what a `$ref` points at. Only references
// within the document resolve (as in the bundled schemas Flow hands to connectors): `#/json/pointer`,
// `#anchor`, and the `$id`s of embedded resources (`flow://inferred-schema`, `orders.json#/...`).
import { formatPointer, parsePointer } from '../json/pointer.js';
import { isJsonObject } from '../json/value.js';
import { badSchema } from './strategy.js';

/** The base URI of a schema document without `$id`: relative references resolve against it. */
export const DEFAULT_BASE = 'https://source-dynamodb.invalid/collection.schema.json';

/** Keywords whose value is one subschema. */
export const SCHEMA_KEYWORDS = [
  'additionalProperties', 'propertyNames', 'additionalItems', 'contains', 'not', 'if', 'then', 'else',
  'unevaluatedProperties', 'unevaluatedItems',
] as const;
/** Keywords whose value is an array of subschemas (`items` also, in its draft-07 array form). */
export const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
/** Keywords whose value maps names to subschemas (`dependencies` also holds string arrays). */
export const SCHEMA_MAP_KEYWORDS = ['$defs', 'definitions', 'properties', 'patternProperties', 'dependentSchemas', 'dependencies'] as const;

export interface Placed {
  raw: unknown;
  /** Base URI for `$ref`s inside (the nearest `$id`). */
  base: string;
  /** Location in the document, as a URI fragment: `#/allOf/0/properties/_meta`. */
  loc: string;
}

export interface Resources {
  /** Resource roots by absolute URI without fragment. */
  readonly byUri: Map<string, Placed>;
  /** `$anchor`/`$dynamicAnchor` (and draft-07 `$id: "#name"`) targets by `uri#name`. */
  readonly byAnchor: Map<string, Placed>;
  /** Where each subschema object of the document sits. */
  readonly where: Map<object, Placed>;
}

export function indexResources(root: unknown): Resources {
  const res: Resources = { byUri: new Map(), byAnchor: new Map(), where: new Map() };
  res.byUri.set(DEFAULT_BASE, { raw: root, base: DEFAULT_BASE, loc: '#' });
  walk(res, root, DEFAULT_BASE, []);
  return res;
}

function walk(res: Resources, raw: unknown, parentBase: string, path: string[]): void {
  if (!isJsonObject(raw)) return;
  const loc = '#' + formatPointer(path);
  let base = parentBase;
  const id = raw.$id;
  if (typeof id === 'string') {
    if (id.startsWith('#')) addAnchor(res, `${base}${id}`, { raw, base, loc });
    else {
      const url = parseUri(id, base, loc);
      const anchor = url.hash.slice(1);
      url.hash = '';
      base = url.href;
      res.byUri.set(base, { raw, base, loc });
      if (anchor && !anchor.startsWith('/')) addAnchor(res, `${base}#${anchor}`, { raw, base, loc });
    }
  }
  const placed: Placed = { raw, base, loc };
  res.where.set(raw, placed);
  for (const kw of ['$anchor', '$dynamicAnchor']) {
    const a = raw[kw];
    if (typeof a === 'string') addAnchor(res, `${base}#${a}`, placed);
  }
  forEachSubschema(raw, (sub, tokens) => walk(res, sub, base, [...path, ...tokens]));
}

function addAnchor(res: Resources, uri: string, placed: Placed): void {
  if (!res.byAnchor.has(uri)) res.byAnchor.set(uri, placed);
}

/** Calls `f` with each direct subschema of `raw` and the pointer tokens leading to it. */
export function forEachSubschema(raw: Record<string, unknown>, f: (sub: unknown, tokens: string[]) => void): void {
  for (const kw of SCHEMA_KEYWORDS) if (raw[kw] !== undefined) f(raw[kw], [kw]);
  const items = raw.items;
  if (Array.isArray(items)) items.forEach((s, i) => f(s, ['items', String(i)]));
  else if (items !== undefined) f(items, ['items']);
  for (const kw of SCHEMA_ARRAY_KEYWORDS) {
    const arr = raw[kw];
    if (Array.isArray(arr)) arr.forEach((s, i) => f(s, [kw, String(i)]));
  }
  for (const kw of SCHEMA_MAP_KEYWORDS) {
    const map = raw[kw];
    if (!isJsonObject(map)) continue;
    for (const name of Object.keys(map)) {
      const sub = map[name];
      if (kw === 'dependencies' && Array.isArray(sub)) continue; // draft-07 dependentRequired
      f(sub, [kw, name]);
    }
  }
}

/** The subschema a `$ref` written at `loc` (base `base`) designates. */
export function resolveRef(res: Resources, ref: string, base: string, loc: string): Placed {
  const url = parseUri(ref, base, loc);
  const fragment = decodeURIComponent(url.hash.slice(1));
  url.hash = '';
  const resource = res.byUri.get(url.href);
  if (fragment === '' || fragment.startsWith('/')) {
    if (!resource) throw badSchema(loc, `$ref ${JSON.stringify(ref)} points outside the schema document (${url.href}); only references within it resolve`);
    let target: unknown = resource.raw;
    for (const tok of parsePointer(fragment)) {
      target = isJsonObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[tok] : undefined;
      if (target === undefined) throw badSchema(loc, `$ref ${JSON.stringify(ref)} points at nothing`);
    }
    if (typeof target === 'object' && target !== null) {
      const known = res.where.get(target);
      if (known) return known;
    }
    return { raw: target, base: resource.base, loc: resource.loc + fragment };
  }
  const anchored = res.byAnchor.get(`${url.href}#${fragment}`);
  if (!anchored) throw badSchema(loc, `$ref ${JSON.stringify(ref)} names no $anchor in the schema document`);
  return anchored;
}

function parseUri(ref: string, base: string, loc: string): URL {
  try {
    return new URL(ref, base);
  } catch {
    throw badSchema(loc, `${JSON.stringify(ref)} is not a URI reference`);
  }
}
