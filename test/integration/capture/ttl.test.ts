// A delete made by DynamoDB's TTL reaches the output as a delete document that says so:
// `_meta.op: "d"` with `userIdentity {principalId: "dynamodb.amazonaws.com", type: "Service"}`,
// while a user's DeleteItem carries no userIdentity. DynamoDB Local deletes an expired item about
// a second after it expires.
import t from 'tap';
import { DeleteItemCommand, PutItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { documentSchema } from '../../../src/discover/document-schema.js';
import type { JsonObject } from '../../../src/json/value.js';
import { withDynamoDBLocal, createStreamTable } from '../../fixtures/dynamodb-local.js';
import { captureInProcess } from '../../fixtures/in-process-capture.js';
import { committedDocs, diffFoldWithTable, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

const shape: TableShape = { table: 'ttl_items', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `k${i}` } }) };
/** How long DynamoDB Local may take to delete an expired item (it takes about a second). */
const TTL_DEADLINE_MS = 30_000;

const TTL_SERVICE = { principalId: 'dynamodb.amazonaws.com', type: 'Service' };

t.test('TTL deletes are captured as deletes flagged with the TTL service identity', async (t) => {
  const { endpoint, client } = await withDynamoDBLocal(t);
  await createStreamTable(client, shape.table);
  await client.send(new UpdateTimeToLiveCommand({ TableName: shape.table, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));

  const cap = await captureInProcess(endpoint, [{ binding: 0, stateKey: 'ttl.v1', table: shape.table, writeSchema: documentSchema(shape.table, shape.ks) }]);
  t.teardown(() => cap.stop().catch(() => undefined));
  await waitFor(() => cap.logs.some((l) => l.includes('"backfill finished"')), 'the (empty) backfill finishes');

  const nowSec = Math.floor(Date.now() / 1000);
  const put = (pk: string, attrs: Record<string, { N: string } | { S: string }>): Promise<unknown> =>
    client.send(new PutItemCommand({ TableName: shape.table, Item: { pk: { S: pk }, v: { S: `value of ${pk}` }, ...attrs } }));
  // Expires a second from now: its insert is captured first, then its TTL delete.
  await put('soon', { expiresAt: { N: String(nowSec + 1) } });
  await waitFor(() => docsOf(cap.lines, 'soon').length >= 1, 'the insert of "soon" is captured');
  // Already expired when written.
  await put('past', { expiresAt: { N: String(nowSec - 3600) } });
  // Controls: a far expiry, no expiry, and a non-number expiry (TTL ignores it).
  await put('future', { expiresAt: { N: String(nowSec + 86_400) } });
  await put('never', {});
  await put('text', { expiresAt: { S: String(nowSec - 3600) } });
  // A user's delete, for contrast.
  await put('user', {});
  await client.send(new DeleteItemCommand({ TableName: shape.table, Key: { pk: { S: 'user' } } }));

  await waitFor(() => ['soon', 'past'].every((k) => docsOf(cap.lines, k).some((d) => (d._meta as JsonObject).op === 'd')), 'both TTL deletes are captured', TTL_DEADLINE_MS);
  await waitQuiet(() => cap.lines.length, 1500);
  await cap.stop();

  for (const key of ['soon', 'past']) {
    const docs = docsOf(cap.lines, key);
    const del = docs.at(-1)!;
    const meta = del._meta as JsonObject;
    t.equal(meta.op, 'd', `${key}: the last document is a delete`);
    t.strictSame(meta.userIdentity, TTL_SERVICE, `${key}: flagged as a TTL delete`);
    const before = meta.before as JsonObject;
    t.strictSame(Object.keys(before).sort(), ['expiresAt', 'pk', 'v'], `${key}: before holds the expired item`);
    t.strictSame([before.pk, before.v, String(before.expiresAt)], [key, `value of ${key}`, String(key === 'soon' ? nowSec + 1 : nowSec - 3600)], `${key}: its values, expiry included`);
    t.strictSame(
      Object.fromEntries(Object.entries(del).filter(([k]) => k !== '_meta')),
      { pk: key, v: null, expiresAt: null },
      `${key}: the key, and null for every other attribute`,
    );
  }
  const soon = docsOf(cap.lines, 'soon');
  t.equal(soon.length, 2, '"soon": its insert, then its delete');
  t.notOk('userIdentity' in (soon[0]!._meta as JsonObject), 'the insert carries no userIdentity');

  const userDocs = docsOf(cap.lines, 'user');
  const userDelete = userDocs.at(-1)!._meta as JsonObject;
  t.equal(userDelete.op, 'd', "the user's delete is a delete");
  t.notOk('userIdentity' in userDelete, "a user's delete carries no userIdentity");
  for (const key of ['future', 'never', 'text']) {
    t.notOk(docsOf(cap.lines, key).some((d) => (d._meta as JsonObject).op === 'd'), `${key}: not deleted`);
  }
  t.same(diffFoldWithTable(committedDocs(cap.lines), await scanRows(client, shape), shape.ks), [], 'fold equals table');
});

function docsOf(lines: readonly string[], pk: string): JsonObject[] {
  return committedDocs(lines)
    .map((d) => d.doc)
    .filter((d) => d.pk === pk);
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
