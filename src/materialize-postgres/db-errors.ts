// Maps failures of the pg driver and of PostgreSQL to ConnectorErrors: by SQLSTATE class and Node
// error code; only pg's own connection errors (timeout, terminated) carry neither and are matched
// by message. `what` says what we were doing ("storing 120 rows into
// "public"."orders" (binding 0)"), so the last log line names the table and the step.
import { ConnectorError, type ErrorCode } from '../errors.js';

/** Node socket error codes that mean the server cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  severity?: string;
}

/** SQLSTATE classes (first two characters) and what they mean for the user. */
function classify(sqlstate: string): { code: ErrorCode; fix: string } {
  const cls = sqlstate.slice(0, 2);
  if (cls === '28') return { code: 'BAD_CONFIG', fix: 'check the user and password of connectionUri' };
  if (sqlstate === '3D000') return { code: 'BAD_CONFIG', fix: 'the database in connectionUri does not exist: create it or fix the URI' };
  if (sqlstate === '3F000') return { code: 'BAD_CONFIG', fix: 'the schema does not exist: create it or fix the schema setting' };
  if (sqlstate === '42501') return { code: 'BAD_CONFIG', fix: 'grant this user CREATE on the schema and write access to the tables' };
  if (sqlstate === '42P01' || sqlstate === '42703') return { code: 'BAD_STATE', fix: 'a table or column is missing: run apply again' };
  if (cls === '22' || cls === '23') return { code: 'BAD_DOCUMENT', fix: 'a value does not fit its column; see the detail, and the column types that apply created' };
  if (cls === '08' || cls === '53' || cls === '57' || cls === '58' || cls === '40') return { code: 'IO', fix: 'the server failed or went away; the transaction was not committed, so restarting is safe' };
  return { code: 'INTERNAL', fix: 'this looks like a bug in materialize-postgres; please report it with this log line' };
}

/** Wraps a pg/PostgreSQL failure; a ConnectorError passes through unchanged. */
export function dbError(e: unknown, what: string, where: string): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const err = (e ?? {}) as PgLikeError;
  const msg = err.message ?? String(e);
  const code = err.code ?? '';
  if (/^[0-9A-Z]{5}$/.test(code) && err.severity !== undefined) {
    const { code: ours, fix } = classify(code);
    const extra = [err.detail ? `detail: ${err.detail}` : '', err.hint ? `hint: ${err.hint}` : ''].filter(Boolean).join('; ');
    return new ConnectorError(ours, `${what} failed at PostgreSQL ${where}: ${msg} (SQLSTATE ${code}${extra ? `; ${extra}` : ''}); ${fix}`, {
      cause: e,
      fields: { sqlstate: code },
    });
  }
  if (UNREACHABLE.has(code) || /timeout|terminated|Connection ended/i.test(msg)) {
    return new ConnectorError('IO', `${what} failed: cannot reach PostgreSQL at ${where} (${code || msg}); check that the server runs and that connectionUri points at it`, {
      cause: e,
    });
  }
  return new ConnectorError('INTERNAL', `${what} failed at PostgreSQL ${where}: ${msg}; this looks like a bug in materialize-postgres, please report it with this log line`, {
    cause: e,
  });
}
