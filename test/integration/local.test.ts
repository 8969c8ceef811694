// Proves the DynamoDB Local harness that every integration test stands on.

import t from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { startDynamoDBLocal } from '../../src/local/dynamodb-local.js';
import { createStreamTable, LOCAL_CREDENTIALS, LOCAL_REGION, localClient, withDynamoDBLocal } from '../fixtures/dynamodb-local.js';

/** Resolves with the error code of a TCP connect to the port (or 'connected'). */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** false once the process is gone or a zombie (an orphan waits for PID 1 to reap it). */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/** Bounded wait for a process to die; resolves with whether it did. */
async function diesWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Generous bound for a killed JVM to disappear; not a performance assertion. */
const DEATH_DEADLINE_MS = 20_000;

t.test('start, table with a stream, put and read back, stop closes the port', async (t) => {
  const local = await startDynamoDBLocal();
  t.teardown(() => local.stop());
  t.match(local.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(local.endpoint, `http://127.0.0.1:${local.port}`);
  t.ok(processAlive(local.pid), 'JVM running');

  const client = localClient(local.endpoint);
  const table = await createStreamTable(client, 'harness', { rangeKey: 'sk' });
  t.equal(table.TableStatus, 'ACTIVE');
  t.same(table.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  t.same(table.KeySchema, [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  t.ok(table.LatestStreamArn, 'table has a stream');

  const item = { pk: { S: 'a' }, sk: { S: '1' }, amount: { N: '12345678901234567890.123' }, tags: { SS: ['x', 'y'] } };
  await client.send(new PutItemCommand({ TableName: 'harness', Item: item }));
  const got = await client.send(new GetItemCommand({ TableName: 'harness', Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }));
  t.same(got.Item, item, 'item reads back exactly, numbers as text');

  const streams = new DynamoDBStreamsClient({ endpoint: local.endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } });
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: table.LatestStreamArn }));
  const shardId = StreamDescription?.Shards?.[0]?.ShardId;
  t.ok(shardId, 'stream has a shard');
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({ StreamArn: table.LatestStreamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
  t.equal(Records?.length, 1);
  t.equal(Records?.[0]?.eventName, 'INSERT');
  t.same(Records?.[0]?.dynamodb?.NewImage, item, 'stream record carries the new image');
  streams.destroy();
  client.destroy();

  await local.stop();
  t.notOk(processAlive(local.pid), 'JVM gone after stop');
  t.equal(await connectOutcome(local.port), 'ECONNREFUSED', 'port closed after stop');
  await local.stop(); // idempotent
});

t.test('fixture: one instance per t, tables with and without streams, a taken port is refused', async (t) => {
  const db = await withDynamoDBLocal(t);
  t.equal(await withDynamoDBLocal(t), db, 'same instance for the same t');
  t.same((await db.client.send(new ListTablesCommand({}))).TableNames, []);

  const numeric = await createStreamTable(db.client, 'numeric', { hashKey: 'id', hashKeyType: 'N', streamViewType: 'KEYS_ONLY' });
  t.same(numeric.AttributeDefinitions, [{ AttributeName: 'id', AttributeType: 'N' }]);
  t.equal(numeric.StreamSpecification?.StreamViewType, 'KEYS_ONLY');
  const plain = await createStreamTable(db.client, 'plain', { streamViewType: null });
  t.notOk(plain.LatestStreamArn, 'no stream when streamViewType is null');

  // Another instance asked for this instance's port must fail, not mistake this one for itself.
  const err = await startDynamoDBLocal({ port: db.local.port }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.match(err, { name: 'DynamoDBLocalError', code: 'PORT_IN_USE' });
  t.same((await db.client.send(new ListTablesCommand({}))).TableNames, ['numeric', 'plain'], 'first instance unharmed');
});

t.test('a port held by something else is refused with the JVM output', async (t) => {
  // Accept and drop connections, so the readiness probe gets nowhere and close() can finish.
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, resolve));
  t.teardown(() => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))));
  const port = (server.address() as { port: number }).port;
  await t.rejects(startDynamoDBLocal({ port }), { code: 'PORT_IN_USE', message: new RegExp(`port ${port}`) });
});

t.test('a missing java is named with how to install one', async (t) => {
  await t.rejects(startDynamoDBLocal({ java: '/nonexistent/bin/java' }), {
    name: 'DynamoDBLocalError',
    code: 'JAVA_MISSING',
    message: /openjdk-17-jre-headless/,
  });
});

t.test('a JVM that exits early is reported with its last stderr lines', async (t) => {
  const dir = t.testdir({ 'fake-java': '#!/bin/sh\necho "starting" \necho "boom: unsupported class file version" >&2\nexit 3\n' });
  const fakeJava = join(dir, 'fake-java');
  chmodSync(fakeJava, 0o755);
  await t.rejects(startDynamoDBLocal({ java: fakeJava }), {
    code: 'EXITED_EARLY',
    message: /exit code 3[\s\S]*boom: unsupported class file version/,
  });
});

t.test('the JVM dies with its parent, whether the parent exits or is killed', async (t) => {
  // A parent process that starts DynamoDB Local, prints the JVM's PID, then exits or hangs.
  const dir = t.testdir({
    'parent.mjs': [
      'const { startDynamoDBLocal } = await import(process.env.DYNAMODB_LOCAL_MODULE);',
      'const local = await startDynamoDBLocal();',
      'process.stdout.write(`${local.pid}\\n`);',
      "if (process.argv[2] === 'exit') process.exit(0);",
      'setInterval(() => {}, 1000);',
      '',
    ].join('\n'),
  });
  const env = { ...process.env, DYNAMODB_LOCAL_MODULE: new URL('../../src/local/dynamodb-local.ts', import.meta.url).href };
  for (const mode of ['exit', 'SIGKILL'] as const) {
    // execArgv carries tap's TypeScript loader, so the parent can import src/ directly.
    const parent = spawn(process.execPath, [...process.execArgv, join(dir, 'parent.mjs'), mode], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    t.teardown(() => {
      parent.kill('SIGKILL');
    });
    let out = '';
    parent.stdout.setEncoding('utf8');
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      parent.once('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`parent exited with ${code} before printing a PID`))));
    });
    t.ok(pid > 0, `${mode}: JVM started with PID ${pid}`);
    if (mode === 'SIGKILL') parent.kill('SIGKILL');
    t.ok(await diesWithin(pid, DEATH_DEADLINE_MS), `${mode}: JVM gone after its parent`);
  }
});
