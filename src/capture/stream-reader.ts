// Reads one table's DynamoDB Stream along its shard lineage: parents to their end before their
// children, siblings in parallel, the listing refreshed periodically and whenever a shard ends.
// Every listed shard is checkpointed when first seen, before it is read (shard-tree.ts); each
// non-empty GetRecords leaves as documents plus the checkpoint of the shard's last sequence.
import { classify } from '../aws/classify.js';
import { captureFailure, isAbort, REBACKFILL_ADVICE, StreamLostError } from './aws-failure.js';
import { sleep } from '../aws/retry.js';
import type { DescribeStreamOutput, GetRecordsOutput, GetShardIteratorOutput, WireShard } from '../aws/wire-types.js';
import { streamDocument } from '../decode/document.js';
import { keyString } from '../decode/key.js';
import { ConnectorError } from '../errors.js';
import type { JsonObject } from '../json/value.js';
import type { OutputDoc } from './transaction.js';
import type { TableContext } from './context.js';
import { bindingPatch } from './output.js';
import { pollDelay } from './pacing.js';
import { planShards, type ListedShard, type ShardPlan, type StartPosition } from './shard-tree.js';
import { listingTimeDue, pastRetention, refreshedReadThrough, RETENTION_SAFETY_MARGIN_MS, STREAM_RETENTION_MS } from './stream-retention.js';
import { patchShard, rfc3339 } from './table-state.js';

/** Records per GetRecords call: the API maximum, fewer calls for busy shards. */
const GET_RECORDS_LIMIT = 1000;

export function toListed(s: WireShard): ListedShard {
  const out: ListedShard = { shardId: s.ShardId };
  if (s.ParentShardId) out.parentShardId = s.ParentShardId;
  if (s.SequenceNumberRange?.EndingSequenceNumber) out.endingSequenceNumber = s.SequenceNumberRange.EndingSequenceNumber;
  return out;
}

/** Lists every shard of the stream (DescribeStream pages of up to 100 shards). */
export async function listShards(ctx: Pick<TableContext, 'rpc' | 'signal' | 'binding' | 'table'>, streamArn: string): Promise<ListedShard[]> {
  const shards: ListedShard[] = [];
  let start: string | undefined;
  do {
    let out: DescribeStreamOutput;
    try {
      out = await ctx.rpc.call<DescribeStreamOutput>('streams', 'DescribeStream', { StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }, ctx.signal);
    } catch (e) {
      throw captureFailure(e, ctx, 'DescribeStream');
    }
    const d = out.StreamDescription;
    if (d?.StreamStatus && d.StreamStatus !== 'ENABLED' && d.StreamStatus !== 'ENABLING') {
      // A deleted table's stream stays listed as DISABLED: tell that apart, it needs another fix.
      if (await tableIsGone(ctx)) {
        throw new ConnectorError(
          'AWS_NOT_FOUND',
          `binding ${ctx.binding} (table "${ctx.table}"): the table was deleted (its stream is ${d.StreamStatus} and DescribeTable finds no such table). Remove the binding, or re-create the table with a NEW_AND_OLD_IMAGES stream and re-backfill this binding`,
          { fields: { binding: ctx.binding, table: ctx.table } },
        );
      }
      throw new ConnectorError(
        'STREAM_LOST',
        `binding ${ctx.binding} (table "${ctx.table}"): its stream is ${d.StreamStatus}; changes are no longer recorded. Re-enable the stream with view type NEW_AND_OLD_IMAGES and re-backfill this binding`,
        { fields: { binding: ctx.binding, table: ctx.table } },
      );
    }
    for (const s of d?.Shards ?? []) shards.push(toListed(s));
    start = d?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** True when DescribeTable says the table does not exist (any other answer: false). */
async function tableIsGone(ctx: Pick<TableContext, 'rpc' | 'signal' | 'table'>): Promise<boolean> {
  try {
    await ctx.rpc.call('dynamodb', 'DescribeTable', { TableName: ctx.table }, ctx.signal);
    return false;
  } catch (e) {
    return classify(e) === 'not-found';
  }
}

export class StreamReader {
  private readonly active = new Set<string>();
  private readonly readers = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private failure: unknown;
  private setListed!: (ok: boolean) => void;
  /**
   * Settles once the first listing's shards are recorded and their readers started: true, or false
   * when the reader failed first (a loss found at a resume). The backfill waits for it.
   */
  readonly listed = new Promise<boolean>((resolve) => (this.setListed = resolve));

  constructor(
    private readonly ctx: TableContext,
    private readonly streamArn: string,
  ) {}

  async run(): Promise<void> {
    const ctx = this.ctx;
    // The time before the previous listing whose shards are all recorded: shards a later listing
    // shows first were created after it. Undefined for a state written before shards were
    // recorded at first sight (then nothing tells when the unrecorded ones appeared).
    let previousListing = ctx.state.shardsListedAt;
    try {
      while (!this.stopping()) {
        const listedAt = ctx.now();
        const listing = await listShards(ctx, this.streamArn);
        // A shard reader may have failed while the listing was in flight: its shard is no longer
        // active, so the plan would start it again from its last sequence after the loss.
        if (this.stopping()) break;
        const plan = planShards(listing, ctx.state.shards, this.active, {
          newShardsFrom: previousListing ?? rfc3339(listedAt),
          lineageRecorded: previousListing !== undefined,
          now: ctx.now(),
        });
        const lost = this.lossOf(plan);
        if (lost) throw lost;
        if (previousListing === undefined && Object.keys(plan.record).length > 0) {
          ctx.log.warn('the state was written before every listed shard was recorded: shards this capture never read were recorded now, so changes they lost to the 24 h retention while the capture was stopped cannot be detected; from now on they are', {
            binding: ctx.binding,
            table: ctx.table,
            shards: Object.keys(plan.record),
          });
        }
        await this.recordListing(plan, listedAt);
        previousListing = rfc3339(listedAt);
        if (this.stopping()) break;
        for (const { shardId, from } of plan.start) this.spawn(shardId, from);
        ctx.stats.shardsOpen = this.active.size;
        this.setListed(true);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, ctx.settings.relistIntervalMs);
          const onAbort = (): void => done();
          ctx.signal.addEventListener('abort', onAbort, { once: true });
          this.wake = done;
          function done(): void {
            clearTimeout(timer);
            ctx.signal.removeEventListener('abort', onAbort);
            resolve();
          }
        });
      }
    } catch (e) {
      this.failure ??= e;
    }
    this.setListed(false);
    await Promise.all(this.readers);
    if (this.failure !== undefined && !(ctx.signal.aborted && isAbort(this.failure))) throw this.failure;
  }

  /** True once a shard reader failed or the capture is stopping: no shard may start any more. */
  private stopping(): boolean {
    return this.ctx.signal.aborted || this.failure !== undefined;
  }

  /** The loss a listing shows (shard-tree.ts), as the error the user sees; undefined when none. */
  private lossOf(plan: ShardPlan): StreamLostError | undefined {
    const ctx = this.ctx;
    const at = `binding ${ctx.binding} (table "${ctx.table}")`;
    const fields = (shards: string[]): Record<string, unknown> => ({ binding: ctx.binding, table: ctx.table, shards });
    if (plan.lost.length > 0) {
      return new StreamLostError(`${at}: stream shard(s) ${plan.lost.join(', ')} vanished before they were read to the end (trimmed after 24 h of retention?); changes were lost. ${REBACKFILL_ADVICE}`, { fields: fields(plan.lost) });
    }
    if (plan.orphaned.length > 0) {
      const which = plan.orphaned.map((o) => `${o.shardId} (parent ${o.parentShardId})`).join(', ');
      return new StreamLostError(
        `${at}: stream shard(s) ${which} appeared with a parent this capture never listed: the parent was created and trimmed (24 h of retention) while the capture was not reading the stream, so its changes were lost. ${REBACKFILL_ADVICE}`,
        { fields: fields(plan.orphaned.map((o) => o.shardId)) },
      );
    }
    if (plan.stale.length > 0) {
      const which = plan.stale.map((s) => `${s.shardId} (read through ${s.readThroughAt})`).join(', ');
      const hours = (STREAM_RETENTION_MS - RETENTION_SAFETY_MARGIN_MS) / 3_600_000;
      return new StreamLostError(
        `${at}: stream shard(s) ${which} have not been read for more than ${hours} h (was the capture stopped for about a day?); the stream keeps records for 24 h, so changes may have been lost. ${REBACKFILL_ADVICE}`,
        { fields: fields(plan.stale.map((s) => s.shardId)) },
      );
    }
    return undefined;
  }

  /**
   * Checkpoints a listing before any of its new shards is read: shards seen for the first time
   * with where they resume, finished shards gone from it pruned, and the listing's time.
   */
  private async recordListing(plan: ShardPlan, listedAt: Date): Promise<void> {
    const ctx = this.ctx;
    const shards: JsonObject = {};
    for (const id of plan.prune) {
      shards[id] = null;
      delete ctx.state.shards[id];
    }
    for (const [id, p] of Object.entries(plan.record)) {
      shards[id] = { ...p };
      ctx.state.shards[id] = { ...p };
    }
    const patch: JsonObject = {};
    if (Object.keys(shards).length > 0) patch.shards = shards;
    if (Object.keys(plan.record).length > 0 || listingTimeDue(ctx.state.shardsListedAt, listedAt)) {
      patch.shardsListedAt = ctx.state.shardsListedAt = rfc3339(listedAt);
    }
    if (Object.keys(patch).length > 0) await ctx.output.commit(ctx.binding, [], bindingPatch(ctx.stateKey, patch));
  }

  private spawn(shardId: string, from: StartPosition): void {
    this.active.add(shardId);
    const p = this.readShard(shardId, from)
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.active.delete(shardId);
        this.ctx.stats.behindMs.delete(shardId);
        this.readers.delete(p);
        this.ctx.stats.shardsOpen = this.active.size;
        this.wake?.();
      });
    this.readers.add(p);
  }

  private async iterator(shardId: string, from: StartPosition): Promise<string | undefined> {
    // TRIM_HORIZON starts silently at whatever is left: a shard not read for a day may have lost records.
    const readThroughAt = this.ctx.state.shards[shardId]?.readThroughAt;
    if (from.type === 'TRIM_HORIZON' && readThroughAt !== undefined && pastRetention(readThroughAt, this.ctx.now())) {
      throw this.lossOf({ start: [], prune: [], lost: [], record: {}, orphaned: [], stale: [{ shardId, readThroughAt }] })!;
    }
    const req: Record<string, unknown> = { StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: from.type };
    if (from.type === 'AFTER_SEQUENCE_NUMBER') req.SequenceNumber = from.sequence;
    try {
      const out = await this.ctx.rpc.call<GetShardIteratorOutput>('streams', 'GetShardIterator', req, this.ctx.signal);
      return out.ShardIterator;
    } catch (e) {
      throw captureFailure(e, { binding: this.ctx.binding, table: this.ctx.table, shardId }, 'GetShardIterator');
    }
  }

  private async readShard(shardId: string, from: StartPosition): Promise<void> {
    const ctx = this.ctx;
    let lastSeq = from.type === 'AFTER_SEQUENCE_NUMBER' ? from.sequence : undefined;
    let iter = await this.iterator(shardId, from);
    let empty = 0;
    let retriedTrim = false;
    while (!ctx.signal.aborted && this.failure === undefined) {
      if (iter === undefined) return this.finish(shardId, lastSeq);
      let out: GetRecordsOutput;
      // Before the call: an empty answer means nothing older than this is left unread.
      const polledAt = ctx.now();
      try {
        out = await ctx.rpc.call<GetRecordsOutput>('streams', 'GetRecords', { ShardIterator: iter, Limit: GET_RECORDS_LIMIT }, ctx.signal);
      } catch (e) {
        if (ctx.signal.aborted) return;
        const cls = classify(e);
        if (cls === 'expired-iterator') {
          // Iterators expire after 15 minutes: continue right after the last emitted record.
          ctx.log.info('shard iterator expired; re-acquiring it', { binding: ctx.binding, table: ctx.table, shardId, after: lastSeq ?? 'TRIM_HORIZON' });
          iter = await this.iterator(shardId, lastSeq ? { type: 'AFTER_SEQUENCE_NUMBER', sequence: lastSeq } : { type: 'TRIM_HORIZON' });
          continue;
        }
        if (cls === 'trimmed' && !retriedTrim) {
          // An iterator that has only seen empty pages can point between records (DynamoDB Local
          // numbers records across all tables, and then calls the gap trimmed). Re-acquire it at
          // the same position once: GetShardIterator itself fails if that position is really
          // trimmed, and a second TrimmedDataAccessException in a row (no successful read
          // between them) is fatal.
          retriedTrim = true;
          ctx.log.info('GetRecords reported trimmed data; re-acquiring the iterator at the same position once', { binding: ctx.binding, table: ctx.table, shardId, after: lastSeq ?? 'TRIM_HORIZON' });
          iter = await this.iterator(shardId, lastSeq ? { type: 'AFTER_SEQUENCE_NUMBER', sequence: lastSeq } : { type: 'TRIM_HORIZON' });
          continue;
        }
        throw captureFailure(e, { binding: ctx.binding, table: ctx.table, shardId }, 'GetRecords');
      }
      const records = out.Records ?? [];
      const closed = !out.NextShardIterator;
      // A read that succeeded at the re-acquired position proves that position was not trimmed.
      retriedTrim = false;
      if (records.length > 0) {
        const docs: OutputDoc[] = [];
        for (const r of records) {
          const doc = streamDocument(r, ctx.keySchema, ctx.settings.numbers);
          const image = r.dynamodb?.Keys ?? r.dynamodb?.NewImage ?? r.dynamodb?.OldImage;
          docs.push({ key: image ? keyString(image, ctx.keySchema) : '', doc });
        }
        lastSeq = records[records.length - 1]!.dynamodb?.SequenceNumber ?? lastSeq;
        const created = records[records.length - 1]!.dynamodb?.ApproximateCreationDateTime;
        if (typeof created === 'number') {
          ctx.stats.newestRecordMs = created * 1000;
          ctx.stats.behindMs.set(shardId, created * 1000);
        }
        // Synchronous from the gate notes to commit(): the stream's claim on these keys and the
        // documents land in the same order as any backfill page's verdicts.
        for (const d of docs) ctx.gate.streamEmitted(d.key);
        ctx.stats.streamDocs += docs.length;
        const shardPatch: Record<string, string | boolean | null> = { lastReadSequence: lastSeq ?? null };
        if (closed) shardPatch.finishedReading = true;
        // From now on the shard resumes after lastReadSequence, which is loud if trimmed.
        if (ctx.state.shards[shardId]?.readThroughAt !== undefined) shardPatch.readThroughAt = null;
        patchShard(ctx.state, shardId, shardPatch);
        await ctx.output.commit(ctx.binding, docs, bindingPatch(ctx.stateKey, { shards: { [shardId]: shardPatch } }));
        if (closed) return this.markFinished();
      } else if (closed) {
        return this.finish(shardId, lastSeq);
      }
      // An empty read of an open shard: everything written to it so far has been read.
      if (records.length === 0) ctx.stats.behindMs.delete(shardId);
      iter = out.NextShardIterator;
      empty = records.length > 0 ? 0 : empty + 1;
      if (records.length === 0 && lastSeq === undefined) {
        const readThroughAt = refreshedReadThrough(ctx.state.shards[shardId]?.readThroughAt, polledAt, empty);
        if (readThroughAt !== undefined) {
          patchShard(ctx.state, shardId, { readThroughAt });
          await ctx.output.commit(ctx.binding, [], bindingPatch(ctx.stateKey, { shards: { [shardId]: { readThroughAt } } }));
        }
      }
      const delay = pollDelay(empty, ctx.settings.idleBackoffMaxMs);
      if (delay > 0) await sleep(delay, ctx.signal);
    }
  }

  private async finish(shardId: string, lastSeq: string | undefined): Promise<void> {
    const ctx = this.ctx;
    const shardPatch: Record<string, string | boolean | null> = { finishedReading: true };
    if (lastSeq) shardPatch.lastReadSequence = lastSeq;
    if (ctx.state.shards[shardId]?.readThroughAt !== undefined) shardPatch.readThroughAt = null;
    patchShard(ctx.state, shardId, shardPatch);
    await ctx.output.commit(ctx.binding, [], bindingPatch(ctx.stateKey, { shards: { [shardId]: shardPatch } }));
    this.markFinished();
  }

  private markFinished(): void {
    this.ctx.stats.shardsFinished++;
  }
}
