#!/usr/bin/env node
// The human CLI over the connector's core: spec, discover, capture, pipe and combine without
// writing protocol messages by hand. Help and the version go to stdout (exit 0). A command line
// it cannot run ends with one plain line on stderr (exit 2); a command that fails ends with one
// JSON log line naming the problem (exit 1).
import './warnings.js';
import { constants } from 'node:os';
import { interactiveStopSignals, type ForceReason, type StopSignal } from './signals.js';
import { PROGRAM } from './cli/commands.js';
import { commandHelp, generalHelp } from './cli/help-text.js';
import { parseCommandLine } from './cli/parse-command-line.js';
import { UsageError, usageErrorLine } from './cli/usage-error.js';
import { packageVersion } from './cli/version.js';
import { toConnectorError } from './errors.js';
import { createLogger, parseLevel } from './log.js';

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
    case 'run': {
      // Loaded only to run a command: help, the version and usage errors print without the AWS SDK.
      const { runCommand } = await import('./cli/run-command.js');
      await runCommand(line.command.name, line.values, { log, onStop });
      return EXIT_OK;
    }
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
