// PostgreSQL identifiers: every table and column name is quoted, so a field such as "_meta/op" or
// "Order ID" is used exactly as written. PostgreSQL silently truncates names past 63 bytes
// (NAMEDATALEN - 1), which could make two fields one column: such names are refused instead.

/** Longest identifier PostgreSQL keeps whole, in bytes of UTF-8. */
export const MAX_IDENTIFIER_BYTES = 63;

/** `name` as a quoted identifier: "a""b" for a"b. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** "schema"."table". */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Why `name` cannot be an identifier, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.includes('\u0000')) return 'contains a NUL character, which PostgreSQL does not allow in names';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) return `is ${bytes} bytes long; PostgreSQL names hold at most ${MAX_IDENTIFIER_BYTES} bytes`;
  return undefined;
}
