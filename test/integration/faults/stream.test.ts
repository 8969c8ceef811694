// Stream faults that DynamoDB Local never produces, injected by the fault proxy: expired iterators
// (re-acquired right after the last emitted record), trimmed data and vanished shards (fatal
// STREAM_LOST naming the binding and telling the user to re-backfill, or with
// advanced.autoRebackfill a re-backfill of that binding), and the spurious trim that DynamoDB Local
// reports once for an idle iterator (re-acquired once, nothing lost).
import t from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Json, JsonObject } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { captureInProcess, type InProcessCapture } from '../../fixtures/in-process-capture.js';
import { foldState, startConnector } from '../../fixtures/connector-process.js';
import { FaultProxy, type ProxiedRequest } from '../../fixtures/fault-proxy.js';
import { backfillDone, delivered, duplicates, endsCommitted, failureOf, fastRpc, openRequest, waitFor } from '../../fixtures/fault-checks.js';
import { committedDocs, diffFoldWithTable, scanRows, type TableShape } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const SETTINGS = { backfillSegments: 2, scanWorkers: 2, relistIntervalMs: 300 };
const shapeOf = (table: string): TableShape => ({ table, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) });
const states = (s: Json): Record<string, unknown> => (s as { bindingStateV1?: Record<string, unknown> }).bindingStateV1 ?? {};
type ShardState = { lastReadSequence?: string; finishedReading?: boolean };
const shardsOf = (s: Json, sk: string): Record<string, ShardState> => ((states(s)[sk] as { shards?: Record<string, ShardState> } | undefined)?.shards ?? {});

async function put(table: string, pk: string, v: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { S: v } } }));
}

/** Puts `keys` with value `v` and waits until the capture committed all of them with it. */
async function writeAndSee(cap: InProcessCapture, table: string, keys: string[], v: string): Promise<void> {
  for (const k of keys) await put(table, k, v);
  await waitFor(() => {
    const got = new Map(committedDocs(cap.lines).map((d) => [d.doc.pk, d.doc.v]));
    return keys.every((k) => got.get(k) === v);
  }, `${keys.length} writes of "${v}" are committed`);
}

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const lastSequence = (r: ProxiedRequest): string | undefined => (r.response?.Records as { dynamodb: { SequenceNumber: string } }[] | undefined)?.at(-1)?.dynamodb.SequenceNumber;
const forStream = (table: string) => (r: ProxiedRequest): boolean => String(r.body.StreamArn ?? '').includes(`/${table}/`) || (typeof r.body.ShardIterator === 'string' && r.body.ShardIterator.includes(`/${table}/`));

async function capture(table: string, state: Json = {}, settings: Record<string, unknown> = {}): Promise<InProcessCapture> {
  return captureInProcess(proxy.url, [{ binding: 0, stateKey: `${table}.v1`, table }], states(state), { ...SETTINGS, ...settings }, fastRpc());
}

async function fold(table: string, lines: string[]): Promise<string[]> {
  return diffFoldWithTable(committedDocs(lines), await scanRows(client, shapeOf(table)), shapeOf(table).ks);
}

t.test('ExpiredIteratorException: re-acquired AFTER_SEQUENCE_NUMBER of the last emitted record, or TRIM_HORIZON before any', async (t) => {
  const table = 'expiring';
  await createStreamTable(client, table);
  const mine = forStream(table);
  // Before any record: the first GetRecords finds its iterator expired.
  const from = proxy.requests.length;
  const stopFirst = proxy.inject({ operation: 'GetRecords', when: mine, times: 1, fault: { awsError: 'ExpiredIteratorException', message: 'Iterator expired. The iterator was created at time X while right now it is Y which is further in the future than the tolerated delay of 900000 milliseconds.' } });
  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await writeAndSee(cap, table, keys('a', 5), 'one');
  stopFirst();
  const early = proxy.requests.slice(from).filter(mine);
  const e1 = early.find((r) => r.outcome === 'aws-error')!;
  const reacquired1 = early.find((r) => r.seq > e1.seq && r.operation === 'GetShardIterator')!;
  t.equal(reacquired1.body.ShardIteratorType, 'TRIM_HORIZON', 'no record emitted yet: re-acquired at TRIM_HORIZON');

  // After records: the next GetRecords finds its iterator expired.
  const mark = proxy.requests.length;
  proxy.inject({ operation: 'GetRecords', when: mine, times: 1, fault: { awsError: 'ExpiredIteratorException' } });
  await writeAndSee(cap, table, keys('b', 5), 'two');
  await cap.stop();
  const seen = proxy.requests.filter(mine);
  const e2 = seen.find((r) => r.seq > mark && r.outcome === 'aws-error')!;
  t.ok(e2, 'the fault was injected after records were read');
  const lastEmitted = seen.filter((r) => r.seq < e2.seq && r.operation === 'GetRecords' && delivered(r) && lastSequence(r)).at(-1)!;
  const reacquired2 = seen.find((r) => r.seq > e2.seq && r.operation === 'GetShardIterator')!;
  t.equal(reacquired2.body.ShardIteratorType, 'AFTER_SEQUENCE_NUMBER');
  t.equal(reacquired2.body.SequenceNumber, lastSequence(lastEmitted), 'right after the last record emitted');
  const state = foldState({}, cap.lines);
  t.ok(Object.values(shardsOf(state, `${table}.v1`)).some((s) => s.lastReadSequence !== undefined && BigInt(s.lastReadSequence) >= BigInt(lastSequence(lastEmitted)!)), 'the checkpoints agree');

  // On resume, the committed lastReadSequence is the last emitted record.
  const resumeFrom = proxy.requests.length;
  proxy.inject({ operation: 'GetRecords', when: mine, times: 1, fault: { awsError: 'ExpiredIteratorException' } });
  const again = await capture(table, state);
  await writeAndSee(again, table, keys('c', 3), 'three');
  await again.stop();
  const resumed = proxy.requests.slice(resumeFrom).filter(mine);
  const e3 = resumed.find((r) => r.outcome === 'aws-error')!;
  const reacquired3 = resumed.find((r) => r.seq > e3.seq && r.operation === 'GetShardIterator')!;
  const committedSeq = Object.values(shardsOf(state, `${table}.v1`)).find((s) => s.lastReadSequence)!.lastReadSequence;
  t.same([reacquired3.body.ShardIteratorType, reacquired3.body.SequenceNumber], ['AFTER_SEQUENCE_NUMBER', committedSeq], 'a resumed reader re-acquires after the committed sequence');

  const all = [...cap.lines, ...again.lines];
  t.same(duplicates(all).events, [], 'no stream record emitted twice');
  t.same(await fold(table, all), [], 'fold equals table');
});

t.test('one TrimmedDataAccessException (DynamoDB Local calls an idle iterator trimmed): re-acquired once, nothing lost', async (t) => {
  const table = 'trim_once';
  await createStreamTable(client, table);
  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await writeAndSee(cap, table, keys('a', 3), 'one');
  const mark = proxy.requests.length;
  proxy.inject({ operation: 'GetRecords', when: forStream(table), times: 1, fault: { awsError: 'TrimmedDataAccessException' } });
  await writeAndSee(cap, table, keys('b', 3), 'two');
  await cap.stop();
  const seen = proxy.requests.slice(mark).filter(forStream(table));
  const f = seen.find((r) => r.outcome === 'aws-error')!;
  t.equal(seen.find((r) => r.seq > f.seq && r.operation === 'GetShardIterator')?.body.ShardIteratorType, 'AFTER_SEQUENCE_NUMBER', 're-acquired at the same position');
  t.same(await fold(table, cap.lines), [], 'fold equals table');
});

t.test('TrimmedDataAccessException again after re-acquiring, or at the resume point: STREAM_LOST naming the binding', async (t) => {
  const table = 'trimmed';
  await createStreamTable(client, table);
  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await writeAndSee(cap, table, keys('a', 3), 'one');
  const mark = proxy.requests.length;
  const stop = proxy.inject({ operation: 'GetRecords', when: forStream(table), fault: { awsError: 'TrimmedDataAccessException', message: 'The operation attempted to read past the oldest stream record in a shard.' } });
  await put(table, 'lost', 'x');
  const err = await failureOf(cap.session);
  stop();
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, /^binding 0 \(table "trimmed"\), shard shardId-\S+: the stream no longer holds records/);
  t.match(err.message, /Re-backfill this binding/);
  t.match(err.message, /advanced\.autoRebackfill/, 'mentions the opt-in');
  const seen = proxy.requests.slice(mark).filter((r) => forStream(table)(r) && r.operation !== 'DescribeStream');
  t.same(
    seen.map((r) => `${r.operation}:${r.outcome}`),
    ['GetRecords:aws-error', 'GetShardIterator:forwarded', 'GetRecords:aws-error'],
    'one re-acquire at the same position, then the repeated trim is fatal',
  );
  t.ok(endsCommitted(cap.lines), 'the output ends at a checkpoint');

  // A resume point that is trimmed: GetShardIterator itself refuses it.
  const state = foldState({}, cap.lines);
  const stop2 = proxy.inject({ operation: 'GetShardIterator', when: (r) => forStream(table)(r) && r.body.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER', fault: { awsError: 'TrimmedDataAccessException' } });
  const resumed = await capture(table, state);
  const err2 = await failureOf(resumed.session);
  stop2();
  t.equal(err2.code, 'STREAM_LOST');
  t.match(err2.message, /binding 0 \(table "trimmed"\).*Re-backfill this binding/);
  t.notOk(resumed.lines.some((l) => l.startsWith('{"captured"')), 'nothing was emitted');
});

t.test('a shard being read vanishes from the listing: STREAM_LOST naming it; the same at a resume', async (t) => {
  const table = 'vanishing';
  await createStreamTable(client, table);
  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await writeAndSee(cap, table, keys('a', 3), 'one');
  const dropShards = (r: { StreamDescription: { Shards: unknown[] } }): unknown => ({ ...r, StreamDescription: { ...r.StreamDescription, Shards: [] } });
  const stop = proxy.inject({ operation: 'DescribeStream', when: forStream(table), fault: { rewrite: dropShards } });
  const err = await failureOf(cap.session);
  const state = foldState({}, cap.lines);
  const shard = Object.keys(shardsOf(state, `${table}.v1`))[0]!;
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, `binding 0 (table "${table}"): stream shard(s) ${shard} vanished before they were read to the end`);
  t.match(err.message, /Re-backfill this binding/);
  t.ok(endsCommitted(cap.lines));

  const resumed = await capture(table, state);
  const err2 = await failureOf(resumed.session);
  stop();
  t.equal(err2.code, 'STREAM_LOST');
  t.match(err2.message, shard);
});

t.test('advanced.autoRebackfill: a lost stream re-backfills the binding (state reset, new backfill, stream from TRIM_HORIZON), logged as a warning', async (t) => {
  const table = 'auto_rebackfill';
  await createStreamTable(client, table);
  for (const k of keys('pre', 6)) await put(table, k, 'pre');
  const cap = await capture(table, {}, { autoRebackfill: true });
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await writeAndSee(cap, table, keys('a', 3), 'one');
  const mark = proxy.requests.length;
  // The genuine case: trimmed, re-acquired, trimmed again. Then the data is there again (a new shard).
  const stop = proxy.inject({ operation: 'GetRecords', when: forStream(table), times: 2, fault: { awsError: 'TrimmedDataAccessException' } });
  await put(table, 'during', 'x');
  const resetLine = `{"checkpoint":{"state":{"updated":{"bindingStateV1":{"${table}.v1":null}},"mergePatch":true}}}`;
  await waitFor(() => cap.lines.includes(resetLine), 'a checkpoint drops the binding state');
  await waitFor(() => backfillDone(cap.lines.slice(cap.lines.indexOf(resetLine)), `${table}.v1`), 'the second backfill finished');
  await writeAndSee(cap, table, keys('b', 3), 'two');
  await cap.stop();
  stop();

  const warn = JSON.parse(cap.logs.find((l) => l.includes('re-backfilling the binding automatically'))!) as JsonObject;
  t.equal(warn.level, 'warn');
  t.match(warn, { binding: 0, table, stateKey: `${table}.v1`, rebackfill: 1 });
  t.match(String(warn.msg), /deleted while changes were lost cannot be known/);
  const reset = cap.lines.indexOf(resetLine);
  const after = cap.lines.slice(reset + 1);
  const afterKeys = new Set(committedDocs(after).map((d) => String(d.doc.pk)));
  const tableKeys = [...(await scanRows(client, shapeOf(table))).values()].map((row) => String(row.pk));
  t.same(tableKeys.filter((k) => !afterKeys.has(k)), [], 'every item of the table is captured again after the reset');
  t.ok(committedDocs(after).filter((d) => (d.doc._meta as JsonObject).snapshot === true).length >= 6, 'by a new backfill');
  const seen = proxy.requests.slice(mark).filter(forStream(table));
  const lastFault = seen.filter((r) => r.outcome === 'aws-error').at(-1)!;
  t.equal(seen.find((r) => r.seq > lastFault.seq && r.operation === 'GetShardIterator')?.body.ShardIteratorType, 'TRIM_HORIZON', 'the stream restarts from TRIM_HORIZON');
  const state = foldState({}, cap.lines);
  t.ok((states(state)[`${table}.v1`] as { backfillFinishedAt?: string }).backfillFinishedAt, 'the folded state records the new backfill as finished');
  t.ok(endsCommitted(cap.lines));
  t.same(await fold(table, cap.lines), [], 'fold equals table');
});

t.test('advanced.autoRebackfill gives up after 3 re-backfills in one run', async (t) => {
  const table = 'always_trimmed';
  await createStreamTable(client, table);
  await put(table, 'x', 'x');
  const stop = proxy.inject({ operation: 'GetRecords', when: forStream(table), fault: { awsError: 'TrimmedDataAccessException' } });
  const cap = await capture(table, {}, { autoRebackfill: true });
  const err = await failureOf(cap.session);
  stop();
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, /already re-backfilled this binding 3 times/);
  t.equal(cap.logs.filter((l) => l.includes('re-backfilling the binding automatically')).length, 3);
  t.ok(endsCommitted(cap.lines));
});

t.test('advanced.autoRebackfill also repairs a vanished shard', async (t) => {
  const table = 'auto_vanished';
  await createStreamTable(client, table);
  for (const k of keys('pre', 4)) await put(table, k, 'pre');
  const cap = await capture(table, {}, { autoRebackfill: true });
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await writeAndSee(cap, table, keys('a', 3), 'one');
  const resetLine = `{"checkpoint":{"state":{"updated":{"bindingStateV1":{"${table}.v1":null}},"mergePatch":true}}}`;
  // The shard is missing from the listing until the binding has started over.
  const dropShards = (r: { StreamDescription: { Shards: unknown[] } }): unknown => ({ ...r, StreamDescription: { ...r.StreamDescription, Shards: [] } });
  const stop = proxy.inject({ operation: 'DescribeStream', when: (r) => forStream(table)(r) && !cap.lines.includes(resetLine), fault: { rewrite: dropShards } });
  await waitFor(() => cap.lines.includes(resetLine), 'a checkpoint drops the binding state');
  await writeAndSee(cap, table, keys('b', 3), 'two');
  await cap.stop();
  stop();
  t.ok(cap.logs.some((l) => l.includes('"level":"warn"') && l.includes('re-backfilling the binding automatically') && l.includes('vanished before they were read to the end')), 'the warning says why');
  t.ok(endsCommitted(cap.lines));
  t.same(await fold(table, cap.lines), [], 'fold equals table');
});

t.test('as a process: advanced.autoRebackfill in the endpoint config re-backfills instead of failing', async (t) => {
  const table = 'auto_process';
  await createStreamTable(client, table);
  await put(table, 'a', 'one');
  const proc = startConnector([openRequest(proxy.url, table, {}, { advanced: { autoRebackfill: true } })]);
  await waitFor(() => committedDocs(proc.lines).some((d) => d.doc.pk === 'a'), 'the item is captured');
  const stop = proxy.inject({ operation: 'GetRecords', when: forStream(table), times: 2, fault: { awsError: 'TrimmedDataAccessException' } });
  await put(table, 'b', 'two');
  const resetLine = `{"checkpoint":{"state":{"updated":{"bindingStateV1":{"${table}.v1":null}},"mergePatch":true}}}`;
  await waitFor(() => proc.lines.includes(resetLine) && committedDocs(proc.lines.slice(proc.lines.indexOf(resetLine))).some((d) => d.doc.pk === 'b'), 'the binding starts over and captures the later write');
  stop();
  t.ok(proc.stderr.some((l) => l.includes('"level":"warn"') && l.includes('re-backfilling the binding automatically')), 'logged as a warning');
  proc.child.kill('SIGTERM');
  t.equal((await proc.exited).code, 0, 'the capture ran on and stopped cleanly');
  t.ok(endsCommitted(proc.lines));
});
