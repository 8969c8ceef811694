// `source-dynamodb capture` as a person runs it (dist/cli.js): a YAML config pointing at DynamoDB
// Local, a --state file that holds the folded state across runs, SIGINT to stop (exit 0), a second
// run that resumes instead of backfilling again, SIGTERM alike, --table to choose tables, and clear
// errors.
import t from 'tap';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Json, JsonObject } from '../../src/json/value.js';
import { parseJson } from '../../src/json/parse.js';
import { CLI, foldState, startConnector, type ConnectorProcess } from '../fixtures/connector-process.js';
import { createStreamTable, enableStream, LOCAL_CREDENTIALS, LOCAL_REGION, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';
import { waitQuiet } from '../fixtures/workload.js';

const { endpoint, client } = await withDynamoDBLocal(t);
const dir = await mkdtemp(join(tmpdir(), 'cli-capture-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const configPath = join(dir, 'config.yaml');
const statePath = join(dir, 'state.json');
await writeFile(
  configPath,
  `# DynamoDB Local; any credentials do.
region: ${LOCAL_REGION}
credentials:
  auth_type: AWSAccessKey
  aws_access_key_id: ${LOCAL_CREDENTIALS.accessKeyId}
  aws_secret_access_key: ${LOCAL_CREDENTIALS.secretAccessKey}
advanced:
  endpoint: ${endpoint}
  backfillSegments: 3
  idleBackoffMax: 1 # seconds
`,
);

const ORDERS = 'cli_orders';
const EVENTS = 'cli_events';
// Loaded before their streams exist, so these items reach the output only through backfills.
await createStreamTable(client, ORDERS, { streamViewType: null });
await createStreamTable(client, EVENTS, { hashKey: 'id', hashKeyType: 'N', streamViewType: null });
await createStreamTable(client, 'cli_no_stream', { streamViewType: null });
for (let i = 0; i < 30; i++) await client.send(new PutItemCommand({ TableName: ORDERS, Item: { pk: { S: `o-${i}` }, n: { N: String(i) } } }));
for (let i = 0; i < 20; i++) await client.send(new PutItemCommand({ TableName: EVENTS, Item: { id: { N: String(1000 + i) }, what: { S: 'event' } } }));
for (const table of [ORDERS, EVENTS]) await enableStream(client, table);

/** The CLI's stdout lines, parsed. */
interface Out {
  docs: JsonObject[];
  checkpoints: number;
}
function parseOut(lines: readonly string[]): Out {
  const out: Out = { docs: [], checkpoints: 0 };
  for (const l of lines) {
    const m = parseJson(l) as { captured?: { doc: JsonObject }; checkpoint?: unknown };
    if (m.captured) out.docs.push(m.captured.doc);
    else if (m.checkpoint) out.checkpoints++;
  }
  return out;
}
const isSnapshot = (d: JsonObject): boolean => (d._meta as JsonObject).snapshot === true;
const ordersDocs = (o: Out): JsonObject[] => o.docs.filter((d) => 'pk' in d);
const eventsDocs = (o: Out): JsonObject[] => o.docs.filter((d) => 'id' in d);
const bindingState = (s: Json, sk: string): JsonObject | undefined => (s as { bindingStateV1?: Record<string, JsonObject> }).bindingStateV1?.[sk];

function capture(args: string[]): ConnectorProcess {
  return startConnector([], { script: CLI, args: ['capture', '--config', configPath, ...args] });
}

/** Waits until `cond` holds on the process's stdout (SIGKILL and fail if it exits first or never). */
async function waitUntil(p: ConnectorProcess, cond: (lines: string[]) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 40_000;
  let exited = false;
  void p.exited.then(() => (exited = true));
  while (!cond(p.lines)) {
    if (exited || Date.now() > deadline) {
      p.child.kill('SIGKILL');
      throw new Error(`${what}: not reached (exited: ${exited}); stderr:\n${p.stderr.slice(-5).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `cond` holds and the output is quiet, then SIGINT (or `signal`); resolves with the exit. */
async function runUntil(p: ConnectorProcess, cond: (lines: string[]) => boolean, what: string, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null }> {
  await waitUntil(p, cond, what);
  await waitQuiet(() => p.lines.length, 1500);
  p.child.kill(signal);
  return p.exited;
}

const readState = async (): Promise<Json> => JSON.parse(await readFile(statePath, 'utf8')) as Json;
/** A condition on stdout: a checkpoint recorded the binding's finished backfill. */
const backfillFinished = (sk: string) => (lines: string[]) =>
  lines.some((l) => l.startsWith('{"checkpoint"') && bindingState((JSON.parse(l) as { checkpoint: { state: { updated: Json } } }).checkpoint.state.updated, sk)?.backfillFinishedAt !== undefined);

t.test('capture --table, SIGINT, resume from the state file, then every table', async (t) => {
  // Run 1: one table, backfilled, plus a live change.
  const p1 = capture(['--state', statePath, '--table', ORDERS]);
  await waitUntil(p1, backfillFinished(`${ORDERS}.v1`), 'run 1 backfill');
  await client.send(new PutItemCommand({ TableName: ORDERS, Item: { pk: { S: 'live-1' }, n: { N: '1.2400' } } }));
  const { code: code1 } = await runUntil(p1, (l) => l.some((x) => x.includes('"live-1"')), 'run 1 live change');
  t.equal(code1, 0, 'run 1: SIGINT ends the capture with exit 0');
  t.equal(p1.lines[0], '{"opened":{}}', 'run 1: stdout starts with the opened response');
  t.ok(p1.lines.at(-1)!.startsWith('{"checkpoint"'), 'run 1: stdout ends at a checkpoint');
  t.ok(p1.raw().endsWith('\n'), 'run 1: no partial line');
  const out1 = parseOut(p1.lines);
  t.equal(ordersDocs(out1).filter(isSnapshot).length, 30, 'run 1: the table is backfilled');
  t.strictSame(eventsDocs(out1), [], 'run 1: --table leaves the other table alone');
  t.ok(ordersDocs(out1).some((d) => d.pk === 'live-1' && String(d.n) === '1.24'), 'run 1: the live change is captured, exactly');
  const state1 = await readState();
  t.strictSame(state1, foldState({}, p1.lines), 'run 1: the state file holds the state folded from every checkpoint');
  t.ok(bindingState(state1, `${ORDERS}.v1`)?.backfillFinishedAt, 'run 1: with the finished backfill');
  t.strictSame(await readdir(dir), ['config.yaml', 'state.json'], 'no temporary file is left behind');

  // Changes while stopped.
  for (const k of ['stopped-1', 'stopped-2']) await client.send(new PutItemCommand({ TableName: ORDERS, Item: { pk: { S: k } } }));

  // Run 2: the same command resumes.
  const p2 = capture(['--state', statePath, '--table', ORDERS]);
  const { code: code2 } = await runUntil(p2, (l) => ['stopped-1', 'stopped-2'].every((k) => l.some((x) => x.includes(`"${k}"`))), 'run 2 resumes');
  t.equal(code2, 0, 'run 2: exit 0');
  const out2 = parseOut(p2.lines);
  t.strictSame(out2.docs.filter(isSnapshot), [], 'run 2: no backfill again');
  t.strictSame(out2.docs.map((d) => d.pk).sort(), ['stopped-1', 'stopped-2'], 'run 2: exactly the changes made while stopped');
  const state2 = await readState();
  t.strictSame(state2, foldState(state1, p2.lines), 'run 2: the state file is the fold of both runs');

  // Run 3: no --table: every capturable table (the one without a stream is skipped).
  const p3 = capture(['--state', statePath]);
  const { code: code3 } = await runUntil(p3, backfillFinished(`${EVENTS}.v1`), 'run 3 backfills the new table');
  t.equal(code3, 0, 'run 3: exit 0');
  const out3 = parseOut(p3.lines);
  t.strictSame(ordersDocs(out3), [], `run 3: ${ORDERS} resumes with nothing new`);
  t.equal(eventsDocs(out3).filter(isSnapshot).length, 20, `run 3: ${EVENTS} is backfilled`);
  t.ok(eventsDocs(out3).every((d) => typeof d.id === 'string'), 'run 3: numeric keys are strings');
  const state3 = await readState();
  t.strictSame(state3, foldState(state2, p3.lines), 'run 3: the state file is the fold of all runs');
  t.strictSame(Object.keys((state3 as { bindingStateV1: object }).bindingStateV1).sort(), [`${EVENTS}.v1`, `${ORDERS}.v1`]);
});

t.test('capture without --state prints documents and keeps no file', async (t) => {
  const p = capture(['--table', EVENTS]);
  const { code } = await runUntil(p, backfillFinished(`${EVENTS}.v1`), 'stateless backfill', 'SIGTERM');
  t.equal(code, 0, 'SIGTERM ends it with exit 0 too');
  t.ok(p.lines.at(-1)!.startsWith('{"checkpoint"'), 'at a checkpoint');
  t.equal(eventsDocs(parseOut(p.lines)).filter(isSnapshot).length, 20, 'a fresh backfill every time');
});

t.test('an unknown or stream-less --table is a clear error, and no capture starts', async (t) => {
  for (const table of ['nope', 'cli_no_stream']) {
    const p = capture(['--state', join(dir, 'unused.json'), '--table', ORDERS, '--table', table]);
    const { code } = await p.exited;
    t.equal(code, 1, `${table}: exit 1`);
    t.strictSame(p.lines, [], `${table}: nothing on stdout`);
    const last = JSON.parse(p.stderr.at(-1)!) as { level: string; msg: string; code: string };
    t.equal(last.level, 'error');
    t.equal(last.code, 'BAD_CONFIG');
    t.match(last.msg, new RegExp(`table\\(s\\) ${table} cannot be captured`), `${table}: named`);
    t.match(last.msg, /NEW_AND_OLD_IMAGES/, 'says what a capturable table needs');
    t.match(last.msg, new RegExp(`Capturable tables: ${EVENTS}, ${ORDERS}`), 'lists the tables that can be captured');
    t.notOk(p.stderr.join('\n').includes(LOCAL_CREDENTIALS.secretAccessKey), 'no secret in the logs');
  }
  t.notOk((await readdir(dir)).includes('unused.json'), 'no state file is written');

  const noConfig = startConnector([], { script: CLI, args: ['capture'] });
  t.equal((await noConfig.exited).code, 2, 'capture without --config is a usage error');
  t.strictSame(noConfig.stderr, ['source-dynamodb: missing --config FILE for "capture"; see source-dynamodb capture --help']);
});
