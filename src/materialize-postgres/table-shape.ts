// The table of one materialization binding: its columns from the field selection, in order (keys,
// then values, then the document), each typed from its projection (column-types.ts).
import { ConnectorError } from '../errors.js';
import type { MaterializationBinding, Projection } from '../generated/materialize-request.js';
import { columnTypeOf, type ColumnType } from './column-types.js';
import { resourceConfigOf } from './config.js';

export type Role = 'key' | 'value' | 'document';

export interface ColumnSpec {
  /** Column name = field name. */
  name: string;
  type: ColumnType;
  role: Role;
}

export interface TableShape {
  binding: number;
  schema: string;
  table: string;
  delta: boolean;
  keys: ColumnSpec[];
  values: ColumnSpec[];
  /** The whole document (flow_document); absent only for delta updates without it. */
  document?: ColumnSpec;
}

/** Every column: keys, values, document. */
export function columnsOf(shape: TableShape): ColumnSpec[] {
  return [...shape.keys, ...shape.values, ...(shape.document ? [shape.document] : [])];
}

/** "binding 2 (table "orders")", for messages. */
export function describeBinding(shape: Pick<TableShape, 'binding' | 'table'>): string {
  return `binding ${shape.binding} (table ${JSON.stringify(shape.table)})`;
}

/** The shape of a materialization binding; throws BAD_REQUEST when its field selection is unusable. */
export function tableShapeOf(b: MaterializationBinding, index: number, schema: string): TableShape {
  const { table, deltaUpdates } = resourceConfigOf(b.resourceConfig);
  const delta = b.deltaUpdates ?? deltaUpdates;
  const byField = new Map<string, Projection>((b.collection.projections ?? []).map((p) => [p.field, p]));
  const where = `binding ${index} (table ${JSON.stringify(table)})`;
  const column = (field: string, role: Role): ColumnSpec => {
    const p = byField.get(field);
    if (!p) throw new ConnectorError('BAD_REQUEST', `${where}: fieldSelection names ${JSON.stringify(field)}, which is not a projection of collection ${b.collection.name}`);
    return { name: field, type: role === 'document' ? 'JSONB' : columnTypeOf(p), role };
  };
  const sel = b.fieldSelection;
  const keys = (sel.keys ?? []).map((f) => column(f, 'key'));
  if (keys.length === 0) throw new ConnectorError('BAD_REQUEST', `${where}: fieldSelection.keys is empty; the collection's key fields must be selected`);
  const values = (sel.values ?? []).map((f) => column(f, 'value'));
  const document = sel.document ? column(sel.document, 'document') : undefined;
  if (!document && !delta) {
    throw new ConnectorError('BAD_REQUEST', `${where}: fieldSelection.document is empty, but a standard (not delta-updates) binding needs the document (flow_document) to load and reduce`);
  }
  const names = columnsOf({ binding: index, schema, table, delta, keys, values, document }).map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ConnectorError('BAD_REQUEST', `${where}: field ${JSON.stringify(dup)} is selected twice`);
  return { binding: index, schema, table, delta, keys, values, document };
}
