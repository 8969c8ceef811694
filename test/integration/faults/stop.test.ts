// Graceful stop of the real process (dist/main.js) behind the fault proxy: SIGTERM ends the capture
// at a checkpoint boundary and exits 0, with a request hanging or a retry backing off; what was
// committed resumes to a complete capture. stdin reaching EOF after open does not stop a capture
// (the runtime closes stdin when it expects no acknowledgements). SIGKILL loses nothing
// committed: test/integration/capture/kill-resume.test.ts.
import t, { type Test } from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Json } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable, enableStream } from '../../fixtures/dynamodb-local.js';
import { foldState, startConnector, type ConnectorProcess } from '../../fixtures/connector-process.js';
import { FaultProxy } from '../../fixtures/fault-proxy.js';
import { endsCommitted, openRequest, waitFor, wholeLines } from '../../fixtures/fault-checks.js';
import { committedDocs, diffFoldWithTable, preload, rng, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const shapeOf = (table: string): TableShape => ({ table, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) });

async function preloaded(table: string, n: number): Promise<TableShape> {
  const shape = shapeOf(table);
  await createStreamTable(client, table, { streamViewType: null });
  await preload(client, shape, n, rng(n));
  await enableStream(client, table);
  return shape;
}

/** SIGTERM, then the checks every graceful stop must pass. */
async function terminate(t: Test, proc: ConnectorProcess, what: string): Promise<void> {
  proc.child.kill('SIGTERM');
  const { code, signal } = await proc.exited;
  t.same({ code, signal }, { code: 0, signal: null }, `${what}: exit 0`);
  t.ok(wholeLines(proc.raw()), `${what}: stdout is whole JSON lines`);
  t.ok(proc.lines.at(-1)?.startsWith('{"checkpoint"'), `${what}: the last line is a checkpoint`);
  t.ok(endsCommitted(proc.lines), `${what}: no document is left uncommitted`);
  t.ok(proc.stderr.some((l) => l.includes('stopping capture at the next checkpoint') && l.includes('SIGTERM')), `${what}: the stop is logged`);
}

t.test('SIGTERM with a Scan hanging and another retrying: exit 0 at a checkpoint; the resume completes the capture', async (t) => {
  const table = 'term_backfill';
  const shape = await preloaded(table, 200);
  // Segment 0's third page never answers; segment 1's third page is throttled every time.
  const hang = new Promise<void>(() => undefined);
  const page = (seg: number) => (r: { body: { TableName?: string; Segment?: number; ExclusiveStartKey?: unknown } }): boolean =>
    r.body.TableName === table && r.body.Segment === seg && r.body.ExclusiveStartKey !== undefined && proxy.seen('Scan').filter((x) => x.body.TableName === table && x.body.Segment === seg && x.body.ExclusiveStartKey !== undefined).length >= 2;
  const stopHang = proxy.inject({ operation: 'Scan', when: page(0), fault: { until: hang } });
  const stopThrottle = proxy.inject({ operation: 'Scan', when: page(1), fault: { awsError: 'ProvisionedThroughputExceededException' } });
  const proc = startConnector([openRequest(proxy.url, table)]);
  await waitFor(() => proxy.requests.some((r) => r.outcome === 'delay') && proxy.count('Scan', 'aws-error') >= 2, 'one Scan hangs and another is being retried');
  await waitFor(() => committedDocs(proc.lines).length >= 20, 'the first pages are committed');
  await terminate(t, proc, 'during the backfill');
  const retriesAfterStop = proxy.count('Scan', 'aws-error');
  stopHang();
  stopThrottle();
  t.ok(retriesAfterStop < 10, `the throttled Scan was not retried to the end of its attempts (${retriesAfterStop})`);

  const state: Json = foldState({}, proc.lines);
  const resumed = startConnector([openRequest(proxy.url, table, state)]);
  await waitFor(() => resumed.lines.some((l) => l.includes('"backfillFinishedAt"')), 'the resumed backfill finished');
  await terminate(t, resumed, 'after the resume');
  const docs = [...committedDocs(proc.lines), ...committedDocs(resumed.lines)];
  t.same(diffFoldWithTable(docs, await scanRows(client, shape), shape.ks), [], 'fold of both runs equals table');
});

t.test('SIGTERM while streaming, with a GetRecords held: exit 0 at a checkpoint', async (t) => {
  const table = 'term_stream';
  await createStreamTable(client, table);
  const proc = startConnector([openRequest(proxy.url, table)]);
  await waitFor(() => proc.lines.some((l) => l.includes('"backfillFinishedAt"')), 'the backfill finished');
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } } }));
  await waitFor(() => committedDocs(proc.lines).some((d) => d.doc.pk === 'a'), 'the insert is captured');
  const stop = proxy.inject({ operation: 'GetRecords', fault: { until: new Promise<void>(() => undefined) } });
  await waitFor(() => proxy.requests.some((r) => r.operation === 'GetRecords' && r.outcome === 'delay'), 'a GetRecords is held');
  await terminate(t, proc, 'while streaming');
  stop();
});

t.test('stdin closed right after open: the capture keeps going and captures later writes', async (t) => {
  const table = 'stdin_closed';
  await createStreamTable(client, table);
  const proc = startConnector([openRequest(proxy.url, table)], { closeStdin: true });
  await waitFor(() => proc.lines.some((l) => l.includes('"backfillFinishedAt"')), 'the backfill finished');
  t.equal(proc.child.exitCode, null, 'still running after stdin EOF');
  for (const k of ['x', 'y', 'z']) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: k } } }));
  await waitFor(() => ['x', 'y', 'z'].every((k) => committedDocs(proc.lines).some((d) => d.doc.pk === k && typeof (d.doc._meta as { eventId?: unknown }).eventId === 'string')), 'the later writes are captured from the stream');
  await waitQuiet(() => proc.lines.length, 300);
  await terminate(t, proc, 'after stdin EOF');
});
