import t from 'tap';
import { LosslessNumber } from '../../../src/json/value.js';
import type { Inference } from '../../../src/pipe/projections.js';
import { fits, unionInference, widenFor, Widenings } from '../../../src/pipe/widen.js';

const num: Inference = { types: ['null', 'number'], exists: 'MAY' };
const numericString: Inference = { types: ['null', 'string'], string: { format: 'number' }, exists: 'MAY' };
const text: Inference = { types: ['null', 'string'], exists: 'MAY' };

t.test('fits: types, integers, numeric string formats; absent always fits; no types means any', async (t) => {
  t.ok(fits(new LosslessNumber('12345678901234567890123456789012345678'), num));
  t.ok(fits(null, num));
  t.ok(fits(undefined, { types: ['number'], exists: 'MUST' }));
  t.notOk(fits('7', num), 'a string in a number column');
  t.notOk(fits(true, text));
  t.ok(fits(new LosslessNumber('3'), { types: ['integer'], exists: 'MAY' }));
  t.notOk(fits(new LosslessNumber('3.5'), { types: ['integer'], exists: 'MAY' }));
  t.ok(fits('-1.5e10', numericString));
  t.notOk(fits('abc', numericString), 'text that is not a number in a format number location');
  t.ok(fits({ any: ['thing'] }, { types: [], exists: 'MAY' }));
});

t.test('widenFor: gains the value type; a non-numeric string drops format number', async (t) => {
  t.same(widenFor(num, 'x').types, ['null', 'number', 'string']);
  t.same(widenFor(num, [1]).types, ['array', 'null', 'number']);
  const w = widenFor(numericString, 'abc');
  t.same(w, { types: ['null', 'string'], exists: 'MAY' });
  t.ok(fits('abc', w));
  t.same(widenFor(text, new LosslessNumber('1')).types, ['null', 'number', 'string']);
});

t.test('unionInference: union of types; string facts kept only where both agree', async (t) => {
  t.same(unionInference(num, text), { types: ['null', 'number', 'string'], exists: 'MAY' });
  t.same(unionInference(numericString, numericString), numericString);
  t.same(unionInference(numericString, text).string, undefined, 'format only where both say it');
  t.same(unionInference(num, numericString).string, { format: 'number' }, 'one side without strings keeps the other side facts');
  t.equal(unionInference({ types: ['string'], exists: 'MUST' }, { types: ['string'], exists: 'MAY' }).exists, 'MAY');
});

t.test('Widenings: misfits widen cumulatively per field, in one transaction', async (t) => {
  const w = new Widenings();
  t.ok(w.check('c', ['a', 'b'], [num, text], [new LosslessNumber('1'), 'x']), 'fitting values');
  t.equal(w.size, 0);
  t.notOk(w.check('c', ['a', 'b'], [num, text], ['one', 'x']));
  t.notOk(w.check('c', ['a', 'b'], [num, text], [true, 'x']), 'a second misfit of the same field');
  t.ok(w.check('c', ['a', 'b'], [num, text], ['two', 'x']), 'a string now fits the widened field');
  t.same(w.list(), [{ collection: 'c', field: 'a', inference: { types: ['boolean', 'null', 'number', 'string'], exists: 'MAY' }, seen: 'boolean' }]);
});
