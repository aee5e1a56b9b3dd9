/**
 * One side of the market's order book, as the depth feed shows it: price levels in ticks kept
 * best first, their displayed sizes, and how much of each level our own taking orders have
 * consumed since the feed last updated it (recorded data cannot show our impact, so without this
 * two of our orders could take the same displayed quantity).
 */
export class BookSide {
  /** Level prices in ticks, best first. */
  readonly prices: number[] = [];
  /** Displayed sizes, parallel to `prices`. */
  readonly sizes: number[] = [];
  /** Quantity our orders took from each level since its last update. */
  readonly consumed: number[] = [];
  /** True for bids (best = highest). */
  readonly isBid: boolean;

  /** A bid side (`isBid`) or an ask side. */
  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  /** Number of levels. */
  get length(): number {
    return this.prices.length;
  }

  /** Best price in ticks, or NaN when empty. */
  get best(): number {
    return this.prices.length === 0 ? Number.NaN : this.prices[0]!;
  }

  /** Worst displayed price in ticks, or NaN when empty. */
  get worst(): number {
    return this.prices.length === 0 ? Number.NaN : this.prices[this.prices.length - 1]!;
  }

  /** Index of `ticks`, or -(insertion point) - 1 when absent. */
  find(ticks: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid]!;
      if (p === ticks) return mid;
      if (this.isBid ? p > ticks : p < ticks) lo = mid + 1;
      else hi = mid;
    }
    return -lo - 1;
  }

  /** Sets the level at `ticks` to `size` (0 removes it) and forgets our consumption there. */
  set(ticks: number, size: number): void {
    const i = this.find(ticks);
    if (i >= 0) {
      if (size > 0) {
        this.sizes[i] = size;
        this.consumed[i] = 0;
      } else {
        this.prices.splice(i, 1);
        this.sizes.splice(i, 1);
        this.consumed.splice(i, 1);
      }
    } else if (size > 0) {
      const at = -i - 1;
      this.prices.splice(at, 0, ticks);
      this.sizes.splice(at, 0, size);
      this.consumed.splice(at, 0, 0);
    }
  }

  /** Removes every level. */
  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
    this.consumed.length = 0;
  }

  /** Displayed size left (size − consumed) at level `i`. */
  available(i: number): number {
    const left = this.sizes[i]! - this.consumed[i]!;
    return left > 0 ? left : 0;
  }

  /**
   * The displayed size at `ticks`: the level's size; 0 when the price lies within the displayed
   * range (or the side is empty) but has no level; NaN when it lies beyond the worst displayed
   * level, where the feed says nothing.
   */
  sizeAt(ticks: number): number {
    const i = this.find(ticks);
    if (i >= 0) return this.sizes[i]!;
    if (this.prices.length === 0) return 0;
    const worst = this.prices[this.prices.length - 1]!;
    const beyond = this.isBid ? ticks < worst : ticks > worst;
    return beyond ? Number.NaN : 0;
  }
}

/** The market's order book from depth snapshots and deltas, in ticks. */
export class DepthBook {
  /** Bids, highest first. */
  readonly bids = new BookSide(true);
  /** Asks, lowest first. */
  readonly asks = new BookSide(false);
  /** True once any depth has been applied. */
  seen = false;

  /** The side our order of `sign` (+1 BUY) takes from. */
  opposite(sign: 1 | -1): BookSide {
    return sign === 1 ? this.asks : this.bids;
  }

  /** The side our order of `sign` rests on. */
  same(sign: 1 | -1): BookSide {
    return sign === 1 ? this.bids : this.asks;
  }
}
