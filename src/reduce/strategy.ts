// The `reduce` annotation (PROTOCOL.md §5): which strategy combines two values at a location, with
// its options. Parsed once when a schema is loaded; an unknown strategy or option is a BAD_SCHEMA
// error there, never a surprise in the middle of a transaction.
import { ConnectorError } from '../errors.js';
import { formatPointer, parsePointer, type Pointer } from '../json/pointer.js';
import { isJsonObject } from '../json/value.js';

export type StrategyName =
  | 'lastWriteWins'
  | 'firstWriteWins'
  | 'merge'
  | 'append'
  | 'set'
  | 'sum'
  | 'minimize'
  | 'maximize';

/** A parsed annotation: every option present, defaults filled in. */
export interface Strategy {
  readonly strategy: StrategyName;
  /** Pointers relative to items (merge of arrays, set, minimize, maximize); empty if none. */
  readonly key: readonly Pointer[];
  /** lastWriteWins/merge: the location is deleted by a full reduction. */
  readonly delete: boolean;
  /** lastWriteWins: false keeps unequal values apart in partial reductions. */
  readonly associative: boolean;
}

/** The options each strategy accepts besides `strategy`: anything else is a misspelling. */
const OPTIONS: Record<StrategyName, readonly string[]> = {
  lastWriteWins: ['associative', 'delete'],
  firstWriteWins: [],
  merge: ['key', 'delete'],
  append: [],
  set: ['key'],
  sum: [],
  minimize: ['key'],
  maximize: ['key'],
};

/** Strategies Flow knows that this engine does not implement (rejected with a clear message). */
const UNSUPPORTED = new Set(['jsonSchemaMerge']);

export const LAST_WRITE_WINS: Strategy = { strategy: 'lastWriteWins', key: [], delete: false, associative: true };

/** Parses the value of a `reduce` keyword found at schema location `loc`. */
export function parseStrategy(raw: unknown, loc: string): Strategy {
  if (!isJsonObject(raw)) throw badSchema(loc, `"reduce" must be an object like {"strategy":"merge"}`);
  const name = raw.strategy;
  if (typeof name !== 'string') throw badSchema(loc, `"reduce" needs a "strategy" string`);
  if (UNSUPPORTED.has(name)) throw badSchema(loc, `the "${name}" strategy is not supported by this connector's reduce engine`);
  if (!Object.hasOwn(OPTIONS, name)) {
    throw badSchema(loc, `unknown reduce strategy ${JSON.stringify(name)}${suggest(name, Object.keys(OPTIONS))}`);
  }
  const strategy = name as StrategyName;
  const allowed = OPTIONS[strategy];
  for (const opt of Object.keys(raw)) {
    if (opt === 'strategy' || allowed.includes(opt)) continue;
    const known = allowed.length ? `; it accepts ${allowed.map((o) => `"${o}"`).join(', ')}` : '; it takes no options';
    throw badSchema(loc, `unknown option ${JSON.stringify(opt)} for the ${strategy} strategy${suggest(opt, allowed)}${known}`);
  }
  return {
    strategy,
    key: parseKey(raw.key, loc),
    delete: parseBool(raw.delete, 'delete', false, loc),
    associative: parseBool(raw.associative, 'associative', true, loc),
  };
}

function parseKey(raw: unknown, loc: string): Pointer[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw badSchema(loc, `"key" must be an array of JSON pointers`);
  return raw.map((p) => {
    if (typeof p !== 'string') throw badSchema(loc, `"key" must be an array of JSON pointers; found ${JSON.stringify(p)}`);
    try {
      return parsePointer(p);
    } catch {
      throw badSchema(loc, `"key" entry ${JSON.stringify(p)} is not a JSON pointer (empty, or starting with "/")`);
    }
  });
}

function parseBool(raw: unknown, name: string, dflt: boolean, loc: string): boolean {
  if (raw === undefined) return dflt;
  if (typeof raw !== 'boolean') throw badSchema(loc, `"${name}" must be true or false`);
  return raw;
}

/** Whether two annotations mean the same thing (then finding both at a location is no conflict). */
export function sameStrategy(a: Strategy, b: Strategy): boolean {
  return (
    a.strategy === b.strategy &&
    a.delete === b.delete &&
    a.associative === b.associative &&
    a.key.length === b.key.length &&
    a.key.every((p, i) => p.length === b.key[i]!.length && p.every((t, j) => t === b.key[i]![j]))
  );
}

/** Short text for messages: the strategy and its non-default options. */
export function describeStrategy(s: Strategy): string {
  const opts: string[] = [];
  if (s.key.length) opts.push(`key ${JSON.stringify(s.key.map(formatPointer))}`);
  if (s.delete) opts.push('delete');
  if (!s.associative) opts.push('associative: false');
  return opts.length ? `${s.strategy} (${opts.join(', ')})` : s.strategy;
}

export function badSchema(loc: string, why: string): ConnectorError {
  return new ConnectorError('BAD_SCHEMA', `the collection schema is not usable at ${loc}: ${why}`, { fields: { schemaLocation: loc } });
}

/** ` (did you mean "x"?)` for a name within two edits of a known one, else empty. */
function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDist) [best, bestDist] = [k, d];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
