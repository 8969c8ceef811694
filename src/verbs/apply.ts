// apply: nothing to create on the source side; idempotent by construction.
export function apply(body: unknown): Record<string, unknown> {
  const bindings = ((body as { capture?: { bindings?: unknown[] } })?.capture?.bindings ?? []).length;
  return { applied: { actionDescription: `source-dynamodb needs no resources created: ${bindings} binding(s) are read with DescribeTable, Scan and the tables' streams` } };
}
