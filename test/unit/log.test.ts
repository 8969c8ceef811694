// The stderr logger: one JSON object per line with ts, level, msg and fields; LOG_LEVEL filters;
// registered secrets never appear, in any spelling JSON gives them; odd fields never throw.
import t from 'tap';
import { createLogger, parseLevel, type Level } from '../../src/log.js';

const NOW = new Date('2024-05-01T12:00:00.000Z');

function capture(level?: Level) {
  const lines: string[] = [];
  const log = createLogger((l) => lines.push(l), level, () => NOW);
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, records };
}

t.test('one JSON object per line: ts, level, msg, then the fields', async (t) => {
  const { log, lines } = capture();
  log.info('capture opening', { bindings: ['orders'], region: 'us-east-1', n: 3, nested: { a: [1, null] } });
  t.same(lines, ['{"ts":"2024-05-01T12:00:00.000Z","level":"info","msg":"capture opening","bindings":["orders"],"region":"us-east-1","n":3,"nested":{"a":[1,null]}}\n']);
  log.warn('no fields');
  t.equal(lines[1], '{"ts":"2024-05-01T12:00:00.000Z","level":"warn","msg":"no fields"}\n');
});

t.test('fields cannot overwrite ts, level or msg', async (t) => {
  const { log, records } = capture();
  log.error('the real message', { level: 'debug', msg: 'forged', ts: 'yesterday', code: 'BAD_CONFIG' });
  t.same(records(), [{ ts: NOW.toISOString(), level: 'error', msg: 'the real message', code: 'BAD_CONFIG' }]);
});

t.test('a message with newlines stays on one line', async (t) => {
  const { log, lines } = capture();
  log.error('2 of 3 bindings cannot be captured:\nbinding 1\nbinding 2');
  t.equal(lines.length, 1);
  t.equal(lines[0]!.indexOf('\n'), lines[0]!.length - 1);
  t.equal((JSON.parse(lines[0]!) as { msg: string }).msg, '2 of 3 bindings cannot be captured:\nbinding 1\nbinding 2');
});

t.test('levels: lines below the configured level are dropped', async (t) => {
  const all: Level[] = ['debug', 'info', 'warn', 'error'];
  for (const [i, level] of all.entries()) {
    const { log, records } = capture(level);
    for (const l of all) log[l](`at ${l}`);
    t.same(
      records().map((r) => r.level),
      all.slice(i),
      `level ${level}`,
    );
    for (const l of all) t.equal(log.enabled(l), all.indexOf(l) >= i, `${level}: enabled(${l})`);
  }
  const { log, records } = capture();
  log.debug('hidden');
  log.info('shown');
  t.same(
    records().map((r) => r.msg),
    ['shown'],
    'the default level is info',
  );
});

t.test('LOG_LEVEL parsing: case-insensitive, common aliases, anything else is info', async (t) => {
  const cases: [string | undefined, Level][] = [
    ['debug', 'debug'],
    ['DEBUG', 'debug'],
    ['trace', 'debug'],
    ['Trace', 'debug'],
    ['info', 'info'],
    ['INFO', 'info'],
    ['warn', 'warn'],
    ['WARNING', 'warn'],
    ['error', 'error'],
    ['Error', 'error'],
    ['fatal', 'error'],
    [undefined, 'info'],
    ['', 'info'],
    ['verbose', 'info'],
    [' debug', 'info'],
    ['2', 'info'],
  ];
  for (const [input, want] of cases) t.equal(parseLevel(input), want, JSON.stringify(input));
});

t.test('secrets: redacted in the message, in fields and in nested fields', async (t) => {
  const secret = 'SECRET-do-not-log-9f3a';
  const { log, lines } = capture('debug');
  log.redact(secret);
  log.error(`auth failed with key ${secret}`, { config: { credentials: { aws_secret_access_key: secret } }, list: [secret, `x${secret}y`], err: new Error(`bad ${secret}`) });
  t.notMatch(lines[0]!, secret);
  const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
  t.equal(rec.msg, 'auth failed with key [redacted]');
  t.same(rec.config, { credentials: { aws_secret_access_key: '[redacted]' } });
  t.same(rec.list, ['[redacted]', 'x[redacted]y']);
  t.same(rec.err, { name: 'Error', message: 'bad [redacted]' });
});

t.test('secrets: redacted in their JSON-escaped spelling too', async (t) => {
  const secrets = ['pa"ss\\word/1', 'tab\there', 'new\nline-secret', 'ctl\u0001char', 'uni\u2028sep'];
  const { log, lines } = capture();
  for (const s of secrets) log.redact(s);
  for (const s of secrets) {
    log.warn(`msg ${s}`, { field: s, nested: { deeper: [s] } });
    const line = lines[lines.length - 1]!;
    const escaped = JSON.stringify(s).slice(1, -1);
    // (Messages stay ASCII: a raw U+2028 would break the TAP stream.)
    t.notOk(line.includes(escaped), `secret ${secrets.indexOf(s)}: no escaped form in the line`);
    t.notOk(line.includes(s), `secret ${secrets.indexOf(s)}: no raw form in the line`);
    const rec = JSON.parse(line) as { msg: string; field: string; nested: { deeper: string[] } };
    t.equal(rec.msg, 'msg [redacted]');
    t.equal(rec.field, '[redacted]');
    t.same(rec.nested.deeper, ['[redacted]']);
  }
});

t.test('scrub() redacts registered secrets from any text', async (t) => {
  const { log } = capture();
  log.redact('k3y-value-xyz');
  log.redact('second-secret');
  t.equal(log.scrub('a k3y-value-xyz b second-secret c k3y-value-xyz'), 'a [redacted] b [redacted] c [redacted]');
  t.equal(log.scrub('nothing here'), 'nothing here');
});

t.test('secrets: too short, empty or undefined are not registered (they would blank out words)', async (t) => {
  const { log, lines } = capture();
  log.redact(undefined);
  log.redact('');
  log.redact('abc');
  log.info('abc def');
  t.equal((JSON.parse(lines[0]!) as { msg: string }).msg, 'abc def');
  log.redact('abcd');
  log.info('abcd def');
  t.equal((JSON.parse(lines[1]!) as { msg: string }).msg, '[redacted] def', 'four characters are enough');
});

t.test('secrets registered later apply to later lines only; lines already written are not touched', async (t) => {
  const { log, lines } = capture();
  log.info('before s3cret-later');
  log.redact('s3cret-later');
  log.info('after s3cret-later');
  t.match(lines[0]!, 's3cret-later');
  t.notMatch(lines[1]!, 's3cret-later');
});

t.test('odd fields never throw: cyclic, BigInt, throwing getters, undefined, functions', async (t) => {
  const { log, records } = capture();
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  t.doesNotThrow(() => log.error('cyclic field', { code: 'INTERNAL', cyclic }));
  t.doesNotThrow(() => log.info('bigint', { n: 12345678901234567890n }));
  const getter = Object.defineProperty({}, 'boom', {
    enumerable: true,
    get() {
      throw new Error('getter threw');
    },
  });
  t.doesNotThrow(() => log.warn('throwing getter', { getter }));
  t.doesNotThrow(() => log.info('undefined and function', { u: undefined, f: () => 1, s: Symbol('x') }));
  const recs = records();
  t.equal(recs.length, 4, 'every call wrote exactly one parseable line');
  t.same(recs[0], { ts: NOW.toISOString(), level: 'error', msg: 'cyclic field' }, 'a cyclic field falls back to the message alone, level kept');
  t.equal(recs[1]!.n, '12345678901234567890', 'BigInt as its decimal text');
  t.same(recs[2], { ts: NOW.toISOString(), level: 'warn', msg: 'throwing getter' });
  t.same(recs[3], { ts: NOW.toISOString(), level: 'info', msg: 'undefined and function' }, 'unserializable values are left out');
});

t.test('the fallback line of an unserializable record still redacts secrets', async (t) => {
  const { log, lines } = capture();
  log.redact('fallback-secret');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  log.error('failed with fallback-secret', { cyclic });
  t.notMatch(lines[0]!, 'fallback-secret');
});

t.test('errors as fields: name and message only (no stack, no enumerable cruft)', async (t) => {
  const { log, records } = capture();
  const err = Object.assign(new TypeError('bad thing'), { $metadata: { requestId: 'r' } });
  log.error('failed', { err });
  t.same(records()[0]!.err, { name: 'TypeError', message: 'bad thing' });
});
