#!/usr/bin/env node
// The human CLI over the connector's core: spec, discover, capture, pipe and combine without
// writing protocol messages by hand. Help and the version go to stdout (exit 0). A command line
// it cannot run ends with one plain line on stderr (exit 2); a command that fails ends with one
// JSON log line naming the problem (exit 1).
import './warnings.js';
import { constants } from 'node:os';
import { interactiveStopSignals, type ForceReason, type StopSignal } from './signals.js';
import { readConfigFile } from './cli/config-file.js';
import { captureCommand } from './cli/capture.js';
import { PROGRAM } from './cli/commands.js';
import { commandHelp, generalHelp } from './cli/help-text.js';
import { parseCommandLine, type OptionValues } from './cli/parse-command-line.js';
import { UsageError, usageErrorLine } from './cli/usage-error.js';
import { packageVersion } from './cli/version.js';
import { discover } from './verbs/discover.js';
import { spec } from './verbs/spec.js';
import { writeTypeScript } from './discover/typescript.js';
import { toConnectorError } from './errors.js';
import { createLogger, parseLevel } from './log.js';
import { Writer } from './protocol/writer.js';
import { redactConfig } from './verbs/redact.js';
import { runCombine } from './reduce/cli.js';
import { pipeCommand } from './pipe/cli.js';

const EXIT_OK = 0;
/** A command that ran and failed (as the connector's main exits). */
const EXIT_FAILURE = 1;
/** A command line that cannot run: the usage-error status of getopt tools and shell builtins. */
const EXIT_USAGE = 2;

const log = createLogger((line) => process.stderr.write(line), parseLevel(process.env.LOG_LEVEL));

/** A second Ctrl-C (or one before anything can stop cleanly): exit now, as the key press asks. */
function stopNow(signal: StopSignal, why: ForceReason): void {
  if (why === 'repeated') log.warn(`second ${signal}: exiting now, without waiting for a checkpoint; the next run resumes from the last committed one`);
  process.exit(128 + constants.signals[signal]);
}
const { onStop } = interactiveStopSignals(stopNow);

async function runCommand(command: string, values: OptionValues): Promise<void> {
  const writer = new Writer(process.stdout);
  switch (command) {
    case 'spec':
      await writer.write([JSON.stringify(spec().spec, null, 2)]);
      break;
    case 'discover': {
      const config = await readConfigFile(values.required('config'));
      redactConfig(config, log);
      const out = (await discover({ config }, { log, writer, env: process.env })) as { discovered: { bindings: Parameters<typeof writeTypeScript>[0] } };
      const typescript = values.string('typescript');
      if (typescript) {
        const paths = await writeTypeScript(out.discovered.bindings, typescript);
        log.info('wrote TypeScript types', { files: paths });
      }
      await writer.write([JSON.stringify(out.discovered, null, 2)]);
      break;
    }
    case 'capture': {
      const config = await readConfigFile(values.required('config'));
      redactConfig(config, log);
      const statePath = values.string('state');
      const tables = values.list('table');
      await captureCommand({ config, log, stdout: process.stdout, onStop, env: process.env, ...(statePath ? { statePath } : {}), ...(tables ? { tables } : {}) });
      break;
    }
    case 'pipe': {
      const [state, name, rcu, tables] = [values.string('state'), values.string('name'), values.string('rcu-allocation'), values.list('table')];
      await pipeCommand(
        {
          config: values.required('config'),
          into: values.required('into'),
          'materialization-config': values.required('materialization-config'),
          ...(tables ? { table: tables } : {}),
          ...(state ? { state } : {}),
          ...(name ? { name } : {}),
          ...(rcu ? { 'rcu-allocation': rcu } : {}),
        },
        { log, onStop, env: process.env },
      );
      break;
    }
    case 'combine': {
      const schema = await readConfigFile(values.required('schema'));
      const keyPointers = values.required('key').split(',');
      await runCombine({ input: process.stdin, output: process.stdout, schema, keyPointers, mode: values.flag('partial') ? 'partial' : 'full' });
      break;
    }
    default:
      throw new Error(`command ${command} is in the command table but has no implementation`);
  }
  await writer.flush();
}

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  switch (line.kind) {
    case 'no-command':
      process.stderr.write(generalHelp());
      return EXIT_USAGE;
    case 'help':
      process.stdout.write(line.command ? commandHelp(line.command) : generalHelp());
      return EXIT_OK;
    case 'version':
      process.stdout.write(`${PROGRAM} ${packageVersion()}\n`);
      return EXIT_OK;
    case 'run':
      await runCommand(line.command.name, line.values);
      return EXIT_OK;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(usageErrorLine(e, PROGRAM));
      process.exit(EXIT_USAGE);
    }
    const err = toConnectorError(e);
    log.error(err.message, { code: err.code, ...err.fields });
    process.stdout.write('', () => process.exit(EXIT_FAILURE));
  },
);
