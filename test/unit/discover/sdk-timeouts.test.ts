// The SDK client's bounds, against loopback sockets only: a refused port and a server that
// accepts and never answers both fail fast, bounded by attempts and timeouts, as AWS_UNREACHABLE.
import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDBClient, SDK_CONNECT_TIMEOUT_MS, SDK_MAX_ATTEMPTS, SDK_REQUEST_TIMEOUT_MS } from '../../../src/aws/sdk-clients.js';
import { awsFailure } from '../../../src/discover/aws-failure.js';

const creds = { authType: 'AWSAccessKey' as const, accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret', legacy: false };
const ctx = (endpoint: string) => ({ operation: 'ListTables', permission: 'dynamodb:ListTables', endpoint, region: 'us-east-1' });

t.test('the bounds keep an unreachable endpoint to well under a minute', async (t) => {
  t.equal(SDK_MAX_ATTEMPTS, 3);
  t.ok(SDK_MAX_ATTEMPTS * SDK_CONNECT_TIMEOUT_MS <= 15_000);
  t.ok(SDK_MAX_ATTEMPTS * SDK_REQUEST_TIMEOUT_MS <= 30_000);
});

t.test('a hung endpoint times out per attempt and is AWS_UNREACHABLE', async (t) => {
  const sockets: Socket[] = [];
  let accepted = 0;
  const server = createServer((s) => {
    accepted++;
    sockets.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDynamoDBClient({ region: 'us-east-1', endpoint, credentials: creds }, { requestTimeoutMs: 200 });
  t.teardown(() => client.destroy());
  const started = Date.now();
  const err = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);
  const elapsed = Date.now() - started;
  t.ok(elapsed < 5_000, `${elapsed} ms`);
  t.equal(accepted, SDK_MAX_ATTEMPTS, 'every attempt connected and was retried');
  const e = awsFailure(err, ctx(endpoint));
  t.equal(e.code, 'AWS_UNREACHABLE');
  t.match(e.message, endpoint);
});
