// A binding's table as a session writes it: the field selection matched with the table's real
// columns (checked once, at open), the batched statements and each column's encoding.
import { ConnectorError } from '../errors.js';
import type { Json } from '../json/value.js';
import { deleteSql, insertSql, loadSql, upsertSql, type TypedColumn } from './dml.js';
import { encodeValue, encodingOf, type Encoding, type Param } from './encode.js';
import { qualified } from './identifiers.js';
import type { ExistingTable } from './introspect.js';
import { columnsOf, describeBinding, type ColumnSpec, type TableShape } from './table-shape.js';

export interface BoundTable {
  shape: TableShape;
  /** "schema"."table", for messages. */
  name: string;
  keys: TypedColumn[];
  /** Values, then the document if selected: the row after the key. */
  rest: TypedColumn[];
  keyEncodings: Encoding[];
  restEncodings: Encoding[];
  loadSql?: string;
  writeSql: string;
  deleteSql?: string;
}

function typed(c: ColumnSpec, existing: ExistingTable, shape: TableShape): TypedColumn {
  const col = existing.get(c.name);
  if (!col) {
    throw new ConnectorError('BAD_STATE', `${describeBinding(shape)}: column ${JSON.stringify(c.name)} is missing from ${qualified(shape.schema, shape.table)}; run apply first`);
  }
  return { name: c.name, sqlType: col.type };
}

/** Binds a shape to its existing table; throws BAD_STATE when apply has not made it match. */
export function bindTable(shape: TableShape, existing: ExistingTable | undefined): BoundTable {
  const name = qualified(shape.schema, shape.table);
  if (!existing) throw new ConnectorError('BAD_STATE', `${describeBinding(shape)}: table ${name} does not exist; run apply first`);
  const keys = shape.keys.map((c) => typed(c, existing, shape));
  const restSpecs = columnsOf(shape).filter((c) => c.role !== 'key');
  const rest = restSpecs.map((c) => typed(c, existing, shape));
  const doc = shape.document?.name;
  return {
    shape,
    name,
    keys,
    rest,
    keyEncodings: keys.map((c) => encodingOf(c.sqlType)),
    restEncodings: rest.map((c) => encodingOf(c.sqlType)),
    loadSql: shape.delta || doc === undefined ? undefined : loadSql(shape.schema, shape.table, keys, doc),
    writeSql: shape.delta ? insertSql(shape.schema, shape.table, [...keys, ...rest]) : upsertSql(shape.schema, shape.table, keys, rest),
    deleteSql: shape.delta ? undefined : deleteSql(shape.schema, shape.table, keys),
  };
}

/** The key as parameters; throws BAD_REQUEST when its length is not the number of key fields. */
export function encodeKey(t: BoundTable, key: readonly Json[]): Param[] {
  if (key.length !== t.keys.length) {
    throw new ConnectorError('BAD_REQUEST', `${describeBinding(t.shape)}: a key has ${key.length} values, but ${t.keys.length} key fields are selected`);
  }
  return key.map((v, i) => encodeValue(v, t.keyEncodings[i]!));
}

/** The non-key columns of a row: values in fieldSelection order, then the document. */
export function encodeRest(t: BoundTable, values: readonly Json[], doc: Json | undefined): Param[] {
  const nValues = t.shape.values.length;
  if (values.length !== nValues) {
    throw new ConnectorError('BAD_REQUEST', `${describeBinding(t.shape)}: a store has ${values.length} values, but ${nValues} value fields are selected`);
  }
  const out = values.map((v, i) => encodeValue(v, t.restEncodings[i]!));
  if (t.shape.document) {
    if (doc === undefined) throw new ConnectorError('BAD_REQUEST', `${describeBinding(t.shape)}: a store has no doc, but the document field ${JSON.stringify(t.shape.document.name)} is selected`);
    out.push(encodeValue(doc, t.restEncodings[nValues]!));
  }
  return out;
}
