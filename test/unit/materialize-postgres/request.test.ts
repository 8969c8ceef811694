// Request lines: lossless where values matter, plain numbers elsewhere, validated, framed.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { stringify } from '../../../src/json/stringify.js';
import { parseRequest, readLines } from '../../../src/materialize-postgres/request.js';

const parse = (text: string) => parseRequest({ lineNo: 1, text });

t.test('store keeps exact numbers in key, values and doc; binding becomes a number', async (t) => {
  const r = parse('{"store":{"binding":2,"key":[9007199254740993,"x"],"keyPacked":"AA==","values":[0.10,1e400],"doc":{"n":12345678901234567890123456789012345678}}}');
  if (r.verb !== 'store') throw new Error('unreachable');
  t.equal(r.body.binding, 2);
  t.equal(stringify(r.body.key as never), '[9007199254740993,"x"]');
  t.equal(stringify(r.body.values as never), '[0.10,1e400]');
  t.equal(stringify(r.body.doc as never), '{"n":12345678901234567890123456789012345678}');
});

t.test('startCommit keeps its checkpoint exact; control requests get plain numbers', async (t) => {
  const c = parse('{"startCommit":{"runtimeCheckpoint":{"x":123456789012345678901234567890}}}');
  if (c.verb !== 'startCommit') throw new Error('unreachable');
  t.equal(stringify(c.body.runtimeCheckpoint as never), '{"x":123456789012345678901234567890}');
  const o = parse('{"open":{"materialization":{"name":"m","config":{}},"range":{"keyBegin":5,"keyEnd":4294967295}}}');
  if (o.verb !== 'open') throw new Error('unreachable');
  t.same(o.body.range, { keyBegin: 5, keyEnd: 4294967295 });
});

t.test('unknown fields are ignored; problems are listed', async (t) => {
  t.equal(parse('{"load":{"key":[1],"keyPacked":"AA==","$internal":{}}}').verb, 'load');
  t.equal(parse('{"flush":{}}').verb, 'flush');
  t.throws(() => parse('{"load":{"binding":1.5}}'), { code: 'BAD_REQUEST', message: /load request \(line 1\) is invalid \(2 problems\)/ });
  t.throws(() => parse('{"nope":{}}'), { code: 'BAD_REQUEST', message: /has no known verb/ });
  t.throws(() => parse('[1]'), { code: 'BAD_REQUEST', message: /not a JSON object/ });
  t.throws(() => parse('{"flush":'), { code: 'BAD_REQUEST', message: /not valid JSON/ });
});

t.test('lines are framed with a length cap; blank lines skipped', async (t) => {
  const input = new PassThrough();
  input.end('{"flush":{}}\n\n{"acknowledge":{}}\n');
  const got = [];
  for await (const l of readLines(input)) got.push(l);
  t.same(got, [
    { lineNo: 1, text: '{"flush":{}}' },
    { lineNo: 3, text: '{"acknowledge":{}}' },
  ]);
  const long = new PassThrough();
  long.end(`{"flush":{}}\n${'x'.repeat(100)}\n`);
  await t.rejects(
    (async () => {
      for await (const _ of readLines(long, 50)) void _;
    })(),
    { code: 'BAD_REQUEST', message: /request line 2 is longer than the limit of 50 characters/ },
  );
});
