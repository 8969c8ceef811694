// Paces the backfill's read capacity: a token bucket refilled at the RCU budget per second and
// charged with the ConsumedCapacity each Scan page reports (the cost is only known afterwards).

/** Burst allowance in seconds of budget: lets a page start while the bucket refills. */
const BURST_SECONDS = 1;

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** `ratePerSecond` 0 means unlimited. */
  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = ratePerSecond * BURST_SECONDS;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.ratePerSecond * BURST_SECONDS, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Milliseconds to wait before the next page may start (0 = go now). */
  waitMs(): number {
    if (this.ratePerSecond <= 0) return 0;
    this.refill();
    return this.tokens > 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000) + 1;
  }

  /** Charges what a page consumed; the balance may go negative, which delays the next page. */
  charge(units: number): void {
    if (this.ratePerSecond <= 0) return;
    this.refill();
    this.tokens -= units;
  }
}
