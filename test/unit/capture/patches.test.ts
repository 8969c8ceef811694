// composePatches turns a run of checkpoint merge patches into as few as possible. The law: applying
// the composed patches in order equals applying the originals one by one, to any state.
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { composePatch, composePatches } from '../../../src/capture/patches.js';
import { applyMergePatch } from '../../../src/json/merge-patch.js';
import type { Json, JsonObject } from '../../../src/json/value.js';

const applyAll = (target: Json, patches: readonly JsonObject[]): Json => patches.reduce<Json>((s, p) => applyMergePatch(s, p), target);

// Few key names, so patches collide on the same locations: where composing is interesting.
const key = fc.constantFrom('a', 'b', 'c');
const leaf: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y'), fc.constant<Json>([1, 2]), fc.boolean());
const { value: anyValue } = fc.letrec<{ value: Json; object: JsonObject }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object')),
  object: fc.dictionary(key, tie('value'), { maxKeys: 3 }) as fc.Arbitrary<JsonObject>,
}));
const patch = fc.dictionary(key, anyValue, { maxKeys: 3 }) as fc.Arbitrary<JsonObject>;
const target = fc.oneof(anyValue, fc.dictionary(key, anyValue, { maxKeys: 3 }) as fc.Arbitrary<Json>);

const NUM_RUNS = 2000;

t.test('law: applying composePatches(ps) equals applying ps one by one', async (t) => {
  fc.assert(
    fc.property(target, fc.array(patch, { maxLength: 8 }), (state, ps) => {
      return isDeepStrictEqual(applyAll(state, composePatches(ps)), applyAll(state, ps));
    }),
    { numRuns: NUM_RUNS },
  );
  t.pass(`held for ${NUM_RUNS} random states and patch runs`);
});

t.test('law: composePatch(a, b), where defined, equals a then b for every state', async (t) => {
  let defined = 0;
  let undefinedCount = 0;
  fc.assert(
    fc.property(target, patch, patch, (state, a, b) => {
      const c = composePatch(a, b);
      if (c === undefined) {
        undefinedCount++;
        return true;
      }
      defined++;
      return isDeepStrictEqual(applyMergePatch(state, c), applyMergePatch(applyMergePatch(state, a), b));
    }),
    { numRuns: NUM_RUNS },
  );
  t.ok(defined > 0 && undefinedCount > 0, `both outcomes were exercised (${defined} composed, ${undefinedCount} kept apart)`);
});

t.test('composing never changes its inputs', async (t) => {
  fc.assert(
    fc.property(fc.array(patch, { maxLength: 6 }), (ps) => {
      const before = JSON.stringify(ps);
      composePatches(ps);
      return JSON.stringify(ps) === before;
    }),
    { numRuns: 500 },
  );
  t.pass('inputs unchanged');
});

t.test('a run of checkpoints of one binding composes into one patch', async (t) => {
  const sk = 'orders.v1';
  const ps: JsonObject[] = [
    { bindingStateV1: { [sk]: { totalBackfillSegments: 4, streamArn: 'arn:1', shards: { s0: { finishedReading: true } } } } },
    { bindingStateV1: { [sk]: { backfillSegmentProgress: { '0': { exclusiveStartKey: 'k1' } } } } },
    { bindingStateV1: { [sk]: { shards: { s1: { lastReadSequence: '100' } } } } },
    { bindingStateV1: { [sk]: { backfillSegmentProgress: { '0': { exclusiveStartKey: 'k2' } } } } },
    { bindingStateV1: { [sk]: { backfillSegmentProgress: { '1': { finishedAt: '2024-05-01T00:00:00Z' } } } } },
    { bindingStateV1: { [sk]: { shards: { s1: { lastReadSequence: '200', finishedReading: true } } } } },
    { bindingStateV1: { [sk]: { shards: { s0: null } } } },
  ];
  const out = composePatches(ps);
  t.strictSame(out, [
    {
      bindingStateV1: {
        [sk]: {
          totalBackfillSegments: 4,
          streamArn: 'arn:1',
          shards: { s0: null, s1: { lastReadSequence: '200', finishedReading: true } },
          backfillSegmentProgress: { '0': { exclusiveStartKey: 'k2' }, '1': { finishedAt: '2024-05-01T00:00:00Z' } },
        },
      },
    },
  ]);
  t.strictSame(applyAll({}, out), applyAll({}, ps));
});

t.test('a delete followed by a patch into the same location stays two checkpoints', async (t) => {
  // Pruning a removed binding (null) and a new binding reusing its stateKey in one transaction:
  // one patch {sk: {...}} would merge into the old state instead of replacing it.
  const ps: JsonObject[] = [{ bindingStateV1: { 'a.v1': null } }, { bindingStateV1: { 'a.v1': { streamArn: 'arn:2' } } }];
  const out = composePatches(ps);
  t.equal(out.length, 2);
  const old = { bindingStateV1: { 'a.v1': { streamArn: 'arn:1', backfillFinishedAt: 'x' } } };
  t.strictSame(applyAll(old, out), { bindingStateV1: { 'a.v1': { streamArn: 'arn:2' } } });
  t.strictSame(composePatches([]), [], 'no patches, no checkpoints');
});
