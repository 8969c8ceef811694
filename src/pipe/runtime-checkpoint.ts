// The runtime checkpoint the pipe commits with every transaction (startCommit.runtimeCheckpoint),
// and reads back from opened.runtimeCheckpoint after a restart. Its shape is Flow's (Gazette's
// consumer.Checkpoint), so a materialization that stores it opaquely, including Go connectors that
// round-trip it through protobuf, gives it back intact:
//
//   {"sources":{"source-dynamodb/pipe/transactions":{"readThrough":"<n>"}},
//    "ackIntents":{"source-dynamodb/pipe/capture-state":"<base64 of the capture state's JSON>"}}
//
// - `readThrough` counts committed transactions: transaction n commits with readThrough n, so a
//   restart continues at n+1, and a number committed twice would show in logs and checkpoints.
// - The ack intent holds the capture's whole committed state (its checkpoints' merge patches
//   applied), UTF-8 JSON then base64: ack intents are bytes that Flow never interprets outside its
//   runtime, and this runtime is the pipe.
import { ConnectorError } from '../errors.js';
import { applyMergePatch } from '../json/merge-patch.js';
import type { Json } from '../json/value.js';

export const TRANSACTIONS_SOURCE = 'source-dynamodb/pipe/transactions';
export const CAPTURE_STATE_INTENT = 'source-dynamodb/pipe/capture-state';

export interface RuntimeCheckpoint {
  sources?: Record<string, { readThrough?: string; producers?: unknown[] }>;
  ackIntents?: Record<string, string>;
}

/** What a runtime checkpoint says: the last committed transaction and the capture state after it. */
export interface PipeCheckpoint {
  transaction: number;
  captureState: Json;
}

export function encodeCheckpoint(cp: PipeCheckpoint): RuntimeCheckpoint {
  return {
    sources: { [TRANSACTIONS_SOURCE]: { readThrough: String(cp.transaction) } },
    ackIntents: { [CAPTURE_STATE_INTENT]: Buffer.from(JSON.stringify(cp.captureState), 'utf8').toString('base64') },
  };
}

const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);

/**
 * The pipe checkpoint inside a runtime checkpoint; undefined when there is none (a fresh
 * materialization, or one that does not keep checkpoints). A checkpoint from another writer is an
 * error: resuming from it would guess.
 */
export function decodeCheckpoint(raw: unknown): PipeCheckpoint | undefined {
  if (isEmpty(raw)) return undefined;
  const cp = raw as RuntimeCheckpoint;
  const intent = cp.ackIntents?.[CAPTURE_STATE_INTENT];
  const readThrough = cp.sources?.[TRANSACTIONS_SOURCE]?.readThrough;
  if (intent === undefined && isEmpty(cp.sources) && isEmpty(cp.ackIntents)) return undefined;
  if (typeof intent !== 'string') {
    throw new ConnectorError(
      'BAD_STATE',
      'the materialization holds a runtime checkpoint that source-dynamodb pipe did not write (no capture state in it); point the pipe at a new materialization name or clear the endpoint\'s checkpoint',
    );
  }
  let captureState: Json;
  try {
    captureState = JSON.parse(Buffer.from(intent, 'base64').toString('utf8')) as Json;
  } catch (e) {
    throw new ConnectorError('BAD_STATE', `the capture state in the materialization's runtime checkpoint is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const transaction = readThrough === undefined ? 0 : Number(readThrough);
  if (!Number.isSafeInteger(transaction) || transaction < 0) throw new ConnectorError('BAD_STATE', `the runtime checkpoint's transaction count ${JSON.stringify(readThrough)} is not a count`);
  return { transaction, captureState };
}

/** Applies a capture checkpoint's state update, as Flow's runtime does. */
export function applyStateUpdate(state: Json, updated: Json, mergePatch: boolean): Json {
  return mergePatch ? applyMergePatch(state, updated) : updated;
}
