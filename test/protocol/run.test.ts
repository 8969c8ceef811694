// The connector as the runtime sees it, in process: run() over in-memory stdin/stdout against a
// real DynamoDB Local. Responses are snapshotted after sanitizing (ARNs, timestamps, ports), and
// every line written is checked against protocol/capture-response.schema.json.
import t, { type Test } from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../../src/errors.js';
import { schemasByFileName } from '../../src/generated/schemas.js';
import { createLogger } from '../../src/log.js';
import { checkResponse } from '../../src/protocol/validator.js';
import { run } from '../../src/run.js';
import { createStreamTable, LOCAL_REGION, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';

const SECRET = 'SECRET-do-not-log-9f3a';
/** Capture tunables for a quick open against DynamoDB Local. */
const FAST = { backfillSegments: 2, scanWorkers: 2, idleBackoffMaxMs: 200, relistIntervalMs: 1_000, progressIntervalMs: 0 };

const { endpoint, client } = await withDynamoDBLocal(t);
await Promise.all([
  createStreamTable(client, 'orders', { hashKey: 'customerId', rangeKey: 'orderId', rangeKeyType: 'N' }),
  createStreamTable(client, 'events', { hashKey: 'id', hashKeyType: 'N', rangeKey: 'at', rangeKeyType: 'B' }),
  createStreamTable(client, 'noStream', { streamViewType: null }),
  createStreamTable(client, 'keysOnly', { streamViewType: 'KEYS_ONLY' }),
]);
for (let i = 0; i < 3; i++) {
  await client.send(
    new PutItemCommand({
      TableName: 'orders',
      Item: { customerId: { S: `c-${i}` }, orderId: { N: `${40 + i}` }, status: { S: 'open' }, total: { N: '12345678901234567890.123' }, tags: { SS: ['a', 'b'] } },
    }),
  );
}

const config = (ep = endpoint) => ({
  region: LOCAL_REGION,
  credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: SECRET },
  advanced: { endpoint: ep, discoverSampleSize: 10 },
});
const collection = (key: string[]) => ({ name: 'acmeCo/x', key, writeSchema: { type: 'object', reduce: { strategy: 'merge' } } });
const ordersBinding = { resourceConfig: { table: 'orders' }, resourcePath: ['orders'], collection: collection(['/customerId', '/orderId']), backfill: 0, stateKey: 'orders.v0' };
const eventsBinding = { resourceConfig: { table: 'events' }, resourcePath: ['events'], collection: collection(['/id', '/at']), backfill: 0, stateKey: 'events.v0' };

interface Outcome {
  /** stdout split into lines (without their newlines). */
  lines: string[];
  /** Raw stdout. */
  raw: string;
  /** stderr log lines. */
  logs: string[];
  error: ConnectorError | undefined;
}

/**
 * Runs the connector over these request lines (objects are JSON-encoded, strings sent as they are),
 * then EOF unless `keepOpen`. `during` runs while it does (e.g. sends a stop).
 */
async function drive(requests: unknown[], opts: { maxLineChars?: number; keepOpen?: boolean; during?: (o: { lines: string[]; stop: (r: string) => void; input: PassThrough }) => Promise<void> } = {}): Promise<Outcome> {
  const input = new PassThrough();
  const output = new PassThrough();
  let raw = '';
  const lines: string[] = [];
  output.on('data', (c: Buffer) => {
    raw += c.toString('utf8');
    lines.splice(0, lines.length, ...raw.split('\n').slice(0, -1));
  });
  const logs: string[] = [];
  const log = createLogger((l) => logs.push(l), 'debug');
  let stopHandler: ((reason: string) => void) | undefined;
  const running = run({
    input,
    output,
    log,
    env: {},
    captureOverrides: FAST,
    onStop: (h) => {
      stopHandler = h;
      return () => (stopHandler = undefined);
    },
    ...(opts.maxLineChars ? { maxLineChars: opts.maxLineChars } : {}),
  });
  for (const r of requests) input.write(typeof r === 'string' ? `${r}\n` : `${JSON.stringify(r)}\n`);
  if (!opts.keepOpen) input.end();
  const during = opts.during?.({ lines, stop: (r) => stopHandler?.(r), input });
  let error: ConnectorError | undefined;
  try {
    await running;
  } catch (e) {
    if (!(e instanceof ConnectorError)) throw e;
    error = e;
  }
  await during;
  return { lines, raw, logs, error };
}

/** Asserts the stdout contract: whole lines only, each a response the runtime accepts. */
function checkStdout(t: Test, o: Outcome): unknown[] {
  if (o.raw !== '') t.ok(o.raw.endsWith('\n'), 'stdout ends with a newline: no partial line');
  const msgs = o.lines.map((l) => JSON.parse(l) as unknown);
  for (const [i, m] of msgs.entries()) {
    try {
      checkResponse(m);
    } catch (e) {
      t.fail(`line ${i + 1} is not a valid response: ${(e as Error).message}`);
    }
  }
  const lastCaptured = o.lines.findLastIndex((l) => l.startsWith('{"captured"'));
  const lastCheckpoint = o.lines.findLastIndex((l) => l.startsWith('{"checkpoint"'));
  t.ok(lastCaptured < lastCheckpoint || lastCaptured === -1, 'no captured line after the last checkpoint');
  t.notOk(o.raw.includes(SECRET), 'the secret is not on stdout');
  t.notOk(o.logs.some((l) => l.includes(SECRET)), 'the secret is not in the logs');
  return msgs;
}

/** Replaces what changes from run to run: stream ARNs and labels, timestamps, local ports. */
function sanitize(v: unknown): unknown {
  if (typeof v === 'string') {
    return v
      .replace(/arn:aws:dynamodb:[^"\s]*\/stream\/[0-9T:.-]+/g, '<stream-arn>')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<timestamp>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
  }
  if (Array.isArray(v)) return v.map(sanitize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [sanitize(k) as string, sanitize(x)]));
  return v;
}

t.test('spec: exactly one response of the protocol\'s shape', async (t) => {
  const o = await drive([{ spec: { connectorType: 'IMAGE', config: {} } }]);
  t.equal(o.error, undefined);
  const [msg, ...rest] = checkStdout(t, o) as { spec: Record<string, unknown> }[];
  t.equal(rest.length, 0, 'exactly one response');
  t.same(Object.keys(msg!), ['spec']);
  t.same(Object.keys(msg!.spec).sort(), ['configSchema', 'documentationUrl', 'protocol', 'resourceConfigSchema', 'resourcePathPointers']);
  t.equal(msg!.spec.protocol, 3032023);
  t.same(msg!.spec.resourcePathPointers, ['/table']);
  t.match(msg!.spec.documentationUrl, /^https:\/\//);
  t.same(msg!.spec.configSchema, schemasByFileName['endpoint-config.schema.json'], 'the config schema is the one in schemas/');
  t.same(msg!.spec.resourceConfigSchema, schemasByFileName['resource-config.schema.json']);
  t.matchSnapshot(sanitize(msg), 'spec response');
});

t.test('apply: applied with an actionDescription, the same every time (idempotent)', async (t) => {
  const apply = { apply: { capture: { name: 'acmeCo/dynamodb', connectorType: 'IMAGE', config: config(), bindings: [ordersBinding, eventsBinding] }, version: '11:22:33:44' } };
  const o = await drive([apply, apply]);
  t.equal(o.error, undefined);
  const [first, second] = checkStdout(t, o) as { applied: { actionDescription: string } }[];
  t.equal(o.lines.length, 2);
  t.same(Object.keys(first!), ['applied']);
  t.type(first!.applied.actionDescription, 'string');
  t.match(first!.applied.actionDescription, /2 binding/);
  t.same(second, first);
  t.matchSnapshot(first, 'applied response');
});

t.test('discover against DynamoDB Local: one binding per capturable table', async (t) => {
  const o = await drive([{ discover: { connectorType: 'IMAGE', config: config() } }]);
  t.equal(o.error, undefined, o.error?.message ?? 'no error');
  const [msg] = checkStdout(t, o) as { discovered: { bindings: { recommendedName: string; resourceConfig: unknown; key: string[] }[] } }[];
  t.equal(o.lines.length, 1);
  const bindings = msg!.discovered.bindings;
  t.same(
    bindings.map((b) => [b.recommendedName, b.resourceConfig, b.key]),
    [
      ['events', { table: 'events' }, ['/id', '/at']],
      ['orders', { table: 'orders' }, ['/customerId', '/orderId']],
    ],
  );
  t.ok(o.logs.some((l) => l.includes('noStream')), 'the table without a stream is logged');
  t.ok(o.logs.some((l) => l.includes('keysOnly')), 'the KEYS_ONLY table is logged');
  t.matchSnapshot(sanitize(msg), 'discovered response');
});

t.test('validate against DynamoDB Local: resource paths in request order', async (t) => {
  const validate = (bindings: unknown[]) => ({ validate: { name: 'acmeCo/dynamodb', connectorType: 'IMAGE', config: config(), bindings } });
  const o = await drive([validate([{ ...eventsBinding, backfill: 1 }, ordersBinding])]);
  t.equal(o.error, undefined, o.error?.message ?? 'no error');
  const [msg] = checkStdout(t, o);
  t.same(msg, { validated: { bindings: [{ resourcePath: ['events'] }, { resourcePath: ['orders'] }] } });
  t.matchSnapshot(sanitize(msg), 'validated response');

  const bad = await drive([validate([ordersBinding, { resourceConfig: { table: 'noStream' }, backfill: 0 }, { resourceConfig: { table: 'missing' }, backfill: 0 }])]);
  t.equal(bad.error?.code, 'VALIDATION_FAILED');
  t.equal(bad.raw, '', 'a failed validate writes nothing');
  t.matchSnapshot(sanitize(bad.error?.message), 'validate failure message');
  checkStdout(t, bad);
});

t.test('several requests in one process: spec, discover, validate, apply, answered in order', async (t) => {
  const requests = [
    { spec: { connectorType: 'IMAGE', config: {} } },
    { discover: { connectorType: 'IMAGE', config: config() } },
    { validate: { name: 'acmeCo/dynamodb', config: config(), bindings: [ordersBinding] } },
    { apply: { capture: { name: 'acmeCo/dynamodb', config: config(), bindings: [ordersBinding] }, version: 'v1' } },
    { spec: {} },
  ];
  const o = await drive(requests);
  t.equal(o.error, undefined, o.error?.message ?? 'no error');
  const msgs = checkStdout(t, o);
  t.same(
    msgs.map((m) => Object.keys(m as object)[0]),
    ['spec', 'discovered', 'validated', 'applied', 'spec'],
  );
  // Each answer is the one the request gets on its own.
  for (const [i, req] of requests.entries()) {
    const alone = await drive([req]);
    t.same(JSON.parse(alone.lines[0]!), msgs[i], `answer ${i + 1} equals the answer to the request alone`);
  }
});

t.test('EOF with no request: nothing written, no error', async (t) => {
  const o = await drive([]);
  t.equal(o.error, undefined);
  t.equal(o.raw, '');
});

t.test('blank lines between requests are ignored', async (t) => {
  const o = await drive(['', '{"spec":{}}', '   ', '', '{"spec":{}}']);
  t.equal(o.error, undefined);
  t.equal(o.lines.length, 2);
});

t.test('an oversized line (small cap): BAD_REQUEST after the answers before it, whole lines only', async (t) => {
  const cap = 1_000;
  const long = JSON.stringify({ discover: { config: { ...config(), pad: 'x'.repeat(cap) } } });
  for (const [name, requests] of [
    ['long line with its newline in one chunk, more after it', [{ spec: {} }, long, { spec: {} }]],
    ['long line last', [{ spec: {} }, long]],
  ] as const) {
    const o = await drive([...requests], { maxLineChars: cap });
    t.equal(o.error?.code, 'BAD_REQUEST', name);
    t.match(o.error?.message, /^request line 2 is longer than the limit of 1000 characters; send smaller requests/, name);
    t.same(
      checkStdout(t, o).map((m) => Object.keys(m as object)[0]),
      ['spec'],
      `${name}: the spec before it was answered, nothing after`,
    );
  }
  // A long line that never ends (no newline, then EOF) is refused as well.
  const o = await drive([{ spec: {} }], { maxLineChars: cap, keepOpen: true, during: async ({ input }) => void input.end(long) });
  t.equal(o.error?.code, 'BAD_REQUEST');
  t.match(o.error?.message, /is longer than the limit of 1000 characters/);
  t.ok(checkStdout(t, o).length <= 1, 'at most the spec before it was answered');
});

t.test('a request the verb rejects: the error, and no output for it', async (t) => {
  const o = await drive([{ spec: {} }, { discover: { config: { region: LOCAL_REGION } } }]);
  t.equal(o.error?.code, 'BAD_CONFIG');
  t.match(o.error?.message, /\/credentials: is required/);
  t.same(
    checkStdout(t, o).map((m) => Object.keys(m as object)[0]),
    ['spec'],
  );
});

t.test('open against DynamoDB Local: opened, documents and checkpoints, ended by a stop at a checkpoint', async (t) => {
  const open = { open: { capture: { name: 'acmeCo/dynamodb', config: config(), bindings: [ordersBinding] }, version: 'v1', range: { keyEnd: 4294967295, rClockEnd: 4294967295 }, state: {} } };
  const o = await drive([open, { acknowledge: { checkpoints: 1 } }], {
    keepOpen: true,
    during: async ({ lines, stop, input }) => {
      const deadline = Date.now() + 20_000;
      while (!lines.some((l) => l.includes('"backfillFinishedAt"')) && Date.now() < deadline) await sleep(50);
      input.write(`${JSON.stringify({ acknowledge: { checkpoints: 2 } })}\n`);
      stop('SIGTERM');
    },
  });
  t.equal(o.error, undefined, o.error?.message ?? 'no error');
  const msgs = checkStdout(t, o);
  t.equal(o.lines[0], '{"opened":{}}', 'opened first');
  t.match(o.lines[o.lines.length - 1], /^\{"checkpoint":/, 'the last line is a checkpoint');
  const docs = msgs.filter((m): m is { captured: { binding: number; doc: Record<string, unknown> } } => Object.keys(m as object)[0] === 'captured');
  t.same(
    docs.map((d) => d.captured.doc.customerId).sort(),
    ['c-0', 'c-1', 'c-2'],
    'every item backfilled once',
  );
  t.ok(
    o.raw.includes('"total":12345678901234567890.123'),
    'the 23-digit number is written exactly',
  );
  t.ok(o.logs.some((l) => l.includes('stopping capture at the next checkpoint')));
});

t.test('open with stdin closed right after it: the capture goes on until stopped', async (t) => {
  const open = { open: { capture: { name: 'acmeCo/dynamodb', config: config(), bindings: [ordersBinding] } } };
  let sawCheckpoint = false;
  const o = await drive([open], {
    during: async ({ lines, stop }) => {
      const deadline = Date.now() + 20_000;
      while (!lines.some((l) => l.startsWith('{"checkpoint"')) && Date.now() < deadline) await sleep(50);
      sawCheckpoint = lines.some((l) => l.startsWith('{"checkpoint"'));
      stop('SIGTERM');
    },
  });
  t.ok(sawCheckpoint, 'checkpoints were written after EOF');
  t.equal(o.error, undefined);
  t.match(o.lines[o.lines.length - 1], /^\{"checkpoint":/);
  checkStdout(t, o);
});
