#!/usr/bin/env node
// The human CLI over the connector's core: spec, discover, capture and combine without writing
// protocol messages by hand. Errors end with one JSON log line on stderr and a nonzero exit.
import './warnings.js';
import { onStopSignals } from './signals.js';
import { parseArgs } from 'node:util';
import { readConfigFile } from './cli/config-file.js';
import { captureCommand } from './cli/capture.js';
import { discover } from './verbs/discover.js';
import { spec } from './verbs/spec.js';
import { writeTypeScript } from './discover/typescript.js';
import { ConnectorError, toConnectorError } from './errors.js';
import { createLogger, parseLevel } from './log.js';
import { Writer } from './protocol/writer.js';
import { redactConfig } from './verbs/redact.js';
import { runCombine } from './reduce/cli.js';
import { pipeCommand } from './pipe/cli.js';

const USAGE = `usage: source-dynamodb <command> [options]

commands:
  spec                                   print the connector's spec (config schemas) as JSON
  discover --config FILE [--typescript DIR]
                                         list capturable tables and their document schemas;
                                         with --typescript, write a .ts type per table into DIR
  capture --config FILE [--state FILE] [--table NAME]...
                                         capture tables (default: every capturable table):
                                         documents and checkpoints on stdout; with --state,
                                         resume from and keep the committed state in FILE
  pipe --config FILE --into "COMMAND" --materialization-config FILE [--table NAME]...
       [--state FILE] [--name NAME] [--rcu-allocation N]
                                         capture tables into a materialization connector run as
                                         COMMAND (Flow's materialize protocol, JSON), exactly once:
                                         its endpoint keeps the capture's checkpoint with the rows;
                                         --state keeps the pipe's own state (for materializations
                                         that keep none); --name is the materialization's name;
                                         --rcu-allocation caps each table's backfill reads
  combine --schema FILE --key /ptr[,/ptr] [--partial]
                                         reduce NDJSON documents on stdin by key through the
                                         schema's reduce annotations; combined documents on stdout

FILE may be JSON or YAML. The endpoint config is the connector's (see README). Logs are JSON
lines on stderr; LOG_LEVEL=debug|info|warn|error.`;

const log = createLogger((line) => process.stderr.write(line), parseLevel(process.env.LOG_LEVEL));

const onStop = onStopSignals;

function required(v: string | undefined, flag: string): string {
  if (!v) throw new ConnectorError('BAD_REQUEST', `missing ${flag}\n\n${USAGE}`);
  return v;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      state: { type: 'string' },
      table: { type: 'string', multiple: true },
      typescript: { type: 'string' },
      schema: { type: 'string' },
      key: { type: 'string' },
      partial: { type: 'boolean' },
      into: { type: 'string' },
      'materialization-config': { type: 'string' },
      name: { type: 'string' },
      'rcu-allocation': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const writer = new Writer(process.stdout);
  switch (command) {
    case 'spec':
      await writer.write([JSON.stringify(spec().spec, null, 2)]);
      break;
    case 'discover': {
      const config = await readConfigFile(required(values.config, '--config FILE'));
      redactConfig(config, log);
      const out = (await discover({ config }, { log, writer, env: process.env })) as { discovered: { bindings: Parameters<typeof writeTypeScript>[0] } };
      if (values.typescript) {
        const paths = await writeTypeScript(out.discovered.bindings, values.typescript);
        log.info('wrote TypeScript types', { files: paths });
      }
      await writer.write([JSON.stringify(out.discovered, null, 2)]);
      break;
    }
    case 'capture': {
      const config = await readConfigFile(required(values.config, '--config FILE'));
      redactConfig(config, log);
      await captureCommand({ config, log, stdout: process.stdout, onStop, env: process.env, ...(values.state ? { statePath: values.state } : {}), ...(values.table ? { tables: values.table } : {}) });
      break;
    }
    case 'pipe':
      await pipeCommand(values, { log, onStop, env: process.env, usage: USAGE });
      break;
    case 'combine': {
      const schema = await readConfigFile(required(values.schema, '--schema FILE'));
      const keyPointers = required(values.key, '--key /ptr[,/ptr]').split(',');
      await runCombine({ input: process.stdin, output: process.stdout, schema, keyPointers, mode: values.partial ? 'partial' : 'full' });
      break;
    }
    default:
      throw new ConnectorError('BAD_REQUEST', `unknown command "${command}"\n\n${USAGE}`);
  }
  await writer.flush();
}

main(process.argv.slice(2)).then(
  () => process.stdout.write('', () => process.exit(0)),
  (e: unknown) => {
    const err = toConnectorError(e);
    log.error(err.message, { code: err.code, ...err.fields });
    process.stdout.write('', () => process.exit(1));
  },
);
