// The request loop: requests answered in order, open last (only acknowledge after it), EOF and
// stop signals end it cleanly, and any failure while a capture runs ends the capture first.
import t from 'tap';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { dispatch, type Session, type VerbName, type Verbs } from '../../../src/protocol/dispatch.js';
import type { RequestLine } from '../../../src/protocol/reader.js';
import { Writer } from '../../../src/protocol/writer.js';

/** Requests fed by the test: push() a line, end() for EOF. */
function requestQueue() {
  const items: RequestLine[] = [];
  const waiters: ((r: IteratorResult<RequestLine>) => void)[] = [];
  let ended = false;
  let lineNo = 0;
  let pulls = 0;
  const iterable: AsyncIterable<RequestLine> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        pulls++;
        const item = items.shift();
        if (item) return Promise.resolve({ value: item, done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiters.push(resolve));
      },
    }),
  };
  return {
    iterable,
    push(value: unknown) {
      const item = { lineNo: ++lineNo, value };
      const w = waiters.shift();
      if (w) w({ value: item, done: false });
      else items.push(item);
    },
    end() {
      ended = true;
      for (const w of waiters.splice(0)) w({ value: undefined, done: true });
    },
    pulls: () => pulls,
  };
}

/** A session the test controls. */
function fakeSession() {
  const events: string[] = [];
  let finish!: () => void;
  let failWith!: (e: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = () => {
      events.push('done');
      resolve();
    };
    failWith = reject;
  });
  const session: Session = {
    acknowledge: (n) => events.push(`ack ${n}`),
    endOfInput: () => events.push('eof'),
    stop: (reason) => {
      events.push(`stop ${reason}`);
      // Ends at its next checkpoint boundary, a moment later.
      setTimeout(finish, 5);
    },
    done,
  };
  return { session, events, finish, fail: (e: unknown) => failWith(e) };
}

interface Harness {
  queue: ReturnType<typeof requestQueue>;
  out: string[];
  calls: string[];
  logs: string[];
  stop(reason: string): void;
  unregistered: () => boolean;
  run: Promise<void>;
}

/** Runs dispatch over a request queue with fake verbs; responses are collected from the writer. */
function harness(opts: { open?: () => Promise<Session>; unary?: (verb: VerbName, body: unknown) => Promise<Record<string, unknown>> } = {}): Harness {
  const queue = requestQueue();
  const stream = new PassThrough();
  const out: string[] = [];
  let buf = '';
  stream.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      out.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  const calls: string[] = [];
  const logs: string[] = [];
  let handler: ((reason: string) => void) | undefined;
  let unregistered = false;
  const verbs: Verbs = {
    async unary(verb, body) {
      calls.push(verb);
      if (opts.unary) return opts.unary(verb, body);
      return { [`${verb}Response`]: body };
    },
    async open() {
      calls.push('open');
      if (!opts.open) throw new Error('no session in this test');
      return opts.open();
    },
  };
  const run = dispatch(queue.iterable, {
    verbs,
    writer: new Writer(stream),
    log: createLogger((l) => logs.push(l), 'debug'),
    parse(value) {
      const [verb] = Object.keys(value as object) as [VerbName];
      return { verb, body: (value as Record<string, unknown>)[verb] };
    },
    serialize: (msg) => JSON.stringify(msg),
    onStop(h) {
      handler = h;
      return () => {
        unregistered = true;
      };
    },
  });
  return { queue, out, calls, logs, stop: (r) => handler?.(r), unregistered: () => unregistered, run };
}

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(e)}`);
  return e;
}

t.test('several requests in one process are answered in order, each once', async (t) => {
  // The first verb is the slowest: answers must still come back in request order.
  const delays: Record<string, number> = { spec: 30, discover: 10, validate: 0, apply: 5 };
  const h = harness({
    unary: async (verb, body) => {
      await sleep(delays[verb] ?? 0);
      return { [verb]: body };
    },
  });
  h.queue.push({ spec: { n: 1 } });
  h.queue.push({ discover: { n: 2 } });
  h.queue.push({ validate: { n: 3 } });
  h.queue.push({ apply: { n: 4 } });
  h.queue.push({ spec: { n: 5 } });
  h.queue.end();
  await h.run;
  t.same(h.calls, ['spec', 'discover', 'validate', 'apply', 'spec']);
  t.same(h.out, ['{"spec":{"n":1}}', '{"discover":{"n":2}}', '{"validate":{"n":3}}', '{"apply":{"n":4}}', '{"spec":{"n":5}}']);
  t.ok(h.unregistered(), 'the stop handler is unregistered at the end');
});

t.test('EOF before any request ends cleanly with no output', async (t) => {
  const h = harness();
  h.queue.end();
  await h.run;
  t.same(h.out, []);
  t.same(h.calls, []);
});

t.test('a request is read only after the previous one was answered', async (t) => {
  let release!: () => void;
  const h = harness({ unary: (verb) => new Promise((resolve) => (release = () => resolve({ [verb]: {} }))) });
  h.queue.push({ discover: {} });
  h.queue.push({ spec: {} });
  await sleep(5);
  t.equal(h.queue.pulls(), 1, 'the second line is not pulled while discover runs');
  release();
  await sleep(5);
  release();
  h.queue.end();
  await h.run;
  t.same(h.out, ['{"discover":{}}', '{"spec":{}}']);
});

t.test('acknowledge before open is BAD_REQUEST naming the line', async (t) => {
  const h = harness();
  h.queue.push({ spec: {} });
  h.queue.push({ acknowledge: { checkpoints: 1 } });
  const err = await rejection(h.run);
  t.equal(err.code, 'BAD_REQUEST');
  t.equal(err.message, 'request line 2: acknowledge received before open; acknowledgements only follow an open request');
  t.same(h.out, ['{"specResponse":{}}'], 'the request before it was answered');
  t.ok(h.unregistered());
});

for (const verb of ['spec', 'discover', 'validate', 'apply', 'open'] as const) {
  t.test(`${verb} after open is BAD_REQUEST, after the capture ended at a checkpoint`, async (t) => {
    const s = fakeSession();
    const h = harness({ open: async () => s.session });
    h.queue.push({ open: {} });
    h.queue.push({ [verb]: {} });
    const err = await rejection(h.run);
    t.equal(err.code, 'BAD_REQUEST');
    t.equal(err.message, `request line 2: ${verb} received after open; open must be the last request, followed only by acknowledge`);
    t.same(s.events, ['stop request loop failed', 'done'], 'the capture was stopped and had ended before the error surfaced');
    t.same(h.calls, ['open'], 'the verb was not run');
  });
}

t.test('acknowledgements after open reach the session in order; absent count is 0', async (t) => {
  const s = fakeSession();
  const h = harness({ open: async () => s.session });
  h.queue.push({ open: {} });
  h.queue.push({ acknowledge: { checkpoints: 1 } });
  h.queue.push({ acknowledge: { checkpoints: 3 } });
  h.queue.push({ acknowledge: {} });
  await sleep(10);
  t.same(s.events, ['ack 1', 'ack 3', 'ack 0']);
  h.queue.end();
  await sleep(10);
  t.same(s.events, ['ack 1', 'ack 3', 'ack 0', 'eof'], 'EOF after open is passed on');
  let finished = false;
  void h.run.then(() => (finished = true));
  await sleep(10);
  t.notOk(finished, 'EOF after open does not end the loop: the capture goes on until it ends');
  s.finish();
  await h.run;
});

t.test('acknowledgements are read while the capture runs, whatever else is blocked', async (t) => {
  const s = fakeSession();
  const h = harness({ open: async () => s.session });
  h.queue.push({ open: {} });
  await sleep(5);
  for (let i = 1; i <= 100; i++) h.queue.push({ acknowledge: { checkpoints: i } });
  await sleep(10);
  t.equal(s.events.length, 100, 'every acknowledge was delivered without the session doing anything');
  s.session.stop('test');
  await h.run;
});

t.test('a capture that ends by itself ends the loop, stdin still open', async (t) => {
  const s = fakeSession();
  const h = harness({ open: async () => s.session });
  h.queue.push({ open: {} });
  await sleep(5);
  s.finish();
  await h.run;
  t.ok(h.unregistered());
});

t.test('a capture that fails fails the loop with its error', async (t) => {
  const s = fakeSession();
  const h = harness({ open: async () => s.session });
  h.queue.push({ open: {} });
  await sleep(5);
  s.fail(new ConnectorError('AWS_NOT_FOUND', 'table gone'));
  const err = await rejection(h.run);
  t.equal(err.code, 'AWS_NOT_FOUND');
  t.ok(h.unregistered());
});

t.test('a failing verb or a bad request fails the loop; earlier answers stay whole', async (t) => {
  const h = harness({
    unary: async (verb) => {
      if (verb === 'discover') throw new ConnectorError('AWS_UNREACHABLE', 'cannot reach');
      return { [verb]: {} };
    },
  });
  h.queue.push({ spec: {} });
  h.queue.push({ discover: {} });
  h.queue.push({ spec: {} });
  const err = await rejection(h.run);
  t.equal(err.code, 'AWS_UNREACHABLE');
  t.same(h.out, ['{"spec":{}}'], 'nothing after the failure is read or answered');
});

t.test('stop signal while waiting for the first request ends the loop', async (t) => {
  const h = harness();
  await sleep(5);
  h.stop('SIGTERM');
  const outcome = await Promise.race([h.run.then(() => 'ended'), sleep(500).then(() => 'still waiting')]);
  t.equal(outcome, 'ended', 'an idle connector does not ignore SIGTERM');
  t.same(h.out, []);
  h.queue.end();
  await h.run;
});

t.test('stop signal while a request is answered: its answer is written, nothing more is read', async (t) => {
  let release!: () => void;
  const h = harness({ unary: (verb) => new Promise((resolve) => (release = () => resolve({ [verb]: {} }))) });
  h.queue.push({ discover: {} });
  h.queue.push({ spec: {} });
  await sleep(5);
  h.stop('SIGTERM');
  release();
  await h.run;
  t.same(h.out, ['{"discover":{}}']);
  t.same(h.calls, ['discover']);
});

t.test('stop signal while open is starting: the session is stopped as soon as it exists', async (t) => {
  const s = fakeSession();
  let release!: () => void;
  const h = harness({ open: () => new Promise((resolve) => (release = () => resolve(s.session))) });
  h.queue.push({ open: {} });
  await sleep(5);
  h.stop('SIGTERM');
  release();
  await h.run;
  t.same(s.events, ['stop signal received during open', 'done']);
});

t.test('stop signal while a capture runs is passed to the session; the loop ends when it does', async (t) => {
  const s = fakeSession();
  const h = harness({ open: async () => s.session });
  h.queue.push({ open: {} });
  await sleep(5);
  h.stop('SIGINT');
  await h.run;
  t.same(s.events, ['stop SIGINT', 'done']);
});
