// The built CLI (dist/cli.js) run as a new user runs it: help in plain text on stdout with exit 0
// (globally, per command, `help COMMAND`), the version, and every command-line mistake as one
// plain stderr line that names the problem and points at the right --help, with exit 2. A command
// that runs and fails keeps its JSON error line and exit 1.
import t from 'tap';
import type tap from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI } from '../fixtures/connector-process.js';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with stdin closed; tap's NODE_OPTIONS preload is left out (it only costs time). */
function cli(...args: string[]): Promise<Result> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Each command's options, as its help must name them. */
const FLAGS: Record<string, string[]> = {
  spec: [],
  discover: ['--config', '--typescript'],
  capture: ['--config', '--state', '--table'],
  pipe: ['--config', '--into', '--materialization-config', '--table', '--state', '--name', '--rcu-allocation'],
  combine: ['--schema', '--key', '--partial'],
};
const ALL_FLAGS = [...new Set(Object.values(FLAGS).flat())];
/** The general usage, as --help prints it (run once: others compare with it). */
let generalUsage: Promise<Result> | undefined;
const general = async (): Promise<string> => (await (generalUsage ??= cli('--help'))).stdout;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Plain text for a terminal, not a JSON string or log line. */
function isPlainText(t: Pick<typeof tap, 'ok' | 'notOk'>, text: string, what: string): void {
  t.notOk(text.startsWith('"') || text.startsWith('{'), `${what}: not JSON`);
  t.notOk(text.includes('\\n'), `${what}: no escaped newlines`);
  t.ok(text.endsWith('\n'), `${what}: ends with a newline`);
}

t.test('--help, -h and help print the general usage on stdout, exit 0', async (t) => {
  const outputs = [];
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await cli(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0`);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    isPlainText(t, r.stdout, args.join(' '));
    outputs.push(r.stdout);
  }
  t.equal(new Set(outputs).size, 1, 'the three print the same text');
  const text = outputs[0]!;
  t.match(text, /^usage: source-dynamodb <command> \[options\]\n/);
  for (const c of Object.keys(FLAGS)) t.match(text, new RegExp(`\\n  ${c} +\\S`), `lists ${c} with a summary`);
  t.match(text, /-h, --help/);
  t.match(text, /-V, --version/);
  t.match(text, /source-dynamodb <command> --help/, 'points at the per-command help');
});

for (const [command, flags] of Object.entries(FLAGS)) {
  t.test(`${command} --help names its options and an example, no others'`, async (t) => {
    const texts = [];
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const r = await cli(...args);
      t.equal(r.code, 0, `${args.join(' ')}: exit 0`);
      t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
      isPlainText(t, r.stdout, args.join(' '));
      texts.push(r.stdout);
    }
    t.equal(new Set(texts).size, 1, '--help, -h and help COMMAND print the same text');
    const text = texts[0]!;
    t.match(text, new RegExp(`^usage: source-dynamodb ${command}\\b`), 'starts with its usage line');
    t.not(text, await general(), 'is not the general usage');
    for (const f of flags) t.match(text, new RegExp(`\\n  ${f}\\b`), `describes ${f}`);
    for (const f of ALL_FLAGS.filter((f) => !flags.includes(f))) t.notMatch(text, new RegExp(`${f}\\b`), `does not mention ${f}`);
    t.match(text, /\nexamples?:\n {2}source-dynamodb /, 'has an example');
    t.ok(text.split('\n').some((l) => l.startsWith(`  source-dynamodb ${command}`)), 'the example runs this command');
  });
}

t.test('help shows defaults and which options are required', async (t) => {
  // Wrapping aside: an option's text, with its notes, runs up to the next option.
  const flat = async (command: string): Promise<string> => (await cli(command, '--help')).stdout.replace(/\s+/g, ' ');
  const capture = await flat('capture');
  t.match(capture, /--config FILE [^-]*\(required\)/);
  t.match(capture, /--table NAME [^-]*\(repeatable; default: every capturable table\)/);
  const pipe = await flat('pipe');
  t.match(pipe, /--name NAME [^-]*\(default: source-dynamodb\/pipe\)/);
  t.match(pipe, /--rcu-allocation N [^-]*\(default: the table's provisioned read capacity/);
  t.match(await flat('combine'), /--partial [^-]*\(default: full reduction/);
});

t.test('--help wins over other mistakes on the line', async (t) => {
  const r = await cli('capture', '--tabel', 'x', 'extra', '--help');
  t.equal(r.code, 0);
  t.match(r.stdout, /^usage: source-dynamodb capture /);
});

t.test('--version and -V print the package version', async (t) => {
  for (const flag of ['--version', '-V']) {
    const r = await cli(flag);
    t.equal(r.code, 0, `${flag}: exit 0`);
    t.equal(r.stdout, `source-dynamodb ${VERSION}\n`, `${flag}: the package version`);
    t.equal(r.stderr, '');
  }
});

t.test('no command prints the general usage on stderr, exit 2', async (t) => {
  const r = await cli();
  t.equal(r.code, 2);
  t.equal(r.stdout, '');
  t.equal(r.stderr, await general(), 'the general usage');
});

/** Usage mistakes and the one line each must print. */
const MISTAKES: [string[], string][] = [
  [['captrue'], 'unknown command "captrue" (did you mean capture?); see source-dynamodb --help'],
  [['nope'], 'unknown command "nope"; see source-dynamodb --help'],
  [['help', 'dicsover'], 'unknown command "dicsover" (did you mean discover?); see source-dynamodb --help'],
  [['capture', '--tabel', 'orders', '--config', 'c.yaml'], 'unknown option --tabel for "capture" (did you mean --table?); see source-dynamodb capture --help'],
  [['pipe', '--materialisation-config', 'm.yaml'], 'unknown option --materialisation-config for "pipe" (did you mean --materialization-config?); see source-dynamodb pipe --help'],
  [['capture', '--config', 'c.yaml', '--typescript', 'types'], 'unknown option --typescript for "capture" (an option of discover); see source-dynamodb capture --help'],
  [['spec', '-x'], 'unknown option -x for "spec"; see source-dynamodb spec --help'],
  [['--hlep'], 'unknown option --hlep (did you mean --help?); see source-dynamodb --help'],
  [['--config', 'c.yaml', 'capture'], 'option --config goes after the command, as in source-dynamodb capture --config ... (it is an option of discover, capture, pipe); see source-dynamodb --help'],
  [['capture'], 'missing --config FILE for "capture"; see source-dynamodb capture --help'],
  [['discover', '--typescript', 'types'], 'missing --config FILE for "discover"; see source-dynamodb discover --help'],
  [['pipe', '--config', 'c.yaml'], 'missing --into "COMMAND" and --materialization-config FILE for "pipe"; see source-dynamodb pipe --help'],
  [['combine', '--key', '/id'], 'missing --schema FILE for "combine"; see source-dynamodb combine --help'],
  [['capture', '--config'], 'option --config needs a value (--config FILE); see source-dynamodb capture --help'],
  [['capture', '--config', '--state', 's.json'], 'option --config needs a value (--config FILE); see source-dynamodb capture --help'],
  [['capture', '--config='], 'option --config needs a value (--config FILE), not an empty one; see source-dynamodb capture --help'],
  [['capture', '--config', 'a.yaml', '--config', 'b.yaml'], 'option --config is given twice; it takes one value; see source-dynamodb capture --help'],
  [['capture', '--config', 'c.yaml', 'orders'], 'unexpected argument "orders" for "capture"; capture takes options only; see source-dynamodb capture --help'],
  [['pipe', '--config', 'c.yaml', '--into', 'm', '--materialization-config', 'm.yaml', '--rcu-allocation', 'ten'], '--rcu-allocation must be a whole number of read capacity units per second, not "ten"; see source-dynamodb pipe --help'],
  [['pipe', '--config', 'c.yaml', '--into', '"node x', '--materialization-config', 'm.yaml'], '--into has an unterminated quote, not "\\"node x"; see source-dynamodb pipe --help'],
  [['pipe', '--config', 'c.yaml', '--into', ' ', '--materialization-config', 'm.yaml'], '--into names no command, not " "; see source-dynamodb pipe --help'],
  [['combine', '--schema', 's.json', '--key', 'id'], '--key must be JSON pointers separated by commas, like /id or /customerId,/orderId, not "id"; see source-dynamodb combine --help'],
  [['combine', '--schema', 's.json', '--key', '/id', '--partial=yes'], 'option --partial takes no value, not "yes"; see source-dynamodb combine --help'],
  [['help', 'capture', 'pipe'], 'help takes one command name, not 2; see source-dynamodb --help'],
];

t.test('command-line mistakes: one plain line naming the problem and the help, exit 2', async (t) => {
  for (const [args, line] of MISTAKES) {
    const r = await cli(...args);
    const what = args.join(' ');
    t.equal(r.code, 2, `${what}: exit 2`);
    t.equal(r.stdout, '', `${what}: nothing on stdout`);
    t.equal(r.stderr, `source-dynamodb: ${line}\n`, `${what}: says so in one line`);
    t.notMatch(r.stderr, /INTERNAL|This is a bug/, `${what}: not reported as a bug`);
  }
});

t.test('a command that runs and fails keeps its JSON error line and exit 1', async (t) => {
  const r = await cli('capture', '--config', '/nonexistent/config.yaml');
  t.equal(r.code, 1);
  const last = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { level: string; code: string; msg: string };
  t.equal(last.level, 'error');
  t.equal(last.code, 'IO');
  t.match(last.msg, /cannot read config file \/nonexistent\/config\.yaml/);
});
