// A document the write schema rejects is not combined and does not fail the capture: it leaves as
// it came, after the combined documents of its key, and the rejection is reported.
import t from 'tap';
import { Transaction } from '../../../src/capture/transaction.js';
import { SchemaIndex } from '../../../src/reduce/schema-index.js';

const schema = SchemaIndex.compile({
  type: 'object',
  reduce: { strategy: 'merge' },
  properties: { pk: { type: 'string' }, n: { type: 'number' } },
});

t.test('rejected documents leave uncombined, in order, and are reported', async (t) => {
  const rejected: unknown[] = [];
  const txn = new Transaction(new Map([[0, { keyPointers: ['/pk'], schema, keyIsTableKey: true, onRejected: (e: unknown) => rejected.push(e) }]]));
  txn.add(0, [{ key: 'a', text: '{"pk":"a","n":1}' }, { key: 'a', text: '{"pk":"a","n":2}' }], {});
  txn.add(0, [{ key: 'a', text: '{"pk":"a","n":"three"}' }, { key: 'a', text: '{"pk":"a","n":4}' }], {});
  txn.add(0, [{ key: 'b', text: '{"pk":"b","n":"x"}' }, { key: 'b', text: '{"pk":"b","n":5}' }], { done: true });
  const { lines } = txn.lines();
  const docs = lines.filter((l) => l.startsWith('{"captured"'));
  t.same(docs, [
    '{"captured":{"binding":0,"doc":{"pk":"a","n":2}}}',
    '{"captured":{"binding":0,"doc":{"pk":"a","n":"three"}}}',
    '{"captured":{"binding":0,"doc":{"pk":"a","n":4}}}',
    '{"captured":{"binding":0,"doc":{"pk":"b","n":"x"}}}',
    '{"captured":{"binding":0,"doc":{"pk":"b","n":5}}}',
  ]);
  t.ok(lines.at(-1)!.startsWith('{"checkpoint"'), 'the checkpoint follows the documents');
  t.ok(rejected.length >= 2, 'each rejection is reported');
});
