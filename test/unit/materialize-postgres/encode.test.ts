// Values as parameter text: exact numbers, JSON text for JSON columns, NULL for null and absent.
import t from 'tap';
import { parseJson } from '../../../src/json/parse.js';
import type { Json } from '../../../src/json/value.js';
import { encodeValue, encodingOf } from '../../../src/materialize-postgres/encode.js';

const v = (text: string): Json => parseJson(text);

t.test('encodings by column type', async (t) => {
  t.equal(encodingOf('jsonb'), 'json');
  t.equal(encodingOf('json'), 'json');
  t.equal(encodingOf('numeric'), 'text');
  t.equal(encodingOf('text'), 'text');
  t.equal(encodingOf('boolean'), 'text');
});

t.test('text columns take the value itself; numbers keep their exact text', async (t) => {
  t.equal(encodeValue(v('"héllo \\"x\\""'), 'text'), 'héllo "x"');
  t.equal(encodeValue(v('12345678901234567890123456789012345678'), 'text'), '12345678901234567890123456789012345678');
  t.equal(encodeValue(v('9007199254740993'), 'text'), '9007199254740993', 'past 2^53');
  t.equal(encodeValue(v('0.10'), 'text'), '0.10', 'trailing zero kept (NUMERIC keeps scale)');
  t.equal(encodeValue(v('-1.5e-7'), 'text'), '-1.5e-7');
  t.equal(encodeValue(12, 'text'), '12');
  t.equal(encodeValue(true, 'text'), 'true');
  t.equal(encodeValue(false, 'text'), 'false');
  t.equal(encodeValue(null, 'text'), null);
  t.equal(encodeValue(undefined, 'text'), null);
  t.equal(encodeValue(v('{"a":[1,2]}'), 'text'), '{"a":[1,2]}', 'an object in a text column is sent as JSON; the server judges it');
});

t.test('JSON columns take lossless JSON text', async (t) => {
  t.equal(encodeValue(v('{"n":123456789012345678901234567890.10,"s":"x"}'), 'json'), '{"n":123456789012345678901234567890.10,"s":"x"}');
  t.equal(encodeValue(v('"a string"'), 'json'), '"a string"');
  t.equal(encodeValue(v('7'), 'json'), '7');
  t.equal(encodeValue(v('[]'), 'json'), '[]');
  t.equal(encodeValue(null, 'json'), null, 'JSON null is SQL NULL');
});
