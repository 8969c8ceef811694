// Lossless JSON parsing: every number becomes a LosslessNumber holding its exact text.
import { parse } from 'lossless-json';
import type { Json } from './value.js';

export function parseJson(text: string): Json {
  return parse(text) as Json;
}
