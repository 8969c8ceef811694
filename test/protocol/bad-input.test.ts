// Every case of the bad input corpus (test/fixtures/bad-input.ts) through the real process, as a
// runtime would run it: a nonzero exit; a last stderr line that is a JSON error with the case's
// code and a message naming the problem (and the fix); stdout of whole, valid response lines that
// never end inside a transaction; and the secret in no output. Then the good endings of a process:
// EOF after spec, SIGTERM while idle, SIGTERM during a capture.
import t, { type Test } from 'tap';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkResponse } from '../../src/protocol/validator.js';
import { BAD_INPUT, binding, config, open, SECRET, UNREACHABLE, type BadInputCase, type CorpusEnv } from '../fixtures/bad-input.js';
import { startConnector, type ConnectorProcess } from '../fixtures/connector-process.js';
import { createStreamTable, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';

/** Processes run at once: enough to overlap their waits, few enough for a 2-core machine. */
const CONCURRENCY = 6;
/** A case's process must exit by then (the slowest, an unreachable endpoint at open, takes ~9 s). */
const CASE_DEADLINE_MS = 30_000;
/** Shortest run of the secret's characters that counts as a leak. */
const LEAK_CHARS = 6;
/**
 * Environment of every connector process: tap's NODE_OPTIONS preload (@tapjs/processinfo) would
 * double each process's start-up CPU, and coverage is off anyway.
 */
const PROCESS_ENV = { NODE_OPTIONS: '' };

const { endpoint, client } = await withDynamoDBLocal(t);
const env: CorpusEnv = { endpoint, table: 'bad_input', noStreamTable: 'bad_input_no_stream' };
await Promise.all([createStreamTable(client, env.table), createStreamTable(client, env.noStreamTable, { streamViewType: null })]);
for (let i = 0; i < 20; i++) await client.send(new PutItemCommand({ TableName: env.table, Item: { pk: { S: `item-${i}` }, n: { N: `${i}` } } }));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  raw: string;
  lines: string[];
  stderr: string[];
  timedOut: boolean;
}

/** Runs the process over `stdin`, closes stdin, and waits for it to exit (killing it at the deadline). */
async function runProcess(stdin: unknown[] | Buffer, deadlineMs = CASE_DEADLINE_MS): Promise<Result> {
  const proc: ConnectorProcess = Buffer.isBuffer(stdin) ? startConnector([], { env: PROCESS_ENV }) : startConnector(stdin, { env: PROCESS_ENV, closeStdin: true });
  // The process may exit before reading all of stdin (that is the point of some cases).
  proc.child.stdin.on('error', () => undefined);
  if (Buffer.isBuffer(stdin)) proc.child.stdin.end(stdin);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.child.kill('SIGKILL');
  }, deadlineMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  return { code, signal, raw: proc.raw(), lines: proc.lines, stderr: proc.stderr, timedOut };
}

/** Runs `fn` over the items, `limit` at a time, keeping the order of results. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** Parts of the secret found in a text (any run of LEAK_CHARS of its characters). */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + LEAK_CHARS <= SECRET.length; i++) {
    const part = SECRET.slice(i, i + LEAK_CHARS);
    if (text.includes(part)) found.push(part);
  }
  return found;
}

/** An open against the unreachable endpoint retries for several seconds before it fails. */
const isSlow = (c: BadInputCase): boolean => {
  const stdin = c.stdin(env);
  return !Buffer.isBuffer(stdin) && JSON.stringify(stdin).includes(UNREACHABLE) && JSON.stringify(stdin).includes('"open"');
};

/** Problems a message states more than once ("/credentials: must be object, not string" twice). */
function repeatedProblems(msg: string): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const m of msg.matchAll(/(\/[^\s:;]*): ([^;(]+)/g)) {
    const problem = `${m[1]}: ${m[2]!.trim()}`;
    if (seen.has(problem)) repeated.push(problem);
    seen.add(problem);
  }
  return repeated;
}

const verbOf = (line: string): string => Object.keys(JSON.parse(line) as object)[0] ?? '';

/** The stdout contract, for any ending: whole lines, each a valid response, never inside a transaction. */
function checkStdout(t: Test, r: Result): void {
  if (r.raw !== '') t.ok(r.raw.endsWith('\n'), 'stdout ends with a newline: no partial line');
  for (const [i, line] of r.lines.entries()) {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      t.fail(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
      continue;
    }
    try {
      checkResponse(msg);
    } catch (e) {
      t.fail(`stdout line ${i + 1} is not a valid response: ${(e as Error).message}`);
    }
  }
  const lastCaptured = r.lines.findLastIndex((l) => l.startsWith('{"captured"'));
  const lastCheckpoint = r.lines.findLastIndex((l) => l.startsWith('{"checkpoint"'));
  t.ok(lastCaptured === -1 || lastCaptured < lastCheckpoint, 'no captured line after the last checkpoint');
}

/** stderr carries JSON log lines only, each with level and msg. */
function checkStderr(t: Test, r: Result): Record<string, unknown>[] {
  const recs: Record<string, unknown>[] = [];
  for (const line of r.stderr) {
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      if (typeof rec.level !== 'string' || typeof rec.msg !== 'string') t.fail(`stderr line without level/msg: ${line.slice(0, 200)}`);
      recs.push(rec);
    } catch {
      t.fail(`stderr line is not JSON: ${line.slice(0, 200)}`);
    }
  }
  return recs;
}

function checkNoSecret(t: Test, r: Result): void {
  t.same(leaks(r.raw), [], 'no part of the secret on stdout');
  t.same(leaks(r.stderr.join('\n')), [], 'no part of the secret on stderr');
}

t.test('the corpus', async (t) => {
  t.ok(BAD_INPUT.length >= 50, `at least 50 cases (${BAD_INPUT.length})`);
  t.equal(new Set(BAD_INPUT.map((c) => c.name)).size, BAD_INPUT.length, 'case names are unique');
  const started = Date.now();
  // The slow cases (retrying an unreachable endpoint) start first, so the rest overlap them.
  const slowFirst = [...BAD_INPUT.keys()].sort((a, b) => Number(isSlow(BAD_INPUT[b]!)) - Number(isSlow(BAD_INPUT[a]!)));
  const byOrder = await pool(slowFirst, CONCURRENCY, (i) => runProcess(BAD_INPUT[i]!.stdin(env)));
  const results: Result[] = [];
  slowFirst.forEach((caseIndex, k) => (results[caseIndex] = byOrder[k]!));
  t.comment(`${BAD_INPUT.length} processes in ${Date.now() - started} ms`);

  for (const [i, c] of BAD_INPUT.entries()) {
    const r = results[i]!;
    t.test(c.name, async (t) => {
      t.notOk(r.timedOut, 'exits by itself');
      t.equal(r.signal, null, 'exits, not killed');
      t.not(r.code, 0, 'nonzero exit code');
      checkStdout(t, r);
      checkStderr(t, r);
      const last = r.stderr[r.stderr.length - 1] ?? '';
      let rec: { level?: unknown; code?: unknown; msg?: unknown } = {};
      try {
        rec = JSON.parse(last) as typeof rec;
      } catch {
        t.fail(`the last stderr line is not JSON: ${last.slice(0, 300)}`);
      }
      t.equal(rec.level, 'error', 'the last stderr line is an error');
      t.equal(rec.code, c.code, 'with the stable code');
      t.match(rec.msg, c.problem, 'the message names the problem');
      if (c.fix) t.match(rec.msg, c.fix, 'and the fix');
      t.same(repeatedProblems(String(rec.msg)), [], 'each problem is stated once', c.knownIssue ? { todo: c.knownIssue } : {});
      t.same(
        r.lines.map(verbOf).filter((v) => v !== 'captured' && v !== 'checkpoint' && v !== 'sourcedSchema'),
        c.before ?? [],
        'the responses before the failure',
      );
      checkNoSecret(t, r);
    });
  }
});

t.test('EOF right after spec: exit 0 with exactly one response', async (t) => {
  const r = await runProcess([{ spec: { connectorType: 'IMAGE', config: {} } }]);
  t.equal(r.code, 0);
  t.equal(r.lines.length, 1);
  t.equal(verbOf(r.lines[0]!), 'spec');
  checkStdout(t, r);
  t.notOk(checkStderr(t, r).some((rec) => rec.level === 'error'), 'no error logged');
});

t.test('EOF with no request at all: exit 0, no output', async (t) => {
  const r = await runProcess([]);
  t.equal(r.code, 0);
  t.equal(r.raw, '');
});

/** Starts the process with stdin left open. */
function startOpen(requests: unknown[]): ConnectorProcess {
  const proc = startConnector(requests, { env: PROCESS_ENV });
  proc.child.stdin.on('error', () => undefined);
  return proc;
}

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

t.test('SIGTERM while waiting for the next request: exit 0 after the answers so far', async (t) => {
  const proc = startOpen([{ spec: {} }]);
  // Answered: the loop is now waiting on stdin (and the signal handlers are in place).
  await waitFor(() => proc.lines.length === 1, 'the spec response');
  await sleep(100);
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5_000);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  t.equal(signal, null, 'exited by itself (not killed after ignoring SIGTERM)');
  t.equal(code, 0);
  t.same(proc.lines.map(verbOf), ['spec']);
});

t.test('SIGTERM during an open capture: exit 0, the last stdout line a checkpoint', async (t) => {
  const proc = startOpen([open({ config: config(endpoint), bindings: [binding(env.table)] })]);
  await waitFor(() => proc.lines.some((l) => l.startsWith('{"captured"')), 'captured documents');
  // Keep writing while it stops, so the stream has records in flight.
  const writes = (async () => {
    for (let i = 0; i < 20; i++) await client.send(new PutItemCommand({ TableName: env.table, Item: { pk: { S: `live-${i}` }, n: { N: '1' } } }));
  })();
  await sleep(100);
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  await writes;
  const r: Result = { code, signal, raw: proc.raw(), lines: proc.lines, stderr: proc.stderr, timedOut: false };
  t.equal(signal, null, 'exited by itself');
  t.equal(code, 0, 'exit 0');
  t.equal(r.lines[0], '{"opened":{}}');
  t.match(r.lines[r.lines.length - 1], /^\{"checkpoint":\{"state":/, 'the last line is a checkpoint');
  checkStdout(t, r);
  const recs = checkStderr(t, r);
  t.ok(recs.some((rec) => rec.msg === 'stopping capture at the next checkpoint' && rec.reason === 'SIGTERM'), 'the stop is logged with its reason');
  t.notOk(recs.some((rec) => rec.level === 'error'), 'no error logged');
  checkNoSecret(t, r);
});

t.test('stdin closed after open (no acknowledgements): the capture goes on until SIGTERM', async (t) => {
  const proc = startConnector([open({ config: config(endpoint), bindings: [binding(env.table)] })], { env: PROCESS_ENV, closeStdin: true });
  await waitFor(() => proc.lines.some((l) => l.startsWith('{"checkpoint"')), 'a checkpoint');
  await sleep(300);
  t.equal(proc.child.exitCode, null, 'still running after EOF');
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  t.equal(code, 0);
  t.match(proc.lines[proc.lines.length - 1], /^\{"checkpoint":/);
});

t.test('LOG_LEVEL=debug: still no part of the secret in any output, failing or not', async (t) => {
  const debugEnv = { ...PROCESS_ENV, LOG_LEVEL: 'debug' };
  const runs: [string, unknown[]][] = [
    ['discover', [{ discover: { config: config(endpoint) } }]],
    ['validate', [{ validate: { name: 'acmeCo/dynamodb', config: config(endpoint), bindings: [{ resourceConfig: { table: env.table }, backfill: 0 }] } }]],
    ['bad auth_type', [{ discover: { config: config(endpoint, { credentials: { auth_type: 'AWSKey', aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: SECRET } }) } }]],
    ['missing table at open', [open({ config: config(endpoint), bindings: [binding('no_such_table')] })]],
  ];
  for (const [name, requests] of runs) {
    const proc = startConnector(requests, { env: debugEnv, closeStdin: true });
    proc.child.stdin.on('error', () => undefined);
    const { code, signal } = await proc.exited;
    const r: Result = { code, signal, raw: proc.raw(), lines: proc.lines, stderr: proc.stderr, timedOut: false };
    t.ok(r.stderr.some((l) => l.includes('"level":"debug"')), `${name}: debug lines were logged`);
    checkNoSecret(t, r);
  }
  // A capture, stopped.
  const proc = startConnector([open({ config: config(endpoint), bindings: [binding(env.table)] })], { env: debugEnv });
  proc.child.stdin.on('error', () => undefined);
  await waitFor(() => proc.lines.some((l) => l.startsWith('{"checkpoint"')), 'a checkpoint');
  proc.child.kill('SIGTERM');
  const { code, signal } = await proc.exited;
  t.equal(code, 0);
  checkNoSecret(t, { code, signal, raw: proc.raw(), lines: proc.lines, stderr: proc.stderr, timedOut: false });
});

/** NODE_OPTIONS that make the process fail outside any promise chain on SIGUSR2, as a bug would. */
const crashOnSignal = (how: 'throw' | 'reject'): string => {
  const body = how === 'throw' ? `throw new Error("boom ${SECRET}")` : `Promise.reject(new Error("boom ${SECRET}"))`;
  // Spaces would split NODE_OPTIONS: the data URL is percent-encoded.
  return `--import=data:text/javascript,${encodeURIComponent(`process.on("SIGUSR2", () => { ${body} })`)}`;
};

for (const how of ['throw', 'reject'] as const) {
  t.test(`a bug outside every promise chain (${how === 'throw' ? 'uncaught exception' : 'unhandled rejection'}) still ends with one JSON error line`, async (t) => {
    // The secret is registered by the discover, then the "bug" quotes it.
    const proc = startConnector([{ discover: { config: config(endpoint) } }], { env: { NODE_OPTIONS: crashOnSignal(how) } });
    proc.child.stdin.on('error', () => undefined);
    await waitFor(() => proc.lines.length === 1, 'the discovered response');
    proc.child.kill('SIGUSR2');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
    const { code, signal } = await proc.exited;
    clearTimeout(timer);
    const r: Result = { code, signal, raw: proc.raw(), lines: proc.lines, stderr: proc.stderr, timedOut: false };
    t.equal(signal, null);
    t.not(code, 0, 'nonzero exit');
    t.same(r.lines.map(verbOf), ['discovered'], 'the answer written before the crash is whole');
    checkStdout(t, r);
    checkStderr(t, r);
    const last = JSON.parse(r.stderr[r.stderr.length - 1] ?? '{}') as { level?: string; code?: string; msg?: string };
    t.equal(last.level, 'error');
    t.equal(last.code, 'INTERNAL');
    t.match(last.msg, /boom/);
    t.match(last.msg, /This is a bug in source-dynamodb/);
    checkNoSecret(t, r);
  });
}

t.test(
  'a line over the 128 MiB cap through the process: refused in seconds, after the answers before it',
  // Enable once the reader is linear: split2 re-splits its whole buffer per chunk, so reaching the
  // cap takes ~150 s; a reader scanning only new chunks does it in under a second.
  { todo: 'the reader is quadratic in the length of a line' },
  async (t) => {
    const started = Date.now();
    const proc = startOpen([{ spec: {} }]);
    proc.child.stdin.write('{"spec":{"config":{"x":"');
    proc.child.stdin.write(Buffer.alloc(130 * 1024 * 1024, 0x61));
    proc.child.stdin.end('"}}}\n');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
    const { code, signal } = await proc.exited;
    clearTimeout(timer);
    const r: Result = { code, signal, raw: proc.raw(), lines: proc.lines, stderr: proc.stderr, timedOut: false };
    t.not(code, 0);
    t.same(r.lines.map(verbOf), ['spec']);
    checkStdout(t, r);
    const last = JSON.parse(r.stderr[r.stderr.length - 1] ?? '{}') as { code?: string; msg?: string };
    t.equal(last.code, 'BAD_REQUEST');
    t.match(last.msg, /^request line 2 is longer than the limit of 134217728 characters/);
    t.ok(Date.now() - started < 5_000, `done in ${Date.now() - started} ms`);
  },
);
