import t from 'tap';
import { runCases } from './fixtures/cases.js';

// The sequences of Flow's own set tests (crates/doc/src/reduce/set.rs), array and object forms.
t.test('array sets sorted by key: add, remove, intersect; full reductions keep add only', async (t) => {
  runCases(t, {
    $defs: { entry: { type: 'array', items: [{ type: 'integer' }, { type: 'integer', reduce: { strategy: 'sum' } }], reduce: { strategy: 'merge' } } },
    properties: { add: { items: { $ref: '#/$defs/entry' } } },
    reduce: { strategy: 'set', key: ['/0'] },
  }, [
    { rhs: '{"add": [[55, 1]]}', expect: '{"add": [[55, 1]]}' },
    { rhs: '{"add": [[99, 1]]}', expect: '{"add": [[55, 1], [99, 1]]}' },
    { rhs: '{"remove": [[99]], "add": [[22, 1], [55, 1]]}', expect: '{"remove": [[99]], "add": [[22, 1], [55, 2]]}' },
    { rhs: '{"remove": [[55]], "add": [[22, 3], [55, 1]]}', expect: '{"remove": [[55], [99]], "add": [[22, 4], [55, 1]]}' },
    { mode: 'full', rhs: '{"remove": [[88]], "add": [[11, 1], [22, 2]]}', expect: '{"add": [[11, 1], [22, 6], [55, 1]]}' },
    { mode: 'full', rhs: '{"remove": [[55]]}', expect: '{"add": [[11, 1], [22, 6]]}' },
    { rhs: '{"intersect": [[22], [33]]}', expect: '{"intersect": [[22], [33]], "add": [[22, 6]]}' },
    { rhs: '{"add": [[22, 2], [33, 1]]}', expect: '{"intersect": [[22], [33]], "add": [[22, 8], [33, 1]]}' },
    { rhs: '{"intersect": [[33], [44]], "add": [[22, 1], [33, 1]]}', expect: '{"intersect": [[33]], "add": [[22, 1], [33, 2]]}' },
    { rhs: '{"remove": [[33]], "add": [[22, 1], [33, 1]]}', expect: '{"intersect": [], "add": [[22, 2], [33, 1]]}' },
    { mode: 'full', rhs: '{"add": [[33, 1]]}', expect: '{"add": [[22, 2], [33, 2]]}' },
    { rhs: '{"remove": [[33]]}', expect: '{"add": [[22, 2]], "remove": [[33]]}' },
  ]);
});

t.test('object sets: members are properties', async (t) => {
  runCases(t, {
    properties: { add: { additionalProperties: { type: 'integer', reduce: { strategy: 'sum' } } } },
    reduce: { strategy: 'set' },
  }, [
    { rhs: '{"add": {"55": 1}}', expect: '{"add": {"55": 1}}' },
    { rhs: '{"add": {"99": 1}}', expect: '{"add": {"55": 1, "99": 1}}' },
    { rhs: '{"remove": {"99": 0}, "add": {"22": 1, "55": 1}}', expect: '{"remove": {"99": 0}, "add": {"22": 1, "55": 2}}' },
    { rhs: '{"remove": {"55": 0}, "add": {"22": 3, "55": 1}}', expect: '{"remove": {"55": 0, "99": 0}, "add": {"22": 4, "55": 1}}' },
    { mode: 'full', rhs: '{"remove": {"88": 0}, "add": {"11": 1, "22": 2}}', expect: '{"add": {"11": 1, "22": 6, "55": 1}}' },
    { mode: 'full', rhs: '{"remove": {"55": 0}}', expect: '{"add": {"11": 1, "22": 6}}' },
    { rhs: '{"intersect": {"22": 0, "33": 0}}', expect: '{"intersect": {"22": 0, "33": 0}, "add": {"22": 6}}' },
    { rhs: '{"add": {"22": 2, "33": 1}}', expect: '{"intersect": {"22": 0, "33": 0}, "add": {"22": 8, "33": 1}}' },
    { rhs: '{"intersect": {"33": 0, "44": 0}, "add": {"22": 1, "33": 1}}', expect: '{"intersect": {"33": 0}, "add": {"22": 1, "33": 2}}' },
    { rhs: '{"remove": {"33": 0}, "add": {"22": 1, "33": 1}}', expect: '{"intersect": {}, "add": {"22": 2, "33": 1}}' },
    { mode: 'full', rhs: '{"add": {"33": 1}}', expect: '{"add": {"22": 2, "33": 2}}' },
    { rhs: '{"remove": {"33": 0}}', expect: '{"add": {"22": 2}, "remove": {"33": 0}}' },
  ]);
});

t.test('a full reduction of a lone set update keeps its add term only', async (t) => {
  runCases(t, { reduce: { strategy: 'set' } }, [{ mode: 'full', rhs: '{"add": {"a": 1}, "remove": {"b": 1}}', expect: '{"add": {"a": 1}}' }]);
  runCases(t, { reduce: { strategy: 'set' } }, [{ mode: 'full', rhs: '{"intersect": ["a"]}', expect: '{}' }]);
});

t.test('shapes that are not set updates are SetWrongType', async (t) => {
  const cases: [string, string][] = [
    ['{"add": {}, "intersect": []}', '{}'], // mixed kinds within a side
    ['{"add": {}}', '{"intersect": []}'], // mixed kinds across sides
    ['{"intersect": [], "remove": []}', '{}'], // intersect and remove on one side
    ['{"intersect": []}', '42'], // not an object
    ['{"add": []}', '{"other": []}'], // an unknown term
    ['{"add": []}', '{"add": 5}'], // a term that is neither array nor object
  ];
  for (const [l, r] of cases) {
    runCases(t, { reduce: { strategy: 'set' } }, [
      { rhs: l, expect: l },
      { rhs: r, expect: { error: 'SetWrongType' } },
    ]);
  }
});
