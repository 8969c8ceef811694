// Command line → what to do: print help or the version, or run a command with checked option
// values. Anything else is a UsageError naming the problem. util.parseArgs only splits the words
// (non-strict, as tokens); the checks are ours, so every mistake gets a message a person can act
// on, with a guess at what was meant, instead of Node's error text.
import { parseArgs } from 'node:util';
import { COMMANDS, findCommand, PROGRAM, HELP_OPTION, VERSION_OPTION, type CommandSpec, type OptionSpec } from './commands.js';
import { suggest } from './suggest.js';
import { UsageError } from './usage-error.js';

/** Option values of a parsed command line, as the command's option table declares them. */
export class OptionValues {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** A value option's value; undefined when it was not given. */
  string(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  /** A required option's value (the parser has checked that it is there). */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw new Error(`option --${name} is not declared required`);
    return v;
  }

  /** A repeatable option's values in order; undefined when it was not given. */
  list(name: string): string[] | undefined {
    const v = this.values.get(name);
    return v ? [...v] : undefined;
  }

  /** Whether a flag was given. */
  flag(name: string): boolean {
    return this.values.has(name);
  }
}

export type CommandLine = { kind: 'no-command' } | { kind: 'help'; command?: CommandSpec } | { kind: 'version' } | { kind: 'run'; command: CommandSpec; values: OptionValues };

const COMMON: readonly OptionSpec[] = [HELP_OPTION, VERSION_OPTION];

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

function tokenize(args: readonly string[], options: readonly OptionSpec[]): Token[] {
  const config = Object.fromEntries(options.map((o) => [o.name, { type: o.value ? ('string' as const) : ('boolean' as const), ...(o.short ? { short: o.short } : {}) }]));
  return parseArgs({ args: [...args], options: config, strict: false, allowPositionals: true, tokens: true }).tokens;
}

const spelled = (o: OptionSpec): string => `--${o.name}${o.value ? ` ${o.value}` : ''}`;
const commandNames = (): string[] => ['help', ...COMMANDS.map((c) => c.name)];

function unknownCommand(name: string): UsageError {
  const guess = suggest(name, commandNames());
  return new UsageError(`unknown command "${name}"${guess ? ` (did you mean ${guess}?)` : ''}`);
}

/** The commands that have an option of this name. */
const ownersOf = (name: string): string[] => COMMANDS.filter((c) => c.options.some((o) => o.name === name)).map((c) => c.name);

/** Why an unknown option is unknown: a likely typo, or an option of another command. */
function unknownOptionHint(raw: string, name: string, spec: CommandSpec): string {
  const guess = raw.startsWith('--') ? suggest(name, [...spec.options, ...COMMON].map((o) => o.name)) : undefined;
  if (guess) return ` (did you mean --${guess}?)`;
  const owners = ownersOf(name).filter((c) => c !== spec.name);
  return owners.length > 0 ? ` (an option of ${owners.join(' and ')})` : '';
}

/** A value that is the next option rather than this one's value (`--config --state s.json`). */
const looksLikeOption = (v: string): boolean => v.startsWith('-') && v !== '-' && !/^-[0-9]/.test(v);

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'no-command' };
  if (first.startsWith('-')) return parseGlobal(argv);
  if (first === 'help') {
    if (rest.length === 0) return { kind: 'help' };
    const command = findCommand(rest[0]!);
    if (!command) throw unknownCommand(rest[0]!);
    if (rest.length > 1) throw new UsageError(`help takes one command name, not ${rest.length}`);
    return { kind: 'help', command };
  }
  const command = findCommand(first);
  if (!command) throw unknownCommand(first);
  return parseCommand(command, rest);
}

/** Options before any command: only help and version exist there. */
function parseGlobal(argv: readonly string[]): CommandLine {
  const tokens = tokenize(argv, COMMON);
  const named = (n: string): boolean => tokens.some((t) => t.kind === 'option' && t.name === n);
  if (named('help')) {
    const topic = tokens.find((t) => t.kind === 'positional');
    const command = topic?.kind === 'positional' ? findCommand(topic.value) : undefined;
    return command ? { kind: 'help', command } : { kind: 'help' };
  }
  if (named('version')) return { kind: 'version' };
  const bad = tokens.find((t) => t.kind === 'option');
  if (bad?.kind !== 'option') throw unknownCommand(argv[0]!);
  const guess = bad.rawName.startsWith('--') ? suggest(bad.name, COMMON.map((o) => o.name)) : undefined;
  if (guess) return fail(`unknown option ${bad.rawName} (did you mean --${guess}?)`);
  const owners = ownersOf(bad.name);
  if (owners.length > 0) {
    // `--config c.yaml capture`: show the line the way it works, with the command it names.
    const named = tokens.flatMap((t) => (t.kind === 'positional' && owners.includes(t.value) ? [t.value] : []))[0] ?? owners[0];
    return fail(`option ${bad.rawName} goes after the command, as in ${PROGRAM} ${named} ${bad.rawName} ... (it is an option of ${owners.join(', ')})`);
  }
  return fail(`unknown option ${bad.rawName}`);
}

function fail(message: string, command?: string): never {
  throw new UsageError(message, command);
}

function parseCommand(spec: CommandSpec, args: readonly string[]): CommandLine {
  const options = [...spec.options, ...COMMON];
  const tokens = tokenize(args, options);
  // Help wins over every other mistake on the line: it is what the person asked for.
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { kind: 'help', command: spec };
  if (tokens.some((t) => t.kind === 'option' && t.name === 'version')) return { kind: 'version' };
  const values = new Map<string, string[]>();
  const where = `for "${spec.name}"`;
  let afterTerminator = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') {
      afterTerminator = true;
      continue;
    }
    if (t.kind === 'positional') {
      fail(`unexpected argument ${JSON.stringify(t.value)} ${where}${afterTerminator ? '' : `; ${spec.name} takes options only`}`, spec.name);
    }
    const o = options.find((x) => x.name === t.name);
    if (!o) fail(`unknown option ${t.rawName} ${where}${unknownOptionHint(t.rawName, t.name, spec)}`, spec.name);
    const prior = values.get(o.name);
    if (!o.value) {
      if (t.inlineValue) fail(`option --${o.name} takes no value, not ${JSON.stringify(t.value)}`, spec.name);
      values.set(o.name, []);
      continue;
    }
    const v = t.value;
    if (v === undefined || (!t.inlineValue && looksLikeOption(v))) fail(`option --${o.name} needs a value (${spelled(o)})`, spec.name);
    if (v === '') fail(`option --${o.name} needs a value (${spelled(o)}), not an empty one`, spec.name);
    const problem = o.check?.(v);
    if (problem) fail(`--${o.name} ${problem}, not ${JSON.stringify(v)}`, spec.name);
    if (prior && !o.multiple) fail(`option --${o.name} is given twice; it takes one value`, spec.name);
    values.set(o.name, [...(prior ?? []), v]);
  }
  const missing = spec.options.filter((o) => o.required && !values.has(o.name));
  if (missing.length > 0) fail(`missing ${missing.map(spelled).join(' and ')} ${where}`, spec.name);
  return { kind: 'run', command: spec, values: new OptionValues(values) };
}
