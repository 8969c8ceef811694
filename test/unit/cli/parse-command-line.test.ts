import t from 'tap';
import { parseCommandLine, type CommandLine } from '../../../src/cli/parse-command-line.js';
import { UsageError } from '../../../src/cli/usage-error.js';

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`${argv.join(' ')} parsed`);
}

const run = (argv: string[]): Extract<CommandLine, { kind: 'run' }> => {
  const line = parseCommandLine(argv);
  if (line.kind !== 'run') throw new Error(`${argv.join(' ')}: ${line.kind}`);
  return line;
};

t.test('help, version and no command', async (t) => {
  t.same(parseCommandLine([]), { kind: 'no-command' });
  for (const argv of [['--help'], ['-h'], ['help']]) t.same(parseCommandLine(argv), { kind: 'help' }, argv.join(' '));
  for (const argv of [['--version'], ['-V'], ['capture', '--version']]) t.same(parseCommandLine(argv), { kind: 'version' }, argv.join(' '));
  for (const argv of [['capture', '--help'], ['capture', '-h'], ['help', 'capture'], ['--help', 'capture'], ['capture', '--bogus', 'x', '-h']]) {
    const line = parseCommandLine(argv);
    t.equal(line.kind === 'help' && line.command?.name, 'capture', argv.join(' '));
  }
});

t.test('values as the command declares them', async (t) => {
  const pipe = run(['pipe', '--config', 'c.yaml', '--into=node m.js', '--materialization-config', 'm.yaml', '--table', 'a', '--table', 'b', '--rcu-allocation', '10']);
  t.equal(pipe.command.name, 'pipe');
  t.equal(pipe.values.required('config'), 'c.yaml');
  t.equal(pipe.values.string('into'), 'node m.js', 'an inline value');
  t.same(pipe.values.list('table'), ['a', 'b'], 'a repeated option keeps every value in order');
  t.equal(pipe.values.string('state'), undefined);
  t.equal(pipe.values.list('state'), undefined);
  t.equal(pipe.values.string('rcu-allocation'), '10');
  const combine = run(['combine', '--schema', 's.json', '--key', '/a,/b', '--partial']);
  t.ok(combine.values.flag('partial'));
  t.notOk(run(['combine', '--schema', 's.json', '--key', '/a']).values.flag('partial'));
  t.equal(run(['capture', '--config', '-']).values.string('config'), '-', 'a lone dash is a value (stdin by convention)');
  t.equal(run(['spec']).command.name, 'spec');
  t.throws(() => run(['spec']).values.required('config'), /not declared required/);
});

t.test('mistakes are UsageErrors that name the command whose help explains them', async (t) => {
  const cases: [string[], RegExp, string | undefined][] = [
    [['captrue'], /^unknown command "captrue" \(did you mean capture\?\)$/, undefined],
    [['--config', 'c', 'pipe'], /as in source-dynamodb pipe --config/, undefined],
    [['capture', '--tabel', 'x'], /^unknown option --tabel for "capture" \(did you mean --table\?\)$/, 'capture'],
    [['discover', '--into', 'x'], /\(an option of pipe\)$/, 'discover'],
    [['capture', '-q'], /^unknown option -q for "capture"$/, 'capture'],
    [['pipe'], /^missing --config FILE and --into "COMMAND" and --materialization-config FILE for "pipe"$/, 'pipe'],
    [['capture', '--config', 'c', '--table'], /^option --table needs a value \(--table NAME\)$/, 'capture'],
    [['pipe', '--config', 'c', '--into', 'x', '--materialization-config', 'm', '--rcu-allocation', '-5'], /^--rcu-allocation must be a whole number/, 'pipe'],
    [['capture', '--config', 'c', '--', 'x'], /^unexpected argument "x" for "capture"$/, 'capture'],
    [['help', 'x', 'y'], /^unknown command "x"$/, undefined],
  ];
  for (const [argv, message, command] of cases) {
    const e = usageError(argv);
    t.match(e.message, message, argv.join(' '));
    t.equal(e.command, command, `${argv.join(' ')}: help of ${command ?? 'the CLI'}`);
  }
});
