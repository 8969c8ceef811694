// AttributeValue → JSON for non-key attributes (PROTOCOL.md §3.5). Numbers never pass through a
// float: N becomes a LosslessNumber of its canonical text (DynamoDB Local keeps the spelling of
// values set by UpdateItem, `1.2400`, `1e3`; canonical text gives one spelling per value). The
// walk allocates only the output; a failure deep inside is annotated with its path on the way out.
import { ConnectorError } from '../errors.js';
import { formatPointer } from '../json/pointer.js';
import { LosslessNumber, type Json, type JsonObject } from '../json/value.js';
import { attributeTag, describe, type AttributeValue } from './attribute-value.js';
import { toBase64 } from './binary.js';
import { canonicalNumberText, type NumberEncoding } from './number.js';
import { setOwn } from './set-own.js';

/** Internal: why a value cannot be decoded, with the path collected while unwinding (innermost first). */
class DecodeFailure {
  readonly reversedPath: (string | number)[] = [];
  constructor(readonly reason: string) {}
}

/**
 * Decodes one attribute value. `attribute` names the top-level attribute for error messages; an
 * undecodable value throws ConnectorError BAD_DOCUMENT naming the JSON pointer of the bad value.
 * `numbers: 'string'` gives every number (N, NS members, nested ones) as its canonical text.
 */
export function decodeValue(av: AttributeValue, attribute?: string, numbers: NumberEncoding = 'literal'): Json {
  try {
    return decodeAny(av, numbers === 'string' ? numberString : decodeNumber);
  } catch (e) {
    if (!(e instanceof DecodeFailure)) throw e;
    const tokens = e.reversedPath.map(String).reverse();
    if (attribute !== undefined) tokens.unshift(attribute);
    throw badValue(formatPointer(tokens), e.reason);
  }
}

/** The error for an undecodable value at a JSON pointer (shared with the key decoder). */
export function badValue(pointer: string, reason: string): ConnectorError {
  return new ConnectorError('BAD_DOCUMENT', `cannot decode DynamoDB attribute ${pointer || '(root)'}: ${reason}`, {
    fields: { attribute: pointer },
  });
}

/** How one N text becomes JSON: a lossless literal, or a string of the same canonical digits. */
type NumberDecoder = (v: unknown) => Json;

function decodeAny(av: unknown, num: NumberDecoder): Json {
  const tag = attributeTag(av);
  if (typeof tag !== 'string') throw new DecodeFailure(tag.problem);
  const v = (av as Record<string, unknown>)[tag];
  switch (tag) {
    case 'S':
      if (typeof v !== 'string') throw mistyped(tag, 'a string', v);
      return v;
    case 'N':
      return num(v);
    case 'B':
      return decodeBinary(v);
    case 'BOOL':
      if (typeof v !== 'boolean') throw mistyped(tag, 'a boolean', v);
      return v;
    case 'NULL':
      // DynamoDB only ever sends `true`; the SDK types it as boolean.
      if (typeof v !== 'boolean') throw mistyped(tag, 'true', v);
      return null;
    case 'M':
      return decodeMap(v, num);
    case 'L':
      return decodeList(v, (x) => decodeAny(x, num));
    case 'SS':
      return decodeList(v, (s) => {
        if (typeof s !== 'string') throw mistyped('SS', 'strings', s);
        return s;
      });
    case 'NS':
      return decodeList(v, num);
    case 'BS':
      return decodeList(v, decodeBinary);
  }
}

function decodeNumber(v: unknown): LosslessNumber {
  return new LosslessNumber(numberString(v));
}

function numberString(v: unknown): string {
  if (typeof v !== 'string') throw mistyped('N', 'a string of decimal text', v);
  const text = canonicalNumberText(v);
  if (text === undefined) throw new DecodeFailure(`N value ${JSON.stringify(v.slice(0, 64))} is not a number`);
  return text;
}

function decodeBinary(v: unknown): string {
  const b64 = toBase64(v);
  if (b64 === undefined) {
    throw typeof v === 'string' ? new DecodeFailure('B value is not valid padded base64') : mistyped('B', 'bytes or base64 text', v);
  }
  return b64;
}

function decodeMap(m: unknown, num: NumberDecoder): JsonObject {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw mistyped('M', 'an object', m);
  const rec = m as Record<string, unknown>;
  const out: JsonObject = {};
  let name = '';
  try {
    for (name in rec) setOwn(out, name, decodeAny(rec[name], num));
  } catch (e) {
    if (e instanceof DecodeFailure) e.reversedPath.push(name);
    throw e;
  }
  return out;
}

function decodeList(l: unknown, each: (v: unknown) => Json): Json[] {
  if (!Array.isArray(l)) throw new DecodeFailure(`expected an array, got ${describe(l)}`);
  const out: Json[] = [];
  let i = 0;
  try {
    for (; i < l.length; i++) out.push(each(l[i]));
  } catch (e) {
    if (e instanceof DecodeFailure) e.reversedPath.push(i);
    throw e;
  }
  return out;
}

function mistyped(tag: string, want: string, got: unknown): DecodeFailure {
  return new DecodeFailure(`${tag} value must be ${want}, got ${describe(got)}`);
}
