// Composes consecutive RFC 7396 merge patches into as few as possible. Applying compose(a, b) must
// equal applying a then b; that holds key by key except where a deletes (null) or replaces with a
// scalar a location that b then patches as an object: such a pair stays two checkpoints.
import { isJsonObject, type Json, type JsonObject } from '../json/value.js';

/** a then b as one patch, or undefined where one patch cannot say it. */
export function composePatch(a: JsonObject, b: JsonObject): JsonObject | undefined {
  const out: JsonObject = { ...a };
  for (const [k, bv] of Object.entries(b)) {
    const av = out[k];
    if (isJsonObject(bv)) {
      if (av === undefined) out[k] = bv;
      else if (isJsonObject(av)) {
        const c = composePatch(av, bv);
        if (c === undefined) return undefined;
        out[k] = c;
      } else return undefined; // a set a scalar or null here; b merges into it: not expressible
    } else out[k] = bv as Json;
  }
  return out;
}

export function composePatches(patches: readonly JsonObject[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const p of patches) {
    const last = out[out.length - 1];
    const c = last === undefined ? undefined : composePatch(last, p);
    if (c === undefined) out.push(p);
    else out[out.length - 1] = c;
  }
  return out;
}
