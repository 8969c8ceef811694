// Exact decimal arithmetic on number text, with BigInt coefficients. DynamoDB numbers carry up to
// 38 significant digits and exponents from -130 to +125, far past float64; these functions are
// what the decoder (canonical key text), the reducer (sum, min/max) and the pipe use.

/** A decimal value: (-1)^neg × coef × 10^exp, with coef having no trailing zeros (0 has exp 0). */
export interface Decimal {
  neg: boolean;
  coef: bigint;
  exp: number;
}

/** Strict JSON number syntax: what may be written as a literal on the wire. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Looser decimal syntax that DynamoDB and people may spell (`+1`, `01`, `.5`, `5.`). */
const LOOSE_NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Past this many characters a plain (non-exponent) spelling gets unwieldy; use an exponent. */
const MAX_PLAIN_LENGTH = 48;

export function isJsonNumberText(s: string): boolean {
  return JSON_NUMBER.test(s);
}

/** Parses decimal text; returns undefined for text that is not a number. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = LOOSE_NUMBER.exec(text);
  if (!m) return undefined;
  const [, sign, intPart = '', fracPart = '', expPart] = m;
  if (intPart === '' && fracPart === '') return undefined;
  let digits = (intPart + fracPart).replace(/^0+/, '');
  let exp = (expPart === undefined ? 0 : Number(expPart)) - fracPart.length;
  if (!Number.isSafeInteger(exp)) return undefined;
  if (digits === '') return { neg: false, coef: 0n, exp: 0 };
  const stripped = digits.replace(/0+$/, '');
  exp += digits.length - stripped.length;
  digits = stripped;
  return { neg: sign === '-', coef: BigInt(digits), exp };
}

/** One spelling per value: no trailing zeros, no `+`, no `-0`; plain unless very long. */
export function formatDecimal(d: Decimal): string {
  if (d.coef === 0n) return '0';
  const digits = d.coef.toString();
  const sign = d.neg ? '-' : '';
  const pointPos = digits.length + d.exp; // position of the decimal point from the left of digits
  const plainLength = d.exp >= 0 ? digits.length + d.exp : Math.max(digits.length, -d.exp + 1) + 1;
  if (plainLength <= MAX_PLAIN_LENGTH) {
    if (d.exp >= 0) return sign + digits + '0'.repeat(d.exp);
    if (pointPos > 0) return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
    return `${sign}0.${'0'.repeat(-pointPos)}${digits}`;
  }
  const sciExp = pointPos - 1;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${sciExp >= 0 ? '+' : ''}${sciExp}`;
}

/** Canonical JSON number text for any decimal spelling, or undefined if it is not a number. */
export function canonicalNumber(text: string): string | undefined {
  const d = parseDecimal(text);
  return d === undefined ? undefined : formatDecimal(d);
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  const ac = a.coef * 10n ** BigInt(a.exp - exp);
  const bc = b.coef * 10n ** BigInt(b.exp - exp);
  return [a.neg ? -ac : ac, b.neg ? -bc : bc, exp];
}

function fromSigned(v: bigint, exp: number): Decimal {
  if (v === 0n) return { neg: false, coef: 0n, exp: 0 };
  const neg = v < 0n;
  let coef = neg ? -v : v;
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp += 1;
  }
  return { neg, coef, exp };
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  if (a.neg !== b.neg) return a.coef === 0n && b.coef === 0n ? 0 : a.neg ? -1 : 1;
  // Same sign: compare magnitudes by order of magnitude first, to avoid huge powers of ten.
  const magA = a.coef === 0n ? -Infinity : a.coef.toString().length + a.exp;
  const magB = b.coef === 0n ? -Infinity : b.coef.toString().length + b.exp;
  let c: -1 | 0 | 1;
  if (magA !== magB) c = magA < magB ? -1 : 1;
  else {
    const [x, y] = align({ ...a, neg: false }, { ...b, neg: false });
    c = x < y ? -1 : x > y ? 1 : 0;
  }
  return a.neg ? ((-c || 0) as -1 | 0 | 1) : c;
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return fromSigned(x + y, exp);
}

/** Compares two number texts exactly; throws on text that is not a number. */
export function compareNumberText(a: string, b: string): -1 | 0 | 1 {
  return compareDecimal(mustParse(a), mustParse(b));
}

export function addNumberText(a: string, b: string): string {
  return formatDecimal(addDecimal(mustParse(a), mustParse(b)));
}

export function isIntegerDecimal(d: Decimal): boolean {
  return d.exp >= 0;
}

function mustParse(text: string): Decimal {
  const d = parseDecimal(text);
  if (d === undefined) throw new TypeError(`not a number: ${JSON.stringify(text)}`);
  return d;
}
