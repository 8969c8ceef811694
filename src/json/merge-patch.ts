// RFC 7396 JSON merge patch: objects merge key by key, null deletes a key, anything else replaces.
import { isJsonObject, type Json, type JsonObject } from './value.js';

export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
