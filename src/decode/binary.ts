// Binary values as standard, padded base64. The SDK hands us bytes; raw DynamoDB JSON hands us
// base64 text already, which must be passed through, never encoded a second time (a classic bug
// of replicators that re-write images).

const NOT_BASE64_CHAR = /[^A-Za-z0-9+/]/;

/** Alphabet index of a base64 character code (only called on characters already validated). */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 43 ? 62 : 63; // + /
}

/**
 * Standard padded base64 of bytes or of base64 text; undefined if a string is not valid padded
 * base64. Text whose last character carries non-zero unused bits (`QR==` for `QQ==`) decodes to
 * the same bytes and is rewritten to the one canonical spelling, so equal bytes give equal text.
 */
export function toBase64(b: unknown): string | undefined {
  if (b instanceof Uint8Array) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  if (typeof b !== 'string') return undefined;
  const len = b.length;
  if (len % 4 !== 0) return undefined;
  const pad = len > 0 && b.charCodeAt(len - 1) === 61 ? (b.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  const body = pad === 0 ? b : b.slice(0, len - pad);
  if (NOT_BASE64_CHAR.test(body)) return undefined;
  if (pad === 0) return b;
  const last = sextet(body.charCodeAt(body.length - 1));
  const unusedBitsClear = pad === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
  return unusedBitsClear ? b : Buffer.from(b, 'base64').toString('base64');
}

/** The bytes of a binary value (for SDK requests). */
export function toBytes(b: string | Uint8Array): Uint8Array {
  return typeof b === 'string' ? Buffer.from(b, 'base64') : b;
}
