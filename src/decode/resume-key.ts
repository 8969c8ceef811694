// A Scan segment's resume point (`exclusiveStartKey` in state, PROTOCOL.md §3.6): the
// LastEvaluatedKey as a string holding its DynamoDB JSON, B as base64, so it serves both the raw
// HTTP path and the SDK. A string, because a merge patch would merge an object key by key. Number
// text is kept exactly as DynamoDB returned it, not canonicalized: DynamoDB compares it, and it is
// only ever handed back. Attribute names are sorted, so one key has one encoding.
import { ConnectorError } from '../errors.js';
import { parseDecimal } from '../json/decimal.js';
import { attributeTag, describe, type Item } from './attribute-value.js';
import { toBase64, toBytes } from './binary.js';

/** A key attribute value in raw DynamoDB JSON form. */
export type RawKeyValue = { S: string } | { N: string } | { B: string };
/** A key attribute value in AWS SDK v3 form (assignable to the SDK's AttributeValue). */
export type SdkKeyValue = { S: string } | { N: string } | { B: Uint8Array };

export type RawKey = Record<string, RawKeyValue>;
export type SdkKey = Record<string, SdkKeyValue>;

/** Encodes a LastEvaluatedKey (SDK or raw form) for state. Only S, N and B values can occur in a key. */
export function encodeResumeKey(lastEvaluatedKey: Item): string {
  const names = Object.keys(lastEvaluatedKey).sort();
  if (names.length === 0) throw unstorable('it has no attributes');
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const [tag, text] = keyText(lastEvaluatedKey[name], (why) => unstorable(`attribute ${JSON.stringify(name)}: ${why}`));
    out += `${i ? ',' : ''}${JSON.stringify(name)}:{"${tag}":${JSON.stringify(text)}}`;
  }
  return out + '}';
}

/** Decodes a stored resume key to raw DynamoDB JSON form (B as base64), for the HTTP path. */
export function decodeResumeKey(s: string): RawKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch (e) {
    throw badState(s, 'it is not JSON (a state written by another connector, such as a mid-backfill Estuary state?)', e);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badState(s, `it is ${describe(parsed)}, not an object`);
  const out: RawKey = {};
  const rec = parsed as Record<string, unknown>;
  const names = Object.keys(rec);
  if (names.length === 0) throw badState(s, 'it has no attributes');
  for (const name of names) {
    const [tag, text] = keyText(rec[name], (why) => badState(s, `attribute ${JSON.stringify(name)}: ${why}`));
    // JSON.parse made `__proto__` an own property; keep it one.
    Object.defineProperty(out, name, { value: { [tag]: text } as RawKeyValue, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Decodes a stored resume key to AWS SDK v3 form (B as bytes), for the SDK's ExclusiveStartKey. */
export function decodeResumeKeyForSdk(s: string): SdkKey {
  const raw = decodeResumeKey(s);
  const out: SdkKey = {};
  for (const name of Object.keys(raw)) {
    const v = raw[name]!;
    const sdk: SdkKeyValue = 'B' in v ? { B: toBytes(v.B) } : v;
    Object.defineProperty(out, name, { value: sdk, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The tag and exact text of a key value; B as base64. */
function keyText(av: unknown, fail: (why: string) => ConnectorError): ['S' | 'N' | 'B', string] {
  const tag = attributeTag(av);
  if (typeof tag !== 'string') throw fail(tag.problem);
  const v = (av as Record<string, unknown>)[tag];
  switch (tag) {
    case 'S':
      if (typeof v !== 'string') throw fail(`S value must be a string, got ${describe(v)}`);
      return [tag, v];
    case 'N':
      if (typeof v !== 'string' || parseDecimal(v) === undefined) throw fail('N value is not decimal text');
      return [tag, v];
    case 'B': {
      const b64 = toBase64(v);
      if (b64 === undefined) throw fail('B value is neither bytes nor valid base64');
      return [tag, b64];
    }
    default:
      throw fail(`a key value must be S, N or B, not ${tag}`);
  }
}

function unstorable(why: string): ConnectorError {
  return new ConnectorError('BAD_DOCUMENT', `cannot store DynamoDB's LastEvaluatedKey as a resume key: ${why}`);
}

function badState(s: string, why: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    'BAD_STATE',
    `the saved backfill resume key (exclusiveStartKey) is malformed: ${why}. The backfill cannot resume from it: re-backfill this binding.`,
    { cause, fields: { exclusiveStartKey: s.length > 200 ? s.slice(0, 200) + '…' : s } },
  );
}
