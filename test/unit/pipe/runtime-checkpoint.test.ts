// The runtime checkpoint encoding: Flow's checkpoint shape carrying the transaction count and the
// capture state, round trips, and refuses checkpoints it did not write.
import t from 'tap';
import { CAPTURE_STATE_INTENT, decodeCheckpoint, encodeCheckpoint, TRANSACTIONS_SOURCE } from '../../../src/pipe/runtime-checkpoint.js';

const state = { bindingStateV1: { 'orders.v1': { totalBackfillSegments: 100, shards: { 'shardId-1': { lastReadSequence: '000000000000000000201' } } } } };

t.test('round trip', async (t) => {
  const cp = encodeCheckpoint({ transaction: 42, captureState: state });
  t.same(Object.keys(cp), ['sources', 'ackIntents'], "Flow's runtime checkpoint fields only");
  t.same(cp.sources, { [TRANSACTIONS_SOURCE]: { readThrough: '42' } }, 'the transaction count as a 64-bit string');
  t.match(cp.ackIntents![CAPTURE_STATE_INTENT], /^[A-Za-z0-9+/]+=*$/, 'the state as base64 bytes');
  t.same(decodeCheckpoint(JSON.parse(JSON.stringify(cp))), { transaction: 42, captureState: state });
});

t.test('empty checkpoints are a fresh start; foreign ones are refused', async (t) => {
  for (const empty of [undefined, null, {}, { sources: {}, ackIntents: {} }]) t.equal(decodeCheckpoint(empty), undefined, JSON.stringify(empty));
  t.throws(() => decodeCheckpoint({ sources: { 'a/journal': { readThrough: '7' } } }), { code: 'BAD_STATE', message: /did not write/ });
  t.throws(() => decodeCheckpoint({ ackIntents: { [CAPTURE_STATE_INTENT]: Buffer.from('{not json').toString('base64') } }), { code: 'BAD_STATE' });
  t.same(decodeCheckpoint({ ackIntents: { [CAPTURE_STATE_INTENT]: Buffer.from('{}').toString('base64') } }), { transaction: 0, captureState: {} });
});
