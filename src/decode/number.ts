// Canonical number text for decoding, with a fast path: DynamoDB (PutItem) already returns most
// numbers in canonical form, and recognising that with one regex costs ~10x less than parsing to
// BigInt. Anything else (`1.2400`, `1e3`, `-0`, long values) goes through json/decimal.ts.
import { canonicalNumber } from '../json/decimal.js';

/** `literal`: a JSON number with DynamoDB's digits; `string`: the same digits as a JSON string. */
export type NumberEncoding = 'literal' | 'string';

/** Plain text that formatDecimal would return unchanged: no leading/trailing zeros, no `-0`. */
const ALREADY_CANONICAL = /^-?(?:[1-9]\d*(?:\.\d*[1-9])?|0\.\d*[1-9])$|^0$/;
/** json/decimal.ts switches to an exponent past this many characters (sign excluded). */
const MAX_PLAIN_LENGTH = 48;

/** One spelling per value (json/decimal.ts canonicalNumber), or undefined if not a number. */
export function canonicalNumberText(text: string): string | undefined {
  const unsigned = text.length - (text.charCodeAt(0) === 45 ? 1 : 0);
  if (unsigned <= MAX_PLAIN_LENGTH && ALREADY_CANONICAL.test(text)) return text;
  return canonicalNumber(text);
}
