// Combines documents by key through the collection schema's reduce annotations, in bounded memory
// (PROTOCOL.md §5). A capture uses it in partial mode between two checkpoints: `add` each document,
// then `drain` the combined ones (one per key, in key order; more only where a reduction was not
// associative) before the checkpoint that commits them. A materialization (or `combine` on the CLI)
// uses full mode: deletes apply, and drained documents say whether they are deleted.
//
// Memory: `add` reduces a document into its key's group at once, so memory holds one document per
// key (see json-size.ts for what is counted). Past the budget, the groups are written to disk as a
// sorted run and memory starts over; `drain` merges the runs and memory k-way and removes the files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json/value.js';
import { approxBytes } from './json-size.js';
import { compareKeys, KeyExtractor, keyIdentity } from './key.js';
import { checkOneFront, finishGroup, pushPartial, type Drained, type KeyGroup } from './key-group.js';
import type { ReduceMode } from './reduce.js';
import { mergeRuns } from './run-merge.js';
import { SchemaIndex } from './schema-index.js';
import { readRun, writeRun } from './spill.js';

export type { Drained } from './key-group.js';

/**
 * Estimated heap bytes held before spilling: Flow's runtime closes a transaction at 32 MB of
 * documents, so one typical transaction stays in memory, within a small container's heap.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;
/** A long drain lets other work (stream readers, the stdout writer) run after this many documents. */
const DRAIN_YIELD_EVERY = 1024;
/** Bookkeeping per key held: the map entry, the group object, its arrays and identity string. */
const GROUP_OVERHEAD_BYTES = 160;

export interface CombinerOptions {
  /** The collection's (write) schema as parsed JSON, or one already compiled. */
  schema: unknown;
  /** JSON pointers of the collection key, e.g. ["/customerId", "/orderId"]. */
  keyPointers: readonly string[];
  mode: ReduceMode;
  memoryBudgetBytes?: number;
  /** Parent folder of spill files; os.tmpdir() by default. */
  spillDir?: string;
}

export interface CombinerStats {
  /** Documents added, since the combiner was made. */
  docsIn: number;
  /** Documents drained, since the combiner was made. */
  docsOut: number;
  /** Keys held in memory now. */
  keys: number;
  /** Estimated heap bytes held in memory now. */
  bytes: number;
  /** Sorted runs written to disk, since the combiner was made. */
  spilledRuns: number;
  /** Bytes written to spill files, since the combiner was made. */
  spilledBytes: number;
}

interface Held extends KeyGroup {
  /** approxBytes of each of `docs`, and of `front`. */
  sizes: number[];
  frontSize: number;
}

interface Snapshot {
  groups: Held[];
  runs: string[];
  dir: string | undefined;
}

export class Combiner {
  readonly mode: ReduceMode;
  private readonly index: SchemaIndex;
  private readonly keys: KeyExtractor;
  private readonly budget: number;
  private readonly spillRoot: string;
  private groups = new Map<string, Held>();
  private bytes = 0;
  private runs: string[] = [];
  private dir: string | undefined;
  private readonly liveDirs = new Set<string>();
  private readonly counts = { docsIn: 0, docsOut: 0, spilledRuns: 0, spilledBytes: 0 };

  constructor(opts: CombinerOptions) {
    this.index = opts.schema instanceof SchemaIndex ? opts.schema : SchemaIndex.compile(opts.schema);
    this.keys = new KeyExtractor(opts.keyPointers);
    this.mode = opts.mode;
    this.budget = opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
    this.spillRoot = opts.spillDir ?? tmpdir();
  }

  get stats(): CombinerStats {
    return { ...this.counts, keys: this.groups.size, bytes: this.bytes };
  }

  /** Whether this transaction has written runs to disk. */
  get spilled(): boolean {
    return this.runs.length > 0;
  }

  /**
   * Adds a document of this transaction, after those already added. It is validated against the
   * schema (BAD_DOCUMENT if invalid). `front`: a document that precedes all others of its key
   * (a materialization's stored document); at most one per key per transaction.
   */
  add(doc: JsonObject, opts: { front?: boolean } = {}): void {
    if (!isJsonObject(doc)) throw new ConnectorError('BAD_DOCUMENT', 'a document to combine must be a JSON object');
    const annotations = this.index.annotate(doc);
    const key = this.keys.extract(doc);
    const id = keyIdentity(key);
    let g = this.groups.get(id);
    if (!g) {
      g = { key, id, docs: [], sizes: [], frontSize: 0 };
      this.groups.set(id, g);
      this.bytes += GROUP_OVERHEAD_BYTES + approxBytes(key) + 2 * id.length;
    }
    this.counts.docsIn++;
    if (opts.front) {
      g.front = checkOneFront(g.front, { ...g, front: doc });
      g.frontSize = approxBytes(doc);
      this.bytes += g.frontSize;
    } else {
      const before = g.docs.length;
      pushPartial(this.index, g.docs, doc, annotations);
      if (g.docs.length === before) this.bytes -= g.sizes.pop()!;
      const size = approxBytes(g.docs[g.docs.length - 1]);
      g.sizes.push(size);
      this.bytes += size;
    }
    if (this.bytes > this.budget) this.spill();
  }

  /**
   * Ends the transaction: yields its combined documents in key order and resets the combiner, so
   * documents of the next transaction may be added while this drain is read. Spill files are
   * removed when the iteration ends (or by `close`). Yields to the event loop now and then.
   */
  drain(): AsyncIterableIterator<Drained> {
    return cooperative(this.drainSync());
  }

  /** `drain` without promises; spill files, if any, are read with blocking reads. */
  drainSync(): IterableIterator<Drained> {
    return this.drainSnapshot(this.takeSnapshot()); // the snapshot is taken now, not at the first read
  }

  /** Removes spill files of this transaction and of drains not read to their end. */
  close(): void {
    for (const dir of this.liveDirs) rmSync(dir, { recursive: true, force: true });
    this.liveDirs.clear();
    this.groups.clear();
    this.runs = [];
    this.dir = undefined;
    this.bytes = 0;
  }

  private *drainSnapshot(snap: Snapshot): IterableIterator<Drained> {
    try {
      const groups = snap.runs.length ? mergeRuns(this.index, [...snap.runs.map(readRun), snap.groups.values()]) : snap.groups;
      for (const g of groups) {
        for (const d of finishGroup(this.index, g, this.mode)) {
          this.counts.docsOut++;
          yield d;
        }
      }
    } finally {
      if (snap.dir) {
        rmSync(snap.dir, { recursive: true, force: true });
        this.liveDirs.delete(snap.dir);
      }
    }
  }

  private takeSnapshot(): Snapshot {
    const snap = { groups: this.sorted(), runs: this.runs, dir: this.dir };
    this.groups = new Map();
    this.bytes = 0;
    this.runs = [];
    this.dir = undefined;
    return snap;
  }

  private sorted(): Held[] {
    return [...this.groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  }

  private spill(): void {
    if (!this.dir) {
      try {
        this.dir = mkdtempSync(join(this.spillRoot, 'source-dynamodb-combine-'));
      } catch (e) {
        throw new ConnectorError('IO', `cannot create a spill folder for the combiner in ${this.spillRoot}: ${(e as Error).message}`, { cause: e });
      }
      this.liveDirs.add(this.dir);
    }
    const file = join(this.dir, `run-${String(this.runs.length).padStart(6, '0')}.ndjson`);
    this.counts.spilledBytes += writeRun(file, this.sorted());
    this.runs.push(file);
    this.counts.spilledRuns++;
    this.groups.clear();
    this.bytes = 0;
  }
}

async function* cooperative<T>(it: Iterable<T>): AsyncIterableIterator<T> {
  let n = 0;
  for (const x of it) {
    yield x;
    if (++n % DRAIN_YIELD_EVERY === 0) await new Promise<void>((r) => setImmediate(r));
  }
}
