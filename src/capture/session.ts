// An open capture: one TableContext per binding, sharing one request limiter, one output and one
// stop signal. It prunes the state of removed bindings, runs every table until stopped, and ends
// at a checkpoint boundary on a stop signal, end of input or any failure.
import { setMaxListeners } from 'node:events';
import type { RpcClient } from '../aws/rpc-client.js';
import { ConnectorError, toConnectorError } from '../errors.js';
import type { JsonObject } from '../json/value.js';
import type { Logger } from '../log.js';
import type { Session } from '../protocol/dispatch.js';
import type { Writer } from '../protocol/writer.js';
import { newStats, type CaptureSettings, type TableContext } from './context.js';
import { ConvergenceGate } from './gate.js';
import { CaptureOutput } from './output.js';
import type { BindingReduction } from './transaction.js';
import { SchemaIndex } from '../reduce/schema-index.js';
import { startProgress } from './progress.js';
import { describeTable, effectiveScanLimit, keySchemaOf, runTable } from './table-capture.js';
import { tableStateFrom } from './table-state.js';
import { keyPointers } from '../decode/key.js';

const sameKey = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((p, i) => p === b[i]);

/** Full 32-bit key range: the only range a DynamoDB capture can serve (it cannot split a table). */
const FULL_RANGE_END = 4294967295;

export interface BindingPlan {
  binding: number;
  stateKey: string;
  table: string;
  rcuAllocation?: number;
  /** The collection's key pointers and write schema: same-key documents reduce through it. */
  collectionKey: readonly string[];
  writeSchema: unknown;
}

export interface CapturePlan {
  bindings: BindingPlan[];
  /** bindingStateV1 of the committed state (absent = fresh). */
  state: Record<string, unknown>;
  settings: Omit<CaptureSettings, 'scanLimit'> & { scanLimit?: number };
  range?: { keyBegin?: number; keyEnd?: number };
}

export interface SessionDeps {
  writer: Writer;
  log: Logger;
  rpc: RpcClient;
  now?: () => Date;
}

export function checkRange(range: CapturePlan['range']): void {
  const begin = range?.keyBegin ?? 0;
  const end = range?.keyEnd ?? (range ? 0 : FULL_RANGE_END);
  if (range && (begin !== 0 || end !== FULL_RANGE_END)) {
    throw new ConnectorError(
      'BAD_REQUEST',
      `this capture task covers key range ${begin}..${end}, but a DynamoDB capture cannot be split across tasks; run it as a single task (do not split the capture's shards)`,
    );
  }
}

export async function openSession(plan: CapturePlan, deps: SessionDeps): Promise<Session> {
  checkRange(plan.range);
  const now = deps.now ?? (() => new Date());
  const reductions = new Map<number, BindingReduction>();
  for (const b of plan.bindings) {
    try {
      let warned = false;
      const onRejected = (e: unknown): void => {
        if (warned) return;
        warned = true;
        deps.log.warn('a document does not match the collection schema, so same-key documents are not combined for it; the schema types more than the connector guarantees (edited by hand, or discovered by an earlier release, which enforced sampled attribute types): re-run discover', {
          binding: b.binding,
          table: b.table,
          problem: (e as Error).message,
        });
      };
      reductions.set(b.binding, { keyPointers: b.collectionKey, schema: SchemaIndex.compile(b.writeSchema), keyIsTableKey: false, onRejected });
    } catch (e) {
      const err = toConnectorError(e);
      throw new ConnectorError(err.code === 'INTERNAL' ? 'BAD_SCHEMA' : err.code, `binding ${b.binding} (table "${b.table}"): its collection's write schema cannot be used: ${err.message}`, { cause: e });
    }
  }
  const output = new CaptureOutput(deps.writer, reductions);
  const controller = new AbortController();
  // Every sleeping reader and request in flight listens to this one signal.
  setMaxListeners(0, controller.signal);
  let failure: ConnectorError | undefined;
  const fail = (e: unknown): void => {
    // Once stopping, requests cut short by the abort fail with plain errors: not failures.
    if (controller.signal.aborted && !(e instanceof ConnectorError)) return;
    failure ??= toConnectorError(e);
    controller.abort();
  };

  await deps.writer.write(['{"opened":{}}']);

  const run = async (): Promise<void> => {
    // State of bindings no longer in the capture is pruned in the first checkpoint.
    const live = new Set(plan.bindings.map((b) => b.stateKey));
    const removed = Object.keys(plan.state).filter((k) => !live.has(k));
    if (removed.length > 0) {
      const patch: JsonObject = {};
      for (const k of removed) patch[k] = null;
      await deps.writer.write([`{"checkpoint":{"state":{"updated":${JSON.stringify({ bindingStateV1: patch })},"mergePatch":true}}}`]);
      deps.log.info('pruned state of removed bindings', { stateKeys: removed });
    }
    const tables: TableContext[] = [];
    const started: Promise<void>[] = [];
    for (const b of plan.bindings) {
      const desc = await describeTable(deps.rpc, b.table, b.binding, controller.signal);
      const spec = desc.StreamSpecification;
      if (!spec?.StreamEnabled || !desc.LatestStreamArn) {
        throw new ConnectorError('STREAM_LOST', `binding ${b.binding} (table "${b.table}") has no enabled stream; enable DynamoDB Streams with view type NEW_AND_OLD_IMAGES on the table, then re-backfill this binding`);
      }
      if (spec.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
        throw new ConnectorError('BAD_CONFIG', `binding ${b.binding} (table "${b.table}") has a ${spec.StreamViewType} stream; the capture needs view type NEW_AND_OLD_IMAGES. Change the stream's view type, then re-backfill this binding`);
      }
      const rcuBudget = b.rcuAllocation ?? desc.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
      const keySchema = keySchemaOf(desc, b.table);
      const reduction = reductions.get(b.binding)!;
      reduction.keyIsTableKey = sameKey(keyPointers(keySchema), b.collectionKey);
      const ctx: TableContext = {
        binding: b.binding,
        stateKey: b.stateKey,
        table: b.table,
        keySchema,
        rcuBudget,
        state: tableStateFrom(plan.state[b.stateKey]),
        rpc: deps.rpc,
        output,
        gate: new ConvergenceGate(),
        log: deps.log,
        signal: controller.signal,
        settings: { ...plan.settings, scanLimit: effectiveScanLimit(plan.settings.scanLimit, rcuBudget) },
        stats: newStats(now().getTime()),
        now,
        fail,
      };
      tables.push(ctx);
      started.push(runTable(ctx, desc.LatestStreamArn).catch(fail));
    }
    const stopProgress = startProgress(tables, plan.settings.progressIntervalMs);
    try {
      await Promise.all(started);
    } finally {
      stopProgress();
    }
  };

  const done = run()
    .catch(fail)
    .then(async () => {
      await output.flush().catch(fail);
      await deps.rpc.close();
      if (failure) throw failure;
    });

  return {
    acknowledge: () => undefined,
    endOfInput: () => undefined,
    stop(reason: string) {
      if (!controller.signal.aborted) deps.log.info('stopping capture at the next checkpoint', { reason });
      controller.abort();
    },
    done,
  };
}
