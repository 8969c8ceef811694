// No silent stream loss (issue 12): every shard the capture lists is checkpointed at first sight
// with where it resumes, and a restart finds what the stream's retention took while the capture was
// down. DynamoDB Local never trims, so the outage is made by moving the state's recorded times
// back past the 24 h retention, and a vanished parent by the fault proxy (a listing rewritten, or a
// scripted stream whose shards split and are trimmed while the capture is stopped).
import t from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Json, JsonObject } from '../../../src/json/value.js';
import { STREAM_RETENTION_MS } from '../../../src/capture/stream-retention.js';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { captureInProcess, type InProcessCapture } from '../../fixtures/in-process-capture.js';
import { foldState } from '../../fixtures/connector-process.js';
import { FaultProxy, type ProxiedRequest } from '../../fixtures/fault-proxy.js';
import { ScriptedStream } from '../../fixtures/scripted-stream.js';
import { backfillDone, endsCommitted, failureOf, fastRpc, waitFor } from '../../fixtures/fault-checks.js';
import { committedDocs, diffFoldWithTable, scanRows, type TableShape } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const SETTINGS = { backfillSegments: 2, scanWorkers: 2, relistIntervalMs: 300 };
const shapeOf = (table: string): TableShape => ({ table, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) });
type ShardState = { lastReadSequence?: string; finishedReading?: boolean; readThroughAt?: string };
type BindingState = { shardsListedAt?: string; shards?: Record<string, ShardState> };
const bindingOf = (s: Json, sk: string): BindingState => ((s as { bindingStateV1?: Record<string, BindingState> }).bindingStateV1 ?? {})[sk] ?? {};
const forStream = (table: string) => (r: ProxiedRequest): boolean => String(r.body.StreamArn ?? '').includes(`/${table}/`) || (typeof r.body.ShardIterator === 'string' && r.body.ShardIterator.includes(`/${table}/`));
const captured = (lines: readonly string[]): string[] => lines.filter((l) => l.startsWith('{"captured"'));
const checkpoints = (lines: readonly string[]): JsonObject[] => lines.filter((l) => l.startsWith('{"checkpoint"')).map((l) => (JSON.parse(l) as { checkpoint: { state: { updated: JsonObject } } }).checkpoint.state.updated);
const resetLine = (sk: string): string => `{"checkpoint":{"state":{"updated":{"bindingStateV1":{"${sk}":null}},"mergePatch":true}}}`;

async function put(table: string, pk: string, v: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { S: v } } }));
}

async function capture(table: string, state: Json = {}, settings: Record<string, unknown> = {}): Promise<InProcessCapture> {
  const all = (state as { bindingStateV1?: Record<string, unknown> }).bindingStateV1 ?? {};
  return captureInProcess(proxy.url, [{ binding: 0, stateKey: `${table}.v1`, table }], all, { ...SETTINGS, ...settings }, fastRpc());
}

/** The state as if the capture had stopped `ms` earlier: every recorded time moved back. */
function aged(state: Json, sk: string, ms: number): Json {
  const copy = JSON.parse(JSON.stringify(state)) as { bindingStateV1: Record<string, BindingState> };
  const b = copy.bindingStateV1[sk]!;
  const back = (iso: string): string => new Date(Date.parse(iso) - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (b.shardsListedAt) b.shardsListedAt = back(b.shardsListedAt);
  for (const s of Object.values(b.shards ?? {})) if (s.readThroughAt) s.readThroughAt = back(s.readThroughAt);
  return copy as unknown as Json;
}

/** Runs a capture of an idle table until its backfill is done and stops it: its shard is listed but never read. */
async function idleRun(table: string): Promise<{ cap: InProcessCapture; state: Json; shard: string }> {
  await createStreamTable(client, table);
  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await cap.stop();
  const state = foldState({}, cap.lines);
  const shards = bindingOf(state, `${table}.v1`).shards ?? {};
  return { cap, state, shard: Object.keys(shards)[0]! };
}

t.test('the first checkpoint records every listed shard, read or not, with where it resumes', async (t) => {
  const table = 'first_sight';
  const { cap, state, shard } = await idleRun(table);
  const real = proxy.seen('DescribeStream').filter(forStream(table))[0]!.response.StreamDescription.Shards as { ShardId: string }[];
  const first = checkpoints(cap.lines)[0]!;
  const b = bindingOf(first, `${table}.v1`);
  t.same(Object.keys(b.shards ?? {}).sort(), real.map((s) => s.ShardId).sort(), 'the first-sight checkpoint names every listed shard');
  t.ok(b.shards?.[shard]?.readThroughAt, 'the open shard, never read, records the time it was read through');
  t.ok(b.shardsListedAt, 'and the time of the listing');
  t.notOk(bindingOf(state, `${table}.v1`).shards?.[shard]?.lastReadSequence, 'no record was ever read');
  t.ok(endsCommitted(cap.lines));
});

t.test('outage past the retention: an unread shard cannot be trusted from TRIM_HORIZON, STREAM_LOST; within it the restart catches up', async (t) => {
  const table = 'outage';
  const sk = `${table}.v1`;
  const { state, shard } = await idleRun(table);
  // Changes made while the capture is down.
  for (const k of ['d1', 'd2', 'd3']) await put(table, k, 'down');

  // Down for longer than the stream keeps records: nothing read, nothing emitted, a loud error.
  const mark = proxy.requests.length;
  const late = await capture(table, aged(state, sk, STREAM_RETENTION_MS + 3_600_000));
  const err = await failureOf(late.session);
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, `binding 0 (table "${table}"): stream shard(s) ${shard} (read through `);
  t.match(err.message, /stream keeps records for 24 h, so changes may have been lost/);
  t.match(err.message, /Re-backfill this binding \(or set advanced\.autoRebackfill/);
  t.same(captured(late.lines), [], 'nothing emitted');
  t.ok(endsCommitted(late.lines), 'the output ends at a checkpoint');
  t.same(proxy.requests.slice(mark).filter((r) => forStream(table)(r) && r.operation !== 'DescribeStream'), [], 'the shard was not read');

  // The same stop, resumed within the retention: read from TRIM_HORIZON, nothing lost.
  const soon = await capture(table, aged(state, sk, STREAM_RETENTION_MS / 2));
  await waitFor(() => ['d1', 'd2', 'd3'].every((k) => committedDocs(soon.lines).some((d) => d.doc.pk === k)), 'the changes made while down are captured');
  await soon.stop();
  t.ok(endsCommitted(soon.lines));
});

t.test('outage past the retention with advanced.autoRebackfill: the binding re-backfills and the fold equals the table', async (t) => {
  const table = 'outage_auto';
  const sk = `${table}.v1`;
  const { cap, state } = await idleRun(table);
  for (const k of ['d1', 'd2']) await put(table, k, 'down');
  const again = await capture(table, aged(state, sk, 2 * STREAM_RETENTION_MS), { autoRebackfill: true });
  await waitFor(() => again.lines.includes(resetLine(sk)), 'a checkpoint drops the binding state');
  await waitFor(() => backfillDone(again.lines.slice(again.lines.indexOf(resetLine(sk))), sk), 'the new backfill finished');
  await put(table, 'after', 'x');
  await waitFor(() => committedDocs(again.lines).some((d) => d.doc.pk === 'after'), 'a later change is captured');
  await again.stop();
  t.ok(again.logs.some((l) => l.includes('"level":"warn"') && l.includes('re-backfilling the binding automatically') && l.includes('may have been lost')), 'logged as a warning saying why');
  const after = again.lines.slice(again.lines.indexOf(resetLine(sk)));
  const b = bindingOf(checkpoints(after)[1]!, sk);
  t.ok(b.shardsListedAt && Object.values(b.shards ?? {}).every((s) => s.readThroughAt || s.finishedReading), 'the new first sight records the shards afresh');
  t.ok(endsCommitted(again.lines));
  t.same(diffFoldWithTable(committedDocs([...cap.lines, ...again.lines]), await scanRows(client, shapeOf(table)), shapeOf(table).ks), [], 'fold equals table');
});

t.test('a listed child whose parent was never listed (created and trimmed while down): STREAM_LOST; an unread recorded shard hidden: STREAM_LOST', async (t) => {
  const table = 'orphan_child';
  const { state, shard } = await idleRun(table);
  const orphan = 'shardId-00000000000000000099-0rphan00';
  const gone = 'shardId-00000000000000000098-vanished';
  const addOrphan = (r: { StreamDescription: { Shards: unknown[] } }): unknown => ({
    ...r,
    StreamDescription: { ...r.StreamDescription, Shards: [...r.StreamDescription.Shards, { ShardId: orphan, ParentShardId: gone, SequenceNumberRange: { StartingSequenceNumber: '1' } }] },
  });
  const stop = proxy.inject({ operation: 'DescribeStream', when: forStream(table), fault: { rewrite: addOrphan } });
  const resumed = await capture(table, state);
  const err = await failureOf(resumed.session);
  stop();
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, `binding 0 (table "${table}"): stream shard(s) ${orphan} (parent ${gone}) appeared with a parent this capture never listed`);
  t.match(err.message, /Re-backfill this binding/);
  t.same(captured(resumed.lines), [], 'nothing emitted');

  // The recorded shard was never read: hiding it is a loss too (before, it was not in the state).
  const hide = (r: { StreamDescription: { Shards: unknown[] } }): unknown => ({ ...r, StreamDescription: { ...r.StreamDescription, Shards: [] } });
  const stop2 = proxy.inject({ operation: 'DescribeStream', when: forStream(table), fault: { rewrite: hide } });
  const hidden = await capture(table, state);
  const err2 = await failureOf(hidden.session);
  stop2();
  t.equal(err2.code, 'STREAM_LOST');
  t.match(err2.message, `stream shard(s) ${shard} vanished before they were read to the end`);
  t.same(captured(hidden.lines), []);
});

t.test('scripted lineage: first sight records closed and open shards; a child split and trimmed while down orphans its children', async (t) => {
  const table = 'lineage_loss';
  const sk = `${table}.v1`;
  const desc = await createStreamTable(client, table);
  const fake = new ScriptedStream(proxy, desc.LatestStreamArn!, { pageSize: 4 });
  proxy.setStreamsHandler(fake);
  t.teardown(() => proxy.setStreamsHandler(undefined));
  for (let i = 0; i < 4; i++) await put(table, `k${i}`, 'before');
  const root = fake.rootId;
  const [a, b] = await fake.split(root);

  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, sk), 'the backfill finished');
  for (let i = 0; i < 8; i++) await put(table, `k${i}`, 'during');
  await waitFor(() => committedDocs(cap.lines).filter((d) => d.doc.v === 'during').length >= 8, 'the changes are captured');
  const first = bindingOf(checkpoints(cap.lines)[0]!, sk);
  // A split while running: the children are recorded by the listing that first shows them, with
  // the time of an earlier listing, before either is read.
  const [b1, b2] = await fake.split(b!);
  await waitFor(() => checkpoints(cap.lines).some((c) => [b1!, b2!].every((id) => bindingOf(c, sk).shards?.[id]?.readThroughAt)), 'the new children are recorded');
  const recordedAs = checkpoints(cap.lines).map((c) => bindingOf(c, sk)).find((c) => c.shards?.[b1!])!;
  t.ok(Date.parse(recordedAs.shards![b1!]!.readThroughAt!) >= Date.parse(first.shardsListedAt!), 'with the time of an earlier listing of this run');
  t.ok(recordedAs.shardsListedAt, 'and the time of the listing that showed them');
  await cap.stop();
  t.strictSame(Object.keys(first.shards ?? {}).sort(), [root, a!, b!].sort(), 'the first-sight checkpoint records every listed shard');
  t.same(first.shards?.[root], { finishedReading: true }, 'the closed shard is finished (the backfill holds its changes)');
  t.ok(first.shards?.[a!]?.readThroughAt && first.shards?.[b!]?.readThroughAt, 'the open shards record the time they need nothing older than');
  const state = foldState({}, cap.lines);

  // While the capture is down, `a` splits, one child splits again and is trimmed away unread.
  const [a1] = await fake.split(a!);
  const [g1, g2] = await fake.split(a1!);
  fake.drop(a1!);
  const resumed = await capture(table, state);
  const err = await failureOf(resumed.session);
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, `${g1} (parent ${a1})`);
  t.match(err.message, `${g2} (parent ${a1})`);
  t.same(captured(resumed.lines), [], 'nothing emitted: the loss is found before anything is read');
  t.ok(endsCommitted(resumed.lines));
});

t.test('a state from before every listed shard was recorded: the unrecorded shard is recorded at the resume, with a warning, and read', async (t) => {
  const table = 'legacy_state';
  const sk = `${table}.v1`;
  const { state, shard } = await idleRun(table);
  const legacy = JSON.parse(JSON.stringify(state)) as { bindingStateV1: Record<string, BindingState> };
  delete legacy.bindingStateV1[sk]!.shardsListedAt;
  delete legacy.bindingStateV1[sk]!.shards![shard];
  await put(table, 'later', 'x');
  const resumed = await capture(table, legacy as unknown as Json);
  await waitFor(() => committedDocs(resumed.lines).some((d) => d.doc.pk === 'later'), 'the change is captured');
  await resumed.stop();
  const warn = resumed.logs.find((l) => l.includes('"level":"warn"') && l.includes('written before every listed shard was recorded'));
  t.ok(warn && warn.includes(shard), 'a warning names the shard whose losses could not be checked');
  const first = bindingOf(checkpoints(resumed.lines)[0]!, sk);
  t.ok(first.shards?.[shard]?.readThroughAt && first.shardsListedAt, 'recorded before it is read, with the listing time');
  const after = bindingOf(foldState(legacy as unknown as Json, resumed.lines), sk);
  t.ok(after.shards?.[shard]?.lastReadSequence && after.shards[shard]!.readThroughAt === undefined, 'once read it resumes after its sequence only');
  t.ok(endsCommitted(resumed.lines));
});
