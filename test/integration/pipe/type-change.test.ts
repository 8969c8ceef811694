// Attributes that change type after discover, end to end: DynamoDB Local → the pipe →
// materialize-postgres → PGlite (and a PostgreSQL server with TEST_POSTGRES_URL). Discover samples
// items whose attributes keep one type each, so their columns are typed; then writes give those
// attributes other types, and a random workload gives others many. The capture must keep running
// (the write schema promises nothing about non-key attributes), the pipe widens the columns it
// chose (JSONB, keeping stored values) and the rows still equal a Scan. Then the numbers option:
// with advanced.numbers "string", 38-digit numbers arrive as strings and load into NUMERIC exactly.
import t from 'tap';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseJson } from '../../../src/json/parse.js';
import { LosslessNumber, type JsonObject } from '../../../src/json/value.js';
import { canonicalText } from '../../../src/reduce/order.js';
import { createStreamTable, withDynamoDBLocal } from '../../fixtures/dynamodb-local.js';
import { postgresTargets, type TestPostgres } from '../../fixtures/postgres.js';
import { randomWrite, rng, scanRows, type TableShape } from '../../fixtures/workload.js';
import { diffWithTable, pipeInto, storedDocuments } from './fixtures/pipe-workload.js';

/** Polls a condition, as long as the pipe runs: a failed pipe fails the wait at once. */
async function until(what: string, cond: () => Promise<boolean>, run: Promise<unknown>): Promise<void> {
  let failed: unknown;
  run.catch((e: unknown) => (failed = e));
  for (;;) {
    if (failed) throw new Error(`the pipe failed while waiting for ${what}: ${(failed as Error).message}`);
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function columnTypes(pg: TestPostgres, table: string): Promise<Record<string, string>> {
  const rows = await pg.query(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = '${pg.schema}' AND table_name = '${table}'`);
  return Object.fromEntries(rows.map((r) => [r.name!, r.type!]));
}

const pipeFor = (endpoint: string, pg: TestPostgres, advanced: Record<string, unknown>, table: string) =>
  pipeInto(endpoint, pg, { discoverSampleSize: 100, scanLimit: 25, ...advanced }, [table]);

const drift: TableShape = { table: 'drift', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `d${i}` } }) };

/** Items whose attributes keep one type each: what discover samples. */
async function typedItems(client: DynamoDBClient, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await client.send(new PutItemCommand({ TableName: drift.table, Item: { pk: { S: `d${i}` }, amount: { N: `${i}.25` }, label: { S: `l${i}` }, ok: { BOOL: i % 2 === 0 } } }));
  }
}

const matches = async (client: DynamoDBClient, pg: TestPostgres, shape: TableShape, numbers?: 'string'): Promise<boolean> =>
  (await diffWithTable(client, shape, await storedDocuments(pg, shape.table), numbers)).length === 0;

for (const target of postgresTargets(t)) {
  t.test(`${target.name}: attributes change type after discover; the capture keeps running and rows equal a Scan`, { skip: target.skip }, async (t) => {
    const pg = await target.start(t);
    const { endpoint, client } = await withDynamoDBLocal(t);
    await createStreamTable(client, drift.table);
    await typedItems(client, 0, 40);
    const pipe = pipeFor(endpoint, pg, {}, drift.table);
    await until('the typed items', () => matches(client, pg, drift), pipe.run);
    t.match(await columnTypes(pg, drift.table), { amount: 'numeric', label: 'text', ok: 'boolean' }, 'sampled types chose the columns');

    // The same attributes with other types, on new keys and on stored ones, then a workload that
    // gives attributes (a0..a6, upd) every DynamoDB type.
    await client.send(new PutItemCommand({ TableName: drift.table, Item: { pk: { S: 'd3' }, amount: { S: 'a lot' }, label: { N: '12345678901234567890123456789012345678' }, ok: { M: { nested: { L: [{ NULL: true }] } } } } }));
    await client.send(new PutItemCommand({ TableName: drift.table, Item: { pk: { S: 'd100' }, amount: { SS: ['x', 'y'] }, label: { BOOL: false }, ok: { N: '1' } } }));
    const r = rng(12);
    for (let i = 0; i < 150; i++) await randomWrite(client, drift, 60, r);
    await until('rows equal to a Scan after the type changes', () => matches(client, pg, drift), pipe.run);
    pipe.stop('test');
    await pipe.run;

    t.ok(pipe.logs.some((l) => l.includes('widening them and restarting from the last commit')), 'the pipe widened columns');
    t.match(await columnTypes(pg, drift.table), { amount: 'jsonb', label: 'jsonb', ok: 'jsonb' }, 'the changed columns are JSONB now');
    const table = await scanRows(client, drift);
    const rows = await pg.query(`SELECT pk, amount::text AS amount, label::text AS label FROM "${pg.schema}".drift`);
    const wrong = rows.filter((row) => {
      const item = table.get(JSON.stringify([row.pk]))!;
      const want = (v: unknown) => (v === undefined ? null : canonicalText(v as JsonObject));
      const got = (v: string | null) => (v === null ? null : canonicalText(parseJson(v) as JsonObject));
      return got(row.amount ?? null) !== want(item.amount) || got(row.label ?? null) !== want(item.label);
    });
    t.same(wrong.slice(0, 5), [], 'the widened columns hold every value, old rows converted and new ones stored');
    t.notOk(pipe.logs.some((l) => l.includes('does not match the collection schema')), 'no document failed the write schema');
  });

  t.test(`${target.name}: numbers as strings survive the pipe exactly to 38 digits`, { skip: target.skip }, async (t) => {
    const pg = await target.start(t);
    const { endpoint, client } = await withDynamoDBLocal(t);
    const exact: TableShape = { table: 'exact', ks: { hash: { name: 'id', type: 'N' } }, key: (i) => ({ id: { N: `9007199254740993${i}` } }) };
    await createStreamTable(client, exact.table, { hashKey: 'id', hashKeyType: 'N' });
    const big = (i: number) => `${i % 2 ? '-' : ''}1234567890123456789012345678901234567${i % 10}`;
    const put = (i: number) =>
      client.send(new PutItemCommand({ TableName: exact.table, Item: { id: { N: `9007199254740993${i}` }, qty: { N: big(i) }, small: { N: `0.${i}1` }, nested: { M: { n: { N: big(i + 1) }, ns: { NS: [big(i), '1e-130'] } } } } }));
    for (let i = 0; i < 20; i++) await put(i);
    const pipe = pipeFor(endpoint, pg, { numbers: 'string' }, exact.table);
    for (let i = 20; i < 40; i++) await put(i);
    await until('rows equal to a Scan in string mode', () => matches(client, pg, exact, 'string'), pipe.run);
    pipe.stop('test');
    await pipe.run;

    t.match(await columnTypes(pg, exact.table), { qty: 'numeric', small: 'numeric' }, 'numeric strings became NUMERIC columns');
    const docs = await storedDocuments(pg, exact.table);
    t.ok(docs.every((d) => typeof d.qty === 'string' && typeof (d.nested as JsonObject).n === 'string'), 'every number in the documents is a string');
    const table = await scanRows(client, exact);
    const rows = await pg.query(`SELECT id::text AS id, qty::text AS qty FROM "${pg.schema}".exact`);
    t.equal(rows.length, 40);
    const wrong = rows.filter((row) => canonicalText(new LosslessNumber(row.qty!)) !== canonicalText(table.get(JSON.stringify([row.id]))!.qty!));
    t.same(wrong.slice(0, 5), [], 'NUMERIC holds all 38 digits of every value');
  });
}
