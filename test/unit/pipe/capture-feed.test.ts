// The capture feed: documents wait for their checkpoint, same-key documents combine, state patches
// apply, take() hands over up to the last checkpoint, reading pauses over budget once closable,
// and output that ends inside a checkpoint is an error.
import t from 'tap';
import { PassThrough } from 'node:stream';
import split2 from 'split2';
import { stringify } from '../../../src/json/stringify.js';
import type { Json } from '../../../src/json/value.js';
import { SchemaIndex } from '../../../src/reduce/schema-index.js';
import { CaptureFeed } from '../../../src/pipe/capture-feed.js';
import { c, SCHEMA, u } from './fixtures/fake-capture.js';

const bindings = [{ schema: SchemaIndex.compile(SCHEMA), keyPointers: ['/id'] }];
const captured = (doc: Json): string => stringify({ captured: { binding: 0, doc } });
const checkpoint = (updated: Json): string => stringify({ checkpoint: { state: { updated, mergePatch: true } } });

function source(): { input: PassThrough; lines: AsyncIterable<string>; write(...ls: string[]): void } {
  const input = new PassThrough();
  return { input, lines: input.pipe(split2()) as AsyncIterable<string>, write: (...ls) => void input.write(ls.join('\n') + '\n') };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

t.test('documents wait for their checkpoint; same keys combine; state patches apply', async (t) => {
  const src = source();
  const feed = new CaptureFeed(bindings, { a: { x: 1 } }, { maxDocs: 100, maxBytes: 1 << 20 });
  const done = feed.consume(src.lines);
  src.write('{"opened":{}}', captured(c('k1', 1)), captured(c('k2', 2)));
  await tick();
  t.notOk(feed.ready, 'no checkpoint yet');
  t.equal(feed.take(), undefined);
  src.write(checkpoint({ a: { y: 2 } }), captured(u('k1', 10, 1)), checkpoint({ a: { x: null } }), captured(c('k3', 3)));
  await feed.whenReady();
  await tick();
  const txn = feed.take()!;
  t.same(txn.state, { a: { y: 2 } }, 'both merge patches applied');
  t.equal(txn.checkpoints, 2);
  t.equal(txn.documents, 3);
  const docs = [...txn.combiners.get(0)!.drainSync()].map((d) => stringify(d.doc));
  t.same(docs, ['{"_meta":{"op":"u","before":{"id":"k1","v":1}},"id":"k1","v":10}', '{"_meta":{"op":"c"},"id":"k2","v":2}'], 'k1 combined; k3 waits for its checkpoint');
  t.same(feed.openedBody, {});
  src.write(checkpoint({ b: 1 }));
  src.input.end();
  await done;
  const last = feed.take()!;
  t.same(last.state, { a: { y: 2 }, b: 1 });
  t.same([...last.combiners.get(0)!.drainSync()].map((d) => d.key), [['k3']]);
  t.ok(feed.isEnded);
});

t.test('over budget, reading pauses at a checkpoint until the transaction is taken', async (t) => {
  const src = source();
  const feed = new CaptureFeed(bindings, {}, { maxDocs: 2, maxBytes: 1 << 20 });
  void feed.consume(src.lines);
  src.write(captured(c('k1', 1)), captured(c('k2', 2)), captured(c('k3', 3)), checkpoint({ n: 1 }), captured(c('k4', 4)), checkpoint({ n: 2 }));
  await tick();
  t.ok(feed.full);
  t.same(feed.take()!.state, { n: 1 }, 'the rest is not read until this one is taken');
  await tick();
  t.same(feed.take()!.state, { n: 2 });
  src.input.end();
});

t.test('output that ends after documents with no checkpoint is an error; discard drops everything', async (t) => {
  const src = source();
  const feed = new CaptureFeed(bindings, {}, { maxDocs: 100, maxBytes: 1 << 20 });
  const done = feed.consume(src.lines);
  src.write(captured(c('k1', 1)));
  src.input.end();
  await t.rejects(done, { code: 'BAD_REQUEST', message: /after its last checkpoint/ });

  const src2 = source();
  const feed2 = new CaptureFeed(bindings, {}, { maxDocs: 1, maxBytes: 1 << 20 });
  const done2 = feed2.consume(src2.lines);
  src2.write(captured(c('k1', 1)), checkpoint({}), captured(c('k2', 1)), checkpoint({}));
  await tick();
  feed2.discard();
  src2.write(captured(c('k3', 1)), '{"not":"a capture response"}');
  src2.input.end();
  await done2;
  t.pass('a discarding feed reads to the end without failing');
});

t.test('bad lines', async (t) => {
  for (const [line, message] of [
    ['{"captured":{"binding":3,"doc":{}}}', /binding 3/],
    ['{"captured":{"binding":0,"doc":[1]}}', /not a JSON object/],
    ['{"checkpoint":{}}', /without state/],
    ['{"spec":{}}', /unexpected spec/],
  ] as const) {
    const src = source();
    const done = new CaptureFeed(bindings, {}, { maxDocs: 100, maxBytes: 1 << 20 }).consume(src.lines);
    src.write(line);
    src.input.end();
    await t.rejects(done, { code: 'BAD_REQUEST', message }, line);
  }
});
