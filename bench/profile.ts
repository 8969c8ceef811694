// `npx tsx bench/profile.ts [items]`: loads a table and runs one product backfill under
// `node --cpu-prof`, writing the profile into .cache/profiles/ (open it in Chrome DevTools).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDBLocal } from '../src/local/dynamodb-local.js';
import { BENCH_CREDENTIALS } from './baselines.js';
import { openRequest } from './product.js';
import { createBenchTable, loadItems } from './table.js';

const ITEMS = Number(process.argv[2] ?? 100_000);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const OUT = fileURLToPath(new URL('../.cache/profiles/', import.meta.url));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const local = await startDynamoDBLocal();
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: BENCH_CREDENTIALS });
  try {
    await createBenchTable(client, 'profiled', false);
    await loadItems(client, 'profiled', 0, ITEMS);
    await client.send(new UpdateTableCommand({ TableName: 'profiled', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${OUT}`, MAIN], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    let seen = 0;
    let buf = '';
    const t0 = Date.now();
    const marks: Record<string, number> = {};
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const l of parts) {
          if (l.startsWith('{"opened"')) marks.opened = Date.now() - t0;
          if (l.includes('"snapshot":true')) {
            if (seen === 0) marks.firstDocument = Date.now() - t0;
            if (++seen === ITEMS) resolve();
          }
        }
      });
      child.stdin.write(JSON.stringify(openRequest(local.endpoint, 'profiled', 8)) + '\n');
    });
    process.stdout.write(`${ITEMS} documents in ${Date.now() - t0} ms (opened at ${marks.opened} ms, first document at ${marks.firstDocument} ms); profile in ${OUT}\n`);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  } finally {
    client.destroy();
    await local.stop();
  }
}

void main();
