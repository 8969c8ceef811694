// The discovered document schema of one table (PROTOCOL.md §3.3): the table's item schema under
// `$defs` with an `$anchor`, `_meta` from our template (schemas/document-meta.schema.json) with
// `before` typed as the item, the hardened delete conditional, and `x-infer-schema`. Reductions
// live only in `then`/`else` at the root (an unconditional one would conflict) and on `_meta`.
//
// Flow enforces this schema on every document, so it types only what the connector guarantees:
// the keys (from the table's key schema) and `_meta`. Every other attribute may hold any value a
// DynamoDB item can: the types a sample showed are kept under SAMPLED_SCHEMA_KEYWORD, an
// annotation nothing validates, for destinations choosing column types.
import { schemaAnchor } from './anchor.js';
import type { Schema } from './infer.js';
import type { KeySchema, KeyType } from '../decode/key.js';
import { documentMetaSchema } from '../generated/schemas.js';
import { SAMPLED_SCHEMA_KEYWORD } from '../protocol/ajv.js';

/** Key types (§3.3): Flow keys must be string, integer or boolean, so N keys are decimal strings. */
const KEY_TYPE_SCHEMAS: Record<KeyType, Schema> = {
  S: { type: 'string' },
  N: { type: 'string', format: 'number' },
  B: { type: 'string', contentEncoding: 'base64' },
};

/** The template's parts that describe the template itself rather than `_meta`. */
const TEMPLATE_ONLY_KEYWORDS = new Set(['$schema', '$id', 'title', 'description']);

/**
 * The item schema: keys required and typed, then the sampled non-key attributes, each as an
 * annotation only (any value validates).
 */
export function itemSchema(table: string, ks: KeySchema, attributes: Record<string, Schema> = {}): Schema {
  const keys = ks.range ? [ks.hash, ks.range] : [ks.hash];
  const properties: Record<string, Schema> = {};
  for (const k of keys) define(properties, k.name, { ...KEY_TYPE_SCHEMAS[k.type] });
  for (const [name, s] of Object.entries(attributes)) {
    if (name === '_meta' || keys.some((k) => k.name === name)) continue;
    define(properties, name, { [SAMPLED_SCHEMA_KEYWORD]: s });
  }
  return { type: 'object', $anchor: schemaAnchor(table), required: keys.map((k) => k.name), properties };
}

/** `_meta` per the template, `before` replaced by a reference to the item schema. */
export function metaSchema(anchor: string): Schema {
  const template = structuredClone(documentMetaSchema) as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(template)) if (!TEMPLATE_ONLY_KEYWORDS.has(k)) out[k] = v;
  const props = { ...(out.properties as Record<string, Schema>) };
  const description = props.before?.description;
  props.before = { $ref: `#${anchor}`, ...(typeof description === 'string' ? { description } : {}), reduce: { strategy: 'firstWriteWins' } };
  out.properties = props;
  return out;
}

/** The whole document schema of a table's binding. */
export function documentSchema(table: string, ks: KeySchema, attributes: Record<string, Schema> = {}): Schema {
  const item = itemSchema(table, ks, attributes);
  const anchor = item.$anchor as string;
  const defs: Record<string, Schema> = {};
  define(defs, table, item);
  return {
    $defs: defs,
    allOf: [
      {
        required: ['_meta'],
        properties: { _meta: metaSchema(anchor) },
        // Hardened (estuary/connectors PR #4362): without both `required`s a document lacking
        // `_meta` or `op` would match `op: const d` vacuously and be taken for a delete.
        if: { required: ['_meta'], properties: { _meta: { required: ['op'], properties: { op: { const: 'd' } } } } },
        then: { reduce: { strategy: 'merge', delete: true } },
        else: { reduce: { strategy: 'merge' } },
      },
      { $ref: `#${anchor}` },
    ],
    'x-infer-schema': true,
  };
}

/** Sets an own enumerable property, even one named `__proto__` (an attribute or table name). */
function define(obj: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}
