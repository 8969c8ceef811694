// Compact JSON serializer that writes LosslessNumber values as their exact literal text.
// Node 20's JSON.stringify cannot emit raw number literals, so every document goes through here.
import { isLosslessNumber, type Json } from './value.js';

export function stringify(v: Json): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`cannot write the non-finite number ${v} as JSON`);
      return String(v);
    case 'object': {
      if (v === null) return 'null';
      if (isLosslessNumber(v)) return v.value;
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + stringify(v[i] ?? null);
        return out + ']';
      }
      let out = '{';
      let first = true;
      for (const k in v) {
        const item = v[k];
        if (item === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + stringify(item);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`cannot write a ${typeof v} as JSON`);
  }
}
