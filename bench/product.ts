// Runs the product as a runtime would (node dist/main.js, open request on stdin) and measures it
// from the outside: snapshot documents read off its stdout, its peak RSS from /proc, and the
// latency from a write to the matching document on stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { documentSchema } from '../src/discover/document-schema.js';
import { BENCH_CREDENTIALS } from './baselines.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface ProductRun {
  /** Resolves with the number of snapshot documents once `expected` were seen. */
  backfilled: Promise<number>;
  /** Calls back with each document's key (pk) as its line is read. */
  onDocument(cb: (pk: string, line: string) => void): void;
  peakRssBytes(): number;
  stop(): Promise<void>;
}

export function openRequest(endpoint: string, table: string, segments: number): unknown {
  return {
    open: {
      capture: {
        name: 'bench/capture',
        config: {
          region: 'us-east-1',
          credentials: { auth_type: 'AWSAccessKey', aws_access_key_id: BENCH_CREDENTIALS.accessKeyId, aws_secret_access_key: BENCH_CREDENTIALS.secretAccessKey },
          advanced: { endpoint, backfillSegments: segments, idleBackoffMax: 1, maxConcurrentRequests: segments + 4 },
        },
        bindings: [
          {
            resourceConfig: { table },
            resourcePath: [table],
            collection: { name: `bench/${table}`, key: ['/pk'], writeSchema: documentSchema(table, { hash: { name: 'pk', type: 'S' } }) },
            stateKey: `${table}.v1`,
          },
        ],
      },
      state: {},
    },
  };
}

export function startProduct(endpoint: string, table: string, segments: number, expected: number): ProductRun {
  const child = spawn(process.execPath, [MAIN], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const listeners: ((pk: string, line: string) => void)[] = [];
  let snapshots = 0;
  let peak = 0;
  let buf = '';
  let resolveDone!: (n: number) => void;
  let rejectDone!: (e: Error) => void;
  const backfilled = new Promise<number>((res, rej) => ((resolveDone = res), (rejectDone = rej)));
  const sampleRss = (): void => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the process has exited
    }
  };
  const rssTimer = setInterval(sampleRss, 250);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl: number;
    let start = 0;
    while ((nl = buf.indexOf('\n', start)) >= 0) {
      const line = buf.slice(start, nl);
      start = nl + 1;
      if (line.startsWith('{"captured"')) {
        if (line.includes('"snapshot":true')) {
          if (++snapshots === expected) resolveDone(snapshots);
        }
        if (listeners.length > 0) {
          const m = /"pk":"([^"]+)"/.exec(line);
          if (m) for (const l of listeners) l(m[1]!, line);
        }
      }
    }
    buf = buf.slice(start);
  });
  child.on('exit', (code) => {
    clearInterval(rssTimer);
    if (snapshots < expected) rejectDone(new Error(`the product exited (${code}) after ${snapshots}/${expected} documents: ${stderr}`));
  });
  child.stdin.write(JSON.stringify(openRequest(endpoint, table, segments)) + '\n');
  return {
    backfilled,
    onDocument: (cb) => listeners.push(cb),
    peakRssBytes: () => {
      sampleRss();
      return peak;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        sampleRss();
        clearInterval(rssTimer);
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
