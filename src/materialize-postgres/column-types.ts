// Column types from what the collection schema infers about a projection. Numbers are NUMERIC so
// that no value passes through a float (DynamoDB numbers have up to 38 digits); objects, arrays and
// locations of several types are JSONB, written from our lossless JSON text.
import type { Projection } from '../generated/materialize-request.js';

/** The column types this connector creates. */
export type ColumnType = 'TEXT' | 'NUMERIC' | 'BOOLEAN' | 'JSONB';

/** Formats of a string location that holds an exact number (Flow's numeric strings, DynamoDB N). */
const NUMERIC_STRING_FORMATS = new Set(['number', 'integer']);
const NUMBER_TYPES = new Set(['integer', 'number']);
const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

/** JSON types possible at a projection, without "null". An empty list means "any". */
export function nonNullTypes(p: Projection): string[] {
  return (p.inference?.types ?? []).filter((t) => t !== 'null');
}

/** True when the location holds one kind of scalar (or null): the columns worth recommending. */
export function isScalar(p: Projection): boolean {
  const types = nonNullTypes(p);
  return types.length > 0 && types.every((t) => SCALAR_TYPES.has(t)) && columnTypeOf(p) !== 'JSONB';
}

/** The column type for a projection; the document itself (ptr "") is always JSONB. */
export function columnTypeOf(p: Projection): ColumnType {
  if ((p.ptr ?? '') === '') return 'JSONB';
  const types = nonNullTypes(p);
  if (types.length === 0) return 'JSONB';
  if (types.every((t) => NUMBER_TYPES.has(t))) return 'NUMERIC';
  const numericString = NUMERIC_STRING_FORMATS.has(p.inference?.string?.format ?? '');
  if (numericString && types.every((t) => t === 'string' || NUMBER_TYPES.has(t))) return 'NUMERIC';
  if (types.length === 1 && types[0] === 'string') return 'TEXT';
  if (types.length === 1 && types[0] === 'boolean') return 'BOOLEAN';
  return 'JSONB';
}

/** A PostgreSQL type name as format_type() spells it, reduced to its family. */
type Family = 'json' | 'text' | 'numeric' | 'boolean' | 'other';

export function familyOf(sqlType: string): Family {
  const base = sqlType.toLowerCase().replace(/\(.*$/, '').trim();
  if (base === 'jsonb' || base === 'json') return 'json';
  if (base === 'text' || base === 'character varying' || base === 'character' || base === 'varchar') return 'text';
  if (['numeric', 'bigint', 'integer', 'smallint', 'double precision', 'real', 'decimal'].includes(base)) return 'numeric';
  if (base === 'boolean') return 'boolean';
  return 'other';
}

/**
 * Whether an existing column of `sqlType` can take the values of a field whose own type would be
 * `wanted`: JSON columns take anything; otherwise the families must agree.
 */
export function canHold(sqlType: string, wanted: ColumnType): boolean {
  const have = familyOf(sqlType);
  if (have === 'json') return true;
  return have === familyOf(wanted);
}

/**
 * Whether apply may change an existing column of `sqlType` into `wanted` without losing a value: a
 * scalar column becomes JSONB (to_jsonb keeps each value, numbers exactly), a NUMERIC or BOOLEAN
 * one becomes TEXT. This is how a field whose values turned out to take more types than its
 * inference first said keeps being materialized.
 */
export function canWiden(sqlType: string, wanted: ColumnType): boolean {
  const have = familyOf(sqlType);
  if (wanted === 'JSONB') return have === 'text' || have === 'numeric' || have === 'boolean';
  if (wanted === 'TEXT') return have === 'numeric' || have === 'boolean';
  return false;
}
