// Widening a projection when a document holds a value its inference did not foresee. A sampled
// attribute's column type is a guess (projections.ts): a table is schemaless, so a later item may
// hold a string where the sample held numbers. Flow answers with schema inference: the read schema
// widens, the materialization is applied again and restarts from its last commit. The pipe does
// the same: a transaction that meets such a value stores nothing more and never commits; the pipe
// widens the inference (types gain the value's type; a string that is not decimal text drops
// `format: number`), applies the materialization again (materialize-postgres turns the column into
// JSONB or TEXT, keeping every stored value) and restarts both sides from the last commit, so no
// value is lost and nothing commits twice. Widening only ever adds, so the restarts end.
import { ConnectorError } from '../errors.js';
import { isJsonObject, isLosslessNumber, type Json } from '../json/value.js';
import type { Inference } from './projections.js';

/** Decimal text that a NUMERIC column (and Flow's `format: number`) accepts. */
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMERIC_FORMATS: Record<string, RegExp> = { number: DECIMAL, integer: INTEGER };

/** The JSON type of a value, as a projection's inference names it. */
function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isLosslessNumber(v) || typeof v === 'number') return 'number';
  if (isJsonObject(v)) return 'object';
  return typeof v;
}

function numberText(v: Json): string {
  return isLosslessNumber(v) ? v.value : String(v);
}

/** True when a value (undefined: absent) is one the inference allows. No types means any. */
export function fits(v: Json | undefined, inf: Inference): boolean {
  if (v === undefined || inf.types.length === 0) return true;
  const t = jsonType(v);
  if (t === 'number') return inf.types.includes('number') || (inf.types.includes('integer') && INTEGER.test(numberText(v)));
  if (!inf.types.includes(t)) return false;
  if (t !== 'string') return true;
  const format = inf.string?.format;
  const pattern = format === undefined ? undefined : NUMERIC_FORMATS[format];
  return pattern === undefined || pattern.test(v as string);
}

/** The inference widened just enough for `v` to fit. */
export function widenFor(inf: Inference, v: Json): Inference {
  const t = jsonType(v);
  const out: Inference = { ...inf, types: [...new Set([...inf.types, t])].sort() };
  if (t === 'string' && inf.string?.format !== undefined && NUMERIC_FORMATS[inf.string.format] && !fits(v, { ...inf, types: ['string'] })) {
    const { format: _dropped, ...rest } = inf.string;
    if (Object.keys(rest).length > 0) out.string = rest;
    else delete out.string;
  }
  return out;
}

/** The inference that admits what either admits: Flow's inferred schemas only ever widen. */
export function unionInference(a: Inference, b: Inference): Inference {
  const out: Inference = { ...a, types: [...new Set([...a.types, ...b.types])].sort() };
  const aStr = a.types.includes('string');
  const bStr = b.types.includes('string');
  const str = aStr && bStr ? sharedStringFacts(a.string, b.string) : aStr ? a.string : bStr ? b.string : undefined;
  if (str && Object.keys(str).length > 0) out.string = str;
  else delete out.string;
  if (a.exists === 'MAY' || b.exists === 'MAY') out.exists = 'MAY';
  return out;
}

function sharedStringFacts(a: Inference['string'], b: Inference['string']): Inference['string'] {
  const out: NonNullable<Inference['string']> = {};
  if (a?.format !== undefined && a.format === b?.format) out.format = a.format;
  if (a?.contentEncoding !== undefined && a.contentEncoding === b?.contentEncoding) out.contentEncoding = a.contentEncoding;
  if (a?.contentType !== undefined && a.contentType === b?.contentType) out.contentType = a.contentType;
  return out;
}

/** One projection to widen: a binding's field (by collection) and its widened inference. */
export interface Widening {
  collection: string;
  field: string;
  inference: Inference;
  /** A short description of the value that did not fit, for the log (never the value itself). */
  seen: string;
}

/** The fields a transaction found too narrow, widened as each misfit value is met. */
export class Widenings {
  private readonly byField = new Map<string, Widening>();

  /**
   * Checks each value against its field's inference (widened so far); returns false when any did
   * not fit, and remembers the widening.
   */
  check(collection: string, fields: readonly string[], inferences: readonly Inference[], values: readonly (Json | undefined)[]): boolean {
    let ok = true;
    values.forEach((v, i) => {
      const id = `${collection}\u0000${fields[i]}`;
      const current = this.byField.get(id)?.inference ?? inferences[i]!;
      if (fits(v, current)) return;
      ok = false;
      const inference = widenFor(current, v!);
      if (!fits(v, inference)) {
        throw new ConnectorError('INTERNAL', `widening field ${JSON.stringify(fields[i])} of ${collection} to ${JSON.stringify(inference.types)} does not admit its ${jsonType(v!)} value`);
      }
      this.byField.set(id, { collection, field: fields[i]!, inference, seen: jsonType(v!) });
    });
    return ok;
  }

  get size(): number {
    return this.byField.size;
  }

  list(): Widening[] {
    return [...this.byField.values()];
  }
}

/**
 * Thrown out of a transaction that met values its projections did not foresee: it committed
 * nothing, and the pipe applies the widenings and restarts from the last commit.
 */
export class ProjectionWidening extends Error {
  constructor(readonly widenings: Widening[]) {
    super(`projections to widen: ${widenings.map((w) => `${w.collection}/${w.field} → ${w.inference.types.join('|')}`).join(', ')}`);
    this.name = 'ProjectionWidening';
  }
}
