import t from 'tap';
import { PassThrough, Readable } from 'node:stream';
import { runCombine } from '../../../src/reduce/cli.js';

async function run(lines: string[], opts: { mode?: 'full' | 'partial'; schema?: unknown; keyPointers?: string[] } = {}): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  await runCombine({
    input: Readable.from([lines.join('\n')]),
    output,
    schema: opts.schema ?? {
      if: { properties: { op: { const: 'd' } }, required: ['op'] },
      then: { reduce: { strategy: 'merge', delete: true } },
      else: { reduce: { strategy: 'merge' } },
      properties: { n: { reduce: { strategy: 'sum' } } },
    },
    keyPointers: opts.keyPointers ?? ['/id'],
    mode: opts.mode,
  });
  return Buffer.concat(chunks).toString();
}

t.test('NDJSON in, combined NDJSON out in key order; full reduction leaves deleted documents out', async (t) => {
  const input = ['{"id":2,"op":"c","n":1}', '', '{"id":1,"op":"c","n":12345678901234567890123456789012345678}', '{"id":1,"op":"u","n":1}', '{"id":3,"op":"c"}', '{"id":3,"op":"d"}\r'];
  t.equal(await run(input), '{"id":1,"op":"u","n":12345678901234567890123456789012345679}\n{"id":2,"op":"c","n":1}\n');
  t.equal(
    await run(input, { mode: 'partial' }),
    '{"id":1,"op":"u","n":12345678901234567890123456789012345679}\n{"id":2,"op":"c","n":1}\n{"id":3,"op":"d"}\n',
    'partial: the tombstone is written',
  );
});

t.test('errors name the input line', async (t) => {
  await t.rejects(run(['{"id":1}', '{"id":'], {}), { code: 'BAD_DOCUMENT', fields: { line: 2 } });
  await t.rejects(run(['[1]']), { code: 'BAD_DOCUMENT', fields: { line: 1 } });
  await t.rejects(run(['{"x":1}']), { code: 'BAD_DOCUMENT', fields: { line: 1, location: '/id' } });
  await t.rejects(run(['{"id":1}'], { schema: { reduce: { strategy: 'bogus' } } }), { code: 'BAD_SCHEMA' });
});

t.test('a slow reader gets every line (backpressure)', async (t) => {
  const output = new PassThrough({ highWaterMark: 16 });
  const lines = Array.from({ length: 2000 }, (_, i) => `{"id":${i},"v":"${'x'.repeat(50)}"}`);
  const read = (async () => {
    let text = '';
    for await (const c of output) {
      text += String(c);
      await new Promise((r) => setImmediate(r));
    }
    return text;
  })();
  const stats = await runCombine({ input: Readable.from([lines.join('\n')]), output, schema: {}, keyPointers: ['/id'] });
  output.end();
  t.equal((await read).split('\n').length - 1, 2000);
  t.match(stats, { docsIn: 2000, docsOut: 2000 });
});
