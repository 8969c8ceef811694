// The CLI's state file: read (absent or blank = fresh start), checkpoints applied as merge patches
// or replacements, and rewritten atomically (a temp file renamed over it), batched over time.
import t from 'tap';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFile, StateFile } from '../../../src/cli/state-file.js';
import { ConnectorError } from '../../../src/errors.js';

const dir = await mkdtemp(join(tmpdir(), 'state-file-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

t.test('readStateFile: a missing or blank file is a fresh start', async (t) => {
  t.strictSame(await readStateFile(join(dir, 'missing.json')), {});
  const blank = join(dir, 'blank.json');
  await writeFile(blank, '  \n');
  t.strictSame(await readStateFile(blank), {});
});

t.test('readStateFile: bad JSON says how to recover; an unreadable path is an IO error', async (t) => {
  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{"bindingStateV1": {');
  const err = await readStateFile(bad).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof ConnectorError);
  t.equal((err as ConnectorError).code, 'BAD_STATE');
  t.match((err as Error).message, /not valid JSON.*delete it to start the capture over/);
  const io = await readStateFile(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.equal((io as ConnectorError).code, 'IO', 'a directory cannot be read as a file');
});

t.test('StateFile applies merge patches and replacements, and flush writes the result atomically', async (t) => {
  const path = join(dir, 'state.json');
  const sf = new StateFile(path, { bindingStateV1: { 'a.v1': { streamArn: 'arn:1' }, 'old.v1': { streamArn: 'x' } } });
  sf.apply({ bindingStateV1: { 'a.v1': { shards: { s1: { lastReadSequence: '10' } } }, 'old.v1': null } }, true);
  sf.apply({ bindingStateV1: { 'a.v1': { shards: { s1: { lastReadSequence: '11' } } } } }, true);
  const want = { bindingStateV1: { 'a.v1': { streamArn: 'arn:1', shards: { s1: { lastReadSequence: '11' } } } } };
  t.strictSame(sf.current, want, 'patches applied in order, null removes');
  await sf.flush();
  t.strictSame(JSON.parse(await readFile(path, 'utf8')), want, 'the file holds the state');
  t.strictSame(await readStateFile(path), want, 'and reads back the same');
  t.notOk((await readdir(dir)).some((f) => f.includes('.tmp-')), 'no temp file is left');

  sf.apply({ bindingStateV1: { 'b.v1': {} } }, false);
  t.strictSame(sf.current, { bindingStateV1: { 'b.v1': {} } }, 'mergePatch false replaces the state');
  await sf.flush();
  t.strictSame(JSON.parse(await readFile(path, 'utf8')), { bindingStateV1: { 'b.v1': {} } });
});

t.test('StateFile batches rewrites: one write per interval, and flush with nothing new writes nothing', async (t) => {
  const path = join(dir, 'batched.json');
  const sf = new StateFile(path, {});
  await sf.flush();
  await t.rejects(readFile(path), { code: 'ENOENT' }, 'nothing applied, nothing written');
  for (let i = 0; i < 100; i++) sf.apply({ n: i }, true);
  await t.rejects(readFile(path), { code: 'ENOENT' }, 'not written at every checkpoint');
  await sf.flush();
  t.strictSame(JSON.parse(await readFile(path, 'utf8')), { n: 99 });
  await writeFile(path, 'sentinel');
  await sf.flush();
  t.equal(await readFile(path, 'utf8'), 'sentinel', 'a flush with no new checkpoint does not rewrite the file');
});
