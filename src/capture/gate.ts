// The convergence rule (DESIGN.md §2). Stream records carry full new images, so once the stream
// has emitted any record for a key in this run, the stream alone decides that key's latest state,
// and a backfill document for that key is stale or redundant: it is dropped. A backfill document
// for a key the stream has not touched is emitted, and every later stream record follows it. With
// Scan pages read ConsistentRead and this check made at the moment a page is emitted, the folded
// output equals the table for every interleaving of writes, scans and restarts.
//
// Memory stays bounded: touched keys are held exactly until their text reaches a byte budget;
// past it, further keys go into a fixed-size Bloom filter. A Bloom hit may be a false positive,
// so the caller re-reads that item with a consistent GetItem and emits what it reads ("recheck"):
// a read taken after the stream's emitted records is at least as new as all of them, so emitting
// it is correct whether or not the stream really touched that key. Keys the stream emits while a
// re-read is in flight are noted exactly (a short window), and a re-read whose key was emitted in
// its window is dropped, since the stream then decides that key. Nothing is ever lost to a hash
// collision, and the cost of the fallback is one GetItem per false positive.
import { BloomFilter } from './bloom.js';

/** Exact key text held per table before the Bloom fallback: ~250k typical keys. */
export const GATE_EXACT_BUDGET_BYTES = 32 * 1024 * 1024;
/** Bloom filter size past the budget: 2^26 bits = 8 MiB, <1% false positives up to ~6M keys. */
export const GATE_BLOOM_LOG2_BITS = 26;
/** Estimated bytes per Set entry beyond the key text (V8 string header and hash-table slot). */
const ENTRY_OVERHEAD_BYTES = 48;

export type GateVerdict = 'emit' | 'drop' | 'recheck';

export class ConvergenceGate {
  private exact: Set<string> | undefined = new Set();
  private exactBytes = 0;
  private bloom: BloomFilter | undefined;
  private closed = false;
  private openWindows = 0;
  private recent = new Set<string>();
  /** Counters for progress logs and tests. */
  readonly stats = { tracked: 0 };

  constructor(
    private readonly budgetBytes = GATE_EXACT_BUDGET_BYTES,
    private readonly bloomLog2Bits = GATE_BLOOM_LOG2_BITS,
  ) {}

  /** Records that the stream emitted a document for this key (call as it is emitted). */
  streamEmitted(key: string): void {
    if (this.closed) return;
    if (this.openWindows > 0) this.recent.add(key);
    if (this.exact?.has(key)) return;
    this.stats.tracked++;
    if (this.exactBytes + key.length * 2 + ENTRY_OVERHEAD_BYTES <= this.budgetBytes) {
      this.exact!.add(key);
      this.exactBytes += key.length * 2 + ENTRY_OVERHEAD_BYTES;
      return;
    }
    this.bloom ??= new BloomFilter(this.bloomLog2Bits);
    this.bloom.add(key);
  }

  /** What to do with a backfill document for this key; decide as it is about to be emitted. */
  check(key: string): GateVerdict {
    if (this.closed) return 'emit';
    if (this.exact?.has(key)) return 'drop';
    if (this.bloom?.has(key)) return 'recheck';
    return 'emit';
  }

  /**
   * Opens a window before re-reading 'recheck' keys; keys the stream emits while any window is
   * open are remembered exactly until the last window closes.
   */
  openWindow(): void {
    this.openWindows++;
  }

  /** True when the stream emitted this key since a window opened: the re-read must be dropped. */
  touchedInWindow(key: string): boolean {
    return this.recent.has(key);
  }

  closeWindow(): void {
    if (--this.openWindows === 0) this.recent.clear();
  }

  /** The backfill finished: no more checks will come, so the memory is released. */
  close(): void {
    this.closed = true;
    this.exact = undefined;
    this.bloom = undefined;
  }

  get memoryBytes(): number {
    return this.exactBytes + (this.bloom?.bytes ?? 0);
  }
}
