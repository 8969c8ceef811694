// Batched statements: each takes one array parameter per column and unnest()s it into rows, so a
// batch of any size is one statement with a fixed number of parameters (PostgreSQL allows 65,535
// parameters, which row-per-parameter VALUES lists hit quickly). Array casts use each column's
// real type, so NUMERIC text is parsed by the server, exactly.
import { qualified, quoteIdent } from './identifiers.js';

/** A column as a statement needs it: its name and its type as the table has it. */
export interface TypedColumn {
  name: string;
  sqlType: string;
}

function unnest(cols: readonly TypedColumn[], firstParam = 1): string {
  return `unnest(${cols.map((c, i) => `$${firstParam + i}::${c.sqlType}[]`).join(', ')})`;
}

const alias = (i: number): string => `c${i}`;

function keyJoin(keys: readonly TypedColumn[]): string {
  return keys.map((k, i) => `r.${quoteIdent(k.name)} = k.${alias(i)}`).join(' AND ');
}

/** The stored documents of a batch of keys: params are one array per key column. */
export function loadSql(schema: string, table: string, keys: readonly TypedColumn[], document: string): string {
  return (
    `SELECT r.${quoteIdent(document)}::text AS doc FROM ${qualified(schema, table)} AS r ` +
    `JOIN ${unnest(keys)} AS k(${keys.map((_, i) => alias(i)).join(', ')}) ON ${keyJoin(keys)}`
  );
}

/** Insert or replace rows by primary key; params are one array per column (keys first). */
export function upsertSql(schema: string, table: string, keys: readonly TypedColumn[], rest: readonly TypedColumn[]): string {
  const all = [...keys, ...rest];
  const names = all.map((c) => quoteIdent(c.name)).join(', ');
  const conflict = `ON CONFLICT (${keys.map((k) => quoteIdent(k.name)).join(', ')})`;
  const action = rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ')}`;
  return `INSERT INTO ${qualified(schema, table)} (${names}) SELECT * FROM ${unnest(all)} ${conflict} ${action}`;
}

/** Append rows (delta updates); params are one array per column. */
export function insertSql(schema: string, table: string, cols: readonly TypedColumn[]): string {
  return `INSERT INTO ${qualified(schema, table)} (${cols.map((c) => quoteIdent(c.name)).join(', ')}) SELECT * FROM ${unnest(cols)}`;
}

/** Remove rows by key; params are one array per key column. */
export function deleteSql(schema: string, table: string, keys: readonly TypedColumn[]): string {
  return (
    `DELETE FROM ${qualified(schema, table)} AS r USING ${unnest(keys)} AS k(${keys.map((_, i) => alias(i)).join(', ')}) ` +
    `WHERE ${keyJoin(keys)}`
  );
}
