// One materialization transaction (PROTOCOL.md §6), from a closed capture transaction:
//   load each key of the partially combined documents, once (no loads for delta-updates
//   bindings); flush, taking every `loaded` document as the key's stored base; reduce
//   loaded ⊕ combined fully, the loaded document in front; store each key with `exists` (it was
//   loaded) and `delete` (the reduction deleted it), except a tombstone for a key that was never
//   stored, which changes nothing; then startCommit with the runtime checkpoint, and wait for
//   startedCommit. The caller has already waited for the prior commit's `acknowledged`.
//   A value that its field's inference does not admit stops the stores: the transaction never
//   commits and ProjectionWidening names the fields to widen (widen.ts).
import { ConnectorError } from '../errors.js';
import { getAt, type Pointer } from '../json/pointer.js';
import type { Json, JsonObject } from '../json/value.js';
import { Combiner } from '../reduce/combiner.js';
import { KeyExtractor, keyIdentity } from '../reduce/key.js';
import type { SchemaIndex } from '../reduce/schema-index.js';
import type { FeedTxn } from './capture-feed.js';
import { packJsonBase64 } from './fdb-tuple.js';
import type { MaterializeClient } from './materialize-client.js';
import type { Inference } from './projections.js';
import { ProjectionWidening, Widenings } from './widen.js';

/** A binding as the transaction stores it. */
export interface StoreBinding {
  schema: SchemaIndex;
  keyPointers: readonly string[];
  keys: KeyExtractor;
  /** The collection's name, for widenings. */
  collection: string;
  /** Pointers of the selected value fields, in selection order. */
  values: Pointer[];
  /** The selected value fields' names and inferences, in the same order. */
  valueFields: string[];
  valueInference: Inference[];
  /** The whole document is a selected field. */
  withDocument: boolean;
  deltaUpdates: boolean;
}

export interface TxnStats {
  documents: number;
  loads: number;
  loaded: number;
  stores: number;
  deletes: number;
  /** Tombstones of keys never stored: nothing to do. */
  skipped: number;
  /** startCommit → startedCommit. */
  startCommitMs: number;
}

/** The store request of a document, or undefined once a value did not fit (nothing more is stored). */
function storeMessage(
  b: StoreBinding,
  binding: number,
  key: readonly Json[],
  doc: JsonObject,
  exists: boolean,
  deleted: boolean,
  widenings: Widenings,
): Record<string, unknown> | undefined {
  const found = b.values.map((p) => getAt(doc, p));
  if (!widenings.check(b.collection, b.valueFields, b.valueInference, found) || widenings.size > 0) return undefined;
  const values = found.map((v) => v ?? null);
  const msg: Record<string, unknown> = { binding, key, keyPacked: packJsonBase64(key), values, valuesPacked: packJsonBase64(values) };
  if (b.withDocument) msg.doc = doc;
  if (exists) msg.exists = true;
  if (deleted) msg.delete = true;
  return msg;
}

/**
 * Runs one transaction through startedCommit. `onFlushed` gets the `flushed` response before any
 * store is sent (its state update must be durable by then).
 */
export async function runTransaction(
  txn: FeedTxn,
  bindings: readonly StoreBinding[],
  client: MaterializeClient,
  runtimeCheckpoint: JsonObject,
  hooks: { now: () => number; onFlushed: (flushed: JsonObject) => Promise<void> },
): Promise<{ stats: TxnStats; startedCommit: JsonObject }> {
  const stats: TxnStats = { documents: txn.documents, loads: 0, loaded: 0, stores: 0, deletes: 0, skipped: 0, startCommitMs: 0 };
  const full = new Map<number, Combiner>();
  const requested = new Map<number, Set<string>>();
  const found = new Map<number, Set<string>>();
  const direct: { binding: number; key: readonly Json[]; doc: JsonObject }[] = [];
  const widenings = new Widenings();
  const store = async (msg: Record<string, unknown> | undefined): Promise<void> => {
    if (msg) await client.store(msg);
  };

  client.beginLoads((binding, doc) => {
    const b = bindings[binding];
    if (!b || b.deltaUpdates) throw new ConnectorError('BAD_REQUEST', `the materialization loaded a document for binding ${binding}, which loads nothing`);
    const id = keyIdentity(b.keys.extract(doc));
    if (!requested.get(binding)?.has(id)) throw new ConnectorError('BAD_REQUEST', `the materialization loaded a document of binding ${binding} whose key was not requested: ${id}`);
    const seen = found.get(binding)!;
    if (seen.has(id)) throw new ConnectorError('BAD_REQUEST', `the materialization loaded the document of one key twice in a transaction (binding ${binding}, key ${id})`);
    seen.add(id);
    stats.loaded++;
    full.get(binding)!.add(doc, { front: true });
  });

  for (const [binding, partial] of [...txn.combiners].sort(([a], [b]) => a - b)) {
    const b = bindings[binding]!;
    if (b.deltaUpdates) {
      for await (const d of partial.drain()) direct.push({ binding, key: d.key, doc: d.doc });
      continue;
    }
    const combiner = new Combiner({ schema: b.schema, keyPointers: b.keyPointers, mode: 'full' });
    const ids = new Set<string>();
    full.set(binding, combiner);
    requested.set(binding, ids);
    found.set(binding, new Set());
    for await (const d of partial.drain()) {
      combiner.add(d.doc);
      const id = keyIdentity(d.key);
      if (ids.has(id)) continue; // a key drains more than once only where reduction was not associative
      ids.add(id);
      stats.loads++;
      await client.load(binding, d.key as Json[], packJsonBase64(d.key));
    }
  }
  await hooks.onFlushed(await client.flush());

  for (const d of direct) {
    stats.stores++;
    await store(storeMessage(bindings[d.binding]!, d.binding, d.key, d.doc, false, false, widenings));
  }
  for (const [binding, combiner] of full) {
    const b = bindings[binding]!;
    const seen = found.get(binding)!;
    for await (const d of combiner.drain()) {
      const exists = seen.has(keyIdentity(d.key));
      if (d.deleted && !exists) {
        stats.skipped++;
        continue;
      }
      stats.stores++;
      if (d.deleted) stats.deletes++;
      await store(storeMessage(b, binding, d.key, d.doc, exists, d.deleted, widenings));
    }
  }
  if (widenings.size > 0) throw new ProjectionWidening(widenings.list());
  const t0 = hooks.now();
  const startedCommit = await client.startCommit(runtimeCheckpoint);
  stats.startCommitMs = hooks.now() - t0;
  return { stats, startedCommit };
}
