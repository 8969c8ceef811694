// SQL generation: identifiers, column types, DDL and the batched statements.
import t from 'tap';
import { canHold, canWiden, columnTypeOf, isScalar } from '../../../src/materialize-postgres/column-types.js';
import { addColumnSql, createCheckpointsSql, createTableSql, dropNotNullSql, widenColumnSql } from '../../../src/materialize-postgres/ddl.js';
import { deleteSql, insertSql, loadSql, upsertSql } from '../../../src/materialize-postgres/dml.js';
import { identifierProblem, qualified, quoteIdent } from '../../../src/materialize-postgres/identifiers.js';
import { tableShapeOf } from '../../../src/materialize-postgres/table-shape.js';
import { ordersBinding } from '../../fixtures/postgres.js';

const p = (types: string[], format?: string, ptr = '/x') => ({ ptr, field: 'x', inference: { types, ...(format ? { string: { format } } : {}) } });

t.test('identifiers are quoted, doubled quotes inside; long or NUL names refused', async (t) => {
  t.equal(quoteIdent('orders'), '"orders"');
  t.equal(quoteIdent('Order "ID"'), '"Order ""ID"""');
  t.equal(quoteIdent('_meta/op'), '"_meta/op"');
  t.equal(qualified('my schema', 'a.b'), '"my schema"."a.b"');
  t.equal(identifierProblem('x'.repeat(63)), undefined);
  t.match(identifierProblem('x'.repeat(64)), /64 bytes long; PostgreSQL names hold at most 63 bytes/);
  t.match(identifierProblem('é'.repeat(32)), /64 bytes/, 'bytes, not characters');
  t.match(identifierProblem('a\u0000b'), /NUL/);
  t.match(identifierProblem(''), /empty/);
});

t.test('column types from inferred types', async (t) => {
  const cases: [ReturnType<typeof p>, string][] = [
    [p(['string']), 'TEXT'],
    [p(['string', 'null']), 'TEXT'],
    [p(['string'], 'number'), 'NUMERIC'],
    [p(['string'], 'integer'), 'NUMERIC'],
    [p(['integer', 'string'], 'integer'), 'NUMERIC'],
    [p(['string'], 'date-time'), 'TEXT'],
    [p(['integer']), 'NUMERIC'],
    [p(['number', 'null']), 'NUMERIC'],
    [p(['integer', 'number']), 'NUMERIC'],
    [p(['boolean']), 'BOOLEAN'],
    [p(['object']), 'JSONB'],
    [p(['array']), 'JSONB'],
    [p(['string', 'integer']), 'JSONB'],
    [p(['string', 'boolean'], 'number'), 'JSONB'],
    [p([]), 'JSONB'],
    [p(['null']), 'JSONB'],
    [p(['object'], undefined, ''), 'JSONB'],
  ];
  for (const [proj, want] of cases) t.equal(columnTypeOf(proj), want, JSON.stringify(proj.inference));
  t.ok(isScalar(p(['string'], 'number')));
  t.ok(isScalar(p(['boolean', 'null'])));
  t.notOk(isScalar(p(['string', 'integer'])), 'several types are JSONB, not a scalar column');
  t.notOk(isScalar(p(['object'])));
  t.notOk(isScalar(p([])));
});

t.test('which existing columns can take which values', async (t) => {
  t.ok(canHold('jsonb', 'TEXT'));
  t.ok(canHold('json', 'NUMERIC'));
  t.ok(canHold('character varying(20)', 'TEXT'));
  t.ok(canHold('numeric(38,0)', 'NUMERIC'));
  t.ok(canHold('bigint', 'NUMERIC'));
  t.ok(canHold('boolean', 'BOOLEAN'));
  t.notOk(canHold('text', 'NUMERIC'));
  t.notOk(canHold('numeric', 'JSONB'));
  t.notOk(canHold('timestamp with time zone', 'TEXT'));
});

t.test('CREATE TABLE: keys first and primary; values nullable; document NOT NULL; delta has no key', async (t) => {
  const shape = tableShapeOf(ordersBinding('orders', { values: ['name', 'qty', 'tags', '_meta/op'] }) as never, 0, 'public');
  t.equal(
    createTableSql(shape),
    [
      'CREATE TABLE IF NOT EXISTS "public"."orders" (',
      '  "id" NUMERIC NOT NULL,',
      '  "name" TEXT,',
      '  "qty" NUMERIC,',
      '  "tags" JSONB,',
      '  "_meta/op" TEXT,',
      '  "flow_document" JSONB NOT NULL,',
      '  PRIMARY KEY ("id")',
      ')',
    ].join('\n'),
  );
  const delta = tableShapeOf(ordersBinding('log', { delta: true, values: ['name'], document: false }) as never, 1, 's');
  t.equal(delta.document, undefined);
  t.equal(createTableSql(delta), 'CREATE TABLE IF NOT EXISTS "s"."log" (\n  "id" NUMERIC,\n  "name" TEXT\n)');
  t.equal(addColumnSql(shape, { name: 'price', type: 'NUMERIC', role: 'value' }), 'ALTER TABLE "public"."orders" ADD COLUMN IF NOT EXISTS "price" NUMERIC');
  t.equal(dropNotNullSql(shape, 'old'), 'ALTER TABLE "public"."orders" ALTER COLUMN "old" DROP NOT NULL');
  t.match(createCheckpointsSql('s'), /^CREATE TABLE IF NOT EXISTS "s"\."flow_checkpoints_v1" \(/);
  t.match(createCheckpointsSql('s'), /PRIMARY KEY \(materialization, key_begin, key_end\)/);
});

t.test('field selections that cannot make a table', async (t) => {
  const b = ordersBinding('orders') as never as { fieldSelection: Record<string, unknown> };
  const bad = (sel: Record<string, unknown>, delta = false) => () => tableShapeOf({ ...b, fieldSelection: { ...b.fieldSelection, ...sel }, deltaUpdates: delta } as never, 2, 'public');
  t.throws(bad({ values: ['nope'] }), { code: 'BAD_REQUEST', message: /binding 2 \(table "orders"\): fieldSelection names "nope", which is not a projection of collection acmeCo\/orders/ });
  t.throws(bad({ keys: [] }), { code: 'BAD_REQUEST', message: /fieldSelection.keys is empty/ });
  t.throws(bad({ document: '' }), { code: 'BAD_REQUEST', message: /standard \(not delta-updates\) binding needs the document/ });
  t.doesNotThrow(bad({ document: '' }, true), 'delta updates may leave the document out');
  t.throws(bad({ values: ['name', 'name'] }), { code: 'BAD_REQUEST', message: /field "name" is selected twice/ });
});

t.test('batched statements unnest one array per column, cast to the column types', async (t) => {
  const keys = [
    { name: 'pk', sqlType: 'text' },
    { name: 'sk', sqlType: 'numeric' },
  ];
  const rest = [
    { name: 'v"1', sqlType: 'character varying(20)' },
    { name: 'flow_document', sqlType: 'jsonb' },
  ];
  t.equal(
    loadSql('s', 't', keys, 'flow_document'),
    'SELECT r."flow_document"::text AS doc FROM "s"."t" AS r JOIN unnest($1::text[], $2::numeric[]) AS k(c0, c1) ON r."pk" = k.c0 AND r."sk" = k.c1',
  );
  t.equal(
    upsertSql('s', 't', keys, rest),
    'INSERT INTO "s"."t" ("pk", "sk", "v""1", "flow_document") SELECT * FROM unnest($1::text[], $2::numeric[], $3::character varying(20)[], $4::jsonb[]) ' +
      'ON CONFLICT ("pk", "sk") DO UPDATE SET "v""1" = EXCLUDED."v""1", "flow_document" = EXCLUDED."flow_document"',
  );
  t.equal(upsertSql('s', 't', keys, []), 'INSERT INTO "s"."t" ("pk", "sk") SELECT * FROM unnest($1::text[], $2::numeric[]) ON CONFLICT ("pk", "sk") DO NOTHING');
  t.equal(insertSql('s', 't', [...keys, rest[0]!]), 'INSERT INTO "s"."t" ("pk", "sk", "v""1") SELECT * FROM unnest($1::text[], $2::numeric[], $3::character varying(20)[])');
  t.equal(deleteSql('s', 't', keys), 'DELETE FROM "s"."t" AS r USING unnest($1::text[], $2::numeric[]) AS k(c0, c1) WHERE r."pk" = k.c0 AND r."sk" = k.c1');
});

t.test('widening: scalar columns to JSONB, NUMERIC and BOOLEAN to TEXT, converting stored values; nothing narrows', async (t) => {
  t.ok(canWiden('text', 'JSONB'));
  t.ok(canWiden('numeric', 'JSONB'));
  t.ok(canWiden('boolean', 'JSONB'));
  t.ok(canWiden('numeric', 'TEXT'));
  t.ok(canWiden('boolean', 'TEXT'));
  t.notOk(canWiden('text', 'NUMERIC'));
  t.notOk(canWiden('jsonb', 'TEXT'));
  t.notOk(canWiden('numeric', 'BOOLEAN'));
  const shape = tableShapeOf(ordersBinding('orders') as never, 0, 'public');
  t.equal(widenColumnSql(shape, 'qty', 'JSONB'), 'ALTER TABLE "public"."orders" ALTER COLUMN "qty" TYPE JSONB USING to_jsonb("qty")');
  t.equal(widenColumnSql(shape, 'qty', 'TEXT'), 'ALTER TABLE "public"."orders" ALTER COLUMN "qty" TYPE TEXT USING "qty"::TEXT');
});
