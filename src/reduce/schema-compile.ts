// Compiles a schema document into SchemaNodes once, resolving `$ref`s to nodes (cycles are fine:
// a node is registered before its keywords are compiled) and parsing every `reduce` annotation, so
// a misspelt strategy or option anywhere in the document is a BAD_SCHEMA error at load time.
import { formatPointer } from '../json/pointer.js';
import { isJsonNumber, isJsonObject, numberText, type Json } from '../json/value.js';
import { DEFAULT_BASE, indexResources, resolveRef, type Placed, type Resources } from './schema-resources.js';
import type { JsonType, SchemaNode } from './schema-node.js';
import { badSchema, parseStrategy } from './strategy.js';

const JSON_TYPES: ReadonlySet<string> = new Set(['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']);

export interface Compiled {
  root: SchemaNode;
  /** Every node compiled, for load-time checks. */
  nodes: SchemaNode[];
}

export function compileSchema(schema: unknown): Compiled {
  if (typeof schema !== 'boolean' && !isJsonObject(schema)) throw badSchema('#', 'a schema must be an object or a boolean');
  const c = new Compiler(indexResources(schema));
  const root = c.node(c.res.where.get(schema as object) ?? { raw: schema, base: DEFAULT_BASE, loc: '#' });
  // Compile subschemas that nothing references too ($defs of other collections): their
  // annotations are checked as well, as Flow checks the whole document.
  for (const placed of c.res.where.values()) c.node(placed);
  return { root, nodes: c.nodes };
}

class Compiler {
  readonly nodes: SchemaNode[] = [];
  private readonly memo = new Map<object, SchemaNode>();
  constructor(readonly res: Resources) {}

  node(p: Placed): SchemaNode {
    const { raw, loc } = p;
    if (typeof raw === 'boolean') return { loc, bool: raw };
    if (!isJsonObject(raw)) throw badSchema(loc, 'a subschema must be an object or a boolean');
    const seen = this.memo.get(raw);
    if (seen) return seen;
    const n: SchemaNode = { loc };
    this.memo.set(raw, n);
    this.nodes.push(n);
    const base = this.res.where.get(raw)?.base ?? p.base;
    const sub = (tokens: string[]): SchemaNode => {
      let v: unknown = raw;
      for (const t of tokens) v = (v as Record<string, unknown>)[t];
      return this.node(this.res.where.get(v as object) ?? { raw: v, base, loc: loc + formatPointer(tokens) });
    };
    const has = (kw: string): boolean => raw[kw] !== undefined;

    if (has('reduce')) n.reduce = parseStrategy(raw.reduce, `${loc}/reduce`);
    for (const kw of ['$ref', '$dynamicRef', '$recursiveRef']) {
      const ref = raw[kw];
      if (ref === undefined) continue;
      if (typeof ref !== 'string') throw badSchema(`${loc}/${kw}`, `${kw} must be a string`);
      (n.refs ??= []).push(this.node(resolveRef(this.res, ref, base, `${loc}/${kw}`)));
    }

    if (has('type')) n.types = parseTypes(raw.type, `${loc}/type`);
    if (has('const')) n.const = { value: raw.const as Json };
    if (has('enum')) {
      if (!Array.isArray(raw.enum)) throw badSchema(`${loc}/enum`, 'enum must be an array');
      n.enum = raw.enum;
    }
    for (const kw of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const) {
      if (!has(kw)) continue;
      const v = raw[kw];
      if (!isJsonNumber(v)) throw badSchema(`${loc}/${kw}`, `${kw} must be a number`);
      n[kw] = numberText(v);
    }
    for (const kw of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minContains', 'maxContains', 'minProperties', 'maxProperties'] as const) {
      if (has(kw)) n[kw] = count(raw[kw], `${loc}/${kw}`);
    }
    if (has('pattern')) n.pattern = regex(raw.pattern, `${loc}/pattern`);
    if (has('uniqueItems')) n.uniqueItems = raw.uniqueItems === true;

    if (Array.isArray(raw.items)) {
      n.prefixItems = raw.items.map((_, i) => sub(['items', String(i)]));
      if (has('additionalItems')) n.items = sub(['additionalItems']);
    } else {
      if (Array.isArray(raw.prefixItems)) n.prefixItems = raw.prefixItems.map((_, i) => sub(['prefixItems', String(i)]));
      if (has('items')) n.items = sub(['items']);
    }
    if (has('contains')) n.contains = sub(['contains']);

    if (isJsonObject(raw.properties)) {
      n.properties = new Map(Object.keys(raw.properties).map((k) => [k, sub(['properties', k])]));
    }
    if (isJsonObject(raw.patternProperties)) {
      n.patternProperties = Object.keys(raw.patternProperties).map((k) => [regex(k, `${loc}/patternProperties`), sub(['patternProperties', k])]);
    }
    if (has('additionalProperties')) n.additionalProperties = sub(['additionalProperties']);
    if (has('propertyNames')) n.propertyNames = sub(['propertyNames']);
    if (has('required')) n.required = strings(raw.required, `${loc}/required`);
    for (const kw of ['dependentRequired', 'dependentSchemas', 'dependencies']) {
      const deps = raw[kw];
      if (!isJsonObject(deps)) continue;
      for (const name of Object.keys(deps)) {
        if (Array.isArray(deps[name]) && kw !== 'dependentSchemas') {
          (n.dependentRequired ??= new Map()).set(name, strings(deps[name], `${loc}/${kw}`));
        } else (n.dependentSchemas ??= new Map()).set(name, sub([kw, name]));
      }
    }

    for (const kw of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (!has(kw)) continue;
      const arr = raw[kw];
      if (!Array.isArray(arr) || arr.length === 0) throw badSchema(`${loc}/${kw}`, `${kw} must be a non-empty array of schemas`);
      n[kw] = arr.map((_, i) => sub([kw, String(i)]));
    }
    for (const kw of ['not', 'if', 'then', 'else'] as const) if (has(kw)) n[kw] = sub([kw]);
    return n;
  }
}

function parseTypes(raw: unknown, loc: string): Set<JsonType> {
  const list = Array.isArray(raw) ? raw : [raw];
  for (const t of list) if (typeof t !== 'string' || !JSON_TYPES.has(t)) throw badSchema(loc, `unknown type ${JSON.stringify(t)}`);
  return new Set(list as JsonType[]);
}

function count(raw: unknown, loc: string): number {
  const v = isJsonNumber(raw) ? Number(numberText(raw)) : NaN;
  if (!Number.isSafeInteger(v) || v < 0) throw badSchema(loc, 'must be a non-negative integer');
  return v;
}

function strings(raw: unknown, loc: string): string[] {
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string')) throw badSchema(loc, 'must be an array of strings');
  return raw as string[];
}

function regex(raw: unknown, loc: string): RegExp {
  if (typeof raw !== 'string') throw badSchema(loc, 'a pattern must be a string');
  try {
    return new RegExp(raw, 'u');
  } catch (e) {
    throw badSchema(loc, `${JSON.stringify(raw)} is not a regular expression (${(e as Error).message})`);
  }
}
