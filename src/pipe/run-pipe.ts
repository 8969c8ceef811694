// runPipe: a capture driven into a materialization with exactly-once commits, as Flow's runtime
// would run the two tasks, on one machine.
//
//   setup (spec, discover, validate, apply: setup.ts)
//   open the materialization → opened.runtimeCheckpoint → the capture state of the last commit
//   acknowledge (right after open, as Flow does), then open the capture with that state
//   loop: wait for the prior commit's `acknowledged` (then acknowledge the capture if it asked
//         for acknowledgements); wait for a capture checkpoint; let more gather briefly (bounded);
//         close the transaction at the last checkpoint; run it (transaction.ts) with a runtime
//         checkpoint holding the capture state after that checkpoint; on startedCommit, record
//         the checkpoint (state file, if any), then acknowledge.
//
// Exactly once: the capture state committed with a transaction is the state after exactly the
// documents that transaction stored, and it commits atomically with them in the endpoint, so a
// crash anywhere resumes the capture right after the last committed change. While a transaction
// commits, the next one gathers.
import type { Json, JsonObject } from '../json/value.js';
import { stringify } from '../json/stringify.js';
import type { Logger } from '../log.js';
import { CaptureFeed } from './capture-feed.js';
import { inProcessCapture, spawnConnector, type Connector, type ConnectorConn } from './connector.js';
import { MaterializeClient } from './materialize-client.js';
import { readPipeState, PipeStateFile } from './pipe-state.js';
import { Progress, type PipeTotals } from './progress.js';
import { exitText } from './rpc.js';
import { applyStateUpdate, decodeCheckpoint, encodeCheckpoint } from './runtime-checkpoint.js';
import { setup } from './setup.js';
import { FULL_RANGE } from './specs.js';
import { runTransaction } from './transaction.js';
import { ProjectionWidening, type Widening } from './widen.js';
import { ConnectorError } from '../errors.js';

export interface PipeLimits {
  /** Captured documents past which a transaction stops growing (Flow closes near 32 MB too). */
  maxDocs: number;
  maxBytes: number;
  /** How long checkpoints may gather into a transaction once it could close. */
  lingerMs: number;
  /** Period of the info-level progress log; 0 = only at the end. */
  progressIntervalMs: number;
  /** How long a materialization may take to exit after its input closes on a failure. */
  exitGraceMs: number;
}

export const DEFAULT_LIMITS: PipeLimits = {
  maxDocs: 100_000,
  maxBytes: 32 * 1024 * 1024,
  lingerMs: 50,
  progressIntervalMs: 10_000,
  exitGraceMs: 5_000,
};

export interface PipeOptions {
  /** The capture's endpoint config, as `source-dynamodb capture --config` takes it. */
  captureConfig: unknown;
  /** Tables to capture; every capturable table by default. */
  tables?: string[];
  /** Adds to a table's capture resource config, e.g. `() => ({rcuAllocation: 100})`. */
  captureResourceConfig?: (table: string) => JsonObject | undefined;
  /** The capture connector; by default this project's, in this process. */
  capture?: Connector;
  materialization: {
    /** The materialization connector's command (argv), e.g. ["node", "dist/materialize-postgres/main.js"]; */
    command?: string[];
    /** ...or a connector (tests). */
    connector?: Connector;
    config: unknown;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** The resource config of a table's binding (default: the x-collection-name property, or `table`). */
    resourceConfig?: (table: string, resourceConfigSchema: Json | undefined) => JsonObject;
  };
  /** The materialization's name (its checkpoint identity at the endpoint). */
  name?: string;
  /** The pipe's own state file (materialization connector state, last spec, checkpoint). */
  statePath?: string;
  log: Logger;
  onStop?: (handler: (reason: string) => void) => () => void;
  env?: NodeJS.ProcessEnv;
  captureOverrides?: Record<string, number>;
  limits?: Partial<PipeLimits>;
  now?: () => number;
}

export const DEFAULT_PIPE_NAME = 'source-dynamodb/pipe';

const serialize = (msg: Record<string, unknown>): string => stringify(msg as Json);

/** Rejects when a started connector exits with a failure (or at all, when `anyExit`). */
function exitFailure(conn: ConnectorConn, who: string, anyExit: () => boolean): Promise<never> {
  return conn.exited.then((status) => {
    if (status.code !== 0 || anyExit()) throw new ConnectorError('IO', `the ${who} ${exitText(status, conn)}`);
    return new Promise<never>(() => undefined);
  });
}

/**
 * Runs the pipe until the capture ends. A transaction that meets values its columns were not
 * chosen for commits nothing; the pipe widens those projections, applies again and restarts both
 * sides from the last commit (widen.ts).
 */
export async function runPipe(o: PipeOptions): Promise<PipeTotals> {
  const state = new PipeStateFile(o.statePath, await readPipeState(o.statePath));
  const widenings: Widening[] = [];
  for (;;) {
    try {
      return await runPipeOnce(o, state, widenings);
    } catch (e) {
      if (!(e instanceof ProjectionWidening)) throw e;
      widenings.push(...e.widenings);
      o.log.info('documents hold values their columns were not chosen for: widening them and restarting from the last commit', {
        fields: e.widenings.map((w) => ({ collection: w.collection, field: w.field, seen: w.seen, types: w.inference.types })),
      });
    }
  }
}

async function runPipeOnce(o: PipeOptions, state: PipeStateFile, widenings: readonly Widening[]): Promise<PipeTotals> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const now = o.now ?? Date.now;
  const log = o.log;
  const name = o.name ?? DEFAULT_PIPE_NAME;
  const capture = o.capture ?? inProcessCapture({ log, env: o.env ?? process.env, ...(o.captureOverrides ? { captureOverrides: o.captureOverrides } : {}) });
  const materialization =
    o.materialization.connector ??
    spawnConnector({ name: 'materialization', command: o.materialization.command ?? [], log, env: o.materialization.env ?? o.env ?? process.env, ...(o.materialization.cwd ? { cwd: o.materialization.cwd } : {}) });

  let stopping: string | undefined;
  let stopCapture: (() => void) | undefined;
  const unregister = o.onStop?.((reason) => {
    if (stopping) return;
    stopping = reason;
    log.info('pipe stopping after the capture ends at a checkpoint', { reason });
    stopCapture?.();
  });

  let matConn: ConnectorConn | undefined;
  let capConn: ConnectorConn | undefined;
  let client: MaterializeClient | undefined;
  let progress: Progress | undefined;
  let feed: CaptureFeed | undefined;
  try {
    const s = await setup({
      name,
      capture,
      captureConfig: o.captureConfig as Json,
      ...(o.tables ? { tables: o.tables } : {}),
      ...(o.captureResourceConfig ? { captureResourceConfig: o.captureResourceConfig } : {}),
      materialization,
      materializationConfig: o.materialization.config as Json,
      ...(o.materialization.resourceConfig ? { resourceConfig: o.materialization.resourceConfig } : {}),
      state,
      log,
      widenings,
    });
    log.info('pipe bindings', { bindings: s.materialization.bindings.map((b) => ({ table: b.collection.name, resourcePath: b.resourcePath, keys: b.fieldSelection.keys, values: b.fieldSelection.values, document: b.fieldSelection.document, deltaUpdates: b.deltaUpdates ?? false })) });
    if (stopping) return new Progress(log, 0, 0).totals; // stopped before anything ran

    matConn = materialization.start();
    client = new MaterializeClient(matConn, serialize);
    const opened = await client.open({ materialization: s.materialization, version: s.version, range: FULL_RANGE, state: state.data.connectorState });
    const fromEndpoint = decodeCheckpoint(opened.runtimeCheckpoint);
    const resumed = fromEndpoint ?? decodeCheckpoint(state.data.runtimeCheckpoint);
    let transaction = resumed?.transaction ?? 0;
    log.info('materialization opened', {
      lastCommittedTransaction: transaction,
      resumeFrom: fromEndpoint ? 'materialization checkpoint' : resumed ? 'pipe state file' : 'the beginning',
      ...(matConn.pid !== undefined ? { pid: matConn.pid } : {}),
    });
    progress = new Progress(log, transaction, limits.progressIntervalMs);
    let ack = client.acknowledge();
    let lastAcked: { transaction: number; checkpoints: number; stats: Parameters<Progress['committed']>[2]; closedAt: number } | undefined;

    capConn = capture.start();
    const cap = capConn;
    feed = new CaptureFeed(s.feedBindings, resumed?.captureState ?? {}, limits);
    const consumed = feed.consume(cap.lines);
    let explicitAcks = false;
    stopCapture = () => (explicitAcks ? (cap.end(), cap.stop()) : cap.stop());
    await cap.send([serialize({ open: { capture: s.captureSpec, version: s.captureVersion, range: FULL_RANGE, state: resumed?.captureState ?? {} } })]);
    if (stopping) stopCapture();
    const failures = Promise.race([client.failed, consumed.then(() => new Promise<never>(() => undefined)), exitFailure(cap, 'capture', () => false), exitFailure(matConn, 'materialization', () => true)]);
    failures.catch(() => undefined);
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failures]);

    for (;;) {
      const acked = await guard(ack);
      applyConnectorState(state, acked);
      explicitAcks ||= feed.openedBody?.explicitAcknowledgements === true;
      if (lastAcked) {
        if (explicitAcks && !stopping) await cap.send([serialize({ acknowledge: { checkpoints: lastAcked.checkpoints } })]);
        progress.committed(lastAcked.transaction, lastAcked.checkpoints, lastAcked.stats, now() - lastAcked.closedAt);
        lastAcked = undefined;
      }
      await guard(feed.whenReady());
      await guard(feed.linger(limits.lingerMs));
      const txn = feed.take();
      if (!txn) break; // the capture ended, and everything it checkpointed is committed
      const closedAt = now();
      transaction++;
      const runtimeCheckpoint = encodeCheckpoint({ transaction, captureState: txn.state }) as unknown as JsonObject;
      const onFlushed = async (flushed: JsonObject): Promise<void> => {
        if (applyConnectorState(state, flushed)) await state.save();
      };
      const { stats, startedCommit } = await guard(runTransaction(txn, s.storeBindings, client, runtimeCheckpoint, { now, onFlushed }));
      applyConnectorState(state, startedCommit);
      state.data.runtimeCheckpoint = runtimeCheckpoint;
      await state.save();
      ack = client.acknowledge();
      lastAcked = { transaction, checkpoints: txn.checkpoints, stats, closedAt };
    }
    await guard(consumed);
    const capStatus = await cap.exited;
    if (capStatus.code !== 0) throw new ConnectorError('IO', `the capture ${exitText(capStatus, cap)}`);
    await state.save();
    await client.close();
    progress.report('pipe finished');
    return progress.totals;
  } catch (e) {
    // Neither side commits anything more: the capture's output is read and dropped so that it can
    // reach its end, and the materialization's input closes with no startCommit pending.
    feed?.discard();
    capConn?.stop();
    capConn?.end();
    matConn?.end();
    await Promise.all([capConn, matConn].map((c) => c && endWithin(c, limits.exitGraceMs)));
    throw e;
  } finally {
    progress?.stop();
    unregister?.();
  }
}

/** Waits for a connector to exit, killing it after `ms`. */
async function endWithin(conn: ConnectorConn, ms: number): Promise<void> {
  const timer = setTimeout(() => conn.kill(), ms);
  await conn.exited;
  clearTimeout(timer);
}

/**
 * Applies a response's optional connector-state update to the pipe state, to be saved with the
 * next save; true when there was one.
 */
function applyConnectorState(state: PipeStateFile, body: JsonObject): boolean {
  const upd = body.state as { updated?: Json; mergePatch?: boolean } | undefined;
  if (!upd) return false;
  state.data.connectorState = applyStateUpdate(state.data.connectorState, upd.updated ?? {}, upd.mergePatch === true);
  return true;
}
