// Faults that no retry can fix end the capture with a clear error, at a checkpoint boundary: the
// table deleted (ResourceNotFound), the stream disabled or replaced, and AWS refusing the
// credentials or an IAM permission (AWS_AUTH naming the permission). Real deletions where
// DynamoDB Local can make them, injected responses elsewhere. (Stream disabled or re-enabled for
// real: test/integration/capture/stream-arn.test.ts.)
import t from 'tap';
import { DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Json } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { captureInProcess, type InProcessCapture } from '../../fixtures/in-process-capture.js';
import { foldState } from '../../fixtures/connector-process.js';
import { FaultProxy, type ProxiedRequest } from '../../fixtures/fault-proxy.js';
import { backfillDone, endsCommitted, failureOf, fastRpc, waitFor } from '../../fixtures/fault-checks.js';
import { committedDocs } from '../../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const proxy = await FaultProxy.start(endpoint, t);

const SETTINGS = { backfillSegments: 2, scanWorkers: 2, scanLimit: 5, relistIntervalMs: 300 };
const states = (s: Json): Record<string, unknown> => (s as { bindingStateV1?: Record<string, unknown> }).bindingStateV1 ?? {};

async function tableWith(table: string, n: number): Promise<void> {
  await createStreamTable(client, table);
  for (let i = 0; i < n; i++) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` } } }));
}

function capture(table: string, state: Json = {}): Promise<InProcessCapture> {
  return captureInProcess(proxy.url, [{ binding: 0, stateKey: `${table}.v1`, table }], states(state), SETTINGS, fastRpc([], { maxAttempts: 3 }));
}

const mentions = (table: string) => (r: ProxiedRequest): boolean => JSON.stringify(r.body).includes(table) || r.operation === 'GetRecords';

t.test('table deleted while the capture streams: a clear fatal error naming binding and table', async (t) => {
  const table = 'deleted_live';
  await tableWith(table, 3);
  const cap = await capture(table);
  await waitFor(() => backfillDone(cap.lines, `${table}.v1`), 'the backfill finished');
  await client.send(new DeleteTableCommand({ TableName: table }));
  const err = await failureOf(cap.session);
  t.equal(err.code, 'AWS_NOT_FOUND');
  t.match(err.message, /^binding 0 \(table "deleted_live"\): the table was deleted \(its stream is DISABLED and DescribeTable finds no such table\)\. Remove the binding, or re-create the table/);
  t.ok(endsCommitted(cap.lines));
});

t.test('ResourceNotFound: the table missing at open, or gone during the backfill', async (t) => {
  const missing = await capture('no_such_table');
  const err = await failureOf(missing.session);
  t.equal(err.code, 'AWS_NOT_FOUND');
  t.match(err.message, /^binding 0 \(table "no_such_table"\): the table does not exist .*ResourceNotFoundException/);
  t.match(err.message, /remove the binding/);
  t.notOk(missing.lines.some((l) => l.startsWith('{"captured"')), 'nothing was emitted');

  const table = 'deleted_backfill';
  await tableWith(table, 30);
  // The table goes away after the first pages were committed.
  const stop = proxy.inject({ operation: 'Scan', when: (r) => r.body.TableName === table && r.body.ExclusiveStartKey !== undefined, fault: { awsError: 'ResourceNotFoundException', message: 'Requested resource not found' } });
  const cap = await capture(table);
  const err2 = await failureOf(cap.session);
  stop();
  t.equal(err2.code, 'AWS_NOT_FOUND');
  t.match(err2.message, /^binding 0 \(table "deleted_backfill"\): the table does not exist \(Scan: ResourceNotFoundException: Requested resource not found\): it was deleted/);
  t.ok(committedDocs(cap.lines).length > 0, 'the pages before were committed');
  t.ok(endsCommitted(cap.lines), 'the output ends at a checkpoint');
});

t.test('stream disabled, stream gone, stream ARN changed: STREAM_LOST saying what to do', async (t) => {
  const table = 'stream_faults';
  await tableWith(table, 2);
  const first = await capture(table);
  await waitFor(() => backfillDone(first.lines, `${table}.v1`), 'the backfill finished');
  // The listing reports the stream DISABLED.
  const stopDisabled = proxy.inject({ operation: 'DescribeStream', when: mentions(table), fault: { rewrite: (r: { StreamDescription: object }) => ({ StreamDescription: { ...r.StreamDescription, StreamStatus: 'DISABLED' } }) } });
  const err = await failureOf(first.session);
  stopDisabled();
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, /binding 0 \(table "stream_faults"\): its stream is DISABLED.*Re-enable the stream with view type NEW_AND_OLD_IMAGES and re-backfill this binding/);
  const state = foldState({}, first.lines);

  // GetRecords finds the stream gone.
  const stopGone = proxy.inject({ operation: 'GetRecords', fault: { awsError: 'ResourceNotFoundException', message: 'Requested resource not found: Stream not found' } });
  const second = await capture(table, state);
  const err2 = await failureOf(second.session);
  stopGone();
  t.equal(err2.code, 'STREAM_LOST');
  t.match(err2.message, /binding 0 \(table "stream_faults"\), shard \S+: the table's stream is gone .*re-backfill this binding/);

  // DescribeTable names a different stream than the one the state was built on.
  const otherArn = 'arn:aws:dynamodb:ddblocal:000000000000:table/stream_faults/stream/2001-01-01T00:00:00.000';
  const stopArn = proxy.inject({ operation: 'DescribeTable', when: mentions(table), fault: { rewrite: (r: { Table: object }) => ({ Table: { ...r.Table, LatestStreamArn: otherArn } }) } });
  const third = await capture(table, state);
  const err3 = await failureOf(third.session);
  stopArn();
  t.equal(err3.code, 'STREAM_LOST');
  t.match(err3.message, /binding 0 \(table "stream_faults"\): the table's stream changed from .* to arn:aws:dynamodb:ddblocal:000000000000:table\/stream_faults\/stream\/2001-01-01T00:00:00\.000 .*Re-backfill this binding/);
  t.notOk(third.lines.some((l) => l.startsWith('{"captured"')));
});

t.test('credentials refused or a permission missing: AWS_AUTH naming the permission', async (t) => {
  const table = 'auth_faults';
  await tableWith(table, 12);
  const ops = ['DescribeTable', 'DescribeStream', 'GetShardIterator', 'Scan', 'GetRecords'];
  for (const op of ops) {
    for (const name of ['UnrecognizedClientException', 'AccessDeniedException']) {
      const message = name === 'AccessDeniedException' ? `User: arn:aws:iam::123456789012:user/flow is not authorized to perform: dynamodb:${op} on resource: ${table}` : 'The security token included in the request is invalid.';
      const stop = proxy.inject({ operation: op, when: mentions(table), fault: { awsError: name, message } });
      const cap = await capture(table);
      const err = await failureOf(cap.session);
      stop();
      const what = `${op} ${name}`;
      t.equal(err.code, 'AWS_AUTH', what);
      t.equal(err.fields.permission, `dynamodb:${op}`, `${what}: names dynamodb:${op}`);
      t.match(err.message, new RegExp(`^binding 0 \\(table "auth_faults"\\)`), `${what}: names the binding`);
      if (name === 'AccessDeniedException') t.match(err.message, new RegExp(`${op} was denied .*grant the IAM permission dynamodb:${op}`), `${what}: says which permission to grant`);
      else t.match(err.message, new RegExp(`AWS rejected the credentials for ${op} .*check the access key ID and secret access key`), `${what}: says to check the credentials`);
      t.ok(endsCommitted(cap.lines), `${what}: the output ends at a checkpoint`);
    }
  }
});
