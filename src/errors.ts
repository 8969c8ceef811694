// Errors carry a stable code, a message for the user (what went wrong and how to fix it) and the
// cause. Only main.ts decides how they are logged and which exit code they give.

/** Stable codes: tests and users match on these, never on message text. */
export type ErrorCode =
  | 'BAD_REQUEST' // a protocol request that is malformed or out of order
  | 'BAD_CONFIG' // endpoint or resource config fails validation
  | 'BAD_STATE' // connector state of the wrong shape or unusable
  | 'BAD_SCHEMA' // a collection schema we cannot use (e.g. invalid reduce annotations)
  | 'BAD_DOCUMENT' // a document we cannot decode or reduce
  | 'AWS_AUTH' // credentials rejected or a permission missing
  | 'AWS_NOT_FOUND' // table or stream missing
  | 'AWS_UNREACHABLE' // endpoint cannot be reached
  | 'AWS_ERROR' // any other AWS failure that exhausted its retries
  | 'STREAM_LOST' // data needed from a stream is gone: the binding must be re-backfilled
  | 'NO_TABLES' // discover found nothing to capture
  | 'VALIDATION_FAILED' // validate found problems with bindings
  | 'IO' // stdin/stdout/filesystem trouble
  | 'INTERNAL'; // a bug: the message says so

export class ConnectorError extends Error {
  readonly code: ErrorCode;
  override readonly cause?: unknown;
  /** Extra structured fields for the final log line (binding, table, ...). Never secrets. */
  readonly fields: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'ConnectorError';
    this.code = code;
    this.cause = opts.cause;
    this.fields = opts.fields ?? {};
  }
}

export function isConnectorError(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError;
}

/** Wraps anything thrown into a ConnectorError; unknown errors are INTERNAL (a bug to report). */
export function toConnectorError(e: unknown): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ConnectorError('INTERNAL', `unexpected internal error: ${msg}. This is a bug in source-dynamodb; please report it with this log line.`, { cause: e });
}
