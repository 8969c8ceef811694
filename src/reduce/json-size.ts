// An estimate of the V8 heap a document holds, for the combiner's memory budget. Not exact (V8
// shares hidden classes, interns short strings, packs one-byte strings), but it grows with what a
// document really costs, including the per-object and per-number overheads that its JSON text
// hides: `{"a":1}` is 7 bytes of text and ~150 bytes of heap.
import { isLosslessNumber } from '../json/value.js';

/** A heap object's header and hidden-class share, roughly. */
const OBJECT_BYTES = 56;
/** Per property: a slot in the properties store plus the key's share. */
const PROPERTY_BYTES = 16;
/** An array header and its backing store header. */
const ARRAY_BYTES = 32;
/** Per array element: one tagged pointer. */
const SLOT_BYTES = 8;
/** A string header; contents are counted at two bytes a code unit (the worst case). */
const STRING_BYTES = 16;
/** A LosslessNumber: an object holding its text. */
const LOSSLESS_NUMBER_BYTES = OBJECT_BYTES + STRING_BYTES;
/** A heap number or a small integer in its slot. */
const NUMBER_BYTES = 16;

export function approxBytes(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return STRING_BYTES + 2 * v.length;
    case 'number':
      return NUMBER_BYTES;
    case 'boolean':
      return 0;
    case 'object': {
      if (v === null) return 0;
      if (Array.isArray(v)) {
        let n = ARRAY_BYTES + SLOT_BYTES * v.length;
        for (const item of v) n += approxBytes(item);
        return n;
      }
      if (isLosslessNumber(v)) return LOSSLESS_NUMBER_BYTES + 2 * v.value.length;
      const o = v as Record<string, unknown>;
      let n = OBJECT_BYTES;
      for (const k in o) n += PROPERTY_BYTES + STRING_BYTES + 2 * k.length + approxBytes(o[k]);
      return n;
    }
    default:
      return 0;
  }
}
