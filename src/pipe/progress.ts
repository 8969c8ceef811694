// Progress of a pipe: per transaction at debug level ("transaction committed", the line tests and
// operators can follow commit by commit), and totals with commit latency at info level every
// interval and at the end.
import type { Logger } from '../log.js';
import type { TxnStats } from './transaction.js';

export interface PipeTotals {
  transactions: number;
  /** Capture checkpoints committed. */
  checkpoints: number;
  documents: number;
  loads: number;
  loaded: number;
  stores: number;
  deletes: number;
  skipped: number;
  /** The last committed transaction's number (the runtime checkpoint's readThrough). */
  lastTransaction: number;
}

export class Progress {
  readonly totals: PipeTotals;
  private latencies: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    firstTransaction: number,
    intervalMs: number,
  ) {
    this.totals = { transactions: 0, checkpoints: 0, documents: 0, loads: 0, loaded: 0, stores: 0, deletes: 0, skipped: 0, lastTransaction: firstTransaction };
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.report('pipe progress'), intervalMs);
      this.timer.unref();
    }
  }

  /**
   * A transaction's commit was acknowledged. `commitMs`: from closing the transaction to
   * `acknowledged`; `startCommitMs`: startCommit to startedCommit.
   */
  committed(transaction: number, checkpoints: number, s: TxnStats, commitMs: number): void {
    const t = this.totals;
    t.transactions++;
    t.checkpoints += checkpoints;
    t.documents += s.documents;
    t.loads += s.loads;
    t.loaded += s.loaded;
    t.stores += s.stores;
    t.deletes += s.deletes;
    t.skipped += s.skipped;
    t.lastTransaction = transaction;
    this.latencies.push(commitMs);
    this.log.debug('transaction committed', { transaction, checkpoints, ...s, commitMs });
  }

  /** Logs totals and the commit latency of the transactions since the last report. */
  report(msg: string): void {
    const l = this.latencies.sort((a, b) => a - b);
    this.latencies = [];
    const latency = l.length ? { commitMsMedian: l[Math.floor(l.length / 2)], commitMsMax: l[l.length - 1] } : {};
    this.log.info(msg, { ...this.totals, ...latency });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
