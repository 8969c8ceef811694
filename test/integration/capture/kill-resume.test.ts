// kill -9 at random moments during the backfill and during streaming; each restart gets the state
// folded from the checkpoints it saw (documents after the last checkpoint are uncommitted and
// discarded). The fold of everything committed must equal the table.
import t from 'tap';
import { documentSchema } from '../../../src/discover/document-schema.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDynamoDBLocal, createStreamTable, enableStream, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../fixtures/dynamodb-local.js';
import { startConnector, foldState } from '../../fixtures/connector-process.js';
import { committedDocs, diffFoldWithTable, preload, randomWrite, rng, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';
import type { Json, JsonObject } from '../../../src/json/value.js';

const shape: TableShape = { table: 'killed', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };
const KEYS = 1500;

function bindingState(state: Json): { backfillFinishedAt?: string } | undefined {
  return (state as { bindingStateV1?: Record<string, { backfillFinishedAt?: string }> }).bindingStateV1?.['killed.v1'];
}

function openRequest(endpoint: string, state: Json): unknown {
  return {
    open: {
      capture: {
        name: 'test/kill',
        config: {
          region: LOCAL_REGION,
          credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: LOCAL_CREDENTIALS.accessKeyId, aws_secret_access_key: LOCAL_CREDENTIALS.secretAccessKey },
          advanced: { endpoint, backfillSegments: 5, scanLimit: 25, idleBackoffMax: 1 },
        },
        bindings: [
          {
            resourceConfig: { table: shape.table, rcuAllocation: 4 },
            resourcePath: [shape.table],
            collection: { name: 'test/killed', key: ['/pk'], writeSchema: documentSchema(shape.table, shape.ks) },
            stateKey: 'killed.v1',
          },
        ],
      },
      state,
    },
  };
}

t.test('SIGKILL during backfill and streaming loses nothing committed', async (t) => {
  const { endpoint, client } = await withDynamoDBLocal(t);
  const r = rng(42);
  await createStreamTable(client, shape.table, { streamViewType: null });
  await preload(client, shape, KEYS, r);
  await enableStream(client, shape.table);

  let state: Json = {};
  const committed: { doc: JsonObject }[] = [];
  const writes = rng(7);
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await randomWrite(client, shape, KEYS + 100, writes);
      await sleep(5);
    }
  })();
  const kills = [800, 2500, 6000];
  for (const [i, delay] of kills.entries()) {
    const proc = startConnector([openRequest(endpoint, state)]);
    await sleep(delay + Math.floor(r() * 500));
    proc.child.kill('SIGKILL');
    const { signal } = await proc.exited;
    t.equal(signal, 'SIGKILL', `run ${i} was killed`);
    committed.push(...committedDocs(proc.lines));
    state = foldState(state, proc.lines);
    if (i === 0) t.notOk(bindingState(state)?.backfillFinishedAt, 'the first kill landed during the backfill');
  }
  writing = false;
  await writer;
  const last = startConnector([openRequest(endpoint, state)]);
  // On a loaded machine the last run may take a while to start: wait for its backfill to be
  // recorded as finished (bounded, not asserted on time), then for its output to go quiet.
  for (let waited = 0; !bindingState(foldState(state, last.lines))?.backfillFinishedAt && waited < 180_000; waited += 200) await sleep(200);
  await waitQuiet(() => last.lines.length, 4000);
  last.child.kill('SIGTERM');
  const { code } = await last.exited;
  t.equal(code, 0, 'SIGTERM ends the capture cleanly');
  t.ok(last.lines.at(-1)!.startsWith('{"checkpoint"'), 'the last line after SIGTERM is a checkpoint');
  committed.push(...committedDocs(last.lines));
  t.ok(bindingState(foldState(state, last.lines))?.backfillFinishedAt, 'the backfill finished across the restarts');
  const problems = diffFoldWithTable(committed, await scanRows(client, shape), shape.ks);
  t.same(problems.slice(0, 10), [], `fold equals table after 3 kills (${problems.length} differences)`);
});
