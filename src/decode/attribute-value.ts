// The DynamoDB AttributeValue as this connector receives it: from the AWS SDK v3 (B and BS as
// Uint8Array) or as raw DynamoDB JSON over HTTP (B and BS as base64 strings). The SDK's own
// AttributeValue types (client-dynamodb and client-dynamodb-streams) are assignable to these, so
// SDK items pass without a cast: that is why NULL is `boolean` and `$unknown` is listed, both of
// which the decoder checks at run time.

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string | Uint8Array }
  | { BOOL: boolean }
  | { NULL: boolean }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: (string | Uint8Array)[] }
  | { $unknown: [string, unknown] };

/** An item, a stream image, a `Keys` map or a `LastEvaluatedKey`: attribute name → value. */
export type Item = Record<string, AttributeValue>;

export type AttributeTag = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'M' | 'L' | 'SS' | 'NS' | 'BS';

const TAGS: ReadonlySet<string> = new Set<AttributeTag>(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

/**
 * The one type tag of an AttributeValue, or a reason it has none: not an object, no member, two
 * members, or an unknown member. Members holding `undefined` are ignored (a hand-built SDK value
 * may spell absent members that way). Allocation-free on the happy path.
 */
export function attributeTag(av: unknown): AttributeTag | { problem: string } {
  if (typeof av !== 'object' || av === null || Array.isArray(av)) {
    return { problem: `expected an AttributeValue object, got ${describe(av)}` };
  }
  let tag: string | undefined;
  const rec = av as Record<string, unknown>;
  for (const k in rec) {
    if (rec[k] === undefined) continue;
    if (tag !== undefined) return { problem: `AttributeValue has more than one type (${tag} and ${k})` };
    tag = k;
  }
  if (tag === undefined) return { problem: 'AttributeValue has no type member (empty object)' };
  if (!TAGS.has(tag)) return { problem: `AttributeValue has the unknown type ${JSON.stringify(tag)}` };
  return tag as AttributeTag;
}

/** A short description of a value for error messages (never the value itself: it may be large). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
