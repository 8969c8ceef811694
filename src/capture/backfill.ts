// The parallel segmented Scan. Workers take unfinished segments round-robin, a few pages per turn,
// so every segment advances evenly; each page's documents leave together with the checkpoint that
// records the segment's resume key, so a restart resumes each segment exactly where it stopped.
// A worker asks for its next page before it hands the current one to the output, so DynamoDB
// is kept busy while the page is decoded and written (one page ahead, no more: backpressure holds).
import { sleep } from '../aws/retry.js';
import type { GetItemOutput, ScanOutput } from '../aws/wire-types.js';
import type { Item } from '../decode/attribute-value.js';
import { snapshotDocument } from '../decode/document.js';
import { snapshotDocumentText } from '../decode/document-text.js';
import { decodeResumeKey, encodeResumeKey, keyString } from '../decode/key.js';
import { captureFailure } from './aws-failure.js';
import type { JsonObject } from '../json/value.js';
import type { OutputDoc } from './transaction.js';
import { bindingPatch } from './output.js';
import type { TableContext } from './context.js';
import { isSegmentFinished, rfc3339 } from './table-state.js';
import { TokenBucket } from './token-bucket.js';

/** Pages a worker scans of one segment before passing it on (when segments outnumber workers). */
const PAGES_PER_TURN = 4;

/** Where each segment's next page starts, ahead of the committed state while pages are in flight. */
interface Cursor {
  seg: number;
  startKey: Item | undefined;
}

export async function runBackfill(ctx: TableContext): Promise<void> {
  const total = ctx.state.totalBackfillSegments ?? ctx.settings.backfillSegments;
  if (ctx.state.backfillFinishedAt) {
    ctx.gate.close();
    return;
  }
  const queue: Cursor[] = [];
  for (let seg = 0; seg < total; seg++) {
    const p = ctx.state.backfillSegmentProgress[String(seg)];
    if (isSegmentFinished(p)) ctx.stats.segmentsDone++;
    else queue.push({ seg, startKey: p?.exclusiveStartKey ? (decodeResumeKey(p.exclusiveStartKey) as Item) : undefined });
  }
  const bucket = new TokenBucket(ctx.rcuBudget);
  const workers = Math.max(1, Math.min(ctx.settings.scanWorkers, queue.length));
  ctx.log.info('backfill starting', { binding: ctx.binding, table: ctx.table, segments: total, remaining: queue.length, workers, rcuBudget: ctx.rcuBudget || 'unlimited' });
  await Promise.all(Array.from({ length: workers }, () => worker(ctx, total, queue, bucket)));
  if (ctx.signal.aborted) return;
  if (queue.length === 0 && !ctx.state.backfillFinishedAt) {
    // Normally the last page's checkpoint already recorded this; a backfill with no segments left
    // at start (all finished before a restart) records it here.
    const at = rfc3339(ctx.now());
    ctx.state.backfillFinishedAt = at;
    await ctx.output.commit(ctx.binding, [], bindingPatch(ctx.stateKey, { backfillFinishedAt: at }));
  }
  ctx.gate.close();
  ctx.log.info('backfill finished', { binding: ctx.binding, table: ctx.table, items: ctx.stats.itemsScanned, documents: ctx.stats.snapshotDocs, droppedByGate: ctx.stats.droppedByGate });
}

async function worker(ctx: TableContext, total: number, queue: Cursor[], bucket: TokenBucket): Promise<void> {
  let cursor = queue.shift();
  let turn = 0;
  let inflight = cursor ? fetchPage(ctx, cursor, total, bucket) : undefined;
  inflight?.catch(() => undefined);
  while (cursor && inflight && !ctx.signal.aborted) {
    const page = await inflight;
    if (page === undefined) return; // stopping
    const current = cursor;
    const done = page.LastEvaluatedKey === undefined;
    current.startKey = page.LastEvaluatedKey;
    // Keep the segment for its next page (requested now, before this one is committed), or pass
    // it on after this page is committed: one worker at a time holds a segment, so its pages are
    // committed in order and its recorded resume key only moves forward.
    turn++;
    const keep = !done && (turn < PAGES_PER_TURN || queue.length === 0);
    let next: Cursor | undefined = keep ? current : queue.shift();
    if (!keep) turn = 0;
    inflight = next ? fetchPage(ctx, next, total, bucket) : undefined;
    // Marked handled: if committing fails first, this prefetch must not surface as unhandled.
    inflight?.catch(() => undefined);
    // The page's documents and its checkpoint; a failure here ends the worker (and the capture).
    await commitPage(ctx, current.seg, total, page, done);
    if (!done && !keep) queue.push(current);
    if (!next && !ctx.signal.aborted) {
      next = queue.shift();
      inflight = next ? fetchPage(ctx, next, total, bucket) : undefined;
      inflight?.catch(() => undefined);
    }
    cursor = next;
  }
  // Let an abandoned prefetch settle quietly.
  await inflight?.catch(() => undefined);
}

/** Scans one page of a segment, paced by the RCU budget; undefined when the capture stops. */
async function fetchPage(ctx: TableContext, cursor: Cursor, total: number, bucket: TokenBucket): Promise<ScanOutput | undefined> {
  const wait = bucket.waitMs();
  if (wait > 0) await sleep(wait, ctx.signal);
  if (ctx.signal.aborted) return undefined;
  const request: Record<string, unknown> = {
    TableName: ctx.table,
    Segment: cursor.seg,
    TotalSegments: total,
    ConsistentRead: true,
    ReturnConsumedCapacity: 'TOTAL',
  };
  if (ctx.settings.scanLimit) request.Limit = ctx.settings.scanLimit;
  if (cursor.startKey) request.ExclusiveStartKey = cursor.startKey;
  try {
    const page = await ctx.rpc.call<ScanOutput>('dynamodb', 'Scan', request, ctx.signal);
    bucket.charge(page.ConsumedCapacity?.CapacityUnits ?? 0);
    return page;
  } catch (e) {
    if (ctx.signal.aborted) return undefined;
    throw captureFailure(e, ctx, 'Scan');
  }
}

/** Turns a page into documents through the gate and commits them with the segment's progress. */
async function commitPage(ctx: TableContext, seg: number, total: number, page: ScanOutput, done: boolean): Promise<void> {
  const items = page.Items ?? [];
  ctx.stats.itemsScanned += items.length;
  const keys = items.map((it) => keyString(it, ctx.keySchema));
  // Re-read the keys the gate cannot decide from memory alone (Bloom hits), inside a window.
  const reread = new Map<string, Item | undefined>();
  ctx.gate.openWindow();
  try {
    for (;;) {
      const need = keys.filter((k) => ctx.gate.check(k) === 'recheck' && !reread.has(k));
      if (need.length === 0) break;
      const idx = new Map(keys.map((k, i) => [k, i]));
      await Promise.all(
        need.map(async (k) => {
          const item = items[idx.get(k)!]!;
          const key: Item = { [ctx.keySchema.hash.name]: item[ctx.keySchema.hash.name]! };
          if (ctx.keySchema.range) key[ctx.keySchema.range.name] = item[ctx.keySchema.range.name]!;
          try {
            const got = await ctx.rpc.call<GetItemOutput>('dynamodb', 'GetItem', { TableName: ctx.table, Key: key, ConsistentRead: true }, ctx.signal);
            reread.set(k, got.Item);
          } catch (e) {
            throw captureFailure(e, ctx, 'GetItem');
          }
        }),
      );
      if (ctx.signal.aborted) return;
    }
    // From here to commit() everything is synchronous: the gate's verdicts hold at emission.
    const docs: OutputDoc[] = [];
    for (let i = 0; i < items.length; i++) {
      const k = keys[i]!;
      const verdict = ctx.gate.check(k);
      if (verdict === 'emit') docs.push({ key: k, text: snapshotDocumentText(items[i]!, ctx.keySchema, ctx.settings.numbers) });
      else if (verdict === 'drop') ctx.stats.droppedByGate++;
      else {
        ctx.stats.recheckedByGate++;
        const fresh = reread.get(k);
        if (fresh && !ctx.gate.touchedInWindow(k)) docs.push({ key: k, doc: snapshotDocument(fresh, ctx.keySchema, ctx.settings.numbers) });
      }
    }
    ctx.stats.snapshotDocs += docs.length;
    const segPatch: Record<string, string> = {};
    const tablePatch: JsonObject = {};
    if (done) {
      const at = rfc3339(ctx.now());
      segPatch.finishedAt = at;
      ctx.state.backfillSegmentProgress[String(seg)] = { ...ctx.state.backfillSegmentProgress[String(seg)], finishedAt: at };
      ctx.stats.segmentsDone++;
      if (ctx.stats.segmentsDone === total) {
        tablePatch.backfillFinishedAt = at;
        ctx.state.backfillFinishedAt = at;
      }
    } else {
      const esk = encodeResumeKey(page.LastEvaluatedKey!);
      segPatch.exclusiveStartKey = esk;
      ctx.state.backfillSegmentProgress[String(seg)] = { exclusiveStartKey: esk };
    }
    tablePatch.backfillSegmentProgress = { [String(seg)]: segPatch };
    const written = ctx.output.commit(ctx.binding, docs, bindingPatch(ctx.stateKey, tablePatch));
    await written;
  } finally {
    ctx.gate.closeWindow();
  }
}
