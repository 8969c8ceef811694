// How the pipe runs a connector: one process (or in-process instance) per RPC, as Flow's runtime
// does, speaking JSON lines on stdin/stdout with logs on stderr (PROTOCOL.md §1). A spawned
// connector's stderr log lines are re-logged through the pipe's logger, tagged with its name.
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import split2 from 'split2';
import { ConnectorError, toConnectorError } from '../errors.js';
import type { Level, Logger } from '../log.js';
import { Writer } from '../protocol/writer.js';
import { run } from '../run.js';

/** Longest response line read from a connector (Flow's Python CDK allows 128 MiB). */
export const MAX_RESPONSE_LINE_CHARS = 128 * 1024 * 1024;

export interface ExitStatus {
  code: number | null;
  signal?: NodeJS.Signals | null;
}

/** One running connector RPC. */
export interface ConnectorConn {
  /** Writes whole lines to its stdin; resolves when accepted (backpressure). */
  send(lines: readonly string[]): Promise<void>;
  /** Closes its stdin. */
  end(): void;
  /** Its stdout, one line at a time; ends at EOF. */
  lines: AsyncIterable<string>;
  /** Settles when it has exited; code 0 is success. */
  exited: Promise<ExitStatus>;
  /** Asks it to end at a clean point (SIGTERM; the stop handler in process). */
  stop(): void;
  /** Ends it now (SIGKILL); in process, the same as stop. */
  kill(): void;
  /** Its last error log line, for messages about its failure. */
  lastError(): string | undefined;
  pid?: number;
}

export interface Connector {
  /** For logs and messages: "capture", "materialization". */
  name: string;
  start(): ConnectorConn;
}

function splitLines(stream: Readable): AsyncIterable<string> {
  const lines = stream.pipe(split2({ maxLength: MAX_RESPONSE_LINE_CHARS }));
  stream.on('error', (e) => lines.destroy(e));
  return lines as AsyncIterable<string>;
}

/** A logger that adds fields to every line. */
export function taggedLogger(log: Logger, tags: Record<string, unknown>): Logger {
  const at = (level: Level) => (msg: string, fields?: Record<string, unknown>) => log[level](msg, { ...tags, ...fields });
  return { ...log, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** Re-logs a connector's stderr line; returns it as an error text when it is one. */
function relog(log: Logger, name: string, line: string): string | undefined {
  let rec: Record<string, unknown> | undefined;
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) rec = v as Record<string, unknown>;
  } catch {
    // not a JSON log line: logged as text below
  }
  if (!rec) {
    if (line.trim() !== '') log.info(line, { connector: name });
    return line;
  }
  const { level, msg, message, ts: _ts, time: _time, ...fields } = rec;
  const lvl = (typeof level === 'string' && LEVELS.has(level.toLowerCase()) ? level.toLowerCase() : level === 'warning' ? 'warn' : level === 'fatal' ? 'error' : 'info') as Level;
  const text = String(msg ?? message ?? '');
  log[lvl](text, { connector: name, ...fields });
  return lvl === 'error' ? text : undefined;
}

export interface SpawnOptions {
  name: string;
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  log: Logger;
}

/** A connector run as a child process per RPC. */
export function spawnConnector(opts: SpawnOptions): Connector {
  if (opts.command.length === 0) throw new ConnectorError('BAD_CONFIG', `the ${opts.name} command is empty`);
  return {
    name: opts.name,
    start(): ConnectorConn {
      const [file, ...args] = opts.command as [string, ...string[]];
      // Its own process group: a terminal's Ctrl-C (SIGINT to the whole foreground group) reaches
      // only the pipe, which then ends the connector in protocol order. Sharing the group, the
      // connector stopped mid-transaction on its own and the pipe failed on its exit. It still
      // ends with the pipe, even on SIGKILL: its stdin closes.
      const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, detached: true, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
      let lastError: string | undefined;
      let lastLine: string | undefined;
      child.stderr.pipe(split2()).on('data', (line: string) => {
        lastLine = line;
        lastError = relog(opts.log, opts.name, line) ?? lastError;
      });
      const writer = new Writer(child.stdin);
      child.stdin.on('error', () => undefined); // EPIPE once it exits: reported through exited
      const exited = new Promise<ExitStatus>((resolve) => {
        child.on('error', (e) => {
          lastError = `cannot start ${JSON.stringify(file)}: ${e.message}`;
          resolve({ code: null });
        });
        child.on('close', (code, signal) => resolve({ code, signal }));
      });
      return {
        send: (lines) => writer.write(lines),
        end: () => child.stdin.end(),
        lines: splitLines(child.stdout),
        exited,
        stop: () => void child.kill('SIGTERM'),
        kill: () => void child.kill('SIGKILL'),
        lastError: () => lastError ?? lastLine,
        ...(child.pid !== undefined ? { pid: child.pid } : {}),
      };
    },
  };
}

export interface InProcessOptions {
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Capture tunables for tests and benchmarks (see verbs/deps.ts). */
  captureOverrides?: Record<string, number>;
}

/** This project's capture connector, run in this process through run(), one instance per RPC. */
export function inProcessCapture(opts: InProcessOptions): Connector {
  const log = taggedLogger(opts.log, { connector: 'capture' });
  return {
    name: 'capture',
    start(): ConnectorConn {
      const input = new PassThrough();
      const output = new PassThrough();
      const stopHandlers = new Set<(reason: string) => void>();
      let lastError: string | undefined;
      const exited = run({
        input,
        output,
        log,
        env: opts.env ?? process.env,
        onStop: (h) => {
          stopHandlers.add(h);
          return () => stopHandlers.delete(h);
        },
        ...(opts.captureOverrides ? { captureOverrides: opts.captureOverrides } : {}),
      }).then(
        () => ({ code: 0 }),
        (e: unknown) => {
          const err = toConnectorError(e);
          lastError = err.message;
          log.error(err.message, { code: err.code, ...err.fields });
          return { code: 1 };
        },
      );
      void exited.then(() => output.end());
      const writer = new Writer(input);
      const stop = (): void => {
        for (const h of stopHandlers) h('the pipe is stopping');
      };
      return {
        send: (lines) => writer.write(lines),
        end: () => input.end(),
        lines: splitLines(output),
        exited,
        stop,
        kill: stop,
        lastError: () => lastError,
      };
    },
  };
}
