import t from 'tap';
import { runCases } from './fixtures/cases.js';

t.test('objects merge deeply: L-only kept, R-only added, shared by their own strategy; null overwrites', async (t) => {
  runCases(t, {
    reduce: { strategy: 'merge' },
    properties: { m: { reduce: { strategy: 'merge' } }, n: { reduce: { strategy: 'sum' } } },
  }, [
    { rhs: '{"a":1,"m":{"x":1},"n":1}', expect: '{"a":1,"m":{"x":1},"n":1}' },
    { rhs: '{"b":2,"m":{"y":2},"n":2}', expect: '{"a":1,"b":2,"m":{"x":1,"y":2},"n":3}' },
    { rhs: '{"a":null,"m":{"x":null}}', expect: '{"a":null,"b":2,"m":{"x":null,"y":2},"n":3}' },
    { rhs: '{"a":{"deep":[1]}}', expect: '{"a":{"deep":[1]},"b":2,"m":{"x":null,"y":2},"n":3}' }, // a is lastWriteWins
    { rhs: '{}', expect: '{"a":{"deep":[1]},"b":2,"m":{"x":null,"y":2},"n":3}' },
  ]);
});

t.test('a property named __proto__ is an own property, not a prototype', async (t) => {
  runCases(t, { reduce: { strategy: 'merge' }, additionalProperties: { reduce: { strategy: 'merge' } } }, [
    { rhs: '{"__proto__":{"a":1}}', expect: '{"__proto__":{"a":1}}' },
    { rhs: '{"__proto__":{"b":2}}', expect: '{"__proto__":{"a":1,"b":2}}' },
  ]);
});

t.test('arrays without key merge index by index, extra items kept', async (t) => {
  runCases(t, { reduce: { strategy: 'merge' }, items: { reduce: { strategy: 'sum' } } }, [
    { rhs: '[1, 2]', expect: '[1, 2]' },
    { rhs: '[10]', expect: '[11, 2]' },
    { rhs: '[1, 1, 1]', expect: '[12, 3, 1]' },
    { rhs: '[]', expect: '[12, 3, 1]' },
  ]);
});

t.test('arrays with key: sorted merge-join on the key, items deep-merged', async (t) => {
  runCases(t, {
    reduce: { strategy: 'merge', key: ['/k'] },
    items: { reduce: { strategy: 'merge' }, properties: { n: { reduce: { strategy: 'sum' } } } },
  }, [
    { rhs: '[{"k":1,"n":1},{"k":3,"n":1}]', expect: '[{"k":1,"n":1},{"k":3,"n":1}]' },
    { rhs: '[{"k":2,"n":5},{"k":3,"n":2,"x":true}]', expect: '[{"k":1,"n":1},{"k":2,"n":5},{"k":3,"n":3,"x":true}]' },
    { rhs: '[{"k":0},{"k":4}]', expect: '[{"k":0},{"k":1,"n":1},{"k":2,"n":5},{"k":3,"n":3,"x":true},{"k":4}]' },
  ]);
  // The key [""] orders items by their own value.
  runCases(t, { reduce: { strategy: 'merge', key: [''] } }, [
    { rhs: '[1, 3, 5]', expect: '[1, 3, 5]' },
    { rhs: '[2, 3, 6]', expect: '[1, 2, 3, 5, 6]' },
  ]);
});

t.test('type switches: scalar R is MergeWrongType; object/array R over another kind is NotAssociative (partial) or R (full)', async (t) => {
  const schema = { reduce: { strategy: 'merge' }, additionalProperties: { reduce: { strategy: 'merge' } } };
  runCases(t, schema, [
    { rhs: '{"a":{"x":1}}', expect: '{"a":{"x":1}}' },
    { rhs: '{"a":5}', expect: { error: 'MergeWrongType' } },
    { rhs: '{"a":null}', expect: { error: 'MergeWrongType' } },
    { rhs: '{"a":[1]}', expect: 'notAssociative' },
    { rhs: '{"a":[1]}', expect: '{"a":[1]}', mode: 'full' },
    { rhs: '{"a":{"y":2}}', expect: 'notAssociative' },
    { rhs: '{"a":{"y":2}}', expect: '{"a":{"y":2}}', mode: 'full' },
  ]);
  runCases(t, { reduce: { strategy: 'merge' }, properties: { a: { reduce: { strategy: 'merge' } } } }, [
    { rhs: '{"a":null}', expect: '{"a":null}' }, // a lone scalar stands: nothing to merge it with
    { rhs: '{"a":{"x":1}}', expect: 'notAssociative' },
    { rhs: '{"a":{"x":1}}', expect: '{"a":{"x":1}}', mode: 'full' },
  ]);
});

t.test('nested delete in a full reduction drops properties and array items', async (t) => {
  const tomb = { if: { const: null }, then: { reduce: { strategy: 'lastWriteWins', delete: true } } };
  runCases(t, {
    reduce: { strategy: 'merge' },
    properties: { o: { reduce: { strategy: 'merge' }, additionalProperties: tomb }, arr: { reduce: { strategy: 'merge' }, items: tomb } },
    additionalProperties: tomb,
  }, [
    { rhs: '{"a":1,"b":2,"o":{"x":1,"y":2},"arr":[1,2,3]}', expect: '{"a":1,"b":2,"o":{"x":1,"y":2},"arr":[1,2,3]}' },
    { rhs: '{"a":null,"o":{"x":null},"arr":[null]}', expect: '{"a":null,"b":2,"o":{"x":null,"y":2},"arr":[null,2,3]}' },
    { rhs: '{"b":null,"o":{"y":null},"arr":[9,null]}', expect: '{"a":null,"o":{"x":null},"arr":[9,3]}', mode: 'full' },
  ]);
});
