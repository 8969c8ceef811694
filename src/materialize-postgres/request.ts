// Materialize requests from stdin: JSON lines framed by the capture's reader (src/protocol/reader.ts,
// same length cap), but parsed losslessly, because keys, values and
// documents carry exact numbers (38-digit DynamoDB numbers, keys past 2^53) that must reach
// NUMERIC columns digit for digit. Each request is then validated against
// protocol/materialize-request.schema.json by the shared validator.
import { ConnectorError } from '../errors.js';
import type * as M from '../generated/materialize-request.js';
import { parseJson } from '../json/parse.js';
import { isJsonObject, isLosslessNumber, type Json } from '../json/value.js';
import { validateAgainst } from '../protocol/validator.js';
import type { TextLine as Line } from '../protocol/reader.js';

/** Framing is the capture's (same cap, same errors); only the parsing differs. */
export { readLines, type TextLine as Line } from '../protocol/reader.js';

const REQUEST_SCHEMA = 'materialize-request.schema.json';

export const MATERIALIZE_VERBS = ['spec', 'validate', 'apply', 'open', 'acknowledge', 'load', 'flush', 'store', 'startCommit'] as const;
export type MaterializeVerb = (typeof MATERIALIZE_VERBS)[number];

export type MaterializeRequestParts =
  | { verb: 'spec'; body: M.Spec }
  | { verb: 'validate'; body: M.Validate }
  | { verb: 'apply'; body: M.Apply }
  | { verb: 'open'; body: M.Open }
  | { verb: 'acknowledge'; body: M.Acknowledge }
  | { verb: 'load'; body: M.Load }
  | { verb: 'flush'; body: M.Flush }
  | { verb: 'store'; body: M.Store }
  | { verb: 'startCommit'; body: M.StartCommit };

/** Numbers as JSON.parse gives them: for requests whose numbers are counts and settings. */
function toPlain(v: Json): Json {
  if (isLosslessNumber(v)) return Number(v.value);
  if (Array.isArray(v)) return v.map(toPlain);
  if (isJsonObject(v)) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  return v;
}

/** Parses and validates one request line; throws BAD_REQUEST listing every problem. */
export function parseRequest(line: Line): MaterializeRequestParts {
  let value: Json;
  try {
    value = parseJson(line.text);
  } catch (e) {
    throw new ConnectorError('BAD_REQUEST', `request line ${line.lineNo} is not valid JSON (${(e as Error).message}); each request must be one JSON object on one line`, {
      fields: { line: line.lineNo },
    });
  }
  if (!isJsonObject(value)) throw new ConnectorError('BAD_REQUEST', `request line ${line.lineNo} is not a JSON object such as {"flush":{}}`, { fields: { line: line.lineNo } });
  const verbs = MATERIALIZE_VERBS.filter((v) => Object.hasOwn(value, v));
  if (verbs.length !== 1) {
    const what = verbs.length > 1 ? `has several verbs (${verbs.join(', ')})` : 'has no known verb';
    throw new ConnectorError('BAD_REQUEST', `request line ${line.lineNo} ${what}: expected exactly one of ${MATERIALIZE_VERBS.join(', ')}`, { fields: { line: line.lineNo } });
  }
  const verb = verbs[0]!;
  let body: Json = value[verb] ?? null;
  if (verb === 'load' || verb === 'store') {
    // Only the binding index is a plain number here; key, values and doc keep their exact text.
    if (isJsonObject(body) && isLosslessNumber(body.binding)) body = { ...body, binding: Number(body.binding.value) };
  } else if (verb !== 'startCommit') {
    body = toPlain(body);
  }
  validateAgainst(REQUEST_SCHEMA, { [verb]: body }, 'BAD_REQUEST', `${verb} request (line ${line.lineNo})`);
  return { verb, body } as MaterializeRequestParts;
}
