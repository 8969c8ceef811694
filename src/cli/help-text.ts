// The help the CLI prints, rendered from the command table: the general usage (commands and the
// options every command takes) and one command's (usage line, options with defaults, examples).
import { COMMANDS, HELP_OPTION, PROGRAM, VERSION_OPTION, type CommandSpec, type OptionSpec } from './commands.js';

/** Width help text is wrapped to: a narrow terminal's, so nothing wraps twice. */
export const HELP_WIDTH = 100;
/** Indent of the text beside a name (commands, options) when the names are short. */
const MIN_COLUMN = 16;

/** `words` in lines of at most `width` characters; lines after the first start `hang` spaces in. */
function fill(words: readonly string[], first: string, hang: number, width = HELP_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let filled = false; // the line holds a word, so a long next word may go to a new line
  for (const word of words) {
    if (filled && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(hang);
    }
    line += line === '' || line.endsWith(' ') ? word : ` ${word}`;
    filled = true;
  }
  if (filled || line.trim() !== '') lines.push(line);
  return lines;
}

/** A paragraph wrapped at `indent` spaces. */
const wrap = (text: string, indent: number): string[] => fill(text.split(/\s+/).filter(Boolean), ' '.repeat(indent), indent);

/** Two columns: names at 2 spaces, their text wrapped beside them. */
function table(rows: [string, string][]): string[] {
  const column = Math.max(MIN_COLUMN, ...rows.map(([name]) => name.length + 4));
  return rows.map(([name, text]) => fill(text.split(/\s+/).filter(Boolean), `  ${name}`.padEnd(column), column).join('\n'));
}

const optionName = (o: OptionSpec): string => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;

function optionText(o: OptionSpec): string {
  const notes = [o.required ? 'required' : undefined, o.multiple ? 'repeatable' : undefined, o.default ? `default: ${o.default}` : undefined].filter(Boolean);
  return notes.length > 0 ? `${o.help} (${notes.join('; ')})` : o.help;
}

/** The command's synopsis, wrapped between options: required ones as they are, the rest in brackets. */
export function usageLine(c: CommandSpec): string[] {
  const parts = c.options.map((o) => {
    const s = `--${o.name}${o.value ? ` ${o.value}` : ''}`;
    return (o.required ? s : `[${s}]`) + (o.multiple ? '...' : '');
  });
  const head = `usage: ${PROGRAM} ${c.name}`;
  return fill(parts, head, head.length + 1);
}

export function generalHelp(): string {
  return [
    `usage: ${PROGRAM} <command> [options]`,
    '',
    ...wrap('A DynamoDB change-data-capture connector, run by hand: its spec, discovery, a capture to stdout, or a pipe into a materialization.', 0),
    '',
    'commands:',
    ...table([...COMMANDS.map((c): [string, string] => [c.name, c.summary]), ['help [COMMAND]', "print this help, or a command's"]]),
    '',
    'options:',
    ...table([HELP_OPTION, VERSION_OPTION].map((o): [string, string] => [optionName(o), o.help])),
    '',
    ...wrap(`Run ${PROGRAM} <command> --help for its options and an example. Config FILEs may be JSON or YAML. Logs are JSON lines on stderr; LOG_LEVEL=debug|info|warn|error.`, 0),
    '',
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  return [
    ...usageLine(c),
    '',
    ...wrap(c.description, 0),
    '',
    'options:',
    ...table([...c.options, HELP_OPTION].map((o): [string, string] => [optionName(o), optionText(o)])),
    '',
    c.examples.length > 1 ? 'examples:' : 'example:',
    ...c.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
