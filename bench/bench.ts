// `npm run bench`: the product against two baselines in one run, on one DynamoDB Local.
//   npm run bench                      100k items, 3 alternating rounds, stream latency over 1,000 writes
//   npm run bench -- --items 1000000 --memory   peak RSS of the product as the table grows to 1M items
//   npm run bench -- --smoke           a tiny run that only proves the bench works (CI)
// A benchmark, not a test: it prints numbers and ratios and asserts nothing.
import { DynamoDBClient, PutItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { startDynamoDBLocal } from '../src/local/dynamodb-local.js';
import { BENCH_CREDENTIALS, rawScan, sdkScan } from './baselines.js';
import { startProduct } from './product.js';
import { createBenchTable, loadItems } from './table.js';

/** Segments for every contender, as the issue fixes them. */
const SEGMENTS = 8;

const { values } = parseArgs({
  options: {
    items: { type: 'string' },
    rounds: { type: 'string' },
    writes: { type: 'string' },
    memory: { type: 'boolean' },
    smoke: { type: 'boolean' },
  },
});
const smoke = values.smoke === true;
const ITEMS = Number(values.items ?? (smoke ? 2_000 : 100_000));
const ROUNDS = Number(values.rounds ?? (smoke ? 1 : 3));
const WRITES = Number(values.writes ?? (smoke ? 50 : 1_000));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const say = (s: string): void => void process.stdout.write(s + '\n');

async function timed(fn: () => Promise<number>): Promise<{ items: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const items = await fn();
  return { items, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function productBackfill(endpoint: string, table: string, expected: number): Promise<{ items: number; seconds: number; rss: number }> {
  const run = startProduct(endpoint, table, SEGMENTS, expected);
  const r = await timed(() => run.backfilled);
  const rss = run.peakRssBytes();
  await run.stop();
  return { ...r, rss };
}

async function streamLatency(endpoint: string, client: DynamoDBClient, table: string, writes: number): Promise<number[]> {
  const run = startProduct(endpoint, table, SEGMENTS, 0);
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  run.onDocument((pk) => {
    const t0 = sent.get(pk);
    if (t0 === undefined) return;
    sent.delete(pk);
    latencies.push(Number(process.hrtime.bigint()) / 1e6 - t0);
    if (latencies.length === writes) resolveAll();
  });
  await new Promise((r) => setTimeout(r, 2_000));
  for (let i = 0; i < writes; i++) {
    const pk = `latency-${i}`;
    sent.set(pk, Number(process.hrtime.bigint()) / 1e6);
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, n: { N: String(i) } } }));
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
  await run.stop();
  return latencies;
}

async function main(): Promise<void> {
  say(`source-dynamodb bench: ${ITEMS} items, ${ROUNDS} round(s), ${SEGMENTS} segments; ${cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  const local = await startDynamoDBLocal();
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: BENCH_CREDENTIALS });
  try {
    const table = 'bench_items';
    // Loaded before the stream exists, so the backfill alone delivers these items.
    await createBenchTable(client, table, false);
    const t0 = Date.now();
    await loadItems(client, table, 0, ITEMS, (n) => process.stderr.write(`loaded ${n}\r`));
    say(`loaded ${ITEMS} items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));

    if (values.memory) {
      const r = await productBackfill(local.endpoint, table, ITEMS);
      say(`memory: product backfilled ${ITEMS} items at ${Math.round(r.items / r.seconds)} items/s, peak RSS ${(r.rss / 2 ** 20).toFixed(0)} MiB`);
      return;
    }

    const rates = { sdk: [] as number[], raw: [] as number[], product: [] as number[] };
    let rss = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const a = await timed(() => sdkScan(local.endpoint, table, SEGMENTS));
      const b = await timed(() => rawScan(local.endpoint, table, SEGMENTS));
      const c = await productBackfill(local.endpoint, table, ITEMS);
      for (const [name, r] of [['sdk', a], ['raw', b], ['product', c]] as const) {
        if (r.items !== ITEMS) throw new Error(`${name} saw ${r.items} items, expected ${ITEMS}`);
        rates[name].push(r.items / r.seconds);
      }
      rss = Math.max(rss, c.rss);
      say(`round ${round}: (a) SDK ${Math.round(a.items / a.seconds)}/s  (b) raw ${Math.round(b.items / b.seconds)}/s  (c) product ${Math.round(c.items / c.seconds)}/s`);
    }
    const [a, b, c] = [median(rates.sdk), median(rates.raw), median(rates.product)];
    say('');
    say('| contender | items/s (median) | product ratio |');
    say('|---|---|---|');
    say(`| (a) AWS SDK Scan + unmarshall + JSON.stringify | ${Math.round(a)} | ${(c / a).toFixed(2)}× |`);
    say(`| (b) raw HTTP Scan + JSON.parse (lower bound of work) | ${Math.round(b)} | ${(c / b).toFixed(2)}× |`);
    say(`| (c) product: full capture, documents on stdout | ${Math.round(c)} | — |`);
    say(`product peak RSS: ${(rss / 2 ** 20).toFixed(0)} MiB`);

    const lat = await streamLatency(local.endpoint, client, table, WRITES);
    if (lat.length < WRITES) say(`stream latency: only ${lat.length}/${WRITES} writes arrived within 30 s`);
    say(`stream latency over ${lat.length} writes: p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms`);
  } finally {
    client.destroy();
    await local.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
