// Unary RPCs (spec, discover, validate, apply) as Flow's runtime makes them: start the connector,
// write one request, close its stdin, expect exactly one response of the matching type, then a
// clean exit. Responses are parsed losslessly (exact numbers in documents and schemas).
import { ConnectorError } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { isJsonObject, isLosslessNumber, type Json, type JsonObject } from '../json/value.js';
import type { Connector, ConnectorConn, ExitStatus } from './connector.js';

/** One response line as {verb, body}; a line that is not one JSON object with one key is an error. */
export function parseResponse(line: string, who: string): { verb: string; body: JsonObject } {
  let v: Json;
  try {
    v = parseJson(line);
  } catch (e) {
    throw new ConnectorError('BAD_REQUEST', `the ${who} wrote a line that is not JSON (${(e as Error).message}): ${line.slice(0, 200)}`);
  }
  if (!isJsonObject(v)) throw new ConnectorError('BAD_REQUEST', `the ${who} wrote a line that is not a JSON object: ${line.slice(0, 200)}`);
  const keys = Object.keys(v).filter((k) => !k.startsWith('$'));
  const body = keys.length === 1 ? v[keys[0]!] : undefined;
  if (keys.length !== 1 || !isJsonObject(body)) {
    throw new ConnectorError('BAD_REQUEST', `the ${who} wrote a response without exactly one message key: ${line.slice(0, 200)}`);
  }
  return { verb: keys[0]!, body };
}

/** A protocol integer (a JSON number, or a string for 64-bit values); absent = 0. */
export function intOf(v: Json | undefined, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' || isLosslessNumber(v) ? Number(String(v)) : NaN;
  if (!Number.isSafeInteger(n)) throw new ConnectorError('BAD_REQUEST', `${what} is not an integer: ${JSON.stringify(String(v))}`);
  return n;
}

/** "exited with code 1: <its last error line>" */
export function exitText(status: ExitStatus, conn: ConnectorConn): string {
  const how = status.signal ? `was killed by ${status.signal}` : status.code === null ? 'could not run' : `exited with code ${status.code}`;
  const last = conn.lastError();
  return last ? `${how}: ${last}` : how;
}

/** Makes one unary RPC; resolves with the response body. */
export async function callUnary(connector: Connector, request: Record<string, unknown>, expect: string, serialize: (msg: Record<string, unknown>) => string): Promise<JsonObject> {
  const verb = Object.keys(request)[0]!;
  const conn = connector.start();
  const responses: { verb: string; body: JsonObject }[] = [];
  let readError: unknown;
  const sent = conn.send([serialize(request)]).then(
    () => conn.end(),
    () => undefined, // it exited before reading: reported through its exit status
  );
  try {
    for await (const line of conn.lines) if (line.trim() !== '') responses.push(parseResponse(line, `${connector.name} connector`));
  } catch (e) {
    readError = e;
  }
  await sent;
  const status = await conn.exited;
  if (status.code !== 0) throw new ConnectorError('IO', `the ${connector.name} connector's ${verb} failed: it ${exitText(status, conn)}`);
  if (readError) throw readError;
  const got = responses.map((r) => r.verb);
  if (responses.length !== 1 || got[0] !== expect) {
    throw new ConnectorError('BAD_REQUEST', `the ${connector.name} connector answered ${verb} with ${got.length ? got.join(', ') : 'nothing'}; expected exactly one ${expect}`);
  }
  return responses[0]!.body;
}
