// No silent stream loss: every listed shard is recorded at first sight with where it resumes, and a
// resume detects what the retention took (shard-tree.ts planShards, stream-retention.ts).
import t from 'tap';
import { firstSightShards, planShards, type ListedShard, type ShardProgress } from '../../../src/capture/shard-tree.js';
import {
  EMPTY_READS_BEFORE_REFRESH,
  listingTimeDue,
  pastRetention,
  READ_THROUGH_REFRESH_MS,
  refreshedReadThrough,
  RETENTION_SAFETY_MARGIN_MS,
  STREAM_RETENTION_MS,
} from '../../../src/capture/stream-retention.js';

const T0 = Date.UTC(2024, 4, 1, 0, 0, 0);
const at = (ms: number): Date => new Date(T0 + ms);
const iso = (ms: number): string => at(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const H = 3_600_000;
const ids = (xs: { shardId: string }[]): string[] => xs.map((x) => x.shardId).sort();

t.test('fresh first sight: closed shards finished, open shards read from TRIM_HORIZON needing nothing older than the listing', async (t) => {
  const listing: ListedShard[] = [
    { shardId: 'old', parentShardId: 'trimmed-before-we-began', endingSequenceNumber: '9' },
    { shardId: 'open', parentShardId: 'old' },
    { shardId: 'orphan', parentShardId: 'also-trimmed' },
  ];
  const recorded = firstSightShards(listing, iso(0));
  t.strictSame(recorded, { old: { finishedReading: true }, open: { readThroughAt: iso(0) }, orphan: { readThroughAt: iso(0) } }, 'every listed shard is recorded');
  const plan = planShards(listing, recorded, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now: at(1000) });
  t.same(ids(plan.start), ['open', 'orphan'], 'both open shards start; an unknown parent at first sight is fine (the backfill covers it)');
  t.ok(plan.start.every((s) => s.from.type === 'TRIM_HORIZON'));
  t.same([plan.record, plan.orphaned, plan.stale, plan.lost], [{}, [], [], []], 'nothing else to record or report');
});

t.test('resume within the retention: unread shards start from TRIM_HORIZON, read ones after their sequence', async (t) => {
  const recorded: Record<string, ShardProgress> = { a: { readThroughAt: iso(0) }, b: { lastReadSequence: '42' } };
  const now = at(STREAM_RETENTION_MS - RETENTION_SAFETY_MARGIN_MS);
  const plan = planShards([{ shardId: 'a' }, { shardId: 'b' }], recorded, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now });
  t.same(plan.stale, [], 'exactly at retention minus the margin: still safe');
  t.same(plan.start.find((s) => s.shardId === 'a')!.from, { type: 'TRIM_HORIZON' });
  t.same(plan.start.find((s) => s.shardId === 'b')!.from, { type: 'AFTER_SEQUENCE_NUMBER', sequence: '42' });
});

t.test('resume past the retention with an unread recorded shard: reported stale, not started', async (t) => {
  const recorded: Record<string, ShardProgress> = { a: { readThroughAt: iso(0) }, b: { lastReadSequence: '42', readThroughAt: iso(0) } };
  const now = at(STREAM_RETENTION_MS - RETENTION_SAFETY_MARGIN_MS + 1000);
  const plan = planShards([{ shardId: 'a' }, { shardId: 'b' }], recorded, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now });
  t.same(plan.stale, [{ shardId: 'a', readThroughAt: iso(0) }]);
  t.same(ids(plan.start), ['b'], 'a shard with a lastReadSequence resumes after it (GetShardIterator fails loudly if it was trimmed)');
  t.ok(pastRetention(iso(0), at(2 * STREAM_RETENTION_MS)));
  t.notOk(pastRetention(iso(0), at(H)));
});

t.test('a child first seen later is recorded with the previous listing time; stale once that is past the retention', async (t) => {
  const listing: ListedShard[] = [{ shardId: 'p', endingSequenceNumber: '9' }, { shardId: 'c', parentShardId: 'p' }];
  const recorded: Record<string, ShardProgress> = { p: { lastReadSequence: '5' } };
  const soon = planShards(listing, recorded, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now: at(10_000) });
  t.strictSame(soon.record, { c: { readThroughAt: iso(0) } }, 'recorded before it is read');
  t.same(ids(soon.start), ['p'], 'it waits for its parent');
  const done = { ...recorded, ...soon.record, p: { lastReadSequence: '9', finishedReading: true } };
  t.same(ids(planShards(listing, done, new Set(), { newShardsFrom: iso(5000), lineageRecorded: true, now: at(20_000) }).start), ['c']);
  const late = planShards(listing, done, new Set(), { newShardsFrom: iso(5000), lineageRecorded: true, now: at(STREAM_RETENTION_MS) });
  t.same(late.stale, [{ shardId: 'c', readThroughAt: iso(0) }], 'a child that waited past the retention may have lost records');
});

t.test('a new child whose parent vanished unseen (created and trimmed while the capture was down): orphaned', async (t) => {
  const listing: ListedShard[] = [{ shardId: 'r', endingSequenceNumber: '9' }, { shardId: 'g', parentShardId: 'never-seen' }];
  const recorded: Record<string, ShardProgress> = { r: { lastReadSequence: '9', finishedReading: true } };
  const plan = planShards(listing, recorded, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now: at(1000) });
  t.same(plan.orphaned, [{ shardId: 'g', parentShardId: 'never-seen' }]);
  t.same(ids(plan.start), [], 'not read as a fresh root');
  t.notOk('g' in plan.record, 'and not recorded');
  // Without a complete record of earlier listings (a state from before this rule), it is a root.
  const legacy = planShards(listing, recorded, new Set(), { newShardsFrom: iso(1000), lineageRecorded: false, now: at(1000) });
  t.same([legacy.orphaned, ids(legacy.start)], [[], ['g']]);
  t.strictSame(legacy.record, { g: { readThroughAt: iso(1000) } });
  t.same(planShards([{ shardId: 'self', parentShardId: 'self' }], {}, new Set(), { newShardsFrom: iso(0), lineageRecorded: true }).orphaned, [], 'listed as its own parent (DynamoDB Local): a root');
});

t.test('a pruned finished parent does not orphan its child', async (t) => {
  // The parent finished and left the listing in the same listing as its child first appears.
  const listing: ListedShard[] = [{ shardId: 'c', parentShardId: 'p' }];
  const plan = planShards(listing, { p: { lastReadSequence: '9', finishedReading: true } }, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now: at(1000) });
  t.same([plan.prune, plan.orphaned, plan.lost], [['p'], [], []], 'the parent is pruned, judged as recorded');
  t.same(ids(plan.start), ['c']);
  // After the pruning: the child was recorded, so its parent's absence from the state is no loss.
  const after = planShards(listing, { c: { readThroughAt: iso(0) } }, new Set(), { newShardsFrom: iso(500), lineageRecorded: true, now: at(2000) });
  t.same([after.orphaned, after.lost, ids(after.start)], [[], [], ['c']]);
});

t.test('an unfinished recorded shard no longer listed is lost, read or not (one rule)', async (t) => {
  const plan = planShards([], { unread: { readThroughAt: iso(0) }, read: { lastReadSequence: '1' }, done: { finishedReading: true } }, new Set(), { newShardsFrom: iso(0), lineageRecorded: true, now: at(1000) });
  t.same(plan.lost.sort(), ['read', 'unread']);
  t.same(plan.prune, ['done']);
});

t.test('idle refresh of readThroughAt: only once idle, at most once per refresh period, from the time before the poll', async (t) => {
  const recorded = iso(0);
  t.equal(refreshedReadThrough(recorded, at(2 * H), EMPTY_READS_BEFORE_REFRESH - 1), undefined, 'not idle yet: an empty page proves nothing about records further on');
  t.equal(refreshedReadThrough(recorded, at(READ_THROUGH_REFRESH_MS - 1000), EMPTY_READS_BEFORE_REFRESH), undefined, 'refreshed recently: no checkpoint');
  t.equal(refreshedReadThrough(recorded, at(READ_THROUGH_REFRESH_MS + 1500), EMPTY_READS_BEFORE_REFRESH + 5), iso(READ_THROUGH_REFRESH_MS + 1000), 'due: the poll time, cut to whole seconds');
  t.equal(refreshedReadThrough(undefined, at(10), EMPTY_READS_BEFORE_REFRESH), iso(0), 'nothing recorded: recorded now');
  // Refreshed every period, a shard polled idle for days never looks past the retention.
  let r = recorded;
  for (let ms = 0; ms < 3 * STREAM_RETENTION_MS; ms += 60_000) {
    r = refreshedReadThrough(r, at(ms), 1000) ?? r;
    if (pastRetention(r, at(ms))) t.fail(`past the retention at ${ms} ms`);
  }
  t.ok(at(3 * STREAM_RETENTION_MS).getTime() - Date.parse(r) <= READ_THROUGH_REFRESH_MS + 60_000, 'the recorded time trails by at most the refresh period');
  t.ok(listingTimeDue(undefined, at(0)));
  t.notOk(listingTimeDue(iso(0), at(READ_THROUGH_REFRESH_MS - 1)));
  t.ok(listingTimeDue(iso(0), at(READ_THROUGH_REFRESH_MS)));
});
