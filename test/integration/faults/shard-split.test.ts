// Shard splits, which DynamoDB Local never does, served by a scripted stream behind the fault
// proxy: the table's real records dealt to a parent shard until it splits, then to its children
// (each key to one child, so its records stay in order along one lineage). The connector must read
// a child only after its parent is read to the end, so that each key's changes are emitted in the
// order they were made, and the fold of the output equals the table.
import t from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { JsonObject } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { captureInProcess } from '../../fixtures/in-process-capture.js';
import { foldState } from '../../fixtures/connector-process.js';
import { FaultProxy } from '../../fixtures/fault-proxy.js';
import { ScriptedStream } from '../../fixtures/scripted-stream.js';
import { duplicates, endsCommitted, fastRpc, waitFor } from '../../fixtures/fault-checks.js';
import { committedDocs, diffFoldWithTable, scanRows, type TableShape } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const KEYS = 16;
const shape: TableShape = { table: 'splitting', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };

async function round(n: number): Promise<void> {
  for (let k = 0; k < KEYS; k++) await client.send(new PutItemCommand({ TableName: shape.table, Item: { pk: { S: `k${k}` }, round: { N: String(n) } } }));
}

t.test('shard splits: children read only after their parent ends, each key in order, fold equals table', async (t) => {
  const desc = await createStreamTable(client, shape.table);
  const fake = new ScriptedStream(proxy, desc.LatestStreamArn!, { pageSize: 4 });
  proxy.setStreamsHandler(fake);
  const root = fake.rootId;
  // Rounds 0-2 are in the root shard before the capture starts.
  for (let n = 0; n < 3; n++) await round(n);
  // After its first page, the root's reads are held until both splits are made: its children, and
  // the children of a child, are listed while the root (and that child) still hold unread records.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const rootReads = (r: { body: { ShardIterator?: unknown } }): boolean => String(r.body.ShardIterator).startsWith(`fake|${root}|`);
  proxy.inject({ operation: 'GetRecords', when: (r) => rootReads(r) && proxy.seen('GetRecords').filter(rootReads).length > 1, fault: { delayMs: 40, until: held } });
  const cap = await captureInProcess(proxy.url, [{ binding: 0, stateKey: 'splitting.v1', table: shape.table }], {}, { backfillSegments: 2, scanWorkers: 2, relistIntervalMs: 100 }, fastRpc([], { requestTimeoutMs: 60_000 }));
  await waitFor(() => fake.reads.length > 0, 'the root shard is being read');
  const [left, right] = await fake.split(root);
  for (let n = 3; n < 6; n++) await round(n);
  // One child splits again: three generations.
  const [leftLeft, leftRight] = await fake.split(left!);
  for (let n = 6; n < 8; n++) await round(n);
  await waitFor(() => proxy.requests.filter((r) => r.operation === 'DescribeStream' && JSON.stringify(r.response).includes(leftRight!)).length > 0, 'the grandchildren are listed');
  release();
  await waitFor(() => {
    const last = new Map(committedDocs(cap.lines).map((d) => [d.doc.pk, d.doc.round]));
    return Array.from({ length: KEYS }, (_, k) => last.get(`k${k}`)).every((r) => String(r) === '7');
  }, 'every key reached its last round');
  // The finished root leaves the listing (trimmed): its state entry is pruned.
  fake.drop(root);
  await waitFor(() => cap.lines.some((l) => l.includes(`"${root}":null`)), 'the finished root is pruned from the state');
  await cap.stop();

  const childrenOf: Record<string, string[]> = { [root]: [left!, right!], [left!]: [leftLeft!, leftRight!] };
  for (const [parent, children] of Object.entries(childrenOf)) {
    const closing = fake.reads.find((r) => r.shardId === parent && r.closed);
    t.ok(closing, `${parent} was read to its end`);
    const firstChildCall = proxy.requests.find((r) => r.operation === 'GetShardIterator' && children.includes(r.body.ShardId as string));
    t.ok(firstChildCall && firstChildCall.seq > closing!.seq, `its children were first asked for after its last GetRecords (${closing?.seq} < ${firstChildCall?.seq})`);
    const listedEarly = proxy.requests.some((r) => r.operation === 'DescribeStream' && r.seq < closing!.seq && JSON.stringify(r.response).includes(children[0]!));
    t.ok(listedEarly, 'the children were listed while the parent still had records to read');
  }
  const readShards = new Set(fake.reads.filter((r) => r.records > 0).map((r) => r.shardId));
  const leaves = [leftLeft!, leftRight!, right!].filter((id) => fake.shards.get(id)!.records.length > 0);
  t.ok(leaves.length >= 2 && leaves.every((id) => readShards.has(id)), `every leaf shard holding records was read (${leaves.length})`);

  // Per key, the rounds of its committed documents never go back.
  const rounds = new Map<string, number[]>();
  for (const { doc } of committedDocs(cap.lines)) {
    if (!(doc._meta as JsonObject).eventId) continue;
    rounds.set(String(doc.pk), [...(rounds.get(String(doc.pk)) ?? []), Number(String(doc.round))]);
  }
  const backwards = [...rounds].filter(([, rs]) => rs.some((r, i) => i > 0 && r < rs[i - 1]!));
  t.same(backwards, [], 'no key ever went back to an older round');
  t.same(duplicates(cap.lines).events, [], 'no record emitted twice');
  const state = foldState({}, cap.lines) as { bindingStateV1: Record<string, { shards: Record<string, { finishedReading?: boolean }> }> };
  const shards = state.bindingStateV1['splitting.v1']!.shards;
  t.notOk(root in shards, 'the pruned root is gone from the state');
  t.ok(shards[left!]?.finishedReading, 'the split child is recorded as finished');
  t.ok(endsCommitted(cap.lines));
  t.same(diffFoldWithTable(committedDocs(cap.lines), await scanRows(client, shape), shape.ks), [], 'fold equals table');
});
