// The `merge` strategy (PROTOCOL.md §5). Objects merge per property: L-only properties are kept,
// R-only ones are reduced against an absent L, shared ones by their own strategy; a property goes
// away only when its own annotation deletes it in a full reduction. Arrays merge index by index,
// or, with `key`, by a sorted merge-join on the key. `null` in R is a plain value, never a removal.
import { setOwn } from '../decode/set-own.js';
import type { Pointer } from '../json/pointer.js';
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';
import { childTree, type AnnotationTree } from './annotations.js';
import { mergeJoin } from './merge-join.js';
import { compareAtPointers } from './order.js';
import { childPath, formatPath, NotAssociative, reduceError, type Path, type ReduceContext } from './reduce-context.js';

export function mergeValues(
  ctx: ReduceContext,
  l: Json | undefined,
  r: Json,
  tree: AnnotationTree | undefined,
  path: Path | undefined,
  key: readonly Pointer[],
): Json {
  const rObject = isJsonObject(r);
  if (!rObject && !Array.isArray(r)) {
    if (l === undefined) return r; // nothing to merge with: the value stands, as it would alone
    throw reduceError('MergeWrongType', path, l, r);
  }
  if (l !== undefined && (rObject ? !isJsonObject(l) : !Array.isArray(l))) {
    // A type switch: only the base document can say what it means.
    if (!ctx.full) throw new NotAssociative(formatPath(path));
    l = undefined;
  }
  if (rObject) return mergeObjects(ctx, l as JsonObject | undefined, r, tree, path);
  return mergeArrays(ctx, l as Json[] | undefined, r as Json[], tree, path, key);
}

function mergeObjects(ctx: ReduceContext, l: JsonObject | undefined, r: JsonObject, tree: AnnotationTree | undefined, path: Path | undefined): JsonObject {
  const out: JsonObject = {};
  const put = (name: string, lv: Json | undefined, rv: Json): void => {
    const t = childTree(tree, name);
    if (ctx.deletes(t)) return;
    setOwn(out, name, ctx.reduce(lv, rv, t, childPath(path, name)));
  };
  if (l !== undefined) {
    for (const name of Object.keys(l)) {
      if (Object.hasOwn(r, name)) put(name, l[name], r[name]!);
      else setOwn(out, name, l[name]!);
    }
  }
  for (const name of Object.keys(r)) if (l === undefined || !Object.hasOwn(l, name)) put(name, undefined, r[name]!);
  return out;
}

function mergeArrays(
  ctx: ReduceContext,
  l: Json[] | undefined,
  r: Json[],
  tree: AnnotationTree | undefined,
  path: Path | undefined,
  key: readonly Pointer[],
): Json[] {
  const out: Json[] = [];
  const visit = (lv: Json | undefined, rv: Json | undefined, index: number): void => {
    if (rv === undefined) {
      out.push(lv!);
      return;
    }
    const t = childTree(tree, String(index));
    if (!ctx.deletes(t)) out.push(ctx.reduce(lv, rv, t, childPath(path, String(index))));
  };
  const left = l ?? [];
  if (key.length) mergeJoin(left, r, (a, b) => compareAtPointers(key, a, b), visit);
  else for (let i = 0; i < Math.max(left.length, r.length); i++) visit(left[i], r[i], i);
  return out;
}
