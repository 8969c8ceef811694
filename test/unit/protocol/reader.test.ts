// The request reader: framing of JSON lines from any chunking, blank lines, CRLF, the line-length
// cap (including a long line that arrives inside one chunk), and errors that name the line.
import t, { type Test } from 'tap';
import { PassThrough, Readable } from 'node:stream';
import { ConnectorError } from '../../../src/errors.js';
import { readRequests, MAX_REQUEST_LINE_CHARS, type RequestLine } from '../../../src/protocol/reader.js';

/** A stream that yields exactly these chunks, in order. */
const chunks = (...parts: (string | Buffer)[]): Readable => Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

async function readAll(input: Readable, max?: number): Promise<RequestLine[]> {
  const out: RequestLine[] = [];
  for await (const r of readRequests(input, max)) out.push(r);
  return out;
}

/** Reads until the reader fails; returns the lines read before and the error. */
async function readUntilError(t: Test, input: Readable, max?: number): Promise<{ lines: RequestLine[]; err: ConnectorError }> {
  const lines: RequestLine[] = [];
  try {
    for await (const r of readRequests(input, max)) lines.push(r);
  } catch (e) {
    t.type(e, ConnectorError);
    return { lines, err: e as ConnectorError };
  }
  t.fail('expected the reader to fail');
  return { lines, err: new ConnectorError('INTERNAL', 'no error') };
}

t.test('the default cap is the Python CDK limit of 128 MiB', async (t) => {
  t.equal(MAX_REQUEST_LINE_CHARS, 128 * 1024 * 1024);
});

t.test('one object per line, whatever the chunking, with 1-based line numbers', async (t) => {
  const text = '{"spec":{}}\n{"acknowledge":{"checkpoints":2}}\n{"discover":{"config":{"region":"us-east-1"}}}\n';
  const expected = [
    { lineNo: 1, value: { spec: {} } },
    { lineNo: 2, value: { acknowledge: { checkpoints: 2 } } },
    { lineNo: 3, value: { discover: { config: { region: 'us-east-1' } } } },
  ];
  t.same(await readAll(chunks(text)), expected, 'one chunk');
  t.same(await readAll(chunks(...text.split(''))), expected, 'one byte per chunk');
  t.same(await readAll(chunks(text.slice(0, 5), text.slice(5, 20), text.slice(20))), expected, 'lines split across chunks');
});

t.test('a last line without its newline still counts', async (t) => {
  t.same(await readAll(chunks('{"spec":{}}\n{"spec":{"config":{}}}')), [
    { lineNo: 1, value: { spec: {} } },
    { lineNo: 2, value: { spec: { config: {} } } },
  ]);
});

t.test('blank and whitespace-only lines are skipped but keep their line numbers', async (t) => {
  const lines = await readAll(chunks('\n\n{"spec":{}}\n   \n\t\n{"spec":{}}\n\n'));
  t.same(
    lines.map((l) => l.lineNo),
    [3, 6],
  );
  t.same(await readAll(chunks('')), [], 'empty input: no requests');
  t.same(await readAll(chunks('\n\n\n')), [], 'only blank lines: no requests');
});

t.test('CRLF line endings and surrounding whitespace are accepted', async (t) => {
  t.same(await readAll(chunks('{"spec":{}}\r\n  {"acknowledge":{}}  \r\n')), [
    { lineNo: 1, value: { spec: {} } },
    { lineNo: 2, value: { acknowledge: {} } },
  ]);
  t.same(await readAll(chunks('{"spec":{}}\r', '\n{"spec":{}}\r\n')), [
    { lineNo: 1, value: { spec: {} } },
    { lineNo: 2, value: { spec: {} } },
  ], 'CR and LF in different chunks');
});

t.test('multi-byte UTF-8 split across chunks decodes intact', async (t) => {
  const buf = Buffer.from('{"spec":{"config":{"name":"Grüße 🌍"}}}\n');
  const at = buf.indexOf(Buffer.from('🌍')) + 2; // inside the 4-byte sequence
  const [line] = await readAll(chunks(buf.subarray(0, at), buf.subarray(at)));
  t.same(line?.value, { spec: { config: { name: 'Grüße 🌍' } } });
});

t.test('malformed JSON is BAD_REQUEST naming the line and the fix', async (t) => {
  for (const bad of ['garbage', '{"spec":{}', '{"spec":{},}', "{'spec':{}}", '{"spec":{}}{"spec":{}}', '{"spec":{}} x']) {
    const { lines, err } = await readUntilError(t, chunks(`{"spec":{}}\n\n${bad}\n{"spec":{}}\n`));
    t.equal(lines.length, 1, `${bad}: the line before it was read`);
    t.equal(err.code, 'BAD_REQUEST');
    t.match(err.message, /^request line 3 is not valid JSON \(.+\); each request must be one JSON object on one line$/, bad);
    t.same(err.fields, { line: 3 });
  }
});

t.test('a malformed line is never quoted back: it may hold a secret', async (t) => {
  const secret = 'SECRET-do-not-log-9f3a';
  for (const bad of [
    `{"discover":{"config":{"credentials":{"aws_secret_access_key":${secret}}}}}`,
    `{"discover":{"config":{"credentials":{"aws_secret_access_key":"${secret}"x}}}}`,
    secret,
    `${secret}{}`,
  ]) {
    const { err } = await readUntilError(t, chunks(bad + '\n'));
    t.equal(err.code, 'BAD_REQUEST');
    for (let i = 0; i + 6 <= secret.length; i++) {
      const part = secret.slice(i, i + 6);
      if (err.message.includes(part)) {
        t.fail(`message quotes part of the line ("${part}"): ${err.message}`);
        break;
      }
    }
  }
});

t.test('JSON that is not an object is BAD_REQUEST', async (t) => {
  for (const bad of ['[{"spec":{}}]', '[]', '42', '-1.5e3', '"spec"', 'null', 'true', 'false']) {
    const { err } = await readUntilError(t, chunks(`${bad}\n`));
    t.equal(err.code, 'BAD_REQUEST');
    t.equal(err.message, 'request line 1 is not a JSON object; each request must be one JSON object such as {"spec":{...}}', bad);
  }
});

t.test('line length cap', async (t) => {
  const MAX = 100;
  const atCap = `{"spec":{"config":{"x":"${'a'.repeat(MAX - 28)}"}}}`;
  t.equal(atCap.length, MAX);
  t.equal((await readAll(chunks(atCap + '\n'), MAX)).length, 1, 'a line of exactly the cap is read');

  const over = `{"spec":{"config":{"x":"${'a'.repeat(MAX - 27)}"}}}`;
  t.equal(over.length, MAX + 1);
  const tooLong = /^request line 2 is longer than the limit of 100 characters; send smaller requests/;

  // The whole long line, and lines after it, inside one chunk: split2 only checks the remainder.
  let r = await readUntilError(t, chunks(`{"spec":{}}\n${over}\n{"spec":{}}\n`), MAX);
  t.equal(r.lines.length, 1);
  t.match(r.err.message, tooLong, 'long line inside one chunk');
  t.same(r.err.fields, { line: 2 });

  // Across chunks split2 refuses the line itself, before the newline arrives. (Which line number
  // the message gives then is the todo below.)
  const tooLongSomewhere = /^request line \d+ is longer than the limit of 100 characters; send smaller requests/;
  r = await readUntilError(t, chunks('{"spec":{}}\n', ...Array.from({ length: 20 }, () => 'a'.repeat(10))), MAX);
  t.match(r.err.message, tooLongSomewhere, 'unterminated line across chunks');
  r = await readUntilError(t, chunks('{"spec":{}}\n', 'a'.repeat(60), 'a'.repeat(60), 'a\n{"spec":{}}\n'), MAX);
  t.match(r.err.message, tooLongSomewhere, 'terminated line across chunks');

  // The cap counts the line's own characters, not its newline.
  t.equal((await readAll(chunks(atCap + '\r\n'), MAX)).length, 1, 'CRLF does not count toward the cap');
});

t.test(
  'a line refused across chunks is named by its own number, after the requests before it',
  // split2 fails the stream while the lines it split in the same call are still buffered: the
  // reader never sees them, so the message names line 1 and the requests before it go unanswered.
  { todo: 'split2 errors before its buffered lines are read' },
  async (t) => {
    const r = await readUntilError(t, chunks('{"spec":{}}\n' + 'a'.repeat(60), 'a'.repeat(60)), 100);
    t.equal(r.lines.length, 1, 'the request before the long line was read');
    t.match(r.err.message, /^request line 2 is longer than the limit/);
  },
);

t.test('a failing input stream is an IO error', async (t) => {
  const input = new PassThrough();
  input.write('{"spec":{}}\n');
  setImmediate(() => input.destroy(new Error('EIO: disk on fire')));
  const { lines, err } = await readUntilError(t, input);
  t.equal(lines.length, 1);
  t.equal(err.code, 'IO');
  t.match(err.message, /reading requests from stdin failed: EIO: disk on fire/);
});

t.test(
  'a large (but allowed) line is read in linear time',
  // split2 re-splits its whole buffer on every chunk, so a long line costs O(n²): 16 MiB takes
  // ~5 s and the allowed 128 MiB minutes. Fails until the reader scans only each new chunk.
  { todo: 'reader is quadratic in the length of a line (split2 re-splits its buffer per chunk)' },
  async (t) => {
    const mib = 16;
    const body = Buffer.from(`{"spec":{"config":{"x":"${'a'.repeat(mib * 1024 * 1024)}"}}}\n`);
    const parts: Buffer[] = [];
    for (let i = 0; i < body.length; i += 64 * 1024) parts.push(body.subarray(i, i + 64 * 1024));
    const started = Date.now();
    const lines = await readAll(chunks(...parts));
    const ms = Date.now() - started;
    t.equal(lines.length, 1);
    t.ok(ms < 1_500, `a ${mib} MiB line in 64 KiB chunks read in ${ms} ms (want < 1500)`);
  },
);
