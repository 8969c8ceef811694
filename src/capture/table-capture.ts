// One binding's capture: check the table and its stream, record first-sight state, then run the
// stream readers and the backfill side by side (stream first, so no change escapes either).
import { classify } from '../aws/classify.js';
import type { RpcClient } from '../aws/rpc-client.js';
import type { DescribeTableOutput, TableDescription } from '../aws/wire-types.js';
import type { KeySchema } from '../decode/key.js';
import { ConnectorError } from '../errors.js';
import type { JsonObject } from '../json/value.js';
import type { TableContext } from './context.js';
import { runBackfill } from './backfill.js';
import { bindingPatch } from './output.js';
import { closedAtFirstSight } from './shard-tree.js';
import { listShards, StreamReader } from './stream-reader.js';

/** Scan Limit used when the RCU budget is small (Estuary's rule): pages stay cheap to pace. */
export const SMALL_BUDGET_SCAN_LIMIT = 100;
/** Budgets above this many RCUs (or unlimited) use the default page size below. */
const SMALL_BUDGET_RCUS = 100;
/**
 * Default Scan Limit otherwise. Estuary scans without one (1 MB pages); we cap pages at 1,000 items
 * so that the pages in flight (two per worker) stay a few MB of heap instead of ~100 MB, and the
 * first documents leave in milliseconds. Measured on DynamoDB Local: no loss of Scan throughput.
 * Costs nothing extra: Scan is billed by data read, not by request.
 */
export const DEFAULT_SCAN_LIMIT = 1000;

export async function describeTable(rpc: RpcClient, table: string, binding: number, signal?: AbortSignal): Promise<TableDescription> {
  try {
    const out = await rpc.call<DescribeTableOutput>('dynamodb', 'DescribeTable', { TableName: table }, signal);
    return out.Table ?? {};
  } catch (e) {
    const cls = classify(e);
    const msg = (e as Error).message;
    if (cls === 'not-found') throw new ConnectorError('AWS_NOT_FOUND', `binding ${binding}: table "${table}" does not exist in this region/account (${msg}); check the table name and region, or remove the binding`, { cause: e });
    if (cls === 'auth') throw new ConnectorError('AWS_AUTH', `binding ${binding}: DescribeTable on "${table}" was refused (${msg}); the credentials need dynamodb:DescribeTable`, { cause: e });
    throw e;
  }
}

export function keySchemaOf(desc: TableDescription, table: string): KeySchema {
  const types = new Map((desc.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  const hash = desc.KeySchema?.find((k) => k.KeyType === 'HASH');
  const range = desc.KeySchema?.find((k) => k.KeyType === 'RANGE');
  if (!hash) throw new ConnectorError('AWS_ERROR', `DescribeTable for "${table}" returned no HASH key; this is not a DynamoDB table description we understand`);
  const ks: KeySchema = { hash: { name: hash.AttributeName, type: types.get(hash.AttributeName) ?? 'S' } };
  if (range) ks.range = { name: range.AttributeName, type: types.get(range.AttributeName) ?? 'S' };
  return ks;
}

/** Effective Scan Limit: the configured one, else 100 for small RCU budgets, else the default. */
export function effectiveScanLimit(configured: number | undefined, rcuBudget: number): number {
  if (configured) return configured;
  return rcuBudget === 0 || rcuBudget > SMALL_BUDGET_RCUS ? DEFAULT_SCAN_LIMIT : SMALL_BUDGET_SCAN_LIMIT;
}

/** Checks the stream, records first-sight state, then runs stream and backfill until stopped. */
export async function runTable(ctx: TableContext, streamArn: string): Promise<void> {
  const st = ctx.state;
  if (st.streamArn !== undefined && st.streamArn !== streamArn) {
    throw new ConnectorError(
      'STREAM_LOST',
      `binding ${ctx.binding} (table "${ctx.table}"): the table's stream changed from ${st.streamArn} to ${streamArn} (the stream was disabled and re-enabled, or the table re-created), so changes in between were lost. Re-backfill this binding`,
    );
  }
  if (st.totalBackfillSegments === undefined || st.streamArn === undefined) {
    const listing = await listShards(ctx, streamArn);
    const patch: JsonObject = { totalBackfillSegments: st.totalBackfillSegments ?? ctx.settings.backfillSegments, streamArn };
    const closed = closedAtFirstSight(listing).filter((id) => !st.shards[id]);
    if (closed.length > 0) {
      const shards: JsonObject = {};
      for (const id of closed) {
        shards[id] = { finishedReading: true };
        st.shards[id] = { finishedReading: true };
      }
      patch.shards = shards;
    }
    st.totalBackfillSegments = patch.totalBackfillSegments as number;
    st.streamArn = streamArn;
    await ctx.output.commit(ctx.binding, [], bindingPatch(ctx.stateKey, patch));
    ctx.log.info('table seen for the first time', { binding: ctx.binding, table: ctx.table, segments: st.totalBackfillSegments, closedShards: closed.length });
  }
  // Stream first, then the backfill beside it. Both run until stopped; a failure of either is
  // reported through ctx.fail, which stops everything at a checkpoint boundary.
  const streaming = new StreamReader(ctx, streamArn).run().catch((e: unknown) => ctx.fail(e));
  const backfill = runBackfill(ctx).catch((e: unknown) => ctx.fail(e));
  await Promise.all([streaming, backfill]);
}
