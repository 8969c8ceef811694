// The stdout writer: whole lines, one chunk per call, in call order; write() waits while the
// destination is over its high-water mark; once the destination fails every write fails.
import t from 'tap';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../../../src/errors.js';
import { Writer } from '../../../src/protocol/writer.js';

/** A destination that records each chunk it is handed; `delayMs` makes every write slow. */
function recorder(opts: { highWaterMark?: number; delayMs?: number } = {}) {
  const chunks: string[] = [];
  const out = new Writable({
    highWaterMark: opts.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      if (opts.delayMs === undefined) cb();
      else setTimeout(() => cb(), opts.delayMs);
    },
  });
  return { out, chunks };
}

t.test('each call writes its lines as one chunk, each line ending in a newline', async (t) => {
  const { out, chunks } = recorder();
  const w = new Writer(out);
  await w.write(['{"opened":{}}']);
  await w.write(['{"captured":{"binding":0,"doc":{"a":1}}}', '{"captured":{"binding":0,"doc":{"a":2}}}', '{"checkpoint":{"state":{"updated":{},"mergePatch":true}}}']);
  t.same(chunks, [
    '{"opened":{}}\n',
    '{"captured":{"binding":0,"doc":{"a":1}}}\n{"captured":{"binding":0,"doc":{"a":2}}}\n{"checkpoint":{"state":{"updated":{},"mergePatch":true}}}\n',
  ]);
  t.equal(w.count, 4, 'count is lines, not chunks');
});

t.test('an empty call writes nothing', async (t) => {
  const { out, chunks } = recorder();
  const w = new Writer(out);
  await w.write([]);
  await w.flush();
  t.same(chunks, []);
  t.equal(w.count, 0);
});

t.test('calls made without waiting land in call order', async (t) => {
  const { out, chunks } = recorder({ highWaterMark: 1, delayMs: 1 });
  const w = new Writer(out);
  const pending = Array.from({ length: 50 }, (_, i) => w.write([`{"n":${i}}`]));
  await Promise.all(pending);
  await w.flush();
  t.same(
    chunks,
    Array.from({ length: 50 }, (_, i) => `{"n":${i}}\n`),
  );
});

/** A destination that finishes each write only when the test calls release(). */
function gated(highWaterMark: number) {
  const chunks: string[] = [];
  const waiting: (() => void)[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      waiting.push(() => cb());
    },
  });
  return { out, chunks, release: () => waiting.shift()?.(), pending: () => waiting.length };
}

/** Lets queued promise callbacks and stream events run. */
const settle = () => sleep(5);

t.test('backpressure: write() waits until a slow destination drains', async (t) => {
  const { out, chunks, release } = gated(8);
  const w = new Writer(out);
  let firstDone = false;
  const first = w.write(['{"captured":{"binding":0,"doc":{"k":"0123456789"}}}']).then(() => (firstDone = true));
  await settle();
  t.equal(chunks.length, 1, 'the chunk was handed over at once');
  t.notOk(firstDone, 'but write() waits: the chunk is over the high-water mark and not yet drained');
  let secondDone = false;
  const second = w.write(['{"checkpoint":{}}']).then(() => (secondDone = true));
  await settle();
  t.equal(chunks.length, 1, 'a later write is queued behind the undrained one');
  release();
  await first;
  t.ok(firstDone, 'the first write resolves once the destination drained');
  await settle();
  t.equal(chunks.length, 2, 'then the queued one is handed over');
  t.notOk(secondDone, 'and waits in turn');
  release();
  await second;

  // Below the high-water mark a write resolves without waiting for the destination.
  const roomy = gated(1024);
  const w2 = new Writer(roomy.out);
  await w2.write(['{"opened":{}}']);
  t.equal(roomy.pending(), 1, 'a small write resolved while the destination still works on it');
  roomy.release();
});

t.test('a reader that stops reading blocks the writer; reading again releases it', async (t) => {
  const out = new PassThrough({ highWaterMark: 64 });
  const w = new Writer(out);
  let written = 0;
  const pump = (async () => {
    for (let i = 0; i < 20; i++) {
      await w.write([`{"captured":{"binding":0,"doc":{"i":${i},"pad":"${'x'.repeat(40)}"}}}`]);
      written++;
    }
  })();
  await sleep(30);
  t.ok(written < 20, `nobody reads: the writer stalls (${written} of 20 written)`);
  const got: string[] = [];
  out.on('data', (c: Buffer) => got.push(c.toString('utf8')));
  await pump;
  t.equal(written, 20);
  t.equal(got.join('').split('\n').filter(Boolean).length, 20);
});

t.test('after the destination fails, every write and flush fails with IO', async (t) => {
  const out = new Writable({
    write(_chunk, _enc, cb) {
      cb(new Error('EPIPE: broken pipe'));
    },
  });
  const w = new Writer(out);
  const err = await w.write(['{"opened":{}}']).then(
    () => undefined,
    (e: unknown) => e,
  );
  // The chunk was accepted before the failure was known; the failure shows on the next call.
  const failed = err ?? (await w.write(['{"checkpoint":{}}']).catch((e: unknown) => e));
  t.type(failed, ConnectorError);
  t.equal((failed as ConnectorError).code, 'IO');
  t.match((failed as ConnectorError).message, /writing to stdout failed \(EPIPE: broken pipe\)/);
  await t.rejects(w.write(['{"checkpoint":{}}']), { code: 'IO' }, 'a later write fails too');
  await t.rejects(w.flush(), { code: 'IO' }, 'flush reports the failure');
});

t.test('a destination destroyed while a write waits for drain fails that write', async (t) => {
  const out = new Writable({
    highWaterMark: 1,
    write(_chunk, _enc, _cb) {
      // never completes: the reader went away
    },
  });
  const w = new Writer(out);
  const pending = w.write(['{"opened":{}}']);
  await sleep(10);
  out.destroy();
  await t.rejects(pending, { code: 'IO', message: /stdout closed while output was pending/ });
  await t.rejects(w.write(['{"checkpoint":{}}']), { code: 'IO' });
});

t.test('a destination that emits error fails later writes with the reason', async (t) => {
  const out = new PassThrough();
  out.resume();
  const w = new Writer(out);
  await w.write(['{"opened":{}}']);
  out.destroy(new Error('reader went away'));
  await sleep(5);
  await t.rejects(w.write(['{"checkpoint":{}}']), { code: 'IO', message: /writing to stdout failed \(reader went away\); the reader of this connector's output went away/ });
});
