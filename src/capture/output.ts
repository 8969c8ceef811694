// The capture's side of stdout. Producers (scan workers, shard readers) commit a batch: documents
// plus the state patch that records their progress. Batches that arrive while a write is under way
// gather into one transaction, combined by key (transaction.ts), written as one chunk: documents
// first, then the checkpoint. A producer's promise settles once its batch is written, and each
// producer awaits it before reading more: that is the backpressure from stdout back to DynamoDB,
// and it bounds a transaction to one batch per producer.
import type { JsonObject } from '../json/value.js';
import type { Writer } from '../protocol/writer.js';
import { Transaction, type BindingReduction, type OutputDoc } from './transaction.js';

export { bindingPatch, capturedLine, checkpointLine } from './output-lines.js';

export interface OutputStats {
  /** Documents given to the output, and documents written after combining by key. */
  documentsIn: number;
  documents: number;
  checkpoints: number;
  transactions: number;
  /** The same document counts per binding. */
  perBinding: Map<number, { in: number; out: number }>;
}

export class CaptureOutput {
  readonly stats: OutputStats = { documentsIn: 0, documents: 0, checkpoints: 0, transactions: 0, perBinding: new Map() };
  private pending: { txn: Transaction; written: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly writer: Writer,
    private readonly reductions: ReadonlyMap<number, BindingReduction>,
  ) {}

  /**
   * Adds a batch to the open transaction, synchronously: the order of commit() calls is the order
   * in which documents are reduced and the convergence gate's decisions hold. Resolves once written.
   */
  commit(binding: number, docs: readonly OutputDoc[], statePatch: JsonObject): Promise<void> {
    if (!this.pending) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const written = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.pending = { txn: new Transaction(this.reductions), written, resolve, reject };
      // Batches committed until the previous write is done (and this tick ends) share the transaction.
      this.flushing = this.flushing.then(() => new Promise<void>((r) => setImmediate(r))).then(() => this.writePending());
    }
    this.pending.txn.add(binding, docs, statePatch);
    return this.pending.written;
  }

  /** Resolves once everything committed so far is written. */
  async flush(): Promise<void> {
    await this.flushing;
    await this.writer.flush();
  }

  private async writePending(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    try {
      const { lines, perBinding } = p.txn.lines();
      let docsOut = 0;
      for (const [binding, n] of perBinding) {
        const total = this.stats.perBinding.get(binding) ?? { in: 0, out: 0 };
        total.in += n.in;
        total.out += n.out;
        this.stats.perBinding.set(binding, total);
        this.stats.documentsIn += n.in;
        docsOut += n.out;
      }
      this.stats.documents += docsOut;
      this.stats.checkpoints += lines.length - docsOut;
      this.stats.transactions++;
      await this.writer.write(lines);
      p.resolve();
    } catch (e) {
      p.reject(e);
    }
  }
}
