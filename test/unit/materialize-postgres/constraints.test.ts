// validate's constraints per field, without a database.
import t from 'tap';
import { constraintsFor } from '../../../src/materialize-postgres/constraints.js';
import type { ExistingTable } from '../../../src/materialize-postgres/introspect.js';
import { ORDERS } from '../../fixtures/postgres.js';

const typesOf = (c: Record<string, { type: string }>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.type]));

t.test('standard binding', async (t) => {
  const c = constraintsFor(ORDERS, false);
  t.same(c.id, { type: 'FIELD_REQUIRED', reason: 'is a key' });
  t.equal(c.flow_document!.type, 'FIELD_REQUIRED');
  t.same(c.price, { type: 'LOCATION_RECOMMENDED', reason: 'a top-level scalar, as NUMERIC' });
  t.equal(c.tags!.type, 'FIELD_OPTIONAL');
  t.same(c['_meta/op'], { type: 'FIELD_OPTIONAL', reason: 'a nested location, as TEXT' });
  t.same(Object.keys(c), ORDERS.projections.map((p) => p.field), 'one constraint per projection');
});

t.test('several projections of one location: one key column, one document', async (t) => {
  const coll = {
    name: 'c',
    key: ['/a~1b', '/n/id'],
    projections: [
      { ptr: '/a~1b', field: 'a/b', inference: { types: ['string'] } },
      { ptr: '/a~1b', field: 'alias', explicit: true, inference: { types: ['string'] } },
      { ptr: '/n/id', field: 'n_id', explicit: true, inference: { types: ['integer'] } },
      { ptr: '', field: 'doc', inference: { types: ['object'] } },
      { ptr: '', field: 'flow_document', inference: { types: ['object'] } },
    ],
  };
  t.same(typesOf(constraintsFor(coll, false)), { 'a/b': 'FIELD_REQUIRED', alias: 'FIELD_OPTIONAL', n_id: 'FIELD_REQUIRED', doc: 'FIELD_FORBIDDEN', flow_document: 'FIELD_REQUIRED' });
  t.same(typesOf(constraintsFor(coll, true)), { 'a/b': 'FIELD_REQUIRED', alias: 'FIELD_OPTIONAL', n_id: 'FIELD_REQUIRED', doc: 'FIELD_OPTIONAL', flow_document: 'FIELD_OPTIONAL' });
});

t.test('names PostgreSQL cannot keep whole', async (t) => {
  const long = 'x'.repeat(64);
  const coll = {
    name: 'c',
    key: [`/${long}`],
    projections: [
      { ptr: `/${long}`, field: long, inference: { types: ['string'] } },
      { ptr: '/y', field: `y${long}`, inference: { types: ['string'] } },
    ],
  };
  const c = constraintsFor(coll, false);
  t.equal(c[long]!.type, 'INCOMPATIBLE', 'a key: the binding cannot be materialized until renamed');
  t.match(c[long]!.reason, /64 bytes long.*give this location a shorter projection name/);
  t.equal(c[`y${long}`]!.type, 'FIELD_FORBIDDEN');
});

t.test('an existing column that cannot take the field is incompatible', async (t) => {
  const existing: ExistingTable = new Map([
    ['id', { name: 'id', type: 'numeric', notNull: true, primaryKey: true }],
    ['name', { name: 'name', type: 'jsonb', notNull: false, primaryKey: false }],
    ['qty', { name: 'qty', type: 'text', notNull: false, primaryKey: false }],
    ['active', { name: 'active', type: 'numeric', notNull: false, primaryKey: false }],
  ]);
  const c = constraintsFor(ORDERS, false, existing);
  t.same(c.qty, { type: 'INCOMPATIBLE', reason: 'column "qty" is text but the field now needs NUMERIC; drop the column (or the table) to re-create it' }, 'text cannot narrow to NUMERIC');
  t.equal(c.active!.type, 'INCOMPATIBLE', 'numeric cannot become BOOLEAN');
  t.equal(c.name!.type, 'LOCATION_RECOMMENDED', 'a JSONB column takes anything');
});

t.test('an existing column that can widen to the field is not incompatible (apply widens it)', async (t) => {
  const existing: ExistingTable = new Map([
    ['id', { name: 'id', type: 'numeric', notNull: true, primaryKey: true }],
    ['name', { name: 'name', type: 'numeric', notNull: false, primaryKey: false }],
    ['qty', { name: 'qty', type: 'jsonb', notNull: false, primaryKey: false }],
    ['active', { name: 'active', type: 'boolean', notNull: false, primaryKey: false }],
  ]);
  const c = constraintsFor(ORDERS, false, existing);
  t.equal(c.name!.type, 'LOCATION_RECOMMENDED', 'numeric widens to TEXT');
  t.equal(c.qty!.type, 'LOCATION_RECOMMENDED', 'a JSONB column takes anything');
  t.equal(c.active!.type, 'LOCATION_RECOMMENDED');
  t.equal(c.id!.type, 'FIELD_REQUIRED');
});
