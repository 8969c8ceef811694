import t from 'tap';
import { SchemaIndex } from '../../../src/reduce/schema-index.js';
import type { AnnotationTree } from '../../../src/reduce/annotations.js';
import { describeStrategy } from '../../../src/reduce/strategy.js';
import { parseJson } from '../../../src/json/parse.js';
import { ConnectorError } from '../../../src/errors.js';

/** The annotations of a document as {pointer: strategy}. */
function strategies(schema: unknown, doc: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (tree: AnnotationTree, at: string): void => {
    if (tree.strategy) out[at] = describeStrategy(tree.strategy);
    for (const [k, child] of tree.children ?? []) walk(child, `${at}/${k}`);
  };
  walk(SchemaIndex.compile(schema).annotate(parseJson(doc)), '');
  return out;
}

const merge = { reduce: { strategy: 'merge' } };
const sum = { reduce: { strategy: 'sum' } };
const fww = { reduce: { strategy: 'firstWriteWins' } };

t.test('$ref to $defs by pointer, by $anchor, and through an embedded $id', async (t) => {
  t.same(strategies({ $defs: { n: sum }, ...merge, properties: { a: { $ref: '#/$defs/n' } } }, '{"a":1}'), { '': 'merge', '/a': 'sum' });
  t.same(strategies({ $defs: { n: { $anchor: 'num', ...sum } }, ...merge, properties: { a: { $ref: '#num' } } }, '{"a":1}'), { '': 'merge', '/a': 'sum' });
  const bundled = {
    $id: 'file:///flow.yaml?ptr=/collections/acme~1orders/schema',
    $defs: { inferred: { $id: 'flow://inferred-schema', $defs: { leaf: fww }, properties: { b: { $ref: '#/$defs/leaf' } } } },
    allOf: [{ $ref: 'flow://inferred-schema' }, merge],
  };
  t.same(strategies(bundled, '{"b":1}'), { '': 'merge', '/b': 'firstWriteWins' });
  t.same(strategies({ definitions: { d: sum }, ...merge, properties: { a: { $ref: '#/definitions/d' } } }, '{"a":1}'), { '': 'merge', '/a': 'sum' });
});

t.test('recursive schemas: a tree of merges', async (t) => {
  const schema = { $defs: { node: { ...merge, properties: { n: sum, kids: { additionalProperties: { $ref: '#/$defs/node' } } } } }, $ref: '#/$defs/node' };
  t.same(strategies(schema, '{"n":1,"kids":{"x":{"n":2,"kids":{"y":{"n":3}}}}}'), {
    '': 'merge', '/n': 'sum', '/kids/x': 'merge', '/kids/x/n': 'sum', '/kids/x/kids/y': 'merge', '/kids/x/kids/y/n': 'sum',
  });
});

t.test('allOf contributes; failed anyOf/oneOf branches, the untaken then/else and not are dropped', async (t) => {
  t.same(strategies({ allOf: [merge, { properties: { a: sum } }] }, '{"a":1}'), { '': 'merge', '/a': 'sum' });
  const anyOf = { ...merge, anyOf: [{ required: ['x'], properties: { a: sum } }, { required: ['y'], properties: { b: sum } }] };
  t.same(strategies(anyOf, '{"x":1,"a":1,"b":1}'), { '': 'merge', '/a': 'sum' });
  t.same(strategies(anyOf, '{"x":1,"y":1,"a":1,"b":1}'), { '': 'merge', '/a': 'sum', '/b': 'sum' });
  const oneOf = { ...merge, oneOf: [{ properties: { t: { const: 'a' } }, required: ['t'], ...fww }, { properties: { t: { const: 'b' } }, required: ['t'], ...merge }] };
  t.same(strategies({ oneOf: oneOf.oneOf }, '{"t":"a"}'), { '': 'firstWriteWins' });
  t.same(strategies({ oneOf: oneOf.oneOf }, '{"t":"b"}'), { '': 'merge' });
  t.same(strategies({ ...merge, not: { properties: { a: sum }, required: ['zzz'] } }, '{"a":1}'), { '': 'merge' });
  const cond = { ...merge, properties: { a: { if: { type: 'integer' }, then: sum, else: { if: { type: 'array' }, then: { reduce: { strategy: 'append' } }, else: fww } } } };
  t.same(strategies(cond, '{"a":1}'), { '': 'merge', '/a': 'sum' });
  t.same(strategies(cond, '{"a":[1]}'), { '': 'merge', '/a': 'append' });
  t.same(strategies(cond, '{"a":"s"}'), { '': 'merge', '/a': 'firstWriteWins' });
  t.same(strategies({ if: { properties: { a: sum } }, then: merge }, '{"a":1}'), { '': 'merge', '/a': 'sum' }, 'a valid if keeps its own');
  t.same(strategies({ if: { properties: { a: sum }, required: ['b'] }, else: merge }, '{"a":1}'), { '': 'merge' }, 'a failed if drops its own');
});

t.test('assertions decide conditions: numbers exactly, strings by code point, sizes, patterns', async (t) => {
  const pick = (cond: unknown, doc: string): boolean => strategies({ if: cond, then: merge }, doc)[''] === 'merge';
  t.ok(pick({ minimum: parseJson('10000000000000000000000000000000000001') }, '10000000000000000000000000000000000001'));
  t.notOk(pick({ exclusiveMinimum: parseJson('10000000000000000000000000000000000001') }, '10000000000000000000000000000000000001'));
  t.ok(pick({ maximum: 1 }, '0.99999999999999999999999'));
  t.ok(pick({ multipleOf: 0.01 }, '12.34'));
  t.notOk(pick({ multipleOf: 0.01 }, '12.345'));
  t.ok(pick({ type: 'integer' }, '1.0'), '1.0 is an integer');
  t.notOk(pick({ type: 'integer' }, '1.5'));
  t.ok(pick({ maxLength: 1 }, '"\\ud83d\\ude00"'), 'one code point');
  t.ok(pick({ pattern: '^a+$' }, '"aaa"'));
  t.ok(pick({ enum: [1, 'x'] }, '1.00'));
  t.ok(pick({ const: { a: [1, 2] } }, '{"a":[1.0,2]}'));
  t.ok(pick({ minItems: 2, uniqueItems: true }, '[1, 2]'));
  t.notOk(pick({ uniqueItems: true }, '[1, 1.0]'));
  t.ok(pick({ minProperties: 1, maxProperties: 1, propertyNames: { pattern: '^k' } }, '{"k1":1}'));
  t.notOk(pick({ propertyNames: { pattern: '^k' } }, '{"j":1}'));
  t.ok(pick({ dependentRequired: { a: ['b'] } }, '{"a":1,"b":2}'));
  t.notOk(pick({ dependentRequired: { a: ['b'] } }, '{"a":1}'));
  t.ok(pick({ contains: { const: 3 }, minContains: 2 }, '[3, 1, 3]'));
  t.notOk(pick({ contains: { const: 3 }, maxContains: 1 }, '[3, 1, 3]'));
  t.notOk(pick(false, '{}'));
});

t.test('items, prefixItems (and the draft-07 array form), patternProperties, dependentSchemas, contains', async (t) => {
  t.same(strategies({ ...merge, prefixItems: [sum], items: fww }, '[1, 2, 3]'), { '': 'merge', '/0': 'sum', '/1': 'firstWriteWins', '/2': 'firstWriteWins' });
  t.same(strategies({ ...merge, items: [sum], additionalItems: fww }, '[1, 2]'), { '': 'merge', '/0': 'sum', '/1': 'firstWriteWins' });
  t.same(strategies({ ...merge, patternProperties: { '^n_': sum }, additionalProperties: fww }, '{"n_a":1,"b":2}'), { '': 'merge', '/n_a': 'sum', '/b': 'firstWriteWins' });
  t.same(strategies({ dependentSchemas: { a: merge } }, '{"a":1}'), { '': 'merge' });
  t.same(strategies({ ...merge, contains: { type: 'integer', ...sum } }, '[1, "x", 2]'), { '': 'merge', '/0': 'sum', '/2': 'sum' });
});

t.test('a document that fails the schema is BAD_DOCUMENT naming where', async (t) => {
  const index = SchemaIndex.compile({ properties: { a: { type: 'string' } }, required: ['a'] });
  t.throws(() => index.annotate(parseJson('{"a":1}')), { code: 'BAD_DOCUMENT', fields: { location: '/a', schemaLocation: '#/properties/a/type' } });
  t.throws(() => index.annotate(parseJson('{}')), { code: 'BAD_DOCUMENT', fields: { location: '', schemaLocation: '#/required' } });
  const anyOf = SchemaIndex.compile({ anyOf: [{ type: 'string' }, { type: 'number' }] });
  t.throws(() => anyOf.annotate(null), { code: 'BAD_DOCUMENT', fields: { schemaLocation: '#/anyOf' } });
});

t.test('two different strategies selected at one location: ConflictingStrategies naming both', async (t) => {
  const schema = { anyOf: [{ required: ['a'], ...merge }, { required: ['b'], ...fww }, { required: ['c'], ...merge }] };
  const index = SchemaIndex.compile(schema);
  t.same(index.annotate(parseJson('{"a":1,"c":1}')).strategy?.strategy, 'merge', 'the same strategy twice is fine');
  const e = t.throws(() => index.annotate(parseJson('{"a":1,"b":1}'))) as ConnectorError;
  t.equal(e.code, 'BAD_DOCUMENT');
  t.equal(e.fields.reduceError, 'ConflictingStrategies');
  t.match(e.message, /#\/anyOf\/0\/reduce.*#\/anyOf\/1\/reduce/);
});

t.test('load-time errors name the schema location', async (t) => {
  const bad = (schema: unknown, loc: string, msg: RegExp): void => {
    const e = t.throws(() => SchemaIndex.compile(schema)) as ConnectorError;
    t.equal(e.code, 'BAD_SCHEMA', loc);
    t.equal(e.fields.schemaLocation, loc);
    t.match(e.message, msg);
  };
  bad({ $defs: { x: { reduce: { strategy: 'mege' } } } }, '#/$defs/x/reduce', /unknown reduce strategy "mege" \(did you mean "merge"\?\)/);
  bad({ properties: { a: { reduce: { strategy: 'lastWriteWins', asociative: false } } } }, '#/properties/a/reduce', /unknown option "asociative".*did you mean "associative"/);
  bad({ reduce: { strategy: 'sum', key: ['/a'] } }, '#/reduce', /unknown option "key" for the sum strategy; it takes no options/);
  bad({ reduce: { strategy: 'firstWriteWins', delete: true } }, '#/reduce', /unknown option "delete"/);
  bad({ reduce: { strategy: 'merge', key: 'a' } }, '#/reduce', /"key" must be an array/);
  bad({ reduce: { strategy: 'merge', key: ['a'] } }, '#/reduce', /not a JSON pointer/);
  bad({ reduce: { strategy: 'merge', delete: 'yes' } }, '#/reduce', /"delete" must be true or false/);
  bad({ reduce: 'merge' }, '#/reduce', /must be an object/);
  bad({ reduce: { strategy: 'jsonSchemaMerge' } }, '#/reduce', /not supported/);
  bad({ ...merge, allOf: [fww] }, '#/allOf/0/reduce', /always apply at document location "": merge \(from #\/reduce\) and firstWriteWins/);
  bad({ $defs: { d: sum }, ...merge, properties: { a: { ...fww, $ref: '#/$defs/d' } } }, '#/$defs/d/reduce', /location "\/a"/);
  bad({ properties: { a: sum }, allOf: [{ properties: { a: fww } }] }, '#/properties/a/reduce', /location "\/a".*#\/allOf\/0\/properties\/a\/reduce/);
  bad({ $ref: '#/$defs/missing' }, '#/$ref', /points at nothing/);
  bad({ $ref: '#nope' }, '#/$ref', /no \$anchor/);
  bad({ $ref: 'https://example.com/other.json' }, '#/$ref', /outside the schema document/);
  bad({ properties: { a: { pattern: '(' } } }, '#/properties/a/pattern', /not a regular expression/);
  bad({ type: 'text' }, '#/type', /unknown type/);
  bad(5, '#', /must be an object or a boolean/);
});

t.test('conditional strategies at one location are allowed at load time (§3.3 roots)', async (t) => {
  t.doesNotThrow(() => SchemaIndex.compile({ if: { required: ['d'] }, then: { reduce: { strategy: 'merge', delete: true } }, else: merge }));
  t.doesNotThrow(() => SchemaIndex.compile({ ...merge, allOf: [merge, { $ref: '#' }] }), 'the same one twice, and a cycle');
  t.doesNotThrow(() => SchemaIndex.compile(true));
});
