// FoundationDB tuple encoding (apple/foundationdb design/tuple.md), the packing Flow uses for
// keyPacked/valuesPacked in the materialize protocol (PROTOCOL.md §6): Go connectors read keys and
// values from these bytes rather than from the JSON arrays. Only the standard typecodes that a JSON
// value can map to are written: null, byte string, unicode string, nested tuple, integers of any
// size (0x0b/0x1d past 8 bytes, as the Python and Java bindings do), double, false and true.
import { isLosslessNumber, isJsonObject, type Json } from '../json/value.js';
import { stringify } from '../json/stringify.js';

/** A tuple element. Doubles are boxed so that 1 (an integer) and 1.0 (a double) stay apart. */
export type TupleElement = null | boolean | string | bigint | Uint8Array | { double: number } | TupleElement[];

const NULL = 0x00;
const BYTES = 0x01;
const STRING = 0x02;
const NESTED = 0x05;
const NEG_ARBITRARY = 0x0b;
const INT_ZERO = 0x14;
const POS_ARBITRARY = 0x1d;
const DOUBLE = 0x21;
const FALSE = 0x26;
const TRUE = 0x27;
/** After 0x00 inside a byte string, or for a null inside a nested tuple. */
const ESCAPE = 0xff;
/** Longest integer (in bytes) the arbitrary-size typecodes can hold: the length is one byte. */
const MAX_INT_BYTES = 255;

class ByteSink {
  private buf = new Uint8Array(64);
  length = 0;

  push(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  pushAll(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) this.grow(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

const utf8 = new TextEncoder();

/** Packs a tuple: the concatenation of its elements' encodings. */
export function pack(tuple: readonly TupleElement[]): Uint8Array {
  const out = new ByteSink();
  for (const el of tuple) encode(out, el, false);
  return out.bytes();
}

function encode(out: ByteSink, el: TupleElement, nested: boolean): void {
  if (el === null) {
    out.push(NULL);
    if (nested) out.push(ESCAPE);
  } else if (typeof el === 'boolean') out.push(el ? TRUE : FALSE);
  else if (typeof el === 'string') escaped(out, STRING, utf8.encode(el));
  else if (typeof el === 'bigint') integer(out, el);
  else if (el instanceof Uint8Array) escaped(out, BYTES, el);
  else if (Array.isArray(el)) {
    out.push(NESTED);
    for (const inner of el) encode(out, inner, true);
    out.push(NULL);
  } else double(out, el.double);
}

function escaped(out: ByteSink, code: number, bytes: Uint8Array): void {
  out.push(code);
  for (const b of bytes) {
    out.push(b);
    if (b === NULL) out.push(ESCAPE);
  }
  out.push(NULL);
}

/** Big-endian bytes of a non-negative integer, shortest form (zero has none). */
function magnitudeBytes(n: bigint): Uint8Array {
  let hex = n === 0n ? '' : n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function integer(out: ByteSink, n: bigint): void {
  if (n === 0n) {
    out.push(INT_ZERO);
    return;
  }
  const mag = magnitudeBytes(n < 0n ? -n : n);
  if (mag.length > MAX_INT_BYTES) throw new RangeError(`an integer of ${mag.length} bytes is past the tuple encoding's limit of ${MAX_INT_BYTES}`);
  if (n > 0n) {
    if (mag.length <= 8) out.push(INT_ZERO + mag.length);
    else {
      out.push(POS_ARBITRARY);
      out.push(mag.length);
    }
    out.pushAll(mag);
    return;
  }
  // Negative: the one's complement of the magnitude, in the same number of bytes.
  if (mag.length <= 8) out.push(INT_ZERO - mag.length);
  else {
    out.push(NEG_ARBITRARY);
    out.push(mag.length ^ 0xff);
  }
  for (const b of mag) out.push(b ^ 0xff);
}

function double(out: ByteSink, v: number): void {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, v, false);
  // Negative numbers flip every bit, others only the sign bit, so the bytes sort as the numbers.
  if (bytes[0]! & 0x80) for (let i = 0; i < 8; i++) bytes[i] = bytes[i]! ^ 0xff;
  else bytes[0] = bytes[0]! ^ 0x80;
  out.push(DOUBLE);
  out.pushAll(bytes);
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

/**
 * A JSON value as the tuple element Flow packs it as (its `tuple` crate): null, booleans and
 * strings as themselves; integers as integers (Flow stops at 64 bits, our exact numbers go on
 * with the arbitrary-size typecodes); other numbers as doubles; arrays and objects as the bytes
 * of their compact JSON text.
 */
export function jsonToTupleElement(v: Json): TupleElement {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : { double: v };
  if (isLosslessNumber(v)) return INTEGER_TEXT.test(v.value) ? BigInt(v.value) : { double: Number(v.value) };
  if (Array.isArray(v) || isJsonObject(v)) return utf8.encode(stringify(v));
  throw new TypeError('not a JSON value');
}

/** Base64 of the packed tuple of JSON values, as keyPacked and valuesPacked carry it. */
export function packJsonBase64(values: readonly Json[]): string {
  return Buffer.from(pack(values.map(jsonToTupleElement))).toString('base64');
}
