import { type BookLevel, type DepthEvent, InvalidArgumentError, type Rng } from '@quantkubera/core';
import { Increment } from './ticks.js';

/** Options of an {@link OrderBookGenerator}. */
export interface OrderBookOptions {
  /** Price increment. */
  readonly tickSize: number;
  /** Size increment (1 share, an F&O lot, a crypto step). */
  readonly lotSize: number;
  /** Levels per side (default 10). */
  readonly levels?: number;
  /** Mean resting size at the touch, in lots (default 20); deeper levels grow by `depthGrowth`. */
  readonly meanLevelLots?: number;
  /** Growth of mean size per level away from the touch (default 0.15 = +15 % per level). */
  readonly depthGrowth?: number;
  /** Probability that a resting level's size changes on an update (default 0.3). */
  readonly churn?: number;
  /** A full snapshot every N events (default 500); deltas in between. The first is a snapshot. */
  readonly snapshotEvery?: number;
}

/** The book after the latest update: bids best first, asks best first. */
export interface BookState {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/**
 * An L2 order-book generator consistent with the quotes: on each quote it rebuilds `levels`
 * contiguous price levels per side from the quote's best bid and ask (whose sizes are the
 * quote's), keeps resting sizes of levels that stay (with some churn), and emits either a
 * snapshot or a delta listing exactly the levels that changed (size 0 removes one). Applying the
 * events in order reproduces {@link OrderBookGenerator.book}; its best levels equal the quote.
 * Sequence numbers are contiguous from 1.
 */
export class OrderBookGenerator {
  /** The instrument. */
  readonly instrumentId: string;
  private readonly tick: Increment;
  private readonly lot: Increment;
  private readonly levels: number;
  private readonly meanLots: number;
  private readonly growth: number;
  private readonly churn: number;
  private readonly snapshotEvery: number;
  private readonly rng: Rng;
  // Each side is contiguous from its best price: level k sits k ticks away. Two buffers per side
  // (current, next) are swapped on each update.
  private bidBest = Number.NaN;
  private askBest = Number.NaN;
  private bidLots: Float64Array;
  private askLots: Float64Array;
  private spareBid: Float64Array;
  private spareAsk: Float64Array;
  private sequence = 0;

  /** Validates the options; throws `InvalidArgumentError`. */
  constructor(instrumentId: string, options: OrderBookOptions, rng: Rng) {
    this.instrumentId = instrumentId;
    this.tick = new Increment('OrderBookGenerator tickSize', options.tickSize);
    this.lot = new Increment('OrderBookGenerator lotSize', options.lotSize);
    this.levels = options.levels ?? 10;
    if (!Number.isSafeInteger(this.levels) || this.levels < 1 || this.levels > 1_000) {
      throw new InvalidArgumentError('OrderBookGenerator levels', this.levels, 'an integer in [1, 1000]');
    }
    this.meanLots = options.meanLevelLots ?? 20;
    if (!(this.meanLots >= 1 && Number.isFinite(this.meanLots))) {
      throw new InvalidArgumentError(
        'OrderBookGenerator meanLevelLots',
        this.meanLots,
        'a finite number >= 1',
      );
    }
    this.growth = options.depthGrowth ?? 0.15;
    this.churn = options.churn ?? 0.3;
    if (!(this.churn >= 0 && this.churn <= 1))
      throw new InvalidArgumentError('OrderBookGenerator churn', this.churn, 'a probability');
    this.snapshotEvery = options.snapshotEvery ?? 500;
    if (!Number.isSafeInteger(this.snapshotEvery) || this.snapshotEvery < 1) {
      throw new InvalidArgumentError(
        'OrderBookGenerator snapshotEvery',
        this.snapshotEvery,
        'an integer >= 1',
      );
    }
    this.rng = rng;
    this.bidLots = new Float64Array(this.levels);
    this.askLots = new Float64Array(this.levels);
    this.spareBid = new Float64Array(this.levels);
    this.spareAsk = new Float64Array(this.levels);
  }

  /** The book after the latest update. */
  get book(): BookState {
    return {
      bids: Number.isNaN(this.bidBest) ? [] : this.all(this.bidBest, this.bidLots, -1),
      asks: Number.isNaN(this.askBest) ? [] : this.all(this.askBest, this.askLots, 1),
    };
  }

  /**
   * Moves the book to a new top of book (prices in ticks, sizes in lots) and returns the depth
   * event describing the change, stamped `tsEvent`/`tsInit`.
   */
  update(
    tsEvent: number,
    tsInit: number,
    bidTicks: number,
    bidLots: number,
    askTicks: number,
    askLots: number,
  ): DepthEvent {
    this.rebuild(this.bidBest, this.bidLots, bidTicks, -1, bidLots, this.spareBid);
    this.rebuild(this.askBest, this.askLots, askTicks, 1, askLots, this.spareAsk);
    this.sequence++;
    const snapshot = this.sequence === 1 || this.sequence % this.snapshotEvery === 0;
    const bids = snapshot
      ? this.all(bidTicks, this.spareBid, -1)
      : this.diff(this.bidBest, this.bidLots, bidTicks, this.spareBid, -1);
    const asks = snapshot
      ? this.all(askTicks, this.spareAsk, 1)
      : this.diff(this.askBest, this.askLots, askTicks, this.spareAsk, 1);
    [this.bidLots, this.spareBid] = [this.spareBid, this.bidLots];
    [this.askLots, this.spareAsk] = [this.spareAsk, this.askLots];
    this.bidBest = bidTicks;
    this.askBest = askTicks;
    return {
      kind: 'depth',
      v: 1,
      tsEvent,
      tsInit,
      instrumentId: this.instrumentId,
      snapshot,
      sequence: this.sequence,
      bids,
      asks,
    };
  }

  /** Fills `out` with the new side: the quote's size at the touch, resting sizes kept (with churn) or fresh. */
  private rebuild(
    oldBest: number,
    old: Float64Array,
    best: number,
    direction: -1 | 1,
    bestLots: number,
    out: Float64Array,
  ): void {
    out[0] = bestLots;
    for (let k = 1; k < this.levels; k++) {
      // Index of the same price in the old side, when it was within its levels.
      const j = direction * (best + direction * k - oldBest);
      const previous = j >= 0 && j < this.levels ? old[j]! : 0;
      if (previous === 0)
        out[k] = 1 + Math.floor(this.rng.exponential(1 / (this.meanLots * (1 + this.growth * k))));
      else if (this.rng.nextDouble() < this.churn)
        out[k] = Math.max(1, Math.round(previous * Math.exp(this.rng.normal(0, 0.25))));
      else out[k] = previous;
    }
  }

  private level(ticks: number, lots: number): BookLevel {
    return {
      price: this.tick.toValue(ticks),
      size: this.lot.toValue(lots),
      orders: lots === 0 ? 0 : 1 + Math.floor(Math.sqrt(lots)),
    };
  }

  private all(best: number, lots: Float64Array, direction: -1 | 1): BookLevel[] {
    const out: BookLevel[] = [];
    for (let k = 0; k < this.levels; k++) out.push(this.level(best + direction * k, lots[k]!));
    return out;
  }

  /** The levels that differ between two sides, best first; removed levels have size 0. */
  private diff(
    oldBest: number,
    old: Float64Array,
    best: number,
    next: Float64Array,
    direction: -1 | 1,
  ): BookLevel[] {
    const out: BookLevel[] = [];
    const n = this.levels;
    // Old levels better than the new best (the side retreated), best first.
    for (let j = 0; j < n; j++) {
      const ticks = oldBest + direction * j;
      if (direction * (ticks - best) >= 0) break;
      out.push(this.level(ticks, 0));
    }
    for (let k = 0; k < n; k++) {
      const j = direction * (best + direction * k - oldBest);
      const previous = j >= 0 && j < n ? old[j]! : 0;
      if (previous !== next[k]!) out.push(this.level(best + direction * k, next[k]!));
    }
    // Old levels beyond the new worst (the side advanced).
    const worst = best + direction * (n - 1);
    for (let j = 0; j < n; j++) {
      const ticks = oldBest + direction * j;
      if (direction * (ticks - worst) > 0) out.push(this.level(ticks, 0));
    }
    return out;
  }
}
