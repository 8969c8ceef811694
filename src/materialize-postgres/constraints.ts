// validate's answer for one binding: a constraint per projection field (PROTOCOL.md §6). Keys are
// required (one projection per key location: the canonical one), the document is required unless
// the binding uses delta updates, top-level scalars are recommended, everything else is optional.
// A field whose existing column cannot take its values, and cannot be widened to (apply.ts), is
// incompatible; a field name PostgreSQL cannot keep whole is forbidden.
import type { CollectionSpec, Projection } from '../generated/materialize-request.js';
import type { Constraint } from '../generated/materialize-response.js';
import { canHold, canWiden, columnTypeOf, isScalar } from './column-types.js';
import { identifierProblem } from './identifiers.js';
import type { ExistingTable } from './introspect.js';

/** The field name Flow gives the whole document by default. */
export const DOCUMENT_FIELD = 'flow_document';

const unescapeToken = (t: string): string => t.replace(/~1/g, '/').replace(/~0/g, '~');

/** True for a pointer to a property of the document root, such as /id. */
function isTopLevel(ptr: string): boolean {
  return /^\/[^/]*$/.test(ptr);
}

/** For each key pointer, the field that is its column: the canonical projection if any. */
function keyFields(collection: CollectionSpec, projections: readonly Projection[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const ptr of collection.key) {
    const candidates = projections.filter((p) => (p.ptr ?? '') === ptr);
    const canonical = candidates.find((p) => isTopLevel(ptr) && p.field === unescapeToken(ptr.slice(1))) ?? candidates.find((p) => !p.explicit) ?? candidates[0];
    if (canonical) out.set(canonical.field, ptr);
  }
  return out;
}

/** The field that holds the document of a standard binding: flow_document, or the first root projection. */
function documentField(projections: readonly Projection[]): string | undefined {
  const roots = projections.filter((p) => (p.ptr ?? '') === '');
  return (roots.find((p) => p.field === DOCUMENT_FIELD) ?? roots[0])?.field;
}

function constraint(type: Constraint['type'], reason: string): Constraint {
  return { type, reason };
}

export function constraintsFor(collection: CollectionSpec, delta: boolean, existing?: ExistingTable): Record<string, Constraint> {
  const projections = collection.projections ?? [];
  const keys = keyFields(collection, projections);
  const doc = delta ? undefined : documentField(projections);
  const out: Record<string, Constraint> = {};
  for (const p of projections) {
    const ptr = p.ptr ?? '';
    const nameProblem = identifierProblem(p.field);
    const column = existing?.get(p.field);
    const wanted = columnTypeOf(p);
    let c: Constraint;
    if (nameProblem) {
      const required = keys.has(p.field) || p.field === doc;
      c = constraint(required ? 'INCOMPATIBLE' : 'FIELD_FORBIDDEN', `the field name ${nameProblem}${required ? '; give this location a shorter projection name' : ''}`);
    } else if (column && !canHold(column.type, wanted) && !canWiden(column.type, wanted)) {
      c = constraint('INCOMPATIBLE', `column ${JSON.stringify(p.field)} is ${column.type} but the field now needs ${wanted}; drop the column (or the table) to re-create it`);
    } else if (keys.has(p.field)) {
      c = constraint('FIELD_REQUIRED', 'is a key');
    } else if (ptr === '') {
      if (delta) c = constraint('FIELD_OPTIONAL', 'the whole document, as JSONB (delta updates do not need it)');
      else if (p.field === doc) c = constraint('FIELD_REQUIRED', 'the whole document, as JSONB: loaded to reduce each transaction');
      else c = constraint('FIELD_FORBIDDEN', `the document is already materialized as ${JSON.stringify(doc)}`);
    } else if (collection.key.includes(ptr)) {
      c = constraint('FIELD_OPTIONAL', 'another name of a key location');
    } else if (isTopLevel(ptr) && isScalar(p)) {
      c = constraint('LOCATION_RECOMMENDED', `a top-level scalar, as ${wanted}`);
    } else if (isTopLevel(ptr)) {
      c = constraint('FIELD_OPTIONAL', 'objects, arrays and values of several types are materialized as JSONB');
    } else {
      c = constraint('FIELD_OPTIONAL', `a nested location, as ${wanted}`);
    }
    out[p.field] = c;
  }
  return out;
}
