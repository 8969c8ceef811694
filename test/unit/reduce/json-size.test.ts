import t from 'tap';
import { approxBytes } from '../../../src/reduce/json-size.js';
import { parseJson } from '../../../src/json/parse.js';

t.test('the estimate grows with content and counts per-object overheads', async (t) => {
  const small = approxBytes(parseJson('{"a":1}'));
  t.ok(small > 7 * 4, `{"a":1} costs more heap than its text (${small})`);
  t.ok(approxBytes(parseJson('{"a":"' + 'x'.repeat(1000) + '"}')) >= 2000);
  t.ok(approxBytes(parseJson('[1,2,3]')) > approxBytes(parseJson('[]')));
  t.ok(approxBytes(parseJson('12345678901234567890123456789012345678')) > approxBytes(1));
  t.equal(approxBytes(null), 0);
});
