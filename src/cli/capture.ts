// `source-dynamodb capture`: discovers the tables, opens a capture of them through the same
// protocol core, prints documents and checkpoints on stdout, and keeps the state in a file.
import { PassThrough, Writable } from 'node:stream';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import { run } from '../run.js';
import { discover } from '../verbs/discover.js';
import { Writer } from '../protocol/writer.js';
import { StateFile, readStateFile } from './state-file.js';

export interface CaptureCliOptions {
  config: unknown;
  statePath?: string;
  tables?: string[];
  log: Logger;
  stdout: Writable;
  onStop: (handler: (reason: string) => void) => () => void;
  env: NodeJS.ProcessEnv;
  captureOverrides?: Record<string, number>;
}

interface DiscoveredBinding {
  recommendedName: string;
  resourceConfig: { table: string };
  documentSchema: unknown;
  key: string[];
}

/** Builds the open request for the discovered tables (all, or those named). */
export async function buildOpenRequest(opts: Pick<CaptureCliOptions, 'config' | 'tables' | 'log' | 'env'>, state: unknown): Promise<Record<string, unknown>> {
  const scratch = new Writer(new PassThrough());
  const found = (await discover({ config: opts.config }, { log: opts.log, writer: scratch, env: opts.env })) as { discovered: { bindings: DiscoveredBinding[] } };
  let bindings = found.discovered.bindings;
  if (opts.tables && opts.tables.length > 0) {
    const names = new Set(bindings.map((b) => b.resourceConfig.table));
    const missing = opts.tables.filter((t) => !names.has(t));
    if (missing.length > 0) {
      throw new ConnectorError('BAD_CONFIG', `table(s) ${missing.join(', ')} cannot be captured: they do not exist or have no NEW_AND_OLD_IMAGES stream. Capturable tables: ${[...names].join(', ') || 'none'}`);
    }
    const wanted = new Set(opts.tables);
    bindings = bindings.filter((b) => wanted.has(b.resourceConfig.table));
  }
  return {
    open: {
      capture: {
        name: 'source-dynamodb/cli',
        config: opts.config,
        bindings: bindings.map((b) => ({
          resourceConfig: b.resourceConfig,
          resourcePath: [b.resourceConfig.table],
          collection: { name: b.recommendedName, key: b.key, writeSchema: b.documentSchema },
          stateKey: `${encodeURIComponent(b.resourceConfig.table)}.v1`,
        })),
      },
      state,
    },
  };
}

export async function captureCommand(opts: CaptureCliOptions): Promise<void> {
  const initial = opts.statePath ? await readStateFile(opts.statePath) : {};
  const stateFile = opts.statePath ? new StateFile(opts.statePath, initial) : undefined;
  const request = await buildOpenRequest(opts, initial);
  const input = new PassThrough();
  input.write(JSON.stringify(request) + '\n');
  // stdin stays open: without acknowledgements, end of input is no signal to stop.
  let pending = '';
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (stateFile && line.startsWith('{"checkpoint"')) {
          const cp = JSON.parse(line) as { checkpoint: { state: { updated: never; mergePatch?: boolean } } };
          stateFile.apply(cp.checkpoint.state.updated, cp.checkpoint.state.mergePatch === true);
        }
      }
      if (opts.stdout.write(chunk)) cb();
      else opts.stdout.once('drain', () => cb());
    },
  });
  try {
    await run({ input, output, log: opts.log, onStop: opts.onStop, env: opts.env, ...(opts.captureOverrides ? { captureOverrides: opts.captureOverrides } : {}) });
  } finally {
    input.end();
    await stateFile?.flush();
  }
}
