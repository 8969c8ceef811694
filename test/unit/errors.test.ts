// ConnectorError: a stable code, the user's message, the cause and structured fields; anything
// else thrown becomes INTERNAL, saying it is a bug.
import t from 'tap';
import { ConnectorError, isConnectorError, toConnectorError } from '../../src/errors.js';

t.test('a ConnectorError carries code, message, cause and fields', async (t) => {
  const cause = new Error('socket hang up');
  const e = new ConnectorError('AWS_UNREACHABLE', 'cannot reach DynamoDB at http://127.0.0.1:1', { cause, fields: { operation: 'ListTables' } });
  t.type(e, Error);
  t.type(e, ConnectorError);
  t.equal(e.name, 'ConnectorError');
  t.equal(e.code, 'AWS_UNREACHABLE');
  t.equal(e.message, 'cannot reach DynamoDB at http://127.0.0.1:1');
  t.equal(e.cause, cause);
  t.same(e.fields, { operation: 'ListTables' });
  t.match(e.stack ?? '', /^ConnectorError: cannot reach DynamoDB/);
});

t.test('fields default to empty, cause to undefined', async (t) => {
  const e = new ConnectorError('BAD_CONFIG', 'endpoint config is invalid');
  t.same(e.fields, {});
  t.equal(e.cause, undefined);
});

t.test('isConnectorError tells ours from anything else', async (t) => {
  t.ok(isConnectorError(new ConnectorError('IO', 'x')));
  t.notOk(isConnectorError(new Error('x')));
  t.notOk(isConnectorError({ code: 'IO', message: 'x', name: 'ConnectorError' }), 'a look-alike object is not one');
  t.notOk(isConnectorError(undefined));
  t.notOk(isConnectorError('IO'));
});

t.test('toConnectorError keeps ours as they are', async (t) => {
  const e = new ConnectorError('STREAM_LOST', 're-backfill this binding');
  t.equal(toConnectorError(e), e);
});

t.test('toConnectorError makes anything else INTERNAL: a bug to report, with the cause kept', async (t) => {
  const cases: [unknown, string][] = [
    [new TypeError("Cannot read properties of undefined (reading 'x')"), "Cannot read properties of undefined (reading 'x')"],
    ['a thrown string', 'a thrown string'],
    [42, '42'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ weird: true }, '[object Object]'],
  ];
  for (const [thrown, text] of cases) {
    const e = toConnectorError(thrown);
    t.type(e, ConnectorError);
    t.equal(e.code, 'INTERNAL');
    t.equal(e.message, `unexpected internal error: ${text}. This is a bug in source-dynamodb; please report it with this log line.`);
    t.equal(e.cause, thrown);
    t.same(e.fields, {});
  }
});

t.test('an Error subclass with a code of its own is still INTERNAL (codes are ours alone)', async (t) => {
  const sys = Object.assign(new Error('EPIPE: broken pipe'), { code: 'EPIPE' });
  const e = toConnectorError(sys);
  t.equal(e.code, 'INTERNAL');
  t.match(e.message, /EPIPE: broken pipe/);
});
