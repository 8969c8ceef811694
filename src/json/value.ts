// The in-memory shape of a JSON document. Numbers read from DynamoDB or from JSON text are held as
// LosslessNumber (their exact decimal text), so a 38-digit value or a key past 2^53 never passes
// through a float. Plain JS numbers are allowed for values we produce ourselves (counters in state).
import { LosslessNumber, isLosslessNumber } from 'lossless-json';

export { LosslessNumber, isLosslessNumber };

export type Json = null | boolean | string | number | LosslessNumber | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isLosslessNumber(v);
}

export function isJsonNumber(v: unknown): v is number | LosslessNumber {
  return typeof v === 'number' || isLosslessNumber(v);
}

/** The exact decimal text of a JSON number value. */
export function numberText(v: number | LosslessNumber): string {
  return typeof v === 'number' ? String(v) : v.value;
}
