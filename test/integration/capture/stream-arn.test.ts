// A table's stream that was disabled (and maybe re-enabled, with a new ARN) has lost changes: the
// capture must stop with STREAM_LOST, naming the binding and telling the user to re-backfill it,
// whether that happened while the capture was stopped, before its first open, or while it runs.
import t, { type Test } from 'tap';
import { DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ConnectorError } from '../../../src/errors.js';
import type { Json, JsonObject } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable, disableStream, enableStream, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../fixtures/dynamodb-local.js';
import { captureInProcess, type InProcessCapture } from '../../fixtures/in-process-capture.js';
import { foldState, startConnector } from '../../fixtures/connector-process.js';
import { committedDocs, diffFoldWithTable, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

// One DynamoDB Local for the whole file.
const { endpoint, client } = await withDynamoDBLocal(t);

const shapeOf = (table: string): TableShape => ({ table, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) });

type BindingState = { streamArn?: string; backfillFinishedAt?: string };
const bindingStates = (s: Json): Record<string, unknown> => ((s as { bindingStateV1?: Record<string, unknown> }).bindingStateV1 ?? {});
const bindingState = (state: Json, sk: string): BindingState | undefined => (state as { bindingStateV1?: Record<string, BindingState> }).bindingStateV1?.[sk];

/** Resolves with the error the session ended with (or fails the test if it ended well). */
async function failure(cap: InProcessCapture, timeoutMs = 30_000): Promise<ConnectorError> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the capture did not fail within ${timeoutMs} ms`)), timeoutMs)));
  try {
    await Promise.race([cap.session.done, timeout]);
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('the capture ended without an error');
}

/** Every `captured` line is followed, later, by a checkpoint: nothing is left uncommitted. */
function endsCommitted(lines: readonly string[]): boolean {
  const lastDoc = lines.findLastIndex((l) => l.startsWith('{"captured"'));
  return lastDoc < 0 || lines.slice(lastDoc).some((l) => l.startsWith('{"checkpoint"'));
}

async function put(table: string, pk: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { S: `v-${pk}` } } }));
}

/** Captures a table until its backfill finished and the output is quiet; returns the folded state. */
async function captureOnce(t: Test, table: string, sk: string, state: Json = {}): Promise<{ state: Json; lines: string[] }> {
  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: sk, table }], bindingStates(state));
  await waitQuiet(() => cap.lines.length, 1500);
  await cap.stop();
  const folded = foldState(state, cap.lines);
  t.ok(bindingState(folded, sk)?.backfillFinishedAt, `${table}: backfill finished`);
  return { state: folded, lines: cap.lines };
}

t.test('stream disabled and re-enabled while stopped: STREAM_LOST, then a re-backfill recovers', async (t) => {
  const table = 'arn_changed';
  await createStreamTable(client, table);
  for (const k of ['a', 'b', 'c']) await put(table, k);
  const first = await captureOnce(t, table, `${table}.v1`);
  const oldArn = bindingState(first.state, `${table}.v1`)!.streamArn!;

  await disableStream(client, table);
  await put(table, 'lost-while-disabled');
  const newArn = await enableStream(client, table);
  t.not(newArn, oldArn, 're-enabling gives a new stream ARN');

  // In process: the session fails before any document.
  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${table}.v1`, table }], bindingStates(first.state));
  const err = await failure(cap);
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, /binding 0/, 'names the binding');
  t.match(err.message, new RegExp(`"${table}"`), 'names the table');
  t.match(err.message, /re-backfill/i, 'says what to do');
  t.ok(err.message.includes(oldArn) && err.message.includes(newArn), 'names both streams');
  t.notOk(cap.lines.some((l) => l.startsWith('{"captured"')), 'no document was emitted');

  // As a process, the way the runtime sees it: exit 1, the error as the last stderr line.
  const proc = startConnector([openRequest(endpoint, table, `${table}.v1`, first.state)]);
  const { code } = await proc.exited;
  t.equal(code, 1, 'the connector exits 1');
  const last = JSON.parse(proc.stderr.at(-1)!) as { level: string; msg: string; code: string };
  t.equal(last.level, 'error');
  t.equal(last.code, 'STREAM_LOST');
  t.match(last.msg, /binding 0 .*re-backfill/i);
  t.ok(endsCommitted(proc.lines), 'stdout holds no uncommitted document');

  // The advice works: a re-backfill (new stateKey) starts over on the new stream, and the old
  // binding state is pruned.
  const cap2 = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${table}.v2`, table }], bindingStates(first.state));
  await waitQuiet(() => cap2.lines.length, 1500);
  await cap2.stop();
  const after = foldState(first.state, cap2.lines);
  t.notOk(bindingState(after, `${table}.v1`), 'the old state is pruned');
  t.equal(bindingState(after, `${table}.v2`)?.streamArn, newArn, 'the new state records the new stream');
  const snapshots = committedDocs(cap2.lines).filter((d) => (d.doc._meta as JsonObject).snapshot === true);
  t.equal(snapshots.length, 4, 'every item is backfilled again, the one written while the stream was off included');
  t.same(diffFoldWithTable(committedDocs(cap2.lines), await scanRows(client, shapeOf(table)), shapeOf(table).ks), [], 'fold of the re-backfill equals table');
});

t.test('table deleted and re-created under the same name while stopped: STREAM_LOST', async (t) => {
  const table = 'recreated';
  await createStreamTable(client, table);
  await put(table, 'a');
  const first = await captureOnce(t, table, `${table}.v1`);
  await client.send(new DeleteTableCommand({ TableName: table }));
  // Deleted: the binding's table is gone.
  const gone = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${table}.v1`, table }], bindingStates(first.state));
  const goneErr = await failure(gone);
  t.equal(goneErr.code, 'AWS_NOT_FOUND');
  t.match(goneErr.message, new RegExp(`binding 0\\b.*"${table}".*does not exist`), 'names the binding and the table');
  t.match(goneErr.message, /remove the binding/, 'says what to do');
  // Re-created: same name, new stream.
  await createStreamTable(client, table);
  await put(table, 'b');
  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${table}.v1`, table }], bindingStates(first.state));
  const err = await failure(cap);
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, /re-created.*re-backfill/i);
  t.notOk(cap.lines.some((l) => l.startsWith('{"captured"')), 'no document was emitted');
});

t.test('stream disabled before the first open, or before a resume: a clear error', async (t) => {
  const fresh = 'never_streamed';
  await createStreamTable(client, fresh, { streamViewType: null });
  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${fresh}.v1`, table: fresh }]);
  const err = await failure(cap);
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, new RegExp(`binding 0 \\(table "${fresh}"\\) has no enabled stream`));
  t.match(err.message, /NEW_AND_OLD_IMAGES/, 'names the view type to enable');

  const resumed = 'disabled_later';
  await createStreamTable(client, resumed);
  await put(resumed, 'a');
  const first = await captureOnce(t, resumed, `${resumed}.v1`);
  await disableStream(client, resumed);
  // The table is the second binding: the message must name that one.
  const other = 'still_fine';
  await createStreamTable(client, other);
  const cap2 = await captureInProcess(
    endpoint,
    [
      { binding: 0, stateKey: `${other}.v1`, table: other },
      { binding: 1, stateKey: `${resumed}.v1`, table: resumed },
    ],
    bindingStates(first.state),
  );
  const err2 = await failure(cap2);
  t.equal(err2.code, 'STREAM_LOST');
  t.match(err2.message, new RegExp(`binding 1 \\(table "${resumed}"\\)`));
  t.match(err2.message, /re-backfill/i);
  t.ok(endsCommitted(cap2.lines));

  const keysOnly = 'keys_only';
  await createStreamTable(client, keysOnly, { streamViewType: 'KEYS_ONLY' });
  const cap3 = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${keysOnly}.v1`, table: keysOnly }]);
  const err3 = await failure(cap3);
  t.equal(err3.code, 'BAD_CONFIG');
  t.match(err3.message, /binding 0 \(table "keys_only"\) has a KEYS_ONLY stream.*NEW_AND_OLD_IMAGES/);
});

t.test('stream disabled while the capture runs: it stops with STREAM_LOST at a checkpoint', async (t) => {
  const table = 'disabled_live';
  await createStreamTable(client, table);
  for (const k of ['a', 'b']) await put(table, k);
  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: `${table}.v1`, table }]);
  await waitQuiet(() => cap.lines.length, 1500);
  await put(table, 'c');
  await waitFor(() => committedDocs(cap.lines).some((d) => d.doc.pk === 'c'), 'the live insert is captured');
  await disableStream(client, table);
  const err = await failure(cap);
  t.equal(err.code, 'STREAM_LOST');
  t.match(err.message, new RegExp(`binding 0 \\(table "${table}"\\)`));
  t.match(err.message, /DISABLED|disabled/);
  t.match(err.message, /re-backfill/i);
  t.ok(endsCommitted(cap.lines), 'the output ends committed');
  t.same(diffFoldWithTable(committedDocs(cap.lines), await scanRows(client, shapeOf(table)), shapeOf(table).ks), [], 'what was captured before the stream went away folds to the table');
});

function openRequest(endpoint: string, table: string, stateKey: string, state: Json): unknown {
  return {
    open: {
      capture: {
        name: 'test/stream-arn',
        config: {
          region: LOCAL_REGION,
          credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: LOCAL_CREDENTIALS.accessKeyId, aws_secret_access_key: LOCAL_CREDENTIALS.secretAccessKey },
          advanced: { endpoint, backfillSegments: 2 },
        },
        bindings: [{ resourceConfig: { table }, resourcePath: [table], collection: { name: `test/${table}`, key: ['/pk'], writeSchema: { type: 'object' } }, stateKey }],
      },
      state,
    },
  };
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
