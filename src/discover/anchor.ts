// The `$anchor` of a table's item schema inside its discovered document schema (PROTOCOL.md §3.3).
// Estuary uses the table name as is, but JSON Schema anchors must start with a letter or `_` and
// hold only letters, digits, `_`, `-` and `.`; DynamoDB table names may start with a digit, `-`
// or `.` (and compatible APIs may allow more). The mapping is deterministic, and the identity for
// every name that already is a valid anchor, so those schemas match Estuary's.

/** What JSON Schema 2020-12 (and Ajv) accept as an `$anchor`. */
export const ANCHOR_PATTERN = /^[A-Za-z_][-A-Za-z0-9._]*$/;

/** Prefix for names that do not start with a letter or `_`. */
const LEADING_PREFIX = '_';

/** The anchor of a table: invalid characters become `_`, and `_` leads if a letter or `_` does not. */
export function schemaAnchor(table: string): string {
  const body = table.replace(/[^-A-Za-z0-9._]/g, '_');
  return /^[A-Za-z_]/.test(body) ? body : LEADING_PREFIX + body;
}
