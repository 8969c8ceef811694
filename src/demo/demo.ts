// `npm run demo`: the whole connector on an embedded DynamoDB Local, no AWS account needed.
// Starts DynamoDB Local, creates a table with a stream, writes items, discovers it, then captures:
// the backfill and live changes (updates, a removed attribute, a delete) arrive as documents.
import '../warnings.js';
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDynamoDBLocal } from '../local/dynamodb-local.js';
import { createLogger, parseLevel } from '../log.js';
import { buildOpenRequest } from '../cli/capture.js';
import { run } from '../run.js';
import { runPipe } from '../pipe/run-pipe.js';
import { startEmbeddedPostgres } from '../materialize-postgres/embedded.js';
import pg from 'pg';
import { fileURLToPath } from 'node:url';

/** The materialization connector this repository ships, run as its own process by the pipe. */
const MATERIALIZE_POSTGRES = fileURLToPath(new URL('../materialize-postgres/main.js', import.meta.url));

/** How long the demo keeps capturing after its last write, to show the stream catching up. */
const SETTLE_MS = 3_000;
/** Time for the pipe to set up both connectors and finish the backfill before the live writes. */
const PIPE_WARMUP_MS = 8_000;
const TABLE = 'demo_orders';
const CREDENTIALS = { accessKeyId: 'demo', secretAccessKey: 'demo-secret' };

const log = createLogger((l) => process.stderr.write(l), parseLevel(process.env.LOG_LEVEL ?? 'warn'));
const say = (s: string): void => void process.stderr.write(`\n== ${s}\n`);

async function main(): Promise<void> {
  say('starting DynamoDB Local (downloaded once into .cache/)');
  const local = await startDynamoDBLocal();
  try {
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'customerId', AttributeType: 'S' },
          { AttributeName: 'orderId', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'customerId', KeyType: 'HASH' },
          { AttributeName: 'orderId', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    say(`created table ${TABLE} (stream NEW_AND_OLD_IMAGES) and wrote 5 orders`);
    for (let i = 1; i <= 5; i++) {
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            customerId: { S: `c-${i % 2}` },
            orderId: { N: String(9007199254740990 + i) },
            total: { N: '12345678901234567890.123456789' },
            status: { S: 'open' },
            coupon: { S: `X${i}` },
            lines: { L: [{ M: { sku: { S: 'A-1' }, qty: { N: '2' } } }] },
          },
        }),
      );
    }
    const config = { region: 'us-east-1', credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: CREDENTIALS.accessKeyId, aws_secret_access_key: CREDENTIALS.secretAccessKey }, advanced: { endpoint: local.endpoint, backfillSegments: 4 } };
    const request = await buildOpenRequest({ config, log, env: process.env }, {});
    const bindings = (request.open as { capture: { bindings: unknown[] } }).capture.bindings;
    say(`discover found ${bindings.length} binding(s):`);
    process.stdout.write(JSON.stringify(bindings, null, 2) + '\n');

    say('capturing: backfill documents, then live changes, each batch followed by its checkpoint');
    const input = new PassThrough();
    input.write(JSON.stringify(request) + '\n');
    let stop: ((reason: string) => void) | undefined;
    const output = new Writable({
      write(chunk: Buffer, _e, cb) {
        process.stdout.write(chunk, () => cb());
      },
    });
    const capture = run({ input, output, log, env: process.env, onStop: (h) => ((stop = h), () => undefined) });
    await sleep(1_500);
    say('live changes: ship an order (removes its coupon), add one, delete one');
    await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { customerId: { S: 'c-1' }, orderId: { N: '9007199254740991' } },
        UpdateExpression: 'SET #s = :s REMOVE coupon',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'shipped' } },
      }),
    );
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { customerId: { S: 'c-9' }, orderId: { N: '1' }, total: { N: '0.1' }, status: { S: 'open' } } }));
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { customerId: { S: 'c-0' }, orderId: { N: '9007199254740992' } } }));
    await sleep(SETTLE_MS);
    stop?.('demo finished');
    await capture;
    input.end();
    client.destroy();
    say('captured: numbers stayed exact (keys past 2^53, 30-digit totals), the removed coupon is an explicit null, the delete is op "d"');

    say('pipe: the same table into PostgreSQL (embedded PGlite, in-process), exactly once, while it changes');
    const postgres = await startEmbeddedPostgres('memory://');
    try {
      let stopPipe: ((reason: string) => void) | undefined;
      const piping = runPipe({
        captureConfig: config,
        tables: [TABLE],
        materialization: { command: [process.execPath, MATERIALIZE_POSTGRES], config: { connectionUri: postgres.url } },
        log,
        env: process.env,
        onStop: (h) => ((stopPipe = h), () => undefined),
      });
      await sleep(PIPE_WARMUP_MS);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { customerId: { S: 'c-7' }, orderId: { N: '77' }, total: { N: '99999999999999999999.99' }, status: { S: 'new' } } }));
      await client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { customerId: { S: 'c-9' }, orderId: { N: '1' } },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: 'paid' } },
        }),
      );
      await sleep(SETTLE_MS);
      stopPipe?.('demo finished');
      await piping;
      const db = new pg.Client({ connectionString: postgres.url });
      await db.connect();
      try {
        // Every value as the server's text: NUMERIC stays exact.
        const rows = await db.query({ text: `SELECT "customerId", "orderId"::text, total::text, status, coupon FROM ${TABLE} ORDER BY 1, 2`, rowMode: 'array' });
        say(`rows in PostgreSQL table ${TABLE}:`);
        process.stdout.write(['customerId | orderId | total | status | coupon', ...rows.rows.map((r: unknown[]) => r.map((v) => (v === null ? 'NULL' : String(v))).join(' | '))].join('\n') + '\n');
      } finally {
        await db.end();
      }
    } finally {
      await postgres.stop();
    }
    say('done');
  } finally {
    await local.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    log.error((e as Error).message, { stack: (e as Error).stack });
    process.exit(1);
  },
);
