// Starts and stops a DynamoDB Local JVM for integration tests, the demo and the bench.
// One call, one in-memory instance on its own port; stop() (or the parent's exit) ends it.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { ensureDynamoDBLocal } from './fetch.js';
import { freePort } from './free-port.js';
import { LineTail } from './line-tail.js';
import { pidListensOn } from './listen-owner.js';
import { DynamoDBLocalError } from './local-error.js';

/**
 * Longest wait for the first answer. It answers in ~3 s on this 2-core machine; two test files
 * starting JVMs at once on a loaded CI runner can be several times slower, and a minute still
 * tells a slow start from a hung one.
 */
const READY_DEADLINE_MS = 60_000;
/** Pause between readiness probes: short next to the JVM's start, cheap for the JVM. */
const READY_POLL_MS = 100;
/** One probe's limit, so a half-started server that accepts but never answers cannot stall us. */
const PROBE_TIMEOUT_MS = 2_000;
/** SIGTERM grace before SIGKILL. In memory there is nothing to flush; it exits in well under 1 s. */
const STOP_GRACE_MS = 5_000;
/** Output lines kept for error messages: enough for a Java exception and its cause. */
const TAIL_LINES = 25;
/** Fresh ports tried when the picked one is taken before the JVM binds it (a race, so rare). */
const PORT_ATTEMPTS = 3;
/** How a JVM that lost the port says so on stderr (it then lingers instead of exiting). */
const BIND_FAILURE = /BindException|Failed to bind/;

const INSTALL_JAVA_HINT =
  'DynamoDB Local needs a Java 17+ runtime. Install one (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`), ' +
  'or set JAVA_HOME to an installed JDK/JRE.';

export interface DynamoDBLocalOptions {
  /** Port to listen on. Default: a free port picked by the kernel. */
  port?: number;
  /** Receives each line DynamoDB Local prints on stdout or stderr. */
  log?: (line: string) => void;
  /** java executable. Default: $JAVA_HOME/bin/java when JAVA_HOME is set, else `java` on PATH. */
  java?: string;
}

export interface DynamoDBLocal {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  port: number;
  /** PID of the JVM. */
  pid: number;
  /** Ends the JVM (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts an in-memory DynamoDB Local and resolves once it answers ListTables on its port.
 * Flags: -sharedDb so every region and access key sees the same tables (tests and the connector
 * under test may sign differently); -disableTelemetry so tests make no outbound calls.
 */
export async function startDynamoDBLocal(opts: DynamoDBLocalOptions = {}): Promise<DynamoDBLocal> {
  const install = await ensureDynamoDBLocal(opts.log ? { log: opts.log } : {});
  const java = opts.java ?? defaultJava(process.env);
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launch(java, install.dir, port, opts.log);
    } catch (e) {
      const retry = e instanceof DynamoDBLocalError && e.code === 'PORT_IN_USE' && opts.port === undefined && attempt < PORT_ATTEMPTS;
      if (!retry) throw e;
    }
  }
}

export function defaultJava(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

async function launch(java: string, dir: string, port: number, log?: (line: string) => void): Promise<DynamoDBLocal> {
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar')];
  args.push('-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port));
  const child = spawn(java, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // Never let the JVM keep the parent alive: the parent's exit kills it (see killWithParent).
  child.unref();

  let failure: DynamoDBLocalError | undefined;
  const out = new LineTail(TAIL_LINES, log);
  const err = new LineTail(TAIL_LINES, (line) => {
    log?.(line);
    if (!failure && BIND_FAILURE.test(line)) {
      failure = new DynamoDBLocalError('PORT_IN_USE', `DynamoDB Local could not bind port ${port}: ${line.trim()}`);
    }
  });
  for (const [stream, tail] of [[child.stdout, out], [child.stderr, err]] as const) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => tail.push(chunk));
    stream?.on('end', () => tail.end());
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  const pid = await spawned(child, java);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const release = killWithParent(child, pid);
  child.once('exit', release);
  // 'close' comes after the output streams are drained, so the message holds the last lines.
  child.once('close', (code, signal) => {
    failure ??= new DynamoDBLocalError(
      'EXITED_EARLY',
      `DynamoDB Local exited before it was ready (${signal ?? `exit code ${code}`}). Last output:\n${lastOutput(err, out)}`,
    );
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= terminate(child, exited));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitReady(endpoint, pid, port, () => failure);
  } catch (e) {
    await stop();
    if (e instanceof DynamoDBLocalError && e.code === 'START_TIMEOUT') {
      throw new DynamoDBLocalError(e.code, `${e.message} Last output:\n${lastOutput(err, out)}`);
    }
    throw e;
  }
  return { endpoint, port, pid, stop };
}

/** Resolves with the PID once the process exists; a missing java becomes JAVA_MISSING. */
function spawned(child: ChildProcess, java: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') {
        reject(new DynamoDBLocalError('JAVA_MISSING', `cannot run \`${java}\` (${e.code}). ${INSTALL_JAVA_HINT}`, { cause: e }));
      } else {
        reject(new DynamoDBLocalError('EXITED_EARLY', `cannot start \`${java}\`: ${e.message}`, { cause: e }));
      }
    });
    child.once('spawn', () => resolve(child.pid as number));
  });
}

/**
 * Polls ListTables until it succeeds and (where /proc can tell) our JVM is the one listening.
 * Any error body or refused connection just means "not yet"; `failed` reports a fatal condition.
 */
async function waitReady(endpoint: string, pid: number, port: number, failed: () => DynamoDBLocalError | undefined): Promise<void> {
  const client = new Client(endpoint, { headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS, connectTimeout: PROBE_TIMEOUT_MS });
  const deadline = Date.now() + READY_DEADLINE_MS;
  try {
    for (;;) {
      const fatal = failed();
      if (fatal) throw fatal;
      if ((await listTablesAnswers(client)) && (await pidListensOn(pid, port)) !== false) {
        // A bind failure printed while we probed means another instance answered, not ours.
        const late = failed();
        if (late) throw late;
        return;
      }
      if (Date.now() > deadline) {
        throw new DynamoDBLocalError('START_TIMEOUT', `DynamoDB Local did not answer on ${endpoint} within ${READY_DEADLINE_MS} ms.`);
      }
      await sleep(READY_POLL_MS);
    }
  } finally {
    await client.destroy().catch(() => {});
  }
}

/** true when a real ListTables call gets a 200 with a TableNames list. */
async function listTablesAnswers(client: Client): Promise<boolean> {
  try {
    const res = await client.request({
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        // DynamoDB Local checks that a SigV4 header names an access key; it does not verify it.
        authorization:
          'AWS4-HMAC-SHA256 Credential=fakeMyKeyId/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-target, Signature=0',
      },
      body: '{}',
    });
    const text = await res.body.text();
    return res.statusCode === 200 && Array.isArray((JSON.parse(text) as { TableNames?: unknown }).TableNames);
  } catch {
    return false;
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(force);
  }
}

/**
 * Makes sure the JVM dies with this process, however it ends. A normal exit runs the 'exit'
 * handler; a crash or SIGKILL does not, so a tiny `sh` watchdog waits for its stdin pipe (held
 * only by us) to close and then kills the JVM. Returns the function that disarms both.
 */
function killWithParent(child: ChildProcess, pid: number): () => void {
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  let watchdog: ChildProcess | undefined;
  try {
    watchdog = spawn('sh', ['-c', 'read -r _; kill -KILL "$1" 2>/dev/null', 'dynamodb-local-watchdog', String(pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.on('error', () => {}); // no sh: the 'exit' handler still covers normal exits
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    watchdog = undefined;
  }
  return () => {
    process.removeListener('exit', onExit);
    // The JVM is gone: the watchdog must not outlive it, or it could kill a reused PID later.
    watchdog?.kill('SIGKILL');
  };
}

function lastOutput(err: LineTail, out: LineTail): string {
  const lines = err.lines().length > 0 ? err.lines() : out.lines();
  return lines.length > 0 ? lines.map((l) => `  ${l}`).join('\n') : '  (nothing)';
}
