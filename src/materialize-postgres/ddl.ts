// SQL that creates and grows tables. Every statement is idempotent (IF NOT EXISTS), so two applies
// racing each other, or an apply that failed half way and runs again, end in the same tables.
import type { ColumnType } from './column-types.js';
import { qualified, quoteIdent } from './identifiers.js';
import type { ColumnSpec, TableShape } from './table-shape.js';
import { columnsOf } from './table-shape.js';

/** Fenced runtime checkpoints, one row per materialization and key range (fence.ts). */
export const CHECKPOINTS_TABLE = 'flow_checkpoints_v1';

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

export function createCheckpointsSql(schema: string): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified(schema, CHECKPOINTS_TABLE)} (`,
    '  materialization TEXT NOT NULL,',
    '  key_begin BIGINT NOT NULL,',
    '  key_end BIGINT NOT NULL,',
    '  fence BIGINT NOT NULL,',
    '  checkpoint JSONB,',
    '  PRIMARY KEY (materialization, key_begin, key_end)',
    ')',
  ].join('\n');
}

function columnDef(c: ColumnSpec, shape: TableShape): string {
  // Keys of a standard binding are the primary key; the document is always there. Other columns
  // stay nullable: a field may be absent from a document, or dropped from a later schema.
  const notNull = (c.role === 'key' && !shape.delta) || (c.role === 'document' && !shape.delta);
  return `${quoteIdent(c.name)} ${c.type}${notNull ? ' NOT NULL' : ''}`;
}

export function createTableSql(shape: TableShape): string {
  const lines = columnsOf(shape).map((c) => `  ${columnDef(c, shape)}`);
  if (!shape.delta) lines.push(`  PRIMARY KEY (${shape.keys.map((k) => quoteIdent(k.name)).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${qualified(shape.schema, shape.table)} (\n${lines.join(',\n')}\n)`;
}

/** A column added to an existing table is nullable: its rows so far have no value for it. */
export function addColumnSql(shape: TableShape, c: ColumnSpec): string {
  return `ALTER TABLE ${qualified(shape.schema, shape.table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`;
}

/** For a NOT NULL column that is no longer selected: new rows leave it empty. */
export function dropNotNullSql(shape: TableShape, column: string): string {
  return `ALTER TABLE ${qualified(shape.schema, shape.table)} ALTER COLUMN ${quoteIdent(column)} DROP NOT NULL`;
}

/** Changes a column's type in place, converting each stored value (column-types.ts canWiden). */
export function widenColumnSql(shape: TableShape, column: string, type: ColumnType): string {
  const using = type === 'JSONB' ? `to_jsonb(${quoteIdent(column)})` : `${quoteIdent(column)}::${type}`;
  return `ALTER TABLE ${qualified(shape.schema, shape.table)} ALTER COLUMN ${quoteIdent(column)} TYPE ${type} USING ${using}`;
}
