// Turns a failed AWS call of a running capture into the error the user sees: what failed, on which
// binding, table and shard, and what to do. The class comes from src/aws/classify.ts (by error name
// or network code, never by message text); AWS's message is only quoted. Retryable faults reach
// this point only after rpc-client's bounded retries gave up.
import { AwsCallError, classify } from '../aws/classify.js';
import { ConnectorError } from '../errors.js';
import type { TableContext } from './context.js';

/** The IAM action each capture call needs, for AWS_AUTH messages. */
export const PERMISSION: Readonly<Record<string, string>> = {
  DescribeTable: 'dynamodb:DescribeTable',
  Scan: 'dynamodb:Scan',
  GetItem: 'dynamodb:GetItem',
  DescribeStream: 'dynamodb:DescribeStream',
  GetShardIterator: 'dynamodb:GetShardIterator',
  GetRecords: 'dynamodb:GetRecords',
};

/** Every action a capture needs, listed in AWS_AUTH messages so one policy fix covers them all. */
const ALL_PERMISSIONS = Object.values(PERMISSION).join(', ');

/** "These credentials may not do this" (an IAM policy lacks the action), as opposed to bad credentials. */
const PERMISSION_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

const STREAM_OPERATIONS = new Set(['DescribeStream', 'GetShardIterator', 'GetRecords']);

/**
 * Stream data this binding needs is gone (trimmed past the 24 h retention, or an unread shard
 * vanished from the listing). `rebackfill`: a new backfill of the binding recovers everything the
 * table still holds, so advanced.autoRebackfill may do it instead of failing.
 */
export class StreamLostError extends ConnectorError {
  constructor(message: string, opts: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super('STREAM_LOST', message, opts);
  }
}

/** Advice closing every StreamLostError message. */
export const REBACKFILL_ADVICE = 'Re-backfill this binding (or set advanced.autoRebackfill to have the connector do it)';

/** True for the error of a request or wait cut short because the capture is stopping. */
export function isAbort(e: unknown): boolean {
  const x = e as { name?: string; code?: string; networkCode?: string } | undefined;
  return x?.name === 'AbortError' || x?.code === 'UND_ERR_ABORTED' || x?.networkCode === 'UND_ERR_ABORTED';
}

export type Where = Pick<TableContext, 'binding' | 'table'> & { shardId?: string };

const whereText = (w: Where): string => `binding ${w.binding} (table "${w.table}")${w.shardId ? `, shard ${w.shardId}` : ''}`;

/** The user-facing error for a failed call `op`; ConnectorErrors and aborts pass through as they are. */
export function captureFailure(e: unknown, where: Where, op: string): Error {
  if (e instanceof ConnectorError || isAbort(e)) return e as Error;
  const cls = classify(e);
  const at = whereText(where);
  const msg = e instanceof Error ? e.message : String(e);
  const name = e instanceof AwsCallError ? e.errorName : ((e as { name?: string })?.name ?? 'Error');
  const fields = { binding: where.binding, table: where.table, operation: op, ...(where.shardId ? { shardId: where.shardId } : {}) };
  const opts = { cause: e, fields };
  const stream = STREAM_OPERATIONS.has(op);
  switch (cls) {
    case 'trimmed':
      return new StreamLostError(`${at}: the stream no longer holds records this capture has not read yet (${msg}); changes were lost to the stream's 24 h retention. ${REBACKFILL_ADVICE}`, opts);
    case 'not-found':
      if (stream) {
        return new ConnectorError('STREAM_LOST', `${at}: the table's stream is gone (${msg}): the table was deleted or its stream disabled. Re-enable the stream (NEW_AND_OLD_IMAGES) and re-backfill this binding, or remove the binding`, opts);
      }
      return new ConnectorError('AWS_NOT_FOUND', `${at}: the table does not exist (${msg}): it was deleted, or the name or region is wrong. Re-create the table and re-backfill this binding, or remove the binding`, opts);
    case 'auth': {
      const permission = PERMISSION[op] ?? `the permission for ${op}`;
      const f = { ...fields, permission };
      if (PERMISSION_DENIED.has(name)) {
        return new ConnectorError('AWS_AUTH', `${at}: ${op} was denied (${msg}): grant the IAM permission ${permission} on the table and its stream to the connector's user or role (a capture needs ${ALL_PERMISSIONS})`, { cause: e, fields: f });
      }
      return new ConnectorError('AWS_AUTH', `${at}: AWS rejected the credentials for ${op} (${msg}): check the access key ID and secret access key (or the IAM role) and the region; the connector needs ${permission} (a capture needs ${ALL_PERMISSIONS})`, { cause: e, fields: f });
    }
    case 'throttled':
      return new ConnectorError('AWS_ERROR', `${at}: ${op} was throttled on every attempt (${msg}). Raise the table's read capacity or the account's limits, or lower the binding's rcuAllocation or advanced.maxConcurrentRequests; the capture resumes from its last checkpoint when restarted`, opts);
    case 'transient':
      if (e instanceof AwsCallError && e.status === undefined) {
        return new ConnectorError('AWS_UNREACHABLE', `${at}: ${op} could not reach DynamoDB on any attempt (${msg}). Check the network path to the endpoint; the capture resumes from its last checkpoint when restarted`, opts);
      }
      return new ConnectorError('AWS_ERROR', `${at}: ${op} kept failing (${msg}): DynamoDB is unavailable or overloaded; the capture resumes from its last checkpoint when restarted`, opts);
    default:
      return new ConnectorError('AWS_ERROR', `${at}: ${op} failed (${msg})`, opts);
  }
}
