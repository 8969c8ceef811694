// What the database already has: schemas, tables and their columns (type as format_type spells
// it, NOT NULL, primary key). apply compares it with the field selection; validate with the
// projections; open takes each column's real type, so values are written as the table wants them.
import type { Db } from './db.js';

export interface ExistingColumn {
  name: string;
  /** e.g. "numeric", "text", "jsonb", "character varying(20)". */
  type: string;
  notNull: boolean;
  primaryKey: boolean;
}

/** Columns by name, in table order; undefined when the table does not exist. */
export type ExistingTable = Map<string, ExistingColumn>;

const COLUMNS_SQL = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  COALESCE(a.attnum = ANY (i.indkey), false) AS primary_key
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
ORDER BY a.attnum`;

const TRUE = 't';

export async function describeTable(db: Db, schema: string, table: string): Promise<ExistingTable | undefined> {
  const { rows } = await db.query(COLUMNS_SQL, [schema, table]);
  if (rows.length === 0) return undefined;
  return new Map(rows.map((r) => [r.name!, { name: r.name!, type: r.type!, notNull: r.not_null === TRUE, primaryKey: r.primary_key === TRUE }]));
}

export async function schemaExists(db: Db, schema: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 AS one FROM pg_namespace WHERE nspname = $1', [schema]);
  return rows.length > 0;
}

/** Primary key column names of an existing table, in table order. */
export function primaryKeyOf(t: ExistingTable): string[] {
  return [...t.values()].filter((c) => c.primaryKey).map((c) => c.name);
}
