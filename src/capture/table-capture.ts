// One binding's capture: check the table and its stream, record first-sight state, then run the
// stream readers and the backfill side by side (stream first, so no change escapes either).
import { setMaxListeners } from 'node:events';
import { captureFailure, isAbort, StreamLostError } from './aws-failure.js';
import type { RpcClient } from '../aws/rpc-client.js';
import type { DescribeTableOutput, TableDescription } from '../aws/wire-types.js';
import type { KeySchema } from '../decode/key.js';
import { ConnectorError } from '../errors.js';
import type { JsonObject } from '../json/value.js';
import type { TableContext } from './context.js';
import { runBackfill } from './backfill.js';
import { ConvergenceGate } from './gate.js';
import { bindingPatch } from './output.js';
import { firstSightShards } from './shard-tree.js';
import { listShards, StreamReader } from './stream-reader.js';
import { rfc3339, tableStateFrom } from './table-state.js';

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
    throw captureFailure(e, { binding, table }, 'DescribeTable');
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

/**
 * Automatic re-backfills of one binding in one run of the connector, after which a loss is
 * reported instead: a stream that keeps losing data needs a person. A restart resets the count.
 */
export const MAX_AUTO_REBACKFILLS = 3;

/**
 * Runs one binding until stopped. When its stream lost data (StreamLostError: trimmed records, or
 * an unread shard gone from the listing) the capture fails, telling the user to re-backfill; with
 * advanced.autoRebackfill it does that itself: it stops this binding's readers and backfill (other
 * bindings run on), writes a checkpoint that drops the binding's whole state, and starts over as at
 * first sight: a new backfill, the stream's open shards read from TRIM_HORIZON. Every item the
 * table holds is captured again, so the destination converges on the table for every key the table
 * still has; but a key deleted while changes were lost left no record anywhere the connector can
 * read, so it cannot be known, and its last document stays in the destination.
 */
export async function runTable(ctx: TableContext, streamArn: string): Promise<void> {
  for (let n = 1; ; n++) {
    const lost = await runTableOnce(ctx, streamArn);
    if (lost === undefined || ctx.signal.aborted) return;
    if (n > MAX_AUTO_REBACKFILLS) {
      throw new StreamLostError(
        `${lost.message}. advanced.autoRebackfill already re-backfilled this binding ${MAX_AUTO_REBACKFILLS} times in this run, so the capture stops for someone to look at the table's stream`,
        { cause: lost, fields: lost.fields },
      );
    }
    ctx.log.warn('stream data was lost: re-backfilling the binding automatically (advanced.autoRebackfill); items deleted while changes were lost cannot be known, and their last documents stay in the destination', {
      binding: ctx.binding,
      table: ctx.table,
      stateKey: ctx.stateKey,
      reason: lost.message,
      rebackfill: n,
    });
    // The binding's producers have all ended and their commits are written: this checkpoint
    // follows everything they wrote. The next run's first-sight checkpoint starts the state afresh.
    await ctx.output.commit(ctx.binding, [], { bindingStateV1: { [ctx.stateKey]: null } });
    ctx.state = tableStateFrom(undefined);
    ctx.gate = new ConvergenceGate();
    ctx.stats.segmentsDone = 0;
  }
}

/** One run of a binding; resolves with the stream loss that ended it when autoRebackfill may repair it. */
async function runTableOnce(ctx: TableContext, streamArn: string): Promise<StreamLostError | undefined> {
  if (!ctx.settings.autoRebackfill) {
    await startTable(ctx, streamArn);
    return undefined;
  }
  // The binding gets its own stop signal, so a loss ends its readers and backfill alone.
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const stop = (): void => controller.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  let lost: StreamLostError | undefined;
  const binding: TableContext = {
    ...ctx,
    signal: controller.signal,
    fail(e) {
      if (e instanceof StreamLostError && !ctx.signal.aborted) {
        lost ??= e;
        controller.abort();
        return;
      }
      // Requests and waits cut short because this binding is starting over are not failures.
      if (lost !== undefined && !ctx.signal.aborted && (isAbort(e) || !(e instanceof ConnectorError))) return;
      ctx.fail(e);
    },
  };
  try {
    await startTable(binding, streamArn).catch((e: unknown) => binding.fail(e));
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  return ctx.signal.aborted ? undefined : lost;
}

/** Checks the stream, records first-sight state, then runs stream and backfill until stopped. */
async function startTable(ctx: TableContext, streamArn: string): Promise<void> {
  const st = ctx.state;
  if (st.streamArn !== undefined && st.streamArn !== streamArn) {
    throw new ConnectorError(
      'STREAM_LOST',
      `binding ${ctx.binding} (table "${ctx.table}"): the table's stream changed from ${st.streamArn} to ${streamArn} (the stream was disabled and re-enabled, or the table re-created), so changes in between were lost. Re-backfill this binding`,
    );
  }
  if (st.totalBackfillSegments === undefined || st.streamArn === undefined) {
    // Every listed shard is recorded now (shard-tree.ts firstSightShards), before the backfill
    // starts: closed ones finished, open ones read from TRIM_HORIZON, needing nothing older.
    const listedAt = rfc3339(ctx.now());
    const listing = await listShards(ctx, streamArn);
    const patch: JsonObject = { totalBackfillSegments: st.totalBackfillSegments ?? ctx.settings.backfillSegments, streamArn, shardsListedAt: listedAt };
    const seen = Object.entries(firstSightShards(listing, listedAt)).filter(([id]) => !st.shards[id]);
    if (seen.length > 0) {
      const shards: JsonObject = {};
      for (const [id, p] of seen) {
        shards[id] = { ...p };
        st.shards[id] = p;
      }
      patch.shards = shards;
    }
    st.totalBackfillSegments = patch.totalBackfillSegments as number;
    st.streamArn = streamArn;
    st.shardsListedAt = listedAt;
    await ctx.output.commit(ctx.binding, [], bindingPatch(ctx.stateKey, patch));
    const closedShards = seen.filter(([, p]) => p.finishedReading).length;
    ctx.log.info('table seen for the first time', { binding: ctx.binding, table: ctx.table, segments: st.totalBackfillSegments, closedShards, openShards: seen.length - closedShards });
  }
  // Stream first, then the backfill beside it, once the stream's shards are recorded (and a
  // resume found no stream loss). Both run until stopped; a failure of either is reported
  // through ctx.fail, which stops everything at a checkpoint boundary.
  const reader = new StreamReader(ctx, streamArn);
  const streaming = reader.run().catch((e: unknown) => ctx.fail(e));
  const backfill = reader.listed.then((ok) => (ok && !ctx.signal.aborted ? runBackfill(ctx) : undefined)).catch((e: unknown) => ctx.fail(e));
  await Promise.all([streaming, backfill]);
}
