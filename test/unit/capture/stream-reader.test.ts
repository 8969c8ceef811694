// The stream reader's loop against a scripted Streams API (no network): a shard whose reader
// failed is never started again, even by a listing that was in flight when it failed.
import t from 'tap';
import { AwsCallError } from '../../../src/aws/classify.js';
import type { RpcClient } from '../../../src/aws/rpc-client.js';
import type { TableContext } from '../../../src/capture/context.js';
import { newStats } from '../../../src/capture/context.js';
import { ConvergenceGate } from '../../../src/capture/gate.js';
import type { CaptureOutput } from '../../../src/capture/output.js';
import { StreamReader } from '../../../src/capture/stream-reader.js';
import { tableStateFrom } from '../../../src/capture/table-state.js';
import { createLogger } from '../../../src/log.js';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000';
const SHARD = 'shardId-1';

t.test('a listing in flight when a shard reader fails does not restart that shard from its last sequence', async (t) => {
  const calls: { op: string; body: Record<string, unknown> }[] = [];
  let releaseListing!: () => void;
  const secondListing = new Promise<void>((resolve) => (releaseListing = resolve));
  let secondListingAsked!: () => void;
  const listingInFlight = new Promise<void>((resolve) => (secondListingAsked = resolve));
  let listings = 0;
  let reads = 0;
  const trimmed = (): AwsCallError => new AwsCallError('TrimmedDataAccessException', 'GetRecords: TrimmedDataAccessException: trimmed', 400, 'GetRecords');
  const rpc = {
    async call(_service: string, op: string, body: Record<string, unknown>): Promise<unknown> {
      calls.push({ op, body });
      if (op === 'DescribeStream') {
        listings++;
        if (listings === 2) {
          secondListingAsked();
          await secondListing;
        }
        return { StreamDescription: { StreamStatus: 'ENABLED', Shards: [{ ShardId: SHARD, SequenceNumberRange: { StartingSequenceNumber: '1' } }] } };
      }
      if (op === 'GetShardIterator') return { ShardIterator: `it-${calls.length}` };
      if (op === 'GetRecords') {
        reads++;
        // Trimmed, re-acquired, trimmed again (fatal) while the next listing is in flight.
        if (reads === 1) await listingInFlight;
        throw trimmed();
      }
      throw new Error(`unexpected ${op}`);
    },
  } as unknown as RpcClient;
  const state = tableStateFrom({ streamArn: ARN, totalBackfillSegments: 1, shardsListedAt: '2026-01-01T00:00:00Z', shards: { [SHARD]: { lastReadSequence: '5' } } });
  const controller = new AbortController();
  const ctx: TableContext = {
    binding: 0,
    stateKey: 't.v1',
    table: 't',
    keySchema: { hash: { name: 'pk', type: 'S' } },
    rcuBudget: 0,
    state,
    rpc,
    output: { commit: async () => undefined } as unknown as CaptureOutput,
    gate: new ConvergenceGate(),
    log: createLogger(() => undefined),
    signal: controller.signal,
    settings: { backfillSegments: 1, idleBackoffMaxMs: 10, relistIntervalMs: 1, scanWorkers: 1, progressIntervalMs: 0 },
    stats: newStats(Date.now()),
    now: () => new Date('2026-01-01T00:10:00Z'),
    fail: () => undefined,
  };
  const reader = new StreamReader(ctx, ARN);
  const run = reader.run();
  // The listing answers once the reader has failed: its shard is not active any more.
  await listingInFlight;
  while (reads < 2) await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setTimeout(resolve, 5));
  releaseListing();
  const err = await run.then(
    () => undefined,
    (e: unknown) => e as { code?: string },
  );
  t.equal(err?.code, 'STREAM_LOST', 'the repeated trim is the failure');
  t.same(
    calls.filter((c) => c.op === 'GetShardIterator').map((c) => [c.body.ShardIteratorType, c.body.SequenceNumber]),
    [
      ['AFTER_SEQUENCE_NUMBER', '5'],
      ['AFTER_SEQUENCE_NUMBER', '5'],
    ],
    'the first iterator and the one re-acquire; no reader starts after the failure',
  );
  t.same(
    calls.map((c) => c.op),
    ['DescribeStream', 'GetShardIterator', 'GetRecords', 'DescribeStream', 'GetShardIterator', 'GetRecords'],
    'nothing was asked after the failure',
  );
});
