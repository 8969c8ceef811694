// The CLI's commands and their options: one table that the parser checks command lines against
// and the help is printed from, so the two cannot drift apart.
import { shellWords } from '../pipe/shell-words.js';

/** The name the CLI is installed as (package.json "bin"), used in help and error lines. */
export const PROGRAM = 'source-dynamodb';
/**
 * runPipe's DEFAULT_PIPE_NAME, spelled out: importing run-pipe would load the whole connector
 * just to print help. A unit test keeps the two equal.
 */
export const PIPE_NAME_DEFAULT = 'source-dynamodb/pipe';

export interface OptionSpec {
  /** Long name without the dashes. */
  name: string;
  short?: string;
  /** Placeholder of its value (FILE, NAME); none for a flag that takes no value. */
  value?: string;
  /** May be given more than once; the values are kept in order. */
  multiple?: boolean;
  required?: boolean;
  help: string;
  /** What applies when it is not given, for the help. */
  default?: string;
  /** The problem with a value, or undefined when it is fine. */
  check?: (value: string) => string | undefined;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What it does and prints, for its own help. */
  description: string;
  options: OptionSpec[];
  examples: string[];
}

/** Options every command takes. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'print this help and exit' };
export const VERSION_OPTION: OptionSpec = { name: 'version', short: 'V', help: 'print the version and exit' };

const config: OptionSpec = { name: 'config', value: 'FILE', required: true, help: "the connector's endpoint config, JSON or YAML; README describes it" };

const wholeNumber = (v: string): string | undefined => (/^[0-9]+$/.test(v) ? undefined : 'must be a whole number of read capacity units per second');
const pointers = (v: string): string | undefined => (v.split(',').every((p) => p.startsWith('/')) ? undefined : 'must be JSON pointers separated by commas, like /id or /customerId,/orderId');
function command(v: string): string | undefined {
  try {
    return shellWords(v).length === 0 ? 'names no command' : undefined;
  } catch {
    return 'has an unterminated quote'; // the one thing shellWords rejects
  }
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'spec',
    summary: "print the connector's spec (its config schemas) as JSON",
    description: "Prints the connector's spec as JSON on stdout: the endpoint and resource config schemas, as a Flow runtime sees them.",
    options: [],
    examples: [`${PROGRAM} spec > spec.json`],
  },
  {
    name: 'discover',
    summary: 'list capturable tables and their document schemas',
    description: 'Lists the tables the config can capture (those with a NEW_AND_OLD_IMAGES stream) and the schema of their documents, as JSON on stdout.',
    options: [config, { name: 'typescript', value: 'DIR', help: 'also write a TypeScript type per table into DIR', default: 'no types are written' }],
    examples: [`${PROGRAM} discover --config config.yaml`, `${PROGRAM} discover --config config.yaml --typescript types/`],
  },
  {
    name: 'capture',
    summary: 'capture tables: documents and checkpoints on stdout',
    description:
      'Backfills the tables and follows their streams, printing protocol lines (captured documents and checkpoints) on stdout until stopped. Ctrl-C or SIGTERM ends it at a checkpoint with exit 0; a second Ctrl-C exits at once. Run it again with the same state file to resume.',
    options: [
      config,
      { name: 'state', value: 'FILE', help: 'resume from, and keep the committed state in, FILE (created when missing)', default: 'no file: every run starts over' },
      { name: 'table', value: 'NAME', multiple: true, help: 'a table to capture', default: 'every capturable table' },
    ],
    examples: [`${PROGRAM} capture --config config.yaml --state state.json`, `${PROGRAM} capture --config config.yaml --state state.json --table orders --table customers`],
  },
  {
    name: 'pipe',
    summary: 'capture tables into a materialization connector, exactly once',
    description:
      "Captures the tables into a materialization connector run as COMMAND (Flow's materialize protocol, JSON lines), exactly once: the materialization's endpoint keeps the capture's checkpoint with the rows. Ctrl-C or SIGTERM ends it after the last transaction commits, with exit 0; a second Ctrl-C exits at once (the open transaction rolls back). Run it again to resume.",
    options: [
      config,
      { name: 'into', value: '"COMMAND"', required: true, help: 'the materialization connector to run, split into words like a shell (no shell runs it)', check: command },
      { name: 'materialization-config', value: 'FILE', required: true, help: "the materialization's endpoint config, JSON or YAML" },
      { name: 'table', value: 'NAME', multiple: true, help: 'a table to capture', default: 'every capturable table' },
      { name: 'state', value: 'FILE', help: "the pipe's own state, for materializations that keep none at their endpoint", default: 'no file' },
      { name: 'name', value: 'NAME', help: "the materialization's name: its checkpoint's identity at the endpoint", default: PIPE_NAME_DEFAULT },
      { name: 'rcu-allocation', value: 'N', help: "cap each table's backfill reads at N read capacity units per second", default: "the table's provisioned read capacity; unlimited when on demand", check: wholeNumber },
    ],
    examples: [`${PROGRAM} pipe --config capture.yaml --into "node dist/materialize-postgres/main.js" --materialization-config pg.yaml`],
  },
  {
    name: 'combine',
    summary: "reduce NDJSON documents on stdin by key through a schema's reduce annotations",
    description: "Reads NDJSON documents on stdin, reduces those of the same key through the schema's reduce annotations, and prints the combined documents on stdout in key order.",
    options: [
      { name: 'schema', value: 'FILE', required: true, help: 'the collection schema, JSON or YAML' },
      { name: 'key', value: '/ptr[,/ptr]', required: true, help: 'the key: JSON pointers into the documents', check: pointers },
      { name: 'partial', help: 'reduce partially: keep every drained document, deletions included', default: 'full reduction, deleted documents left out' },
    ],
    examples: [`${PROGRAM} combine --schema schema.json --key /customerId,/orderId < docs.ndjson`],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
