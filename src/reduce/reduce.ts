// Reduces a later document R into an earlier one L by the annotations of R (PROTOCOL.md §5). Pure:
// no I/O, no state; L and R are not modified (the result shares unchanged subtrees with them).
// `full` reductions treat L as the stored base document: deletes apply, `set` keeps `add` only,
// type switches take R. `partial` ones may have an unknown run of documents before L: they keep
// tombstones and set terms, and return `notAssociative` where only the base could decide.
import type { Json } from '../json/value.js';
import type { AnnotationTree } from './annotations.js';
import { mergeValues } from './merge.js';
import { compareAtPointers, compareJson, jsonEqual } from './order.js';
import { formatPath, NotAssociative, reduceError, type Path, type ReduceContext } from './reduce-context.js';
import { setValues } from './set.js';
import { LAST_WRITE_WINS, type Strategy } from './strategy.js';
import { sumValues } from './sum.js';

export type ReduceMode = 'partial' | 'full';

export type ReduceResult =
  /** `deleted`: a full reduction whose root annotation has `delete: true`. */
  | { doc: Json; deleted: boolean; notAssociative?: undefined }
  /** A partial reduction that must keep L and R apart (e.g. a type switch under merge at `location`). */
  | { notAssociative: string };

/** Reduces R (with its annotations, from SchemaIndex.annotate) into L; L undefined means absent. */
export function reduceDocument(l: Json | undefined, r: Json, annotations: AnnotationTree, mode: ReduceMode): ReduceResult {
  const full = mode === 'full';
  const ctx = full ? FULL : PARTIAL;
  try {
    const doc = ctx.reduce(l, r, annotations, undefined);
    return { doc, deleted: full && annotations.strategy?.delete === true };
  } catch (e) {
    if (e instanceof NotAssociative) return { notAssociative: e.location };
    throw e;
  }
}

function context(full: boolean): ReduceContext {
  const ctx: ReduceContext = {
    full,
    reduce: (l, r, tree, path) => reduceValue(ctx, l, r, tree?.strategy ?? LAST_WRITE_WINS, tree, path),
    deletes: (tree) => full && tree?.strategy?.delete === true,
  };
  return ctx;
}
const FULL = context(true);
const PARTIAL = context(false);

function reduceValue(ctx: ReduceContext, l: Json | undefined, r: Json, s: Strategy, tree: AnnotationTree | undefined, path: Path | undefined): Json {
  // Reducing into an absent value changes nothing in a partial reduction; a full one still has to
  // prune (nested deletes, set terms), which merge and set do when L is absent.
  if (l === undefined && !ctx.full) return r;
  switch (s.strategy) {
    case 'lastWriteWins':
      if (!s.associative && !ctx.full && l !== undefined && !jsonEqual(l, r)) throw new NotAssociative(formatPath(path));
      return r;
    case 'firstWriteWins':
      return l === undefined ? r : l;
    case 'merge':
      return mergeValues(ctx, l, r, tree, path, s.key);
    case 'set':
      return setValues(ctx, l, r, tree, path, s.key);
    case 'sum':
      return sumValues(l, r, path);
    case 'append':
      if (l === undefined) return r;
      if (!Array.isArray(r) || (l !== null && !Array.isArray(l))) throw reduceError('AppendWrongType', path, l, r);
      return l === null ? null : [...l, ...r];
    case 'minimize':
    case 'maximize': {
      if (l === undefined) return r;
      let c = s.key.length ? compareAtPointers(s.key, l, r) : compareJson(l, r);
      if (s.strategy === 'maximize') c = -c as typeof c;
      if (c < 0) return l;
      if (c > 0 || !s.key.length) return r;
      return mergeValues(ctx, l, r, tree, path, []); // equal keys: deep merge
    }
  }
}
