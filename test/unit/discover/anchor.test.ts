import t from 'tap';
import { ANCHOR_PATTERN, schemaAnchor } from '../../../src/discover/anchor.js';

t.test('valid anchors are kept, so schemas match Estuary for ordinary table names', async (t) => {
  for (const name of ['orders', 'Orders_v2', '_private', 'a.b-c', 'x']) t.equal(schemaAnchor(name), name);
});

t.test('names that are not anchors are sanitized deterministically', async (t) => {
  t.equal(schemaAnchor('1orders'), '_1orders');
  t.equal(schemaAnchor('-orders'), '_-orders');
  t.equal(schemaAnchor('.orders'), '_.orders');
  t.equal(schemaAnchor('my table/€'), 'my_table__');
  t.equal(schemaAnchor(''), '_');
  t.equal(schemaAnchor('2024.events'), schemaAnchor('2024.events'), 'same input, same anchor');
});

t.test('every sanitized anchor matches the anchor grammar', async (t) => {
  const names = ['0', '9lives', '-', '..', '...', 'a b', 'ü', '#x', '$ref', 'a'.repeat(255), '🙂table'];
  for (const n of names) t.match(schemaAnchor(n), ANCHOR_PATTERN, n);
});
