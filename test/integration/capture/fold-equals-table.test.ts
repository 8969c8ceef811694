// The capture's central promise: fold the committed documents by key and you get the table,
// whatever writes raced the backfill.
import t from 'tap';
import { documentSchema } from '../../../src/discover/document-schema.js';
import { withDynamoDBLocal, createStreamTable, enableStream } from '../../fixtures/dynamodb-local.js';
import { captureInProcess } from '../../fixtures/in-process-capture.js';
import { committedDocs, diffFoldWithTable, preload, randomWrite, rng, scanRows, waitQuiet, type TableShape } from '../../fixtures/workload.js';

const PRELOAD = 2000;
const WRITES = 600;

const shapes = (seed: number): TableShape[] => [
  { table: `s_${seed}`, ks: { hash: { name: 'pk', type: 'S' } }, key: (i) => ({ pk: { S: `key-${i}` } }) },
  {
    table: `nb_${seed}`,
    ks: { hash: { name: 'id', type: 'N' }, range: { name: 'rk', type: 'B' } },
    // Hash keys past 2^53 that collide as floats, and binary range keys.
    key: (i) => ({ id: { N: String(9007199254740992n + BigInt(i % 500)) }, rk: { B: Uint8Array.from([i % 7, 0xff]) } }),
  },
];

for (const seed of [1, 2, 3]) {
  t.test(`seed ${seed}: the fold of the output equals the table`, async (t) => {
    const { endpoint, client } = await withDynamoDBLocal(t);
    const r = rng(seed);
    const [s, nb] = shapes(seed);
    // Preload before the stream exists, so those items reach the output only through the backfill.
    await createStreamTable(client, s!.table, { streamViewType: null });
    await createStreamTable(client, nb!.table, { hashKey: 'id', hashKeyType: 'N', rangeKey: 'rk', rangeKeyType: 'B', streamViewType: null });
    await preload(client, s!, PRELOAD, r);
    await preload(client, nb!, PRELOAD / 4, r);
    for (const shape of [s!, nb!]) await enableStream(client, shape.table);
    // Small pages so the backfill is still running while the writes land.
    const cap = await captureInProcess(
      endpoint,
      [
        // A small RCU budget keeps the backfill running while the writes land.
        { binding: 0, stateKey: `${s!.table}.v1`, table: s!.table, rcuAllocation: 3, keyPointers: ['/pk'], writeSchema: documentSchema(s!.table, s!.ks) },
        { binding: 1, stateKey: `${nb!.table}.v1`, table: nb!.table, rcuAllocation: 1, keyPointers: ['/id', '/rk'], writeSchema: documentSchema(nb!.table, nb!.ks) },
      ],
      {},
      { scanLimit: 20, backfillSegments: 7, scanWorkers: 3 },
    );
    const writers = [s!, nb!].map(async (shape, w) => {
      const rw = rng(seed * 100 + w);
      for (let i = 0; i < WRITES / 2; i++) await randomWrite(client, shape, shape === s ? PRELOAD + 200 : PRELOAD / 4 + 50, rw);
    });
    await Promise.all(writers);
    await waitQuiet(() => cap.lines.length, 3000);
    await cap.stop();
    const finished = cap.logs.filter((l) => l.includes("backfill finished"));
    t.equal(finished.length, 2, "both backfills finished");
    console.error(finished.join(""));
    const sawSnapshot = cap.lines.some((l) => l.includes('"snapshot":true'));
    const sawStream = cap.lines.some((l) => l.includes('"eventId"'));
    t.ok(sawSnapshot && sawStream, 'both backfill and stream documents were emitted');
    for (const [binding, shape] of [s!, nb!].entries()) {
      const problems = diffFoldWithTable(committedDocs(cap.lines, binding), await scanRows(client, shape), shape.ks);
      t.same(problems.slice(0, 10), [], `${shape.table}: fold equals table (${problems.length} differences)`);
    }
  });
}
