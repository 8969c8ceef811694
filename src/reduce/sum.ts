// The `sum` strategy, exact. Flow adds u64/i64/f64 (integer overflow is an error, a float makes a
// float); we never round: numbers held as exact decimal text (LosslessNumber) add exactly into a
// LosslessNumber, so 38-digit DynamoDB numbers sum to the digit. Decimal strings add exactly into
// a string. Plain JS numbers stay plain while the sum is a safe integer.
import { addNumberText, canonicalNumber } from '../json/decimal.js';
import { isJsonNumber, LosslessNumber, numberText, type Json } from '../json/value.js';
import { reduceError, type Path } from './reduce-context.js';

export function sumValues(l: Json | undefined, r: Json, path: Path | undefined): Json {
  if (l === undefined) return r; // absent L is 0
  const lt = operandText(l);
  const rt = operandText(r);
  if (lt === undefined || rt === undefined) throw reduceError('SumWrongType', path, l, r);
  if (typeof l === 'number' && typeof r === 'number' && Number.isSafeInteger(l) && Number.isSafeInteger(r) && Number.isSafeInteger(l + r)) return l + r;
  const sum = addNumberText(lt, rt);
  return typeof l === 'string' || typeof r === 'string' ? sum : new LosslessNumber(sum);
}

/** The decimal text of a number, or of a string holding one; undefined for anything else. */
function operandText(v: Json): string | undefined {
  if (isJsonNumber(v)) return numberText(v);
  if (typeof v === 'string' && canonicalNumber(v) !== undefined) return v;
  return undefined;
}
