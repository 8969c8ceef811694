// What every part of one binding's capture shares: where it writes, what it knows, when to stop.
import type { RpcClient } from '../aws/rpc-client.js';
import type { KeySchema } from '../decode/key.js';
import type { NumberEncoding } from '../decode/number.js';
import type { Logger } from '../log.js';
import type { ConvergenceGate } from './gate.js';
import type { CaptureOutput } from './output.js';
import type { TableState } from './table-state.js';

export interface CaptureSettings {
  /** Segments for a table seen for the first time (then frozen in state). */
  backfillSegments: number;
  /** Scan Limit, or undefined for none; resolved per table from the RCU budget. */
  scanLimit?: number;
  /** Cap on the idle GetRecords wait. */
  idleBackoffMaxMs: number;
  /** How often the stream's shard listing is refreshed while shards are open. */
  relistIntervalMs: number;
  /** Concurrent Scan workers per table. */
  scanWorkers: number;
  /** How often progress is logged per binding; 0 turns it off. */
  progressIntervalMs: number;
  /** Re-backfill a binding whose stream lost data instead of failing (table-capture.ts runTable). */
  autoRebackfill?: boolean;
  /** How numbers appear in documents (decode/number.ts); literal when absent. */
  numbers?: NumberEncoding;
}

export interface TableStats {
  itemsScanned: number;
  snapshotDocs: number;
  streamDocs: number;
  droppedByGate: number;
  recheckedByGate: number;
  segmentsDone: number;
  shardsOpen: number;
  shardsFinished: number;
  /** ApproximateCreationDateTime (ms) of the newest record read, for the lag estimate. */
  newestRecordMs?: number;
  /**
   * Open shards read behind their end, each with the ApproximateCreationDateTime (ms) of its newest
   * record read; a shard whose last read came back empty is caught up and has no entry.
   */
  behindMs: Map<string, number>;
  startedAt: number;
}

export interface TableContext {
  binding: number;
  stateKey: string;
  table: string;
  keySchema: KeySchema;
  /** Read capacity units per second for the backfill; 0 = unlimited. */
  rcuBudget: number;
  state: TableState;
  rpc: RpcClient;
  output: CaptureOutput;
  gate: ConvergenceGate;
  log: Logger;
  /** Aborted when the capture must stop (signal, failure elsewhere, end of input). */
  signal: AbortSignal;
  settings: CaptureSettings;
  stats: TableStats;
  now: () => Date;
  /** Reports a failure: the whole capture stops at a checkpoint boundary and then fails. */
  fail(e: unknown): void;
}

export function newStats(now: number): TableStats {
  return { itemsScanned: 0, snapshotDocs: 0, streamDocs: 0, droppedByGate: 0, recheckedByGate: 0, segmentsDone: 0, shardsOpen: 0, shardsFinished: 0, behindMs: new Map(), startedAt: now };
}

/** True for the error an aborted request or sleep throws once the capture is stopping. */
export function isStopping(ctx: Pick<TableContext, 'signal'>): boolean {
  return ctx.signal.aborted;
}
