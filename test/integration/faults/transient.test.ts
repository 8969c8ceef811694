// Transient faults between the connector and DynamoDB, injected by the fault proxy: throttling
// (ProvisionedThroughputExceeded, Throttling, LimitExceeded), HTTP 500/503, connections reset before
// or in the middle of a response, and responses slower than the request timeout. Each is retried
// with jittered backoff: the same request is sent again (same ExclusiveStartKey, same iterator),
// so nothing is lost or emitted twice. A fault that never ends gives up after the bounded attempts
// with an error that names the binding, the table and the operation.
import t from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import { withDynamoDBLocal, createStreamTable, enableStream } from '../../fixtures/dynamodb-local.js';
import { captureInProcess } from '../../fixtures/in-process-capture.js';
import { FaultProxy, type Fault, type ProxiedRequest } from '../../fixtures/fault-proxy.js';
import { backfillDone, delivered, duplicates, endsCommitted, failureOf, fastRpc, faulted, retriedAs, waitFor } from '../../fixtures/fault-checks.js';
import { committedDocs, diffFoldWithTable, preload, randomWrite, rng, scanRows, type TableShape } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const ITEMS = 60;
/** Small pages over two segments: each segment takes a few Scans, so a fault can hit a resumed page. */
const SETTINGS = { backfillSegments: 2, scanLimit: 10, scanWorkers: 2 };
const shapeOf = (table: string): TableShape => ({ table, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) });

/** A table whose items reach the capture only through its backfill (the stream came after them). */
async function preloaded(table: string, seed: number): Promise<TableShape> {
  const shape = shapeOf(table);
  await createStreamTable(client, table, { streamViewType: null });
  await preload(client, shape, ITEMS, rng(seed));
  await enableStream(client, table);
  return shape;
}

const ALL_OPS = ['DescribeTable', 'DescribeStream', 'GetShardIterator', 'Scan', 'GetRecords'];

const cases: { name: string; fault: Fault; ops?: string[] }[] = [
  { name: 'ProvisionedThroughputExceededException', fault: { awsError: 'ProvisionedThroughputExceededException' } },
  { name: 'ThrottlingException', fault: { awsError: 'ThrottlingException' } },
  { name: 'LimitExceededException', fault: { awsError: 'LimitExceededException' } },
  { name: 'HTTP 500 InternalServerError', fault: { awsError: 'InternalServerError', status: 500 } },
  { name: 'HTTP 503 with a non-JSON body', fault: { httpStatus: 503 } },
  { name: 'connection reset before the response', fault: { reset: 'before-response' } },
  { name: 'connection reset in the middle of the response body', fault: { reset: 'mid-body' } },
  // Slow responses cost a request timeout each: only on the two hot paths.
  { name: 'response headers later than the request timeout', fault: { delayMs: 2_500 }, ops: ['Scan', 'GetRecords'] },
  { name: 'response body stalling past the request timeout', fault: { delayMs: 2_500, stage: 'body' }, ops: ['Scan', 'GetRecords'] },
];

for (const [i, c] of cases.entries()) {
  t.test(`${c.name}: retried with backoff, the same request again, nothing lost or duplicated`, async (t) => {
    const table = `transient_${i}`;
    const shape = await preloaded(table, i);
    const ops = c.ops ?? ALL_OPS;
    const from = proxy.requests.length;
    let writesDone = false;
    // Each operation's first request (DescribeTable, DescribeStream, GetShardIterator) once; a
    // resumed Scan page of segment 1 twice in a row; GetRecords twice once records wait for it.
    const tableOnly = (r: ProxiedRequest): boolean => JSON.stringify(r.body).includes(table) || r.operation === 'GetRecords';
    const remove = [
      proxy.inject({ operation: ops.filter((o) => o !== 'Scan' && o !== 'GetRecords'), when: (r) => tableOnly(r) && proxy.seen(r.operation).filter((x) => x.seq >= from && tableOnly(x)).length === 1, fault: c.fault }),
      proxy.inject({ operation: 'Scan', when: (r) => ops.includes('Scan') && r.body.TableName === table && r.body.Segment === 1 && r.body.ExclusiveStartKey !== undefined, times: c.fault && 'delayMs' in c.fault ? 1 : 2, fault: c.fault }),
      proxy.inject({ operation: 'GetRecords', when: () => ops.includes('GetRecords') && writesDone, times: c.fault && 'delayMs' in c.fault ? 1 : 2, fault: c.fault }),
    ];
    const retries: { attempt: number; delayMs: number; error: string }[] = [];
    const rpc = fastRpc(retries);
    const cap = await captureInProcess(proxy.url, [{ binding: 0, stateKey: `${table}.v1`, table }], {}, SETTINGS, rpc);
    try {
      await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
      const w = rng(100 + i);
      for (let n = 0; n < 20; n++) await randomWrite(client, shape, ITEMS + 10, w);
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'marker' }, last: { BOOL: true } } }));
      writesDone = true;
      await waitFor(() => committedDocs(cap.lines).some((d) => d.doc.pk === 'marker'), 'the last write is committed');
      // A poll in flight may have brought the records already: wait for the faulted one's retry too.
      const all = (): ProxiedRequest[] => proxy.requests.slice(from);
      await waitFor(() => faulted(all()).every((f) => retriedAs(all(), f)), 'every faulted request was retried');
    } finally {
      remove.forEach((r) => r());
      await cap.stop();
    }
    const seen = proxy.requests.slice(from);
    for (const op of ops) {
      const hit = faulted(seen.filter((r) => r.operation === op));
      t.ok(hit.length > 0, `${op}: the fault was injected`);
      for (const f of hit) t.ok(retriedAs(seen, f), `${op}: request ${f.seq} was sent again with the same body and answered`);
    }
    // Per segment, every Scan the connector got an answer to starts where the previous one ended.
    for (const seg of [0, 1]) {
      const scans = seen.filter((r) => r.operation === 'Scan' && r.body.Segment === seg && delivered(r));
      const chained = scans.every((s, k) => k === 0 ? s.body.ExclusiveStartKey === undefined : isDeepStrictEqual(s.body.ExclusiveStartKey, scans[k - 1]!.response.LastEvaluatedKey));
      t.ok(chained, `segment ${seg}: ${scans.length} pages, each resuming at the previous page's LastEvaluatedKey`);
    }
    t.ok(retries.length >= faulted(seen).length, `${retries.length} retries for ${faulted(seen).length} faults`);
    t.ok(retries.every((r) => r.delayMs >= 0 && r.delayMs <= Math.min(20, 2 * 2 ** (r.attempt - 1))), 'every wait lies within the full-jitter bounds');
    t.same(duplicates(cap.lines), { snapshots: [], events: [] }, 'no snapshot or stream record was emitted twice');
    t.ok(endsCommitted(cap.lines));
    const problems = diffFoldWithTable(committedDocs(cap.lines), await scanRows(client, shape), shape.ks);
    t.same(problems.slice(0, 5), [], `fold equals table (${problems.length} differences)`);
  });
}

t.test('a response slower than usual but within the timeout is waited for, not asked again', async (t) => {
  const table = 'slow_ok';
  const shape = await preloaded(table, 50);
  const from = proxy.requests.length;
  const remove = proxy.inject({ operation: 'Scan', when: (r) => r.body.TableName === table && r.body.Segment === 0, times: 1, fault: { delayMs: 300 } });
  const retries: { attempt: number; delayMs: number; error: string }[] = [];
  const cap = await captureInProcess(proxy.url, [{ binding: 0, stateKey: `${table}.v1`, table }], {}, SETTINGS, fastRpc(retries));
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  remove();
  await cap.stop();
  const slow = proxy.requests.slice(from).find((r) => r.outcome === 'delay')!;
  t.ok(slow, 'one Scan was slowed down');
  t.equal(proxy.requests.slice(from).filter((r) => r.operation === 'Scan' && isDeepStrictEqual(r.body, slow.body)).length, 1, 'and never sent again');
  t.same(retries, [], 'no retries at all');
  t.same(diffFoldWithTable(committedDocs(cap.lines), await scanRows(client, shape), shape.ks), [], 'fold equals table');
});

t.test('a fault that never ends: bounded attempts, then a clear error at a checkpoint boundary', async (t) => {
  const MAX = 4;
  const runs: { name: string; table: string; op: string; fault: Fault; code: string; message: RegExp }[] = [
    { name: 'throttled Scan', table: 'never_scan', op: 'Scan', fault: { awsError: 'ProvisionedThroughputExceededException' }, code: 'AWS_ERROR', message: /binding 0 \(table "never_scan"\): Scan was throttled on every attempt .*gave up after 4 attempts.*read capacity/ },
    { name: 'GetRecords answered 503', table: 'never_records', op: 'GetRecords', fault: { httpStatus: 503 }, code: 'AWS_ERROR', message: /binding 0 \(table "never_records"\), shard \S+: GetRecords kept failing .*HTTP503.*gave up after 4 attempts/ },
    { name: 'DescribeTable connections reset', table: 'never_describe', op: 'DescribeTable', fault: { reset: 'before-response' }, code: 'AWS_UNREACHABLE', message: /binding 0 \(table "never_describe"\): DescribeTable could not reach DynamoDB on any attempt/ },
  ];
  for (const run of runs) {
    await preloaded(run.table, 7);
    const from = proxy.requests.length;
    const remove = proxy.inject({ operation: run.op, when: (r) => r.operation === 'GetRecords' || JSON.stringify(r.body).includes(run.table), fault: run.fault });
    const cap = await captureInProcess(proxy.url, [{ binding: 0, stateKey: `${run.table}.v1`, table: run.table }], {}, SETTINGS, fastRpc([], { maxAttempts: MAX }));
    const err = await failureOf(cap.session);
    remove();
    t.equal(err.code, run.code, `${run.name}: ${err.code}`);
    t.match(err.message, run.message, `${run.name}: the message names binding, table, operation and what to do`);
    const hit = proxy.requests.slice(from).filter((r) => r.operation === run.op && !delivered(r));
    // Several workers may hit the fault at once; the first to use up its attempts stops the
    // others, so the most-tried request shows the bound and none goes past it.
    const tries = hit.map((r) => hit.filter((o) => isDeepStrictEqual(o.body, r.body)).length);
    t.equal(Math.max(...tries), MAX, `${run.name}: the same request was tried exactly ${MAX} times`);
    t.ok(endsCommitted(cap.lines), `${run.name}: the output ends at a checkpoint`);
  }
});
