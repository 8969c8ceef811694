// What every strategy needs besides its two values: whether the reduction is full, how to reduce a
// child location, where it is (for messages), and the errors it may raise.
import { ConnectorError } from '../errors.js';
import { formatPointer } from '../json/pointer.js';
import type { Json } from '../json/value.js';
import type { AnnotationTree } from './annotations.js';
import { typeOf } from './schema-assert.js';

/** A document location, built cheaply while descending: innermost token last. */
export interface Path {
  readonly parent: Path | undefined;
  readonly token: string;
}

export function childPath(parent: Path | undefined, token: string): Path {
  return { parent, token };
}

export function formatPath(p: Path | undefined): string {
  const tokens: string[] = [];
  for (let cur = p; cur; cur = cur.parent) tokens.push(cur.token);
  return formatPointer(tokens.reverse());
}

export interface ReduceContext {
  /** Full reduction: L is the stored base; deletes apply, `set` prunes, type switches take R. */
  readonly full: boolean;
  /** Reduces R into L (undefined: absent) at a child location, by the annotations found there. */
  reduce(l: Json | undefined, r: Json, tree: AnnotationTree | undefined, path: Path | undefined): Json;
  /** Whether R's annotation at a child location deletes it from its parent (full reductions only). */
  deletes(tree: AnnotationTree | undefined): boolean;
}

/**
 * Raised inside a partial reduction that cannot combine two values without knowing the base
 * document (a type switch under `merge`, unequal values under non-associative lastWriteWins). The
 * combiner then keeps the two documents apart; a full reduction never raises it.
 */
export class NotAssociative {
  constructor(readonly location: string) {}
}

export type ReduceErrorKind = 'MergeWrongType' | 'AppendWrongType' | 'SumWrongType' | 'SetWrongType';

const EXPECTS: Record<ReduceErrorKind, string> = {
  MergeWrongType: "'merge' expects objects or arrays",
  AppendWrongType: "'append' expects arrays (or a null earlier value)",
  SumWrongType: "'sum' expects numbers or decimal strings",
  SetWrongType: "'set' expects objects having only 'add', 'intersect' and 'remove' (not both of the last two), all arrays or all objects",
};

/** A reduction that the values at hand do not allow. Values are described by type only: they are user data. */
export function reduceError(kind: ReduceErrorKind, path: Path | undefined, l: Json | undefined, r: Json): ConnectorError {
  const at = formatPath(path);
  const lt = l === undefined ? 'absent' : typeOf(l);
  return new ConnectorError('BAD_DOCUMENT', `${kind}: ${EXPECTS[kind]}, but at "${at}" the earlier value is ${lt} and the later is ${typeOf(r)}`, {
    fields: { reduceError: kind, location: at },
  });
}
