// Attribute names are user data: one named `__proto__` must become an own property, not change an
// object's prototype, which a plain `obj[name] = v` would do.
import type { Json, JsonObject } from '../json/value.js';

export function setOwn(obj: JsonObject, name: string, value: Json): void {
  if (name === '__proto__') Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
  else obj[name] = value;
}
