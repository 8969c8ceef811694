// RFC 6901 JSON pointers, parsed once and reused.
import { isJsonObject, type Json } from './value.js';

export type Pointer = readonly string[];

export function parsePointer(ptr: string): Pointer {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw new TypeError(`JSON pointer ${JSON.stringify(ptr)} must be empty or start with "/"`);
  return ptr
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(tokens: Pointer): string {
  return tokens.map((t) => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The value at the pointer, or undefined when any step is missing. */
export function getAt(doc: Json | undefined, ptr: Pointer): Json | undefined {
  let cur: Json | undefined = doc;
  for (const tok of ptr) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(tok)) return undefined;
      cur = cur[Number(tok)];
    } else if (isJsonObject(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, tok) ? cur[tok] : undefined;
    } else return undefined;
  }
  return cur;
}
