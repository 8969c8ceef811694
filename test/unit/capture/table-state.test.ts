// A binding's state as read back from the committed checkpoints.
import t from 'tap';
import { isSegmentFinished, rfc3339, tableStateFrom } from '../../../src/capture/table-state.js';

t.test('absent, null or empty state is a fresh start', async (t) => {
  for (const raw of [undefined, null, {}]) {
    t.strictSame(tableStateFrom(raw), { totalBackfillSegments: undefined, streamArn: undefined, backfillSegmentProgress: {}, backfillFinishedAt: undefined, shards: {} }, String(JSON.stringify(raw)));
  }
});

t.test('every field of a saved state is restored', async (t) => {
  const raw = {
    totalBackfillSegments: 100,
    streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000',
    backfillSegmentProgress: { '0': { exclusiveStartKey: '{"pk":{"S":"a"}}', finishedAt: '2024-05-01T13:02:11Z' }, '1': { exclusiveStartKey: '{"pk":{"S":"c"}}' } },
    backfillFinishedAt: '2024-05-01T14:00:00Z',
    shards: { 'shardId-1': { lastReadSequence: '000000000000000000201', finishedReading: true }, 'shardId-2': { lastReadSequence: '877' } },
  };
  const st = tableStateFrom(raw);
  t.strictSame(st, raw);
  // The in-memory state is updated as checkpoints are written: it must not write through to the input.
  st.backfillSegmentProgress['2'] = { exclusiveStartKey: 'x' };
  st.shards['shardId-3'] = { lastReadSequence: '1' };
  t.notOk('2' in raw.backfillSegmentProgress, 'segment map copied');
  t.notOk('shardId-3' in raw.shards, 'shard map copied');
});

t.test("a segment is finished only with a real finishedAt (Estuary's zero time means unfinished)", async (t) => {
  t.notOk(isSegmentFinished(undefined));
  t.notOk(isSegmentFinished({}));
  t.notOk(isSegmentFinished({ exclusiveStartKey: 'k' }));
  t.notOk(isSegmentFinished({ exclusiveStartKey: 'k', finishedAt: '0001-01-01T00:00:00Z' }));
  t.ok(isSegmentFinished({ finishedAt: '2024-05-01T13:02:11Z' }));
  t.ok(isSegmentFinished({ exclusiveStartKey: 'k', finishedAt: '2024-05-01T13:02:11Z' }));
});

t.test('rfc3339 writes whole seconds in UTC', async (t) => {
  t.equal(rfc3339(new Date(Date.UTC(2024, 4, 1, 13, 2, 11, 999))), '2024-05-01T13:02:11Z');
  t.equal(rfc3339(new Date(Date.UTC(2024, 0, 1))), '2024-01-01T00:00:00Z');
});
