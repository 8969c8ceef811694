// Translates a failed control-plane call (discover, validate) into a ConnectorError that names
// the problem and its fix. The failure class comes from src/aws/classify.ts (by error name and
// network code, never by message text); the AWS message is only quoted for the reader.
import { classify } from '../aws/classify.js';
import { ConnectorError } from '../errors.js';

/** What was being done, for the message. */
export interface CallContext {
  /** The API operation, e.g. "ListTables". */
  operation: string;
  /** The IAM action it needs, e.g. "dynamodb:ListTables". */
  permission: string;
  /** Where requests went (configured endpoint or AWS's regional one). */
  endpoint: string;
  region: string;
  table?: string;
  /** Redacts secrets from foreign text (the logger's scrub). */
  scrub?: (text: string) => string;
}

/** Errors of AWS that mean "these credentials may not do this", as opposed to "these are not valid credentials". */
const PERMISSION_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

/** True when AWS said these credentials may not do this (an IAM policy lacks a permission). */
export function isPermissionDenied(err: unknown): boolean {
  return PERMISSION_DENIED.has((err as { name?: string } | undefined)?.name ?? '');
}

/** The SDK's name for a connection or request that exceeded its timeout. */
const TIMEOUT_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout']);

/** True when no HTTP response came back: the request never reached a DynamoDB service. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; status?: number };
  if (e?.$metadata?.httpStatusCode !== undefined || e?.status !== undefined) return false;
  return classify(err) === 'transient' || TIMEOUT_ERROR_NAMES.has(e?.name ?? '');
}

export function awsFailure(err: unknown, ctx: CallContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const scrub = ctx.scrub ?? ((s: string) => s);
  const e = err as { name?: string; code?: string; message?: string };
  const name = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error');
  const quoted = scrub(`${name}: ${e?.message ?? String(err)}`);
  const on = ctx.table === undefined ? '' : ` on table "${ctx.table}"`;
  const fields = { operation: ctx.operation, endpoint: ctx.endpoint, region: ctx.region, ...(ctx.table === undefined ? {} : { table: ctx.table }) };
  if (isUnreachable(err)) {
    return new ConnectorError(
      'AWS_UNREACHABLE',
      `cannot reach DynamoDB at ${ctx.endpoint} (${ctx.operation}: ${quoted}). Check advanced.endpoint (leave it blank for AWS) and region "${ctx.region}", that the host resolves and the port is open from where the connector runs (network, firewall, proxy), and that the service is up`,
      { cause: err, fields },
    );
  }
  switch (classify(err)) {
    case 'auth':
      if (isPermissionDenied(err)) {
        return new ConnectorError(
          'AWS_AUTH',
          `${ctx.operation}${on} was denied (${quoted}): grant the IAM permission ${ctx.permission} to the connector's user or role`,
          { cause: err, fields: { ...fields, permission: ctx.permission } },
        );
      }
      return new ConnectorError(
        'AWS_AUTH',
        `AWS rejected the credentials for ${ctx.operation}${on} (${quoted}): check the access key ID and secret access key (or the IAM role), that they belong to the account of the tables, and region "${ctx.region}"; the connector needs ${ctx.permission}`,
        { cause: err, fields: { ...fields, permission: ctx.permission } },
      );
    case 'not-found':
      return new ConnectorError(
        'AWS_NOT_FOUND',
        `${ctx.operation}${on} found nothing (${quoted}): check the table name and region "${ctx.region}"`,
        { cause: err, fields },
      );
    case 'throttled':
    case 'transient':
      return new ConnectorError(
        'AWS_ERROR',
        `${ctx.operation}${on} kept failing after retries (${quoted}): DynamoDB is throttling or unavailable; try again later`,
        { cause: err, fields },
      );
    default:
      return new ConnectorError('AWS_ERROR', `${ctx.operation}${on} failed (${quoted}); check region "${ctx.region}" and the endpoint ${ctx.endpoint}`, { cause: err, fields });
  }
}
