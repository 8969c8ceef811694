// Projections of a collection, as Flow's catalog build would give a materialization: one per key
// pointer, one per top-level property of the document schema, and `flow_document` for the whole
// document (ptr ""). Inference comes from the schema: the types a location may take, string format
// and encoding, and whether it must exist. Properties are found through `properties`, `allOf` and
// `$ref` (anchors and #/ pointers) only: conditional branches (if/then/else, anyOf, oneOf) do not
// say what every document has. A location's sampled schema (discover's x-sampled-schema) applies
// too: it stands in for the inferred schema that Flow's read schema adds to the write schema, so a
// sampled attribute gets a typed column; a later value of another type widens it (widen.ts).
import { formatPointer, parsePointer } from '../json/pointer.js';
import { SAMPLED_SCHEMA_KEYWORD } from '../protocol/ajv.js';

export const DOCUMENT_FIELD = 'flow_document';
const ALL_TYPES = ['array', 'boolean', 'null', 'number', 'object', 'string'];
/** Most $ref hops followed from one location: a guard against reference cycles. */
const MAX_REF_DEPTH = 32;

export interface Inference {
  types: string[];
  string?: { format?: string; contentEncoding?: string; contentType?: string };
  exists: 'MUST' | 'MAY';
  title?: string;
  description?: string;
}

export interface Projection {
  ptr: string;
  field: string;
  isPrimaryKey?: boolean;
  inference: Inference;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves `#anchor` and `#/json/pointer` references within one schema document. */
function resolver(root: Schema): (ref: string) => Schema | undefined {
  const anchors = new Map<string, Schema>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isSchema(node)) {
      if (typeof node.$anchor === 'string' && !anchors.has(node.$anchor)) anchors.set(node.$anchor, node);
      for (const v of Object.values(node)) walk(v);
    }
  };
  walk(root);
  return (ref) => {
    if (!ref.startsWith('#')) return undefined;
    const frag = decodeURIComponent(ref.slice(1));
    if (!frag.startsWith('/')) return frag === '' ? root : anchors.get(frag);
    let node: unknown = root;
    for (const t of parsePointer(frag)) node = isSchema(node) ? node[t] : Array.isArray(node) ? node[Number(t)] : undefined;
    return isSchema(node) ? node : undefined;
  };
}

interface Collected {
  /** Each property's schemas, from every branch that applies to all documents. */
  properties: Map<string, Schema[]>;
  required: Set<string>;
}

/** The schemas that apply to every instance at this node: itself, its allOf and $ref targets. */
function applicators(node: Schema, resolve: (ref: string) => Schema | undefined, depth = 0): Schema[] {
  const out = [node];
  if (isSchema(node[SAMPLED_SCHEMA_KEYWORD])) out.push(node[SAMPLED_SCHEMA_KEYWORD]);
  if (depth >= MAX_REF_DEPTH) return out;
  if (typeof node.$ref === 'string') {
    const target = resolve(node.$ref);
    if (target) out.push(...applicators(target, resolve, depth + 1));
  }
  if (Array.isArray(node.allOf)) for (const s of node.allOf) if (isSchema(s)) out.push(...applicators(s, resolve, depth + 1));
  return out;
}

/** Properties and required names of the instances every one of `nodes` applies to. */
function collect(nodes: readonly Schema[], resolve: (ref: string) => Schema | undefined): Collected {
  const properties = new Map<string, Schema[]>();
  const required = new Set<string>();
  for (const s of nodes.flatMap((n) => applicators(n, resolve))) {
    if (isSchema(s.properties)) {
      for (const [name, sub] of Object.entries(s.properties)) {
        if (!isSchema(sub)) continue;
        const list = properties.get(name) ?? [];
        list.push(...applicators(sub, resolve));
        properties.set(name, list);
      }
    }
    if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') required.add(r);
  }
  return { properties, required };
}

/** Inference of one location from the schemas that all apply to it (their types intersect). */
function infer(schemas: Schema[], exists: 'MUST' | 'MAY'): Inference {
  // `integer` is a kind of number: kept apart while intersecting, folded into number at the end.
  let types = new Set([...ALL_TYPES, 'integer']);
  const str: NonNullable<Inference['string']> = {};
  const out: Inference = { types: [], exists };
  for (const s of schemas) {
    if (typeof s.type === 'string' || Array.isArray(s.type)) {
      const allowed = new Set<string>([s.type].flat() as string[]);
      if (allowed.has('number')) allowed.add('integer');
      types = new Set([...types].filter((t) => allowed.has(t)));
    }
    if (typeof s.format === 'string') str.format = s.format;
    if (typeof s.contentEncoding === 'string') str.contentEncoding = s.contentEncoding;
    if (typeof s.contentMediaType === 'string') str.contentType = s.contentMediaType;
    if (typeof s.title === 'string') out.title = s.title;
    if (typeof s.description === 'string') out.description = s.description;
  }
  if (types.has('number')) types.delete('integer');
  out.types = [...types].sort();
  if (types.has('string') && Object.keys(str).length > 0) out.string = str;
  return out;
}

/**
 * The projections of a collection: key pointers first (in key order), then the other top-level
 * properties by name, then `flow_document`. A property named like the document field is left to
 * the document.
 */
export function deriveProjections(schema: unknown, keyPointers: readonly string[]): Projection[] {
  const root = isSchema(schema) ? schema : {};
  const resolve = resolver(root);
  const top = collect([root], resolve);
  const out: Projection[] = [];
  const seen = new Set<string>();
  for (const ptr of keyPointers) {
    const tokens = parsePointer(ptr);
    let schemas: Schema[] = [root];
    let required = true;
    for (const tok of tokens) {
      const level = collect(schemas, resolve);
      required &&= level.required.has(tok);
      schemas = level.properties.get(tok) ?? [];
    }
    const field = tokens.join('/');
    seen.add(field);
    out.push({ ptr, field, isPrimaryKey: true, inference: infer(schemas, required ? 'MUST' : 'MAY') });
  }
  for (const name of [...top.properties.keys()].sort()) {
    if (seen.has(name) || name === DOCUMENT_FIELD) continue;
    out.push({ ptr: formatPointer([name]), field: name, inference: infer(top.properties.get(name)!, top.required.has(name) ? 'MUST' : 'MAY') });
  }
  out.push({ ptr: '', field: DOCUMENT_FIELD, inference: { types: ['object'], exists: 'MUST' } });
  return out;
}

/** Scalar: every type it may take is a JSON scalar (null alone does not count). */
export function isScalar(p: Projection): boolean {
  const types = p.inference.types.filter((t) => t !== 'null');
  return types.length > 0 && types.every((t) => t === 'boolean' || t === 'integer' || t === 'number' || t === 'string');
}

/** A top-level location: one pointer token. */
export function isTopLevel(p: Projection): boolean {
  return parsePointer(p.ptr).length === 1;
}
