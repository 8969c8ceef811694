import t from 'tap';
import { closedAtFirstSight, compareSequence, planShards, type ListedShard } from '../../../src/capture/shard-tree.js';

const ids = (plan: ReturnType<typeof planShards>): string[] => plan.start.map((s) => s.shardId).sort();

t.test('roots start, children wait for their parent', async (t) => {
  const listing: ListedShard[] = [
    { shardId: 'p', endingSequenceNumber: '100' },
    { shardId: 'c1', parentShardId: 'p' },
    { shardId: 'c2', parentShardId: 'p' },
    { shardId: 'g', parentShardId: 'c1' },
  ];
  t.same(ids(planShards(listing, {}, new Set())), ['p']);
  t.same(ids(planShards(listing, {}, new Set(['p']))), [], 'an active shard is not started twice');
  const afterParent = planShards(listing, { p: { finishedReading: true, lastReadSequence: '100' } }, new Set());
  t.same(ids(afterParent), ['c1', 'c2'], 'siblings run in parallel once the parent is done');
  t.same(ids(planShards(listing, { p: { finishedReading: true }, c1: { finishedReading: true } }, new Set(['c2']))), ['g'], 'grandchild after its parent');
});

t.test('orphans (parent trimmed and unknown) are roots; self-parent is a root', async (t) => {
  const plan = planShards([{ shardId: 'x', parentShardId: 'gone' }, { shardId: 'y', parentShardId: 'y' }], {}, new Set());
  t.same(ids(plan), ['x', 'y']);
});

t.test('resume positions come from state', async (t) => {
  const plan = planShards([{ shardId: 'a' }, { shardId: 'b' }], { a: { lastReadSequence: '000042' } }, new Set());
  t.same(plan.start.find((s) => s.shardId === 'a')!.from, { type: 'AFTER_SEQUENCE_NUMBER', sequence: '000042' });
  t.same(plan.start.find((s) => s.shardId === 'b')!.from, { type: 'TRIM_HORIZON' });
});

t.test('finished unlisted shards are pruned; unfinished unlisted shards are lost, and their children wait', async (t) => {
  const plan = planShards([{ shardId: 'c', parentShardId: 'p' }], { old: { finishedReading: true }, p: { lastReadSequence: '5' } }, new Set());
  t.same(plan.prune, ['old']);
  t.same(plan.lost, ['p']);
  t.same(ids(plan), [], 'the child of a lost parent is not started');
});

t.test('closed shards at first sight; sequence numbers compare as integers', async (t) => {
  t.same(closedAtFirstSight([{ shardId: 'a', endingSequenceNumber: '9' }, { shardId: 'b' }]), ['a']);
  t.equal(compareSequence('100000000000000000000000000000000000009', '99999999999999999999'), 1);
  t.equal(compareSequence('000000000000000000201', '201'), 0);
});
