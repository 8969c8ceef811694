import t from 'tap';
import { Combiner } from '../../../src/reduce/combiner.js';
import { parseJson } from '../../../src/json/parse.js';
import { stringify } from '../../../src/json/stringify.js';
import type { JsonObject } from '../../../src/json/value.js';
import { combine, drainAll, texts } from './fixtures/combine.js';

const doc = (text: string): JsonObject => parseJson(text) as JsonObject;
const mergeSum = { reduce: { strategy: 'merge' }, properties: { n: { reduce: { strategy: 'sum' } } } };

t.test('one document per key, in key order: Flow order, numbers by exact value, strings by code point', async (t) => {
  const docs = ['{"k":"b","n":1}', '{"k":10,"n":1}', '{"k":"a","n":1}', '{"k":9,"n":1}', '{"k":1e1,"n":1}', '{"k":10.000,"n":1}', '{"k":null,"n":1}',
    '{"k":true,"n":1}', '{"k":"\\uff61","n":1}', '{"k":"\\ud83d\\ude00","n":1}', '{"k":[1],"n":1}', '{"k":{"a":1},"n":1}', '{"k":"b","n":2}'].map(doc);
  const out = await combine({ schema: mergeSum, keyPointers: ['/k'], mode: 'partial' }, docs);
  t.same(out.map((d) => stringify(d.key[0]!)), ['null', 'true', '9', '10', '"a"', '"b"', '"\uff61"', '"\ud83d\ude00"', '[1]', '{"a":1}']);
  t.same(out.map((d) => stringify(d.doc)), [
    '{"k":null,"n":1}', '{"k":true,"n":1}', '{"k":9,"n":1}', '{"k":10.000,"n":3}', '{"k":"a","n":1}', '{"k":"b","n":3}',
    '{"k":"\uff61","n":1}', '{"k":"\ud83d\ude00","n":1}', '{"k":[1],"n":1}', '{"k":{"a":1},"n":1}',
  ]);
});

t.test('composite keys past 2^53 stay apart; spellings of one number are one key', async (t) => {
  const docs = ['{"a":"x","b":"9007199254740993","n":1}', '{"a":"x","b":"9007199254740992","n":1}', '{"a":"x","b":9007199254740993,"n":1}', '{"a":"x","b":9007199254740993.0,"n":1}'].map(doc);
  const out = await combine({ schema: mergeSum, keyPointers: ['/a', '/b'], mode: 'partial' }, docs);
  t.same(out.map((d) => stringify(d.doc)), ['{"a":"x","b":9007199254740993.0,"n":2}', '{"a":"x","b":"9007199254740992","n":1}', '{"a":"x","b":"9007199254740993","n":1}']);
});

t.test('1,000 updates of one key in one transaction give one document', async (t) => {
  const c = new Combiner({ schema: mergeSum, keyPointers: ['/k'], mode: 'partial' });
  for (let i = 0; i < 1000; i++) c.add({ k: 'only', n: 1, last: i });
  t.same(c.stats.keys, 1);
  const out = [...c.drainSync()];
  t.same(out.map((d) => stringify(d.doc)), ['{"k":"only","n":1000,"last":999}']);
  t.match(c.stats, { docsIn: 1000, docsOut: 1, keys: 0, bytes: 0, spilledRuns: 0 });
});

t.test('where a partial reduction is not associative the documents stay apart; full mode reduces them', async (t) => {
  const schema = { reduce: { strategy: 'merge' }, properties: { v: { reduce: { strategy: 'merge' } }, w: { reduce: { strategy: 'lastWriteWins', associative: false } } } };
  const docs = ['{"k":1,"v":{"a":1}}', '{"k":1,"v":[1]}', '{"k":1,"v":[2],"x":1}', '{"k":1,"w":1}', '{"k":1,"w":2}', '{"k":2,"w":2}'].map(doc);
  const partial = await combine({ schema, keyPointers: ['/k'], mode: 'partial' }, docs); // arrays merge by index
  t.same(partial.map((d) => stringify(d.doc)), ['{"k":1,"v":{"a":1}}', '{"k":1,"v":[2],"x":1,"w":1}', '{"k":1,"w":2}', '{"k":2,"w":2}']);
  const full = await combine({ schema, keyPointers: ['/k'], mode: 'full' }, docs);
  t.same(full.map((d) => stringify(d.doc)), ['{"k":1,"v":[2],"x":1,"w":2}', '{"k":2,"w":2}']);
  const again = await combine({ schema, keyPointers: ['/k'], mode: 'full' }, partial.map((d) => d.doc));
  t.same(texts(again), texts(full), 'full reduction of the partial output is the same');
});

t.test('a front document goes before the key\'s others, whenever it is added', async (t) => {
  const schema = { reduce: { strategy: 'merge' }, properties: { first: { reduce: { strategy: 'firstWriteWins' } }, n: { reduce: { strategy: 'sum' } } } };
  for (const mode of ['partial', 'full'] as const) {
    const c = new Combiner({ schema, keyPointers: ['/k'], mode });
    c.add(doc('{"k":1,"first":"new","n":1}'));
    c.add(doc('{"k":1,"n":2}'));
    c.add(doc('{"k":1,"first":"stored","n":10}'), { front: true });
    t.throws(() => c.add(doc('{"k":1}'), { front: true }), { code: 'INTERNAL' }, 'one front document per key');
    t.same([...c.drainSync()].map((d) => stringify(d.doc)), ['{"k":1,"first":"stored","n":13}'], mode);
  }
});

t.test('drain resets: the next transaction starts empty, and may be added to while a drain is read', async (t) => {
  const c = new Combiner({ schema: mergeSum, keyPointers: ['/k'], mode: 'partial' });
  c.add(doc('{"k":1,"n":1}'));
  t.ok(c.stats.bytes > 0, 'memory accounting counts held documents');
  const it = c.drain();
  c.add(doc('{"k":1,"n":5}'));
  const first: string[] = [];
  for await (const d of it) first.push(stringify(d.doc));
  t.same(first, ['{"k":1,"n":1}']);
  t.same((await drainAll(c)).map((d) => stringify(d.doc)), ['{"k":1,"n":5}']);
  t.same(await drainAll(c), [], 'an empty transaction drains nothing');
});

t.test('bad input: missing key, invalid document, bad key pointers', async (t) => {
  const c = new Combiner({ schema: { properties: { n: { type: 'integer' } } }, keyPointers: ['/k', '/j'], mode: 'partial' });
  t.throws(() => c.add(doc('{"k":1}')), { code: 'BAD_DOCUMENT', fields: { location: '/j' } });
  t.throws(() => c.add(doc('{"k":1,"j":2,"n":"x"}')), { code: 'BAD_DOCUMENT', fields: { location: '/n' } });
  t.throws(() => c.add([] as unknown as JsonObject), { code: 'BAD_DOCUMENT' });
  t.throws(() => new Combiner({ schema: {}, keyPointers: [], mode: 'full' }), { code: 'BAD_SCHEMA' });
  t.throws(() => new Combiner({ schema: {}, keyPointers: ['k'], mode: 'full' }), { code: 'BAD_SCHEMA' });
  t.throws(() => new Combiner({ schema: { reduce: { strategy: 'nope' } }, keyPointers: ['/k'], mode: 'full' }), { code: 'BAD_SCHEMA' });
});
