#!/usr/bin/env node
// Process shell of materialize-postgres: wires stdin/stdout/stderr and signals to runMaterialize(),
// and maps errors to exit codes. Any failure ends with one JSON log line naming the problem and
// the fix, and a nonzero exit; stdout carries only whole protocol lines.
import '../warnings.js';
import { onStopSignals } from '../signals.js';
import { format } from 'node:util';
import { isConnectorError, toConnectorError } from '../errors.js';
import { createLogger, parseLevel } from '../log.js';
import { runMaterialize } from './run.js';

/** Exit code for every failure (as Estuary's connectors use). */
const EXIT_FAILURE = 1;

const log = createLogger((line) => process.stderr.write(line), parseLevel(process.env.LOG_LEVEL));

// stdout belongs to the protocol writer. Libraries that print (PGlite in embedded mode has
// console.log calls) go to the stderr log instead, where they cannot break a response line.
console.log = console.info = console.debug = (...args: unknown[]) => log.debug(format(...args), { from: 'console' });
console.warn = (...args: unknown[]) => log.warn(format(...args), { from: 'console' });

async function main(): Promise<void> {
  const onStop = onStopSignals;
  try {
    await runMaterialize({ input: process.stdin, output: process.stdout, log, onStop });
    process.exitCode = 0;
  } catch (e) {
    const err = toConnectorError(e);
    const fields: Record<string, unknown> = { code: err.code, ...err.fields };
    if (!isConnectorError(e) || err.code === 'INTERNAL') fields.stack = log.scrub((e as Error)?.stack ?? '');
    log.error(log.scrub(err.message), fields);
    process.exitCode = EXIT_FAILURE;
  }
  // Active handles (sockets, timers) must not keep a finished connector alive.
  process.stdout.write('', () => process.exit());
}

void main();
