// The field selection of a binding, from the constraints the materialization's `validated` gave
// (PROTOCOL.md §6), the way Flow's default selection picks them:
//  - keys: the collection key's projections, in key order; each must be allowed;
//  - document: `flow_document` where allowed (a standard materialization needs it to load);
//  - values: every FIELD_REQUIRED field, one field per LOCATION_REQUIRED location, and the
//    LOCATION_RECOMMENDED top-level scalars, and every field the last selection had that is still
//    allowed (a field whose column widened to JSONB stays selected); never FIELD_FORBIDDEN,
//    INCOMPATIBLE (UNSATISFIABLE), or a field the constraints do not list (unlisted = forbidden).
// Every problem is reported at once.
import { ConnectorError } from '../errors.js';
import { DOCUMENT_FIELD, isScalar, isTopLevel, type Projection } from './projections.js';

export type ConstraintType = 'INVALID' | 'FIELD_REQUIRED' | 'LOCATION_REQUIRED' | 'LOCATION_RECOMMENDED' | 'FIELD_OPTIONAL' | 'FIELD_FORBIDDEN' | 'INCOMPATIBLE';

/** The proto enum in number order; UNSATISFIABLE is INCOMPATIBLE's deprecated name. */
const BY_NUMBER: readonly ConstraintType[] = ['INVALID', 'FIELD_REQUIRED', 'LOCATION_REQUIRED', 'LOCATION_RECOMMENDED', 'FIELD_OPTIONAL', 'FIELD_FORBIDDEN', 'INCOMPATIBLE'];

export interface Constraint {
  /** A name or the enum's number (some connectors write numbers); absent = 0 = INVALID. */
  type?: string | number;
  reason?: string;
}

export interface FieldSelection {
  keys: string[];
  values: string[];
  /** Empty when the document is not materialized (delta updates only). */
  document: string;
  fieldConfig: Record<string, unknown>;
}

const ALLOWED: ReadonlySet<ConstraintType> = new Set(['FIELD_REQUIRED', 'LOCATION_REQUIRED', 'LOCATION_RECOMMENDED', 'FIELD_OPTIONAL']);

function typeOf(c: Constraint | undefined): ConstraintType | undefined {
  if (!c) return undefined;
  if (typeof c.type === 'number') return BY_NUMBER[c.type] ?? 'INVALID';
  if (c.type === 'UNSATISFIABLE') return 'INCOMPATIBLE';
  return BY_NUMBER.includes(c.type as ConstraintType) ? (c.type as ConstraintType) : 'INVALID';
}

/** Selects fields of one binding; throws BAD_CONFIG naming every field that cannot be satisfied. */
export function selectFields(opts: {
  binding: string;
  projections: readonly Projection[];
  keyPointers: readonly string[];
  constraints: Record<string, Constraint>;
  deltaUpdates: boolean;
  /** The value fields of the binding's last selection. */
  previous?: readonly string[];
}): FieldSelection {
  const { projections, constraints } = opts;
  const problems: string[] = [];
  const why = (field: string): string => {
    const c = constraints[field];
    return c ? `${typeOf(c)}${c.reason ? `: ${c.reason}` : ''}` : 'not listed in the constraints, so forbidden';
  };
  const allowed = (field: string): boolean => {
    const t = typeOf(constraints[field]);
    return t !== undefined && ALLOWED.has(t);
  };

  const keys: string[] = [];
  for (const ptr of opts.keyPointers) {
    const p = projections.find((x) => x.ptr === ptr && x.isPrimaryKey) ?? projections.find((x) => x.ptr === ptr);
    if (!p) problems.push(`the key ${ptr} has no projection`);
    else if (!allowed(p.field)) problems.push(`key field "${p.field}" cannot be materialized (${why(p.field)})`);
    else keys.push(p.field);
  }

  let document = '';
  if (allowed(DOCUMENT_FIELD)) document = DOCUMENT_FIELD;
  else if (!opts.deltaUpdates) problems.push(`the document field "${DOCUMENT_FIELD}" cannot be materialized (${why(DOCUMENT_FIELD)}), and a standard (not delta-updates) binding needs it`);

  const taken = new Set([...keys, document]);
  const values: string[] = [];
  const covered = new Set(projections.filter((p) => taken.has(p.field)).map((p) => p.ptr));
  const take = (p: Projection): void => {
    values.push(p.field);
    taken.add(p.field);
    covered.add(p.ptr);
  };
  for (const p of projections) {
    if (taken.has(p.field)) continue;
    const t = typeOf(constraints[p.field]);
    if (t === 'FIELD_REQUIRED') take(p);
    else if (t === 'LOCATION_REQUIRED' && !covered.has(p.ptr)) take(p);
    else if (t === 'LOCATION_RECOMMENDED' && !covered.has(p.ptr) && isTopLevel(p) && isScalar(p)) take(p);
    else if (opts.previous?.includes(p.field) && allowed(p.field)) take(p);
  }
  for (const [field, c] of Object.entries(constraints)) {
    const t = typeOf(c);
    if ((t === 'FIELD_REQUIRED' || t === 'LOCATION_REQUIRED') && !projections.some((p) => p.field === field)) {
      problems.push(`the materialization requires field "${field}", which the collection does not project`);
    }
  }
  if (problems.length > 0) {
    throw new ConnectorError('VALIDATION_FAILED', `binding ${opts.binding}: the materialization's constraints cannot be met: ${problems.join('; ')}`, { fields: { problems } });
  }
  return { keys, values: values.sort(), document, fieldConfig: {} };
}
