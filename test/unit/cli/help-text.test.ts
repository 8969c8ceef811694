import t from 'tap';
import { COMMANDS, PIPE_NAME_DEFAULT } from '../../../src/cli/commands.js';
import { commandHelp, generalHelp, HELP_WIDTH, usageLine } from '../../../src/cli/help-text.js';
import { DEFAULT_PIPE_NAME } from '../../../src/pipe/run-pipe.js';

t.test("every command's help names each of its options with its notes, wrapped to the width", async (t) => {
  for (const c of COMMANDS) {
    const text = commandHelp(c);
    const flat = text.replace(/\s+/g, ' ');
    for (const o of c.options) {
      t.match(text, new RegExp(`\\n  --${o.name}\\b`), `${c.name}: --${o.name}`);
      if (o.default) t.ok(flat.includes(`default: ${o.default}`), `${c.name} --${o.name}: its default`);
      if (o.required) t.match(flat, new RegExp(`--${o.name} [^-]*required`), `${c.name} --${o.name}: required`);
    }
    t.match(text, /-h, --help/);
    const body = text.split('\n').filter((l) => !l.startsWith(`  source-dynamodb ${c.name}`)); // examples are not wrapped
    t.same(body.filter((l) => l.length > HELP_WIDTH), [], `${c.name}: no line past ${HELP_WIDTH} columns`);
  }
  t.same(generalHelp().split('\n').filter((l) => l.length > HELP_WIDTH), []);
});

t.test('usage lines: required options as they are, others in brackets, repeatable ones with ...', async (t) => {
  const capture = COMMANDS.find((c) => c.name === 'capture')!;
  t.same(usageLine(capture), ['usage: source-dynamodb capture --config FILE [--state FILE] [--table NAME]...']);
  const pipe = usageLine(COMMANDS.find((c) => c.name === 'pipe')!);
  t.ok(pipe.length > 1, 'a long one wraps');
  t.ok(pipe.slice(1).every((l) => l.startsWith(' '.repeat('usage: source-dynamodb pipe '.length))), 'under the first option');
  t.same(usageLine(COMMANDS.find((c) => c.name === 'spec')!), ['usage: source-dynamodb spec']);
});

t.test("the pipe's default name in the help is runPipe's", async (t) => {
  t.equal(PIPE_NAME_DEFAULT, DEFAULT_PIPE_NAME);
});
