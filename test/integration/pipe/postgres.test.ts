// End to end: DynamoDB Local → the pipe → materialize-postgres (dist/materialize-postgres/main.js,
// one process per RPC) → PGlite, and a PostgreSQL server when TEST_POSTGRES_URL is set. Puts,
// updates, REMOVEs and deletes race the backfill; once quiet, the documents in each table equal a
// Scan, and the scalar columns chosen from the connector's constraints hold exact numbers.
import t from 'tap';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LosslessNumber } from '../../../src/json/value.js';
import { canonicalText } from '../../../src/reduce/order.js';
import { createStreamTable, withDynamoDBLocal } from '../../fixtures/dynamodb-local.js';
import { postgresTargets } from '../../fixtures/postgres.js';
import { randomNumberText, rng, scanRows, type TableShape } from '../../fixtures/workload.js';
import { diffWithTable, pipeInto, prepareTables, quiet, shapes, storedDocuments, until, writeWhile } from './fixtures/pipe-workload.js';

const PRELOAD = 800;
const WRITES = 250;

/** A table whose attributes keep one type each, so discovery types them from a sample. */
const typed: TableShape = { table: 'typed', ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `t${i}` } }) };

async function typedWrites(client: DynamoDBClient, n: number, seed: number): Promise<void> {
  const r = rng(seed);
  for (let i = 0; i < n; i++) {
    await client.send(new PutItemCommand({ TableName: typed.table, Item: { pk: { S: `t${Math.floor(r() * 60)}` }, amount: { N: randomNumberText(r) }, label: { S: `l${i}` }, ok: { BOOL: r() < 0.5 } } }));
  }
}

for (const target of postgresTargets(t)) {
  t.test(`${target.name}: rows equal the tables after writes raced the backfill`, { skip: target.skip }, async (t) => {
    const pg = await target.start(t);
    const { endpoint, client } = await withDynamoDBLocal(t);
    const tables = shapes(`pg${pg.schema.slice(2, 6)}`);
    await prepareTables(client, tables, PRELOAD, 9);
    // A small RCU budget keeps the backfill going while the writes land.
    const pipe = pipeInto(endpoint, pg, {}, tables.map((s) => s.table), 5);
    await until(() => pipe.logs.some((l) => l.includes('"backfill starting"')), 'the backfill to start');
    let writing = true;
    const writes = await Promise.all(tables.map((shape, i) => writeWhile(client, shape, i === 0 ? PRELOAD + 80 : PRELOAD / 4 + 25, 70 + i, () => writing, WRITES)));
    writing = false;
    const backfilling = pipe.logs.filter((l) => l.includes('"backfill finished"')).length < 2;
    await quiet(() => pipe.logs.length, 2000);
    pipe.stop('test');
    const totals = await pipe.run;
    t.ok(backfilling, 'a backfill was still running when the writes ended');
    t.same(writes, [WRITES, WRITES]);
    t.ok(totals.deletes > 0 && totals.loaded > 0, `deletes (${totals.deletes}) and loads of stored rows (${totals.loaded})`);
    for (const shape of tables) {
      const problems = await diffWithTable(client, shape, await storedDocuments(pg, shape.table));
      t.same(problems.slice(0, 10), [], `${shape.table}: rows equal the table (${problems.length} differences)`);
    }
    const [cp] = await pg.query(`SELECT checkpoint::text AS cp FROM "${pg.schema}".flow_checkpoints_v1`);
    t.match(cp!.cp, `"readThrough": "${totals.transactions}"`, 'the endpoint committed the last transaction number');
  });

  t.test(`${target.name}: sampled types become columns with exact numbers`, { skip: target.skip }, async (t) => {
    const pg = await target.start(t);
    const { endpoint, client } = await withDynamoDBLocal(t);
    await createStreamTable(client, typed.table);
    await typedWrites(client, 40, 1);
    const pipe = pipeInto(endpoint, pg, { discoverSampleSize: 100 }, [typed.table]);
    await typedWrites(client, 80, 2);
    await quiet(() => pipe.logs.length, 2500);
    pipe.stop('test');
    await pipe.run;
    t.ok(pipe.logs.some((l) => l.includes('"values":["amount","label","ok"]')), 'the recommended scalars are selected');
    const problems = await diffWithTable(client, typed, await storedDocuments(pg, typed.table));
    t.same(problems.slice(0, 10), [], `documents equal the table (${problems.length} differences)`);
    const table = await scanRows(client, typed);
    const rows = await pg.query(`SELECT pk, amount::text AS amount, label, ok::text AS ok FROM "${pg.schema}".typed`);
    t.equal(rows.length, table.size);
    const wrong = rows.filter((r) => {
      const item = table.get(JSON.stringify([r.pk]))!;
      return canonicalText(new LosslessNumber(r.amount!)) !== canonicalText(item.amount!) || r.label !== item.label || r.ok !== String(item.ok);
    });
    t.same(wrong.slice(0, 5), [], 'NUMERIC, TEXT and BOOLEAN columns equal the items, numbers exactly');
  });
}
