// Between two checkpoints a key leaves once: a thousand updates of one key that the stream hands
// over in one GetRecords batch reach stdout as one combined document.
import t from 'tap';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { documentSchema } from '../../../src/discover/document-schema.js';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { captureInProcess } from '../../fixtures/in-process-capture.js';
import { committedDocs, diffFoldWithTable, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

const UPDATES = 1000;

t.test('1,000 updates of one key in one transaction give one document', async (t) => {
  const { endpoint, client } = await withDynamoDBLocal(t);
  const shape: TableShape = { table: 'hot_key', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };
  await createStreamTable(client, shape.table);
  await client.send(new PutItemCommand({ TableName: shape.table, Item: { pk: { S: 'hot' }, n: { N: '0' }, gone: { S: 'x' } } }));
  for (let i = 1; i <= UPDATES; i++) {
    const expr = i === 500 ? 'SET n = :n REMOVE gone' : 'SET n = :n';
    await client.send(new UpdateItemCommand({ TableName: shape.table, Key: { pk: { S: 'hot' } }, UpdateExpression: expr, ExpressionAttributeValues: { ':n': { N: String(i) } } }));
  }
  // The stream holds all 1,001 records before the capture starts: its first GetRecords reads them.
  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: 'hot.v1', table: shape.table, writeSchema: documentSchema(shape.table, shape.ks) }]);
  await waitQuiet(() => cap.lines.length, 2000);
  await cap.stop();

  let sinceCheckpoint = 0;
  let most = 0;
  let docs = 0;
  for (const l of cap.lines) {
    if (l.startsWith('{"checkpoint"')) sinceCheckpoint = 0;
    else if (l.startsWith('{"captured"')) {
      docs++;
      most = Math.max(most, ++sinceCheckpoint);
    }
  }
  t.equal(most, 1, 'never two documents of the key between two checkpoints');
  t.ok(docs <= 3, `the key's ${UPDATES + 1} changes left as ${docs} document(s)`);
  const all = committedDocs(cap.lines).map((d) => d.doc as { n: unknown; gone?: unknown });
  t.equal(String(all.at(-1)!.n), String(UPDATES), 'the last document holds the last value');
  t.ok(all.some((d) => d.gone === null && Number(String(d.n)) >= 500), 'the combined document that covers the REMOVE carries gone: null');
  t.same(diffFoldWithTable(committedDocs(cap.lines), await scanRows(client, shape), shape.ks), [], 'fold equals table');
});
