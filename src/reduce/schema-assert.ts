// The assertions of one subschema that look at a value alone (type, const, enum, numeric bounds,
// string length and pattern, object and array sizes): everything the evaluator needs to decide
// `if` conditions and anyOf/oneOf branches besides the applicators. Numbers compare exactly.
import { compareNumberText, parseDecimal } from '../json/decimal.js';
import { isJsonObject, isLosslessNumber, numberText, type Json } from '../json/value.js';
import { canonicalText, jsonEqual } from './order.js';
import type { JsonType, SchemaNode } from './schema-node.js';

/** Why `v` fails the value-level assertions of `n` (keyword, message), or undefined if it passes. */
export function checkValue(n: SchemaNode, v: Json): [string, string] | undefined {
  if (n.types && !n.types.has(typeOf(v)) && !(n.types.has('number') && typeOf(v) === 'integer')) {
    return ['type', `must be ${[...n.types].join(' or ')}, not ${typeOf(v)}`];
  }
  if (n.const && !jsonEqual(n.const.value, v)) return ['const', 'must equal the const value'];
  if (n.enum && !n.enum.some((e) => jsonEqual(e, v))) return ['enum', 'must be one of the enum values'];
  if (typeof v === 'number' || isLosslessNumber(v)) return checkNumber(n, numberText(v));
  if (typeof v === 'string') return checkString(n, v);
  if (Array.isArray(v)) return checkArray(n, v);
  if (isJsonObject(v)) return checkObject(n, v);
  return undefined;
}

export function typeOf(v: Json): JsonType {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    default:
      if (isLosslessNumber(v)) return (parseDecimal(v.value)?.exp ?? -1) >= 0 ? 'integer' : 'number';
      return Array.isArray(v) ? 'array' : 'object';
  }
}

function checkNumber(n: SchemaNode, text: string): [string, string] | undefined {
  if (n.minimum !== undefined && compareNumberText(text, n.minimum) < 0) return ['minimum', `must be >= ${n.minimum}`];
  if (n.maximum !== undefined && compareNumberText(text, n.maximum) > 0) return ['maximum', `must be <= ${n.maximum}`];
  if (n.exclusiveMinimum !== undefined && compareNumberText(text, n.exclusiveMinimum) <= 0) return ['exclusiveMinimum', `must be > ${n.exclusiveMinimum}`];
  if (n.exclusiveMaximum !== undefined && compareNumberText(text, n.exclusiveMaximum) >= 0) return ['exclusiveMaximum', `must be < ${n.exclusiveMaximum}`];
  if (n.multipleOf !== undefined && !isMultiple(text, n.multipleOf)) return ['multipleOf', `must be a multiple of ${n.multipleOf}`];
  return undefined;
}

/** Exact: a / b is an integer. */
function isMultiple(a: string, b: string): boolean {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y || y.coef === 0n) return false;
  const exp = Math.min(x.exp, y.exp);
  return (x.coef * 10n ** BigInt(x.exp - exp)) % (y.coef * 10n ** BigInt(y.exp - exp)) === 0n;
}

function checkString(n: SchemaNode, s: string): [string, string] | undefined {
  if (n.minLength !== undefined || n.maxLength !== undefined) {
    const len = codePoints(s);
    if (n.minLength !== undefined && len < n.minLength) return ['minLength', `must have at least ${n.minLength} characters`];
    if (n.maxLength !== undefined && len > n.maxLength) return ['maxLength', `must have at most ${n.maxLength} characters`];
  }
  if (n.pattern && !n.pattern.test(s)) return ['pattern', `must match ${n.pattern.source}`];
  return undefined;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 === s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      n++;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

function checkArray(n: SchemaNode, a: Json[]): [string, string] | undefined {
  if (n.minItems !== undefined && a.length < n.minItems) return ['minItems', `must have at least ${n.minItems} items`];
  if (n.maxItems !== undefined && a.length > n.maxItems) return ['maxItems', `must have at most ${n.maxItems} items`];
  if (n.uniqueItems && new Set(a.map(canonicalText)).size !== a.length) return ['uniqueItems', 'items must be unique'];
  return undefined;
}

function checkObject(n: SchemaNode, o: Record<string, Json>): [string, string] | undefined {
  for (const name of n.required ?? []) if (!Object.hasOwn(o, name)) return ['required', `must have property ${JSON.stringify(name)}`];
  if (n.minProperties !== undefined || n.maxProperties !== undefined) {
    const count = Object.keys(o).length;
    if (n.minProperties !== undefined && count < n.minProperties) return ['minProperties', `must have at least ${n.minProperties} properties`];
    if (n.maxProperties !== undefined && count > n.maxProperties) return ['maxProperties', `must have at most ${n.maxProperties} properties`];
  }
  for (const [name, needs] of n.dependentRequired ?? []) {
    if (!Object.hasOwn(o, name)) continue;
    for (const other of needs) if (!Object.hasOwn(o, other)) return ['dependentRequired', `has ${JSON.stringify(name)}, so must have ${JSON.stringify(other)}`];
  }
  return undefined;
}
