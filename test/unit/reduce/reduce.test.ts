import t from 'tap';
import { runCases } from './fixtures/cases.js';
import { reduceDocument } from '../../../src/reduce/reduce.js';
import { SchemaIndex } from '../../../src/reduce/schema-index.js';
import { parseJson } from '../../../src/json/parse.js';

t.test('lastWriteWins is the default: R verbatim, null included, annotations inside R not applied', async (t) => {
  runCases(t, { properties: { a: { properties: { n: { reduce: { strategy: 'sum' } } } } } }, [
    { rhs: '{"a":{"n":1}}', expect: '{"a":{"n":1}}' },
    { rhs: '{"a":{"n":2}}', expect: '{"a":{"n":2}}' }, // the root is lastWriteWins: the sum below is inert
    { rhs: 'null', expect: 'null' },
    { rhs: '[1]', expect: '[1]' },
    { rhs: '"x"', expect: '"x"', mode: 'full' },
  ]);
});

t.test('lastWriteWins with associative: false keeps unequal values apart in partial reductions', async (t) => {
  const schema = { reduce: { strategy: 'lastWriteWins', associative: false } };
  runCases(t, schema, [
    { rhs: '1', expect: '1' },
    { rhs: '1.0', expect: '1.0' }, // equal values combine
    { rhs: '2', expect: 'notAssociative' },
    { rhs: '3', expect: '3', mode: 'full' }, // a full reduction takes R
  ]);
  runCases(t, { reduce: { strategy: 'merge' }, properties: { v: schema } }, [
    { rhs: '{"v":{"a":1}}', expect: '{"v":{"a":1}}' },
    { rhs: '{"w":1}', expect: '{"v":{"a":1},"w":1}' },
    { rhs: '{"v":{"a":2}}', expect: 'notAssociative' },
  ]);
});

t.test('firstWriteWins keeps L when present, even null', async (t) => {
  runCases(t, { reduce: { strategy: 'merge' }, properties: { f: { reduce: { strategy: 'firstWriteWins' } } } }, [
    { rhs: '{"x":1}', expect: '{"x":1}' },
    { rhs: '{"f":null}', expect: '{"x":1,"f":null}' },
    { rhs: '{"f":"later"}', expect: '{"x":1,"f":null}' },
    { rhs: '{"f":"full"}', expect: '{"x":1,"f":null}', mode: 'full' },
  ]);
});

t.test('append concatenates arrays; a null L stays null; other types are an error', async (t) => {
  runCases(t, { if: { type: 'null' }, then: { reduce: { strategy: 'lastWriteWins' } }, else: { reduce: { strategy: 'append' } } }, [
    { rhs: '[]', expect: '[]' },
    { rhs: '"whoops"', expect: { error: 'AppendWrongType' } },
    { rhs: '[0, 1]', expect: '[0, 1]' },
    { rhs: '[2, 3, 4]', expect: '[0, 1, 2, 3, 4]' },
    { rhs: 'null', expect: 'null' },
    { rhs: '[5]', expect: 'null' },
  ]);
});

t.test('minimize and maximize by Flow order; ties without key take R', async (t) => {
  runCases(t, { reduce: { strategy: 'minimize' } }, [
    { rhs: '3', expect: '3' },
    { rhs: '4', expect: '3' },
    { rhs: '"a"', expect: '3' }, // numbers sort before strings
    { rhs: 'true', expect: 'true' }, // booleans before numbers
    { rhs: 'null', expect: 'null' },
    { rhs: '{"a":1}', expect: 'null' },
  ]);
  runCases(t, { reduce: { strategy: 'maximize' } }, [
    { rhs: '3', expect: '3' },
    { rhs: '3.00', expect: '3.00' }, // a tie takes R
    { rhs: '100000000000000000000000000000000000001', expect: '100000000000000000000000000000000000001' },
    { rhs: '100000000000000000000000000000000000000', expect: '100000000000000000000000000000000000001' },
    { rhs: '[1]', expect: '[1]' },
    { rhs: '[0, 5]', expect: '[1]' },
    { rhs: '{}', expect: '{}' },
    { rhs: '"zzz"', expect: '{}' },
  ]);
  // Strings by code point: U+FF61 sorts before U+1F600, though its UTF-16 unit is larger.
  runCases(t, { reduce: { strategy: 'maximize' } }, [
    { rhs: '"\\uff61"', expect: '"\\uff61"' },
    { rhs: '"\\ud83d\\ude00"', expect: '"\\ud83d\\ude00"' },
  ]);
});

t.test('minimize/maximize with key compare those pointers and deep-merge on a tie', async (t) => {
  const schema = {
    reduce: { strategy: 'maximize', key: ['/v'] },
    properties: { n: { reduce: { strategy: 'sum' } } },
  };
  runCases(t, schema, [
    { rhs: '{"v":1,"n":1,"a":"x"}', expect: '{"v":1,"n":1,"a":"x"}' },
    { rhs: '{"v":0,"n":5}', expect: '{"v":1,"n":1,"a":"x"}' },
    { rhs: '{"v":1,"n":2,"b":"y"}', expect: '{"v":1,"n":3,"a":"x","b":"y"}' },
    { rhs: '{"v":2,"n":1}', expect: '{"v":2,"n":1}' },
    { rhs: '{"n":9}', expect: '{"v":2,"n":1}' }, // an absent key sorts lowest
  ]);
  runCases(t, { reduce: { strategy: 'minimize', key: ['/v'] } }, [
    { rhs: '{"v":1,"a":1}', expect: '{"v":1,"a":1}' },
    { rhs: '{"v":1,"b":2}', expect: '{"v":1,"a":1,"b":2}' },
    { rhs: '{"v":0}', expect: '{"v":0}' },
  ]);
});

t.test('delete: a full reduction marks the root deleted or drops a nested location; partial keeps tombstones', async (t) => {
  const schema = {
    properties: {
      gone: { reduce: { strategy: 'lastWriteWins', delete: true } },
      sub: { if: { required: ['del'] }, then: { reduce: { strategy: 'merge', delete: true } }, else: { reduce: { strategy: 'merge' } } },
    },
    if: { required: ['del'] },
    then: { reduce: { strategy: 'merge', delete: true } },
    else: { reduce: { strategy: 'merge' } },
  };
  runCases(t, schema, [
    { rhs: '{"a":1,"sub":{"x":1}}', expect: '{"a":1,"sub":{"x":1}}' },
    { rhs: '{"gone":1}', expect: '{"a":1,"sub":{"x":1},"gone":1}' }, // partial: the tombstone stays
    { rhs: '{"gone":2,"sub":{"del":true}}', expect: '{"a":1}', mode: 'full' },
    { rhs: '{"b":2,"sub":{"y":1}}', expect: '{"a":1,"b":2,"sub":{"y":1}}', mode: 'full' },
    { rhs: '{"del":true}', expect: '{"a":1,"b":2,"sub":{"y":1},"del":true}', mode: 'full', deleted: true },
    { rhs: '{"c":3}', expect: '{"a":1,"b":2,"sub":{"y":1},"del":true,"c":3}', mode: 'full' }, // re-insert clears it
    { rhs: '{"del":false}', expect: '{"a":1,"b":2,"sub":{"y":1},"del":false,"c":3}' }, // partial: never deleted
  ]);
  // The same delete with an unconditional root annotation beside it conflicts (PROTOCOL.md §3.3).
  runCases(t, { ...schema, reduce: { strategy: 'merge' } }, [
    { rhs: '{"a":1}', expect: '{"a":1}' },
    { rhs: '{"del":true}', expect: { error: 'ConflictingStrategies' } },
  ]);
  // Full reductions into an absent L prune too: a lone tombstone is a delete.
  const index = SchemaIndex.compile(schema);
  const doc = parseJson('{"k":1,"del":true,"gone":1}');
  const got = reduceDocument(undefined, doc, index.annotate(doc), 'full');
  t.same(got, { doc: { k: parseJson('1'), del: true }, deleted: true });
  t.same(reduceDocument(undefined, doc, index.annotate(doc), 'partial'), { doc, deleted: false });
});

t.test('lastWriteWins with delete at the root', async (t) => {
  runCases(t, { if: { properties: { op: { const: 'd' } } }, then: { reduce: { strategy: 'lastWriteWins', delete: true } } }, [
    { rhs: '{"op":"c","a":1}', expect: '{"op":"c","a":1}' },
    { rhs: '{"op":"d"}', expect: '{"op":"d"}', mode: 'full', deleted: true },
    { rhs: '{"op":"d","b":1}', expect: '{"op":"d","b":1}', mode: 'partial' },
  ]);
});
