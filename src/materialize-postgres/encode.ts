// JSON values as PostgreSQL parameter text. Numbers are written from their exact decimal text
// (LosslessNumber), never through a float; JSON columns get our lossless JSON text; SQL NULL
// stands for JSON null and for an absent value.
import { stringify } from '../json/stringify.js';
import { isLosslessNumber, type Json } from '../json/value.js';
import { familyOf } from './column-types.js';

export type Param = string | null;

/** How a column takes its values: JSON text, or the value's own text. */
export type Encoding = 'json' | 'text';

export function encodingOf(sqlType: string): Encoding {
  return familyOf(sqlType) === 'json' ? 'json' : 'text';
}

/**
 * One value for a column. For a text-like column: a string as is, a number's exact text,
 * true/false; objects and arrays (which only a JSON column should get) as JSON text, so that the
 * server, not this code, reports a mismatch.
 */
export function encodeValue(v: Json | undefined, enc: Encoding): Param {
  if (v === undefined || v === null) return null;
  if (enc === 'json') return stringify(v);
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return stringify(v);
    default:
      return isLosslessNumber(v) ? v.value : stringify(v);
  }
}
