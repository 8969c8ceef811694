// The `set` strategy, as Flow's: a set update is an object of terms `add`, `intersect` and `remove`
// (not both of the last two), each an array sorted by `key` or an object keyed by member. Reducing
// R into L: R's intersect or remove applies to L's add, then R's add is unioned in (members in both
// are reduced, so sets work as maps). Partial reductions carry intersect/remove forward for the
// base document; a full reduction keeps `add` only.
import { setOwn } from '../decode/set-own.js';
import type { Pointer } from '../json/pointer.js';
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';
import { childTree, type AnnotationTree } from './annotations.js';
import { mergeJoin } from './merge-join.js';
import { compareAtPointers } from './order.js';
import { childPath, reduceError, type Path, type ReduceContext } from './reduce-context.js';

type Term = Json[] | JsonObject;
interface Side {
  add?: Term;
  intersect?: Term;
  remove?: Term;
}

/** Which joined members a term keeps: left-only, right-only, in both (reduced). */
const LEFT = 1;
const RIGHT = 2;
const BOTH = 4;
const UNION = LEFT | RIGHT | BOTH;

export function setValues(ctx: ReduceContext, l: Json | undefined, r: Json, tree: AnnotationTree | undefined, path: Path | undefined, key: readonly Pointer[]): Json {
  if (l === undefined) {
    if (!ctx.full) return r;
    l = {};
  }
  let kind: 'array' | 'object' | undefined;
  const unpack = (v: Json): Side => {
    if (!isJsonObject(v)) throw reduceError('SetWrongType', path, l, r);
    const side: Side = {};
    for (const name of Object.keys(v)) {
      const t = v[name]!;
      const k = Array.isArray(t) ? 'array' : isJsonObject(t) ? 'object' : undefined;
      const known = name === 'add' || name === 'intersect' || name === 'remove';
      if (!known || !k || (kind && k !== kind)) throw reduceError('SetWrongType', childPath(path, name), l, r);
      kind = k;
      side[name] = t as Term;
    }
    if (side.intersect && side.remove) throw reduceError('SetWrongType', path, l, r);
    return side;
  };
  const L = unpack(l);
  const R = unpack(r);

  const term = (name: keyof Side, lhs: Term | undefined, sub: Term | undefined, keepIfInSub: boolean, mask: number, rhs: Term | undefined): Term | undefined => {
    if (rhs === undefined && lhs === undefined) return undefined;
    const t = childTree(tree, name);
    const reduceMember = (lv: Json, rv: Json, at: string): Json => ctx.reduce(lv, rv, childTree(t, at), childPath(childPath(path, name), at));
    if (kind === 'object') {
      return objectTerm(lhs as JsonObject | undefined, sub as JsonObject | undefined, keepIfInSub, mask, rhs as JsonObject | undefined, reduceMember);
    }
    const cmp = (a: Json, b: Json): number => compareAtPointers(key, a, b);
    let left = (lhs as Json[] | undefined) ?? [];
    if (sub) {
      const kept: Json[] = [];
      mergeJoin(left, sub as Json[], cmp, (lv, sv) => {
        if (lv !== undefined && (sv !== undefined) === keepIfInSub) kept.push(lv);
      });
      left = kept;
    }
    const out: Json[] = [];
    mergeJoin(left, (rhs as Json[] | undefined) ?? [], cmp, (lv, rv, j) => {
      if (rv === undefined) {
        if (mask & LEFT) out.push(lv!);
      } else if (lv === undefined) {
        if (mask & RIGHT) out.push(rv);
      } else if (mask & BOTH) out.push(reduceMember(lv, rv, String(j)));
    });
    return out;
  };

  const out: JsonObject = {};
  const put = (name: keyof Side, v: Term | undefined): void => {
    if (v !== undefined) setOwn(out, name, v);
  };
  if (R.intersect !== undefined) {
    put('add', term('add', L.add, R.intersect, true, UNION, R.add));
    if (!ctx.full) {
      if (L.intersect !== undefined) put('intersect', term('intersect', L.intersect, undefined, false, BOTH, R.intersect));
      else put('intersect', term('intersect', L.remove, undefined, false, RIGHT, R.intersect));
    }
  } else {
    put('add', term('add', L.add, R.remove, false, UNION, R.add));
    if (!ctx.full) {
      if (L.intersect !== undefined) put('intersect', term('remove', L.intersect, undefined, false, LEFT, R.remove));
      else put('remove', term('remove', L.remove, undefined, false, UNION, R.remove));
    }
  }
  return out;
}

function objectTerm(
  lhs: JsonObject | undefined,
  sub: JsonObject | undefined,
  keepIfInSub: boolean,
  mask: number,
  rhs: JsonObject | undefined,
  reduceMember: (l: Json, r: Json, at: string) => Json,
): JsonObject {
  const out: JsonObject = {};
  const r = rhs ?? {};
  for (const name of Object.keys(lhs ?? {})) {
    if (sub && Object.hasOwn(sub, name) !== keepIfInSub) continue;
    if (!Object.hasOwn(r, name)) {
      if (mask & LEFT) setOwn(out, name, lhs![name]!);
    } else if (mask & BOTH) setOwn(out, name, reduceMember(lhs![name]!, r[name]!, name));
  }
  for (const name of Object.keys(r)) {
    const inLeft = lhs !== undefined && Object.hasOwn(lhs, name) && !(sub && Object.hasOwn(sub, name) !== keepIfInSub);
    if (!inLeft && mask & RIGHT) setOwn(out, name, r[name]!);
  }
  return out;
}
