#!/usr/bin/env node
// Process shell: wires stdin/stdout/stderr and signals to run(), and maps errors to exit codes.
// Any failure ends with one JSON log line naming the problem and the fix, and a nonzero exit.
import './warnings.js';
import { onStopSignals } from './signals.js';
import { isConnectorError, toConnectorError } from './errors.js';
import { createLogger, parseLevel } from './log.js';
import { run } from './run.js';

/** Exit code for every failure (as Estuary's connectors use). */
const EXIT_FAILURE = 1;
/** After a crash, how long stdout may take to take the lines already written before we exit anyway. */
const CRASH_EXIT_GRACE_MS = 5_000;

const log = createLogger((line) => process.stderr.write(line), parseLevel(process.env.LOG_LEVEL));

// A bug that escapes every promise chain (a throw in a timer or event handler) still ends with one
// JSON error line, scrubbed of secrets, instead of Node's plain-text trace.
const crash = (e: unknown): void => {
  const err = toConnectorError(e);
  log.error(err.message, { code: err.code, ...err.fields, stack: log.scrub((e as Error)?.stack ?? '') });
  process.exitCode = EXIT_FAILURE;
  process.stdout.write('', () => process.exit());
  // A reader that stopped reading stdout must not keep a crashed process alive.
  setTimeout(() => process.exit(), CRASH_EXIT_GRACE_MS);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

async function main(): Promise<void> {
  const onStop = onStopSignals;
  try {
    await run({ input: process.stdin, output: process.stdout, log, onStop, env: process.env });
    process.exitCode = 0;
  } catch (e) {
    // Process warnings are emitted on a later tick (the AWS SDK's Node version notice comes with its
    // first client): let them print first, so that the error is the last stderr line.
    await new Promise((resolve) => setImmediate(resolve));
    const err = toConnectorError(e);
    const fields: Record<string, unknown> = { code: err.code, ...err.fields };
    if (!isConnectorError(e) || err.code === 'INTERNAL') fields.stack = log.scrub((e as Error)?.stack ?? '');
    log.error(err.message, fields);
    process.exitCode = EXIT_FAILURE;
  }
  // Active handles (sockets, timers) must not keep a finished connector alive.
  process.stdout.write('', () => process.exit());
}

void main();
