import type {
  AggressorSide,
  BarEvent,
  DepthEvent,
  LiquiditySide,
  QuoteEvent,
  Rng,
  SessionCalendar,
  Side,
  TickEvent,
  TradeEvent,
  UnixMicros,
} from '@quantkubera/core';
import type { FillModel, TouchKind } from '../fill-models/index.js';
import type { SlippageModel } from '../slippage/index.js';
import { DepthBook } from './depth-book.js';
import type { InstrumentSpec } from './instrument-spec.js';
import { barPathPoints, firstReach, type IntrabarPath } from './intrabar-path.js';
import { firstAtRank, insertOrder, removeOrder } from './order-list.js';
import type { SimOrder } from './sim-order.js';
import { SimulatedVenueError } from './venue-error.js';

/**
 * What market data drives the venue: `L1` quotes, trades and ticks; `L2` depth snapshots/deltas
 * and trades; `BAR` bars only. Events of other kinds are ignored (and counted).
 */
export type VenueMode = 'L1' | 'L2' | 'BAR';

/** What an L1 market order does with the quantity the top of book does not cover. */
export type L1Overflow = 'walk' | 'wait';

/**
 * A circuit (price) band: limit and trigger prices further than `percent` % from the reference
 * are rejected. The reference is `reference` when given, otherwise the last price of the previous
 * session (no check until one session has been seen).
 */
export interface CircuitBand {
  /** Half-width of the band, in percent of the reference (NSE: 2, 5, 10 or 20). */
  readonly percent: number;
  /** A fixed reference price (the previous close published by the exchange). */
  readonly reference?: number;
}

/** What the matching engine reports to the venue. */
export interface EngineHost {
  /** An execution: the engine has already added it to the order's filled quantity. */
  fill(order: SimOrder, lots: number, priceTicks: number, liquidity: LiquiditySide): void;
  /** A stop order's trigger fired. */
  triggered(order: SimOrder): void;
  /** The engine ended an order (IOC/FOK remainder, reduce-only, post-only at the open). */
  finished(order: SimOrder, status: 'CANCELED', reason: string): void;
  /** A fresh time-priority sequence number. */
  nextSeq(): number;
}

/** Everything one instrument's matching engine needs. */
export interface MatchingEngineConfig {
  /** The instrument's tick and lot grid. */
  readonly spec: InstrumentSpec;
  /** Which market data drives it. */
  readonly mode: VenueMode;
  /** Receives fills, triggers and engine-initiated cancels. */
  readonly host: EngineHost;
  /** Decides passive fills. */
  readonly fillModel: FillModel;
  /** Slips taking fills. */
  readonly slippage: SlippageModel;
  /** This instrument's seeded stream for the fill and slippage models. */
  readonly rng: Rng;
  /** L1: walk synthetic levels beyond the top of book, or wait for the next quote. */
  readonly l1Overflow: L1Overflow;
  /** L1 `walk`: synthetic levels beyond the top, one tick apart, each the size of the top. */
  readonly l1WalkLevels: number;
  /** Bar mode: the intrabar path convention. */
  readonly barPath: IntrabarPath;
  /** Bar mode: the only timeframe matched; undefined locks onto the first seen. */
  readonly barTimeframe: string | undefined;
  /** Price band for limit and trigger prices. */
  readonly circuit: CircuitBand | undefined;
  /** Sessions, for the circuit band's previous-session reference. */
  readonly calendar: SessionCalendar | undefined;
  /** Net position (lots) before the run: reduce-only orders can close it. */
  readonly initialPositionLots: number;
  /** Half-life, in price updates, of the volatility estimate. */
  readonly volatilityHalfLife: number;
}

/** Whether a market data event was matched or ignored (and why). */
export type MarketDataOutcome =
  | 'matched'
  | 'ignored-mode'
  | 'ignored-revision'
  | 'ignored-timeframe'
  | 'ignored-stale';

// Bar hit actions, in the order they are tried at equal path positions.
const HIT_TAKE = 0;
const HIT_TRIGGER = 1;
const HIT_LIMIT = 2;
const HIT_CANCEL_IMMEDIATE = 3;
const HIT_CANCEL_POST_ONLY = 4;

/** A mutable fill-model context, reused for every call (the models must not keep it). */
interface MutableTouch {
  kind: TouchKind;
  remaining: number;
  queueAhead: number;
  capacity: number;
  volume: number;
  used: number;
}

/** A mutable slippage context, reused for every call. */
interface MutableSlip {
  side: Side;
  quantity: number;
  price: number;
  tickSize: number;
  spreadTicks: number;
  volatility: number;
}

/**
 * One instrument's matching engine: the market as the data shows it (top of book, depth, last
 * trade, last bar), our resting orders in price-time priority with their queue positions, pending
 * stops and waiting market orders, and the account's net position for reduce-only orders. Works
 * in ticks and lots. See docs/simulated-venue.md for every convention.
 */
export class MatchingEngine {
  /** The instrument grid. */
  readonly spec: InstrumentSpec;
  /** The mode. */
  readonly mode: VenueMode;
  /** Net position in lots (from this venue's fills plus the initial position). */
  positionLots = 0;
  /** Resting buy orders, best (highest) price first, then time. */
  readonly buys: SimOrder[] = [];
  /** Resting sell orders, best (lowest) price first, then time. */
  readonly sells: SimOrder[] = [];
  /** Untriggered buy stops, lowest trigger first. */
  readonly buyStops: SimOrder[] = [];
  /** Untriggered sell stops, highest trigger first. */
  readonly sellStops: SimOrder[] = [];
  /** Market orders (and triggered stops) waiting for liquidity, in time order. */
  readonly marketOrders: SimOrder[] = [];

  readonly #host: EngineHost;
  readonly #fillModel: FillModel;
  readonly #slippage: SlippageModel;
  readonly #rng: Rng;
  readonly #overflow: L1Overflow;
  readonly #walkLevels: number;
  readonly #barPath: IntrabarPath;
  #barTimeframe: string | undefined;
  readonly #circuit: CircuitBand | undefined;
  readonly #calendar: SessionCalendar | undefined;
  readonly #decay: number;
  readonly #touch: MutableTouch = {
    kind: 'at',
    remaining: 0,
    queueAhead: 0,
    capacity: 0,
    volume: 0,
    used: 0,
  };
  readonly #slip: MutableSlip = {
    side: 'BUY',
    quantity: 0,
    price: 0,
    tickSize: 0,
    spreadTicks: 0,
    volatility: 0,
  };

  // L1 top of book (ticks; NaN when a side is empty) and what our takers consumed of it.
  #bid = Number.NaN;
  #ask = Number.NaN;
  #bidPrice = 0;
  #askPrice = 0;
  #bidSize = 0;
  #askSize = 0;
  #bidUsed = 0;
  #askUsed = 0;
  #hasQuote = false;
  // The market event being matched, kept in fields rather than passed to the helpers below: V8
  // boxes a double passed to (or returned from) a call it does not inline, and epoch
  // microseconds and prices are never small integers, so passing them would allocate per event.
  #eventUs = 0;
  #tradeSize = 0;
  #observedPrice = 0;
  /** Whether reference prices are needed at all (volatility-aware slippage, circuit limits). */
  readonly #tracksReference: boolean;
  // Last trade.
  #last = Number.NaN;
  #tickVolume = Number.NaN;
  // L2 book.
  readonly book = new DepthBook();
  // Bars.
  #lastClose = Number.NaN;
  #lastBarEnd = Number.NEGATIVE_INFINITY;
  readonly #path: number[] = [0, 0, 0, 0];
  readonly #hitPos: number[] = [];
  readonly #hitOrder: SimOrder[] = [];
  readonly #hitPrice: number[] = [];
  readonly #hitAction: number[] = [];
  readonly #hitIndex: number[] = [];
  /**
   * Hits in the arrays above (entries past it are stale): resetting a count is free, where
   * setting five arrays' lengths is five runtime calls per bar.
   */
  #hitCount = 0;
  readonly #byHit = (a: number, b: number): number =>
    this.#hitPos[a]! - this.#hitPos[b]! ||
    this.#hitAction[a]! - this.#hitAction[b]! ||
    this.#hitOrder[a]!.seq - this.#hitOrder[b]!.seq;
  // Volatility (EWMA of squared log returns) and circuit reference.
  #prevPrice = Number.NaN;
  #variance = Number.NaN;
  #sessionEnd = Number.NEGATIVE_INFINITY;
  #lastPrice = Number.NaN;
  #sessionReference = Number.NaN;

  /** Creates an empty engine. */
  constructor(config: MatchingEngineConfig) {
    this.spec = config.spec;
    this.mode = config.mode;
    this.#host = config.host;
    this.#fillModel = config.fillModel;
    this.#slippage = config.slippage;
    this.#rng = config.rng;
    this.#overflow = config.l1Overflow;
    this.#walkLevels = config.l1WalkLevels;
    this.#barPath = config.barPath;
    this.#barTimeframe = config.barTimeframe;
    this.#circuit = config.circuit;
    this.#calendar = config.calendar;
    this.positionLots = config.initialPositionLots;
    this.#decay = 0.5 ** (1 / config.volatilityHalfLife);
    this.#tracksReference =
      config.slippage.usesVolatility ||
      (config.circuit !== undefined && config.circuit.reference === undefined);
    this.#slip.tickSize = config.spec.tickSize;
  }

  // ---------------------------------------------------------------------------------------------
  // Reference prices and checks

  /**
   * The price an order of `side` would meet now: the best opposite price (L1 quote, L2 book),
   * else the last trade; the last bar close in bar mode. NaN when the market is unknown.
   */
  referencePrice(side: Side): number {
    const ticks = this.mode === 'BAR' ? this.#lastClose : this.#oppositeBest(side === 'BUY' ? 1 : -1);
    const t = Number.isNaN(ticks) ? this.#last : ticks;
    return Number.isNaN(t) ? Number.NaN : this.spec.price(t);
  }

  /** The circuit band's reference price now, or NaN when there is none. */
  circuitReference(): number {
    if (this.#circuit === undefined) return Number.NaN;
    return this.#circuit.reference ?? this.#sessionReference;
  }

  /**
   * Engine-level checks of an arriving order (price band, stop that would trigger at once,
   * post-only that would take, reduce-only that would increase the position): the reject reason,
   * or undefined when it may be accepted.
   */
  checkArrival(order: SimOrder): string | undefined {
    const band = this.#checkBand(order.priceTicks, order.triggerTicks);
    if (band !== undefined) return band;
    if (order.isPendingStop && this.#wouldTrigger(order.sign, order.triggerTicks)) {
      return `stop would trigger immediately: trigger ${this.spec.price(order.triggerTicks)} is already reached by the market`;
    }
    if (order.postOnly && this.#wouldTake(order.sign, order.priceTicks)) {
      return `post-only order would take liquidity at ${this.spec.price(order.priceTicks)}`;
    }
    if (order.reduceOnly && this.#reducibleLots(order.sign) <= 0) {
      return `reduce-only ${order.side} would increase the position (${this.spec.quantity(this.positionLots)})`;
    }
    return undefined;
  }

  /** Checks of a modify's new prices: the reject reason, or undefined. */
  checkModify(order: SimOrder, priceTicks: number, triggerTicks: number): string | undefined {
    const band = this.#checkBand(priceTicks, triggerTicks);
    if (band !== undefined) return band;
    if (
      order.isPendingStop &&
      triggerTicks !== order.triggerTicks &&
      this.#wouldTrigger(order.sign, triggerTicks)
    ) {
      return `stop would trigger immediately: trigger ${this.spec.price(triggerTicks)} is already reached by the market`;
    }
    if (order.postOnly && this.#wouldTake(order.sign, priceTicks)) {
      return `post-only order would take liquidity at ${this.spec.price(priceTicks)}`;
    }
    return undefined;
  }

  #checkBand(priceTicks: number, triggerTicks: number): string | undefined {
    const reference = this.circuitReference();
    if (Number.isNaN(reference)) return undefined;
    const pct = this.#circuit!.percent / 100;
    const lo = reference * (1 - pct);
    const hi = reference * (1 + pct);
    return (
      this.#outsideBand(priceTicks, lo, hi, reference) ?? this.#outsideBand(triggerTicks, lo, hi, reference)
    );
  }

  #outsideBand(ticks: number, lo: number, hi: number, reference: number): string | undefined {
    if (Number.isNaN(ticks)) return undefined;
    const p = this.spec.price(ticks);
    const tol = this.spec.tickSize * 1e-6;
    if (p >= lo - tol && p <= hi + tol) return undefined;
    const first = this.spec.price(Math.ceil(lo / this.spec.tickSize - 1e-9));
    const last = this.spec.price(Math.floor(hi / this.spec.tickSize + 1e-9));
    return `price ${p} is outside the circuit band [${first}, ${last}] (±${this.#circuit!.percent}% of ${reference})`;
  }

  /** Best opposite price in ticks for a taker of `sign`, NaN when none is displayed. */
  #oppositeBest(sign: 1 | -1): number {
    if (this.mode === 'L2') {
      return this.book.seen ? this.book.opposite(sign).best : Number.NaN;
    }
    if (this.mode === 'L1' && this.#hasQuote) return sign === 1 ? this.#ask : this.#bid;
    return Number.NaN;
  }

  /** The price a taker of `sign` would meet now, with the trade-only fallback; NaN when unknown. */
  #takeablePrice(sign: 1 | -1): number {
    if (this.mode === 'BAR') return this.#lastClose;
    if (this.#hasDisplayedBook()) return this.#oppositeBest(sign);
    return this.#last;
  }

  #hasDisplayedBook(): boolean {
    return this.mode === 'L2' ? this.book.seen : this.#hasQuote;
  }

  #wouldTake(sign: 1 | -1, priceTicks: number): boolean {
    const opposite = this.#takeablePrice(sign);
    return !Number.isNaN(opposite) && sign * (priceTicks - opposite) >= 0;
  }

  /** True when a stop of `sign` with this trigger would fire against the current market. */
  #wouldTrigger(sign: 1 | -1, triggerTicks: number): boolean {
    if (this.mode === 'BAR') return sign * (this.#lastClose - triggerTicks) >= 0;
    if (sign * (this.#last - triggerTicks) >= 0) return true;
    const own = this.#ownBest(sign);
    return sign * (own - triggerTicks) >= 0;
  }

  /** Best price on the side an order of `sign` rests on (bid for buys), NaN when none. */
  #ownBest(sign: 1 | -1): number {
    if (this.mode === 'L2') return this.book.seen ? this.book.same(sign).best : Number.NaN;
    if (this.mode === 'L1' && this.#hasQuote) return sign === 1 ? this.#bid : this.#ask;
    return Number.NaN;
  }

  #reducibleLots(sign: 1 | -1): number {
    return sign === 1 ? -this.positionLots : this.positionLots;
  }

  // ---------------------------------------------------------------------------------------------
  // Placing, modifying and removing our orders

  /** Puts an accepted order to work: matches it now (L1/L2) or queues it for the next bar. */
  place(order: SimOrder): void {
    if (this.mode === 'BAR') {
      if (order.isMarketable) insertOrder(this.marketOrders, order);
      else if (order.isPendingStop) this.#insertStop(order);
      else this.#rest(order);
      return;
    }
    if (order.isPendingStop) this.#insertStop(order);
    else this.#work(order);
  }

  /**
   * Applies an accepted modify. A smaller quantity at the same prices keeps the order's queue
   * position; a price or trigger change or a larger quantity sends it to the back (a new time
   * priority, queue position re-estimated) and re-matches it as if it had just arrived.
   */
  modify(order: SimOrder, quantityLots: number, priceTicks: number, triggerTicks: number): void {
    const samePrice =
      priceTicks === order.priceTicks || (Number.isNaN(priceTicks) && Number.isNaN(order.priceTicks));
    const sameTrigger =
      triggerTicks === order.triggerTicks || (Number.isNaN(triggerTicks) && Number.isNaN(order.triggerTicks));
    const keepsPriority = samePrice && sameTrigger && quantityLots <= order.quantityLots;
    order.quantityLots = quantityLots;
    order.priceTicks = priceTicks;
    order.triggerTicks = triggerTicks;
    if (keepsPriority) return;
    removeOrder(order);
    order.seq = this.#host.nextSeq();
    order.queueAhead = Number.POSITIVE_INFINITY;
    this.place(order);
  }

  /** Takes an order out of the engine (cancel, expiry); false if it was not working. */
  remove(order: SimOrder): boolean {
    return removeOrder(order);
  }

  #insertStop(order: SimOrder): void {
    order.rank = order.sign === 1 ? order.triggerTicks : -order.triggerTicks;
    insertOrder(order.sign === 1 ? this.buyStops : this.sellStops, order);
  }

  /** Rests a limit order (or a triggered stop-limit) with its queue position estimated now. */
  #rest(order: SimOrder): void {
    order.queueAhead = this.#queueAtArrival(order.sign, order.priceTicks);
    order.rank = -order.sign * order.priceTicks;
    insertOrder(order.sign === 1 ? this.buys : this.sells, order);
  }

  /**
   * Volume displayed ahead of a new order at `priceTicks`: 0 when it improves on the best price
   * of its side, the displayed size when it joins a displayed level, Infinity when the data does
   * not show its level (deeper than L1's top or L2's depth, or bar data).
   */
  #queueAtArrival(sign: 1 | -1, priceTicks: number): number {
    if (this.mode === 'L1') {
      if (!this.#hasQuote) return Number.POSITIVE_INFINITY;
      const best = sign === 1 ? this.#bid : this.#ask;
      if (Number.isNaN(best)) return 0;
      const d = sign * (priceTicks - best);
      if (d > 0) return 0;
      if (d === 0) return sign === 1 ? this.#bidSize : this.#askSize;
      return Number.POSITIVE_INFINITY;
    }
    if (this.mode === 'L2') {
      if (!this.book.seen) return Number.POSITIVE_INFINITY;
      const size = this.book.same(sign).sizeAt(priceTicks);
      return Number.isNaN(size) ? Number.POSITIVE_INFINITY : size;
    }
    return Number.POSITIVE_INFINITY;
  }

  /**
   * L1/L2: an order that may take now (market, triggered stop, limit, triggered stop-limit) takes
   * what it can; then an IOC/FOK remainder is canceled, a market remainder waits for liquidity and
   * a limit remainder rests.
   */
  #work(order: SimOrder): void {
    const limit = order.isMarketable ? Number.NaN : order.priceTicks;
    if (!order.isMarketable && !this.#wouldTake(order.sign, limit)) {
      if (order.isImmediate) this.#host.finished(order, 'CANCELED', `${order.timeInForce}: not marketable`);
      else this.#rest(order);
      return;
    }
    if (
      order.timeInForce === 'FOK' &&
      this.#fokLots(order, this.#takeableLots(order.sign, limit)) < order.remainingLots
    ) {
      this.#host.finished(order, 'CANCELED', 'FOK: not enough liquidity to fill in full');
      return;
    }
    this.#take(order, limit);
    if (!order.isOpen) return;
    if (order.isImmediate) {
      removeOrder(order);
      this.#host.finished(order, 'CANCELED', `${order.timeInForce}: unfilled remainder canceled`);
    } else if (order.isMarketable) {
      if (order.list !== this.marketOrders) insertOrder(this.marketOrders, order);
    } else {
      this.#rest(order);
    }
  }

  /** `lots` limited by what a reduce-only order may still fill: FOK needs the whole quantity within both. */
  #fokLots(order: SimOrder, lots: number): number {
    if (!order.reduceOnly) return lots;
    const room = this.#reducibleLots(order.sign);
    return lots < room ? lots : room;
  }

  /** Lots a taker could get now within `limit` (NaN: any price), with the same liquidity `#take` uses. */
  #takeableLots(sign: 1 | -1, limit: number): number {
    if (!this.#hasDisplayedBook()) {
      if (Number.isNaN(this.#last) || sign * (this.#last - limit) > 0) return 0;
      return Number.POSITIVE_INFINITY;
    }
    let total = 0;
    if (this.mode === 'L2') {
      const side = this.book.opposite(sign);
      for (let i = 0; i < side.length; i++) {
        if (sign * (side.prices[i]! - limit) > 0) break;
        total += side.available(i);
      }
    } else {
      const best = sign === 1 ? this.#ask : this.#bid;
      if (Number.isNaN(best)) return 0;
      const levels = this.#overflow === 'walk' ? 1 + this.#walkLevels : 1;
      for (let k = 0; k < levels; k++) {
        if (sign * (best + sign * k - limit) > 0) break;
        total += this.#l1Available(sign, k);
      }
    }
    return this.spec.lotsFloor(total);
  }

  /** Displayed (or synthetic) size left at L1 level `k` beyond the top for a taker of `sign`. */
  #l1Available(sign: 1 | -1, k: number): number {
    const size = sign === 1 ? this.#askSize : this.#bidSize;
    const used = sign === 1 ? this.#askUsed : this.#bidUsed;
    const left = size * (k + 1) - used;
    if (!(left > 0)) return 0;
    return left < size ? left : size;
  }

  /** Takes liquidity for `order` up to `limit` (NaN: any price), level by level. */
  #take(order: SimOrder, limit: number): void {
    const sign = order.sign;
    if (!this.#hasDisplayedBook()) {
      // Trade-only data: the last trade price is the only price known; its size is not.
      const last = this.#last;
      if (Number.isNaN(last) || sign * (last - limit) > 0) return;
      this.#fill(order, order.remainingLots, this.#slipped(order, last, limit, Number.NaN), 'TAKER');
      return;
    }
    const spread = this.#spreadTicks();
    let slip = -1;
    if (this.mode === 'L2') {
      const side = this.book.opposite(sign);
      for (let i = 0; i < side.length && order.isOpen; i++) {
        const price = side.prices[i]!;
        if (sign * (price - limit) > 0) break;
        const lots = Math.min(order.remainingLots, this.spec.lotsFloor(side.available(i)));
        if (lots <= 0) continue;
        if (slip < 0) slip = this.#slipTicks(order, price, spread);
        const filled = this.#fill(order, lots, this.#cap(price + sign * slip, limit, sign), 'TAKER');
        side.consumed[i] = side.consumed[i]! + this.spec.quantity(filled);
      }
      return;
    }
    const best = sign === 1 ? this.#ask : this.#bid;
    if (Number.isNaN(best)) return;
    const levels = this.#overflow === 'walk' ? 1 + this.#walkLevels : 1;
    for (let k = 0; k < levels && order.isOpen; k++) {
      const price = best + sign * k;
      if (sign * (price - limit) > 0) break;
      const lots = Math.min(order.remainingLots, this.spec.lotsFloor(this.#l1Available(sign, k)));
      if (lots <= 0) continue;
      if (slip < 0) slip = this.#slipTicks(order, price, spread);
      const filled = this.#fill(order, lots, this.#cap(price + sign * slip, limit, sign), 'TAKER');
      if (sign === 1) this.#askUsed += this.spec.quantity(filled);
      else this.#bidUsed += this.spec.quantity(filled);
    }
  }

  /** `price` capped at `limit` (NaN: uncapped) for a taker of `sign`. */
  #cap(price: number, limit: number, sign: 1 | -1): number {
    return sign * (price - limit) > 0 ? limit : price;
  }

  #spreadTicks(): number {
    if (this.mode === 'L1') return this.#hasQuote ? this.#ask - this.#bid : Number.NaN;
    if (this.mode === 'L2') return this.book.asks.best - this.book.bids.best;
    return Number.NaN;
  }

  /** Slippage in whole ticks (>= 0) for a taker of `order` at `priceTicks`. */
  #slipTicks(order: SimOrder, priceTicks: number, spreadTicks: number): number {
    const ctx = this.#slip;
    ctx.side = order.side;
    ctx.quantity = this.spec.quantity(order.remainingLots);
    ctx.price = this.spec.price(priceTicks);
    ctx.spreadTicks = spreadTicks;
    ctx.volatility = Number.isNaN(this.#variance) ? Number.NaN : Math.sqrt(this.#variance);
    const ticks = Math.round(this.#slippage.slippageTicks(ctx, this.#rng));
    return ticks > 0 ? ticks : 0;
  }

  /** `priceTicks` slipped against a taker of `order`, capped at `limit`. */
  #slipped(order: SimOrder, priceTicks: number, limit: number, spreadTicks: number): number {
    return this.#cap(
      priceTicks + order.sign * this.#slipTicks(order, priceTicks, spreadTicks),
      limit,
      order.sign,
    );
  }

  /**
   * Executes `lots` of `order` at `priceTicks`: caps a reduce-only order at the position it can
   * still reduce, updates the position and the order, reports the fill, and ends the order when
   * it is complete (or when a reduce-only order has nothing left to reduce). Returns lots filled.
   */
  #fill(order: SimOrder, lots: number, priceTicks: number, liquidity: LiquiditySide): number {
    let n = lots;
    if (order.reduceOnly) {
      const room = this.#reducibleLots(order.sign);
      if (n > room) n = room > 0 ? room : 0;
    }
    if (n > 0) {
      this.positionLots += order.sign * n;
      order.filledLots += n;
      order.fillValueTicks += priceTicks * n;
      order.fillCount++;
      order.status = order.filledLots >= order.quantityLots ? 'FILLED' : 'PARTIALLY_FILLED';
      if (order.status === 'FILLED') removeOrder(order);
      this.#host.fill(order, n, priceTicks, liquidity);
    }
    if (order.isOpen && order.reduceOnly && this.#reducibleLots(order.sign) <= 0) {
      removeOrder(order);
      this.#host.finished(order, 'CANCELED', 'reduce-only: no position left to reduce');
    }
    return n;
  }

  /** Asks the fill model how many lots `order` gets; the context fields are set here. */
  #passiveLots(
    order: SimOrder,
    kind: TouchKind,
    queueAhead: number,
    capacity: number,
    volume: number,
    used: number,
  ): number {
    const ctx = this.#touch;
    ctx.kind = kind;
    ctx.remaining = this.spec.quantity(order.remainingLots);
    ctx.queueAhead = queueAhead;
    ctx.capacity = capacity;
    ctx.volume = volume;
    ctx.used = used;
    const q = this.#fillModel.fillQuantity(ctx, this.#rng);
    if (!(q > 0)) return 0;
    const lots = this.spec.lotsFloor(q < capacity ? q : capacity);
    return lots < order.remainingLots ? lots : order.remainingLots;
  }

  // ---------------------------------------------------------------------------------------------
  // Market data

  /** L1: a new top of book. */
  onQuote(event: QuoteEvent): MarketDataOutcome {
    if (this.mode !== 'L1') return 'ignored-mode';
    // One inline test on the valid path; the helper that names the bad field runs only on failure.
    if (
      !(
        Number.isFinite(event.bidPrice) &&
        Number.isFinite(event.askPrice) &&
        event.bidSize >= 0 &&
        event.askSize >= 0
      )
    ) {
      checkFinite(event, 'bidPrice', event.bidPrice);
      checkFinite(event, 'askPrice', event.askPrice);
      checkSize(event, 'bidSize', event.bidSize);
      checkSize(event, 'askSize', event.askSize);
    }
    this.#eventUs = event.tsEvent;
    this.#bidPrice = event.bidPrice;
    this.#bidSize = event.bidSize;
    this.#askPrice = event.askPrice;
    this.#askSize = event.askSize;
    this.#setQuote();
    this.#applyQuote();
    return 'matched';
  }

  /** L1 and L2: a trade print. */
  onTrade(event: TradeEvent): MarketDataOutcome {
    if (this.mode === 'BAR') return 'ignored-mode';
    if (!(Number.isFinite(event.price) && event.size >= 0)) {
      checkFinite(event, 'price', event.price);
      checkSize(event, 'size', event.size);
    }
    this.#eventUs = event.tsEvent;
    this.#tradeSize = event.size;
    this.#applyTrade(this.spec.ticks(event.price), event.aggressor);
    return 'matched';
  }

  /**
   * L1: a snapshot tick. A rise in cumulative `volume` (or, without volume, `lastSize`) acts as a
   * trade of that size at `lastPrice`, and a tick with neither as a trade of unknown size; then
   * its bid/ask (when both are present) act as a quote, missing sizes as unlimited. The trade comes
   * first: the tick's book is the book after it.
   */
  onTick(event: TickEvent): MarketDataOutcome {
    if (this.mode !== 'L1') return 'ignored-mode';
    // Checks inline; the helpers that name the bad field run only on failure.
    if (!Number.isFinite(event.lastPrice)) checkFinite(event, 'lastPrice', event.lastPrice);
    const quoted = event.bidPrice !== undefined && event.askPrice !== undefined;
    if (
      quoted &&
      !(
        Number.isFinite(event.bidPrice) &&
        Number.isFinite(event.askPrice) &&
        (event.bidSize === undefined || event.bidSize >= 0) &&
        (event.askSize === undefined || event.askSize >= 0)
      )
    ) {
      checkFinite(event, 'bidPrice', event.bidPrice!);
      checkFinite(event, 'askPrice', event.askPrice!);
      checkSize(event, 'bidSize', event.bidSize ?? Number.POSITIVE_INFINITY);
      checkSize(event, 'askSize', event.askSize ?? Number.POSITIVE_INFINITY);
    }
    let traded = true;
    let size = Number.NaN;
    const volume = event.volume;
    if (volume !== undefined) {
      if (!(volume >= 0)) checkSize(event, 'volume', volume);
      const previous = this.#tickVolume;
      this.#tickVolume = volume;
      traded = !Number.isNaN(previous) && volume > previous;
      size = volume - previous;
    } else if (event.lastSize !== undefined) {
      if (!(event.lastSize >= 0)) checkSize(event, 'lastSize', event.lastSize);
      size = event.lastSize;
    }
    this.#eventUs = event.tsEvent;
    if (traded) {
      this.#tradeSize = size;
      this.#applyTrade(this.spec.ticks(event.lastPrice), 'NONE');
    }
    if (quoted) {
      this.#bidPrice = event.bidPrice!;
      this.#askPrice = event.askPrice!;
      // A tick without sizes shows unlimited size.
      this.#bidSize = Number.POSITIVE_INFINITY;
      if (event.bidSize !== undefined) this.#bidSize = event.bidSize;
      this.#askSize = Number.POSITIVE_INFINITY;
      if (event.askSize !== undefined) this.#askSize = event.askSize;
      this.#setQuote();
      this.#applyQuote();
    }
    return 'matched';
  }

  /** L2: a depth snapshot or delta. */
  onDepth(event: DepthEvent): MarketDataOutcome {
    if (this.mode !== 'L2') return 'ignored-mode';
    for (const level of event.bids) checkLevel(event, 'bids', level.price, level.size);
    for (const level of event.asks) checkLevel(event, 'asks', level.price, level.size);
    const book = this.book;
    if (event.snapshot) {
      book.bids.clear();
      book.asks.clear();
    }
    for (const level of event.bids) book.bids.set(this.spec.ticks(level.price), level.size);
    for (const level of event.asks) book.asks.set(this.spec.ticks(level.price), level.size);
    book.seen = true;
    const bid = book.bids.best;
    const ask = book.asks.best;
    if (!Number.isNaN(bid) && !Number.isNaN(ask) && this.#tracksReference) {
      this.#eventUs = event.tsEvent;
      this.#observedPrice = this.spec.price(bid + ask) / 2;
      this.#observe();
    }
    this.#l2Cross(1);
    this.#l2Cross(-1);
    this.#l2Queues(1, event);
    this.#l2Queues(-1, event);
    this.#triggerStops(bid, ask);
    this.#drainMarketOrders();
    return 'matched';
  }

  /**
   * L1: turns the top of book in `#bidPrice`/`#bidSize`/`#askPrice`/`#askSize` into ticks (an
   * empty side is NaN). The callers store the event's numbers in those fields first: passing them
   * would box them for a call V8 does not inline, and a conditional expression mixing a computed
   * double with a constant is merged into one boxed value, hence the plain stores below.
   */
  #setQuote(): void {
    this.#bid = Number.NaN;
    if (this.#bidSize > 0) this.#bid = this.spec.ticks(this.#bidPrice);
    this.#ask = Number.NaN;
    if (this.#askSize > 0) this.#ask = this.spec.ticks(this.#askPrice);
    if (this.#tracksReference) this.#observedPrice = (this.#bidPrice + this.#askPrice) / 2;
  }

  /** L1: matches against the top of book {@link MatchingEngine.#setQuote} stored, at `#eventUs`. */
  #applyQuote(): void {
    this.#bidUsed = 0;
    this.#askUsed = 0;
    this.#hasQuote = true;
    if (this.#tracksReference && !Number.isNaN(this.#bid) && !Number.isNaN(this.#ask)) this.#observe();
    // Each step only when it has orders to work on (the usual quote has none).
    if (this.buys.length > 0) this.#l1Queues(1, this.#l1Cross(1));
    if (this.sells.length > 0) this.#l1Queues(-1, this.#l1Cross(-1));
    if (this.buyStops.length + this.sellStops.length > 0) this.#triggerStops(this.#bid, this.#ask);
    if (this.marketOrders.length > 0) this.#drainMarketOrders();
  }

  /**
   * L1: resting orders of `sign` whose price the opposite quote reached (an ask at or below our
   * bid) fill at their own price, as makers, up to the displayed opposite size. Returns the index
   * of the first order not crossed.
   */
  #l1Cross(sign: 1 | -1): number {
    const list = sign === 1 ? this.buys : this.sells;
    const opposite = sign === 1 ? this.#ask : this.#bid;
    const size = sign === 1 ? this.#askSize : this.#bidSize;
    let used = 0;
    let i = 0;
    while (i < list.length) {
      const order = list[i]!;
      if (!(sign * (order.priceTicks - opposite) >= 0)) break;
      const left = size - (sign === 1 ? this.#askUsed : this.#bidUsed);
      if (left > 0) {
        const lots = this.#passiveLots(order, 'through', 0, left, size, used);
        if (lots > 0) {
          const filled = this.spec.quantity(this.#fill(order, lots, order.priceTicks, 'MAKER'));
          used += filled;
          if (sign === 1) this.#askUsed += filled;
          else this.#bidUsed += filled;
        }
      }
      if (list[i] === order) {
        order.queueAhead = 0;
        i++;
      }
    }
    return i;
  }

  /**
   * L1 queue positions after a quote: orders priced better than their side's best price are
   * alone at their level (queue 0); orders at the best price are behind at most the displayed
   * size (cancellations ahead of us are only assumed when the displayed size proves them).
   */
  #l1Queues(sign: 1 | -1, from: number): void {
    const list = sign === 1 ? this.buys : this.sells;
    const best = sign === 1 ? this.#bid : this.#ask;
    const size = sign === 1 ? this.#bidSize : this.#askSize;
    for (let i = from; i < list.length; i++) {
      const order = list[i]!;
      const d = Number.isNaN(best) ? 1 : sign * (order.priceTicks - best);
      if (d > 0) order.queueAhead = 0;
      else if (d === 0) {
        if (size < order.queueAhead) order.queueAhead = size;
      } else break;
    }
  }

  /** L2: resting orders the opposite book crossed fill at their own price, level by level. */
  #l2Cross(sign: 1 | -1): void {
    const list = sign === 1 ? this.buys : this.sells;
    const side = this.book.opposite(sign);
    let used = 0;
    let i = 0;
    while (i < list.length && side.length > 0) {
      const order = list[i]!;
      if (!(sign * (order.priceTicks - side.best) >= 0)) break;
      for (let j = 0; j < side.length && order.isOpen; j++) {
        if (sign * (order.priceTicks - side.prices[j]!) < 0) break;
        const left = side.available(j);
        if (left <= 0) continue;
        const lots = this.#passiveLots(order, 'through', 0, left, side.sizes[j]!, used);
        if (lots <= 0) continue;
        const filled = this.spec.quantity(this.#fill(order, lots, order.priceTicks, 'MAKER'));
        side.consumed[j] = side.consumed[j]! + filled;
        used += filled;
      }
      if (list[i] === order) {
        order.queueAhead = 0;
        i++;
      }
    }
  }

  /**
   * L2 queue positions after depth: each of our orders at a level the event changed is behind at
   * most that level's new size; orders priced better than their side's best are alone (queue 0).
   * A snapshot re-checks every order.
   */
  #l2Queues(sign: 1 | -1, event: DepthEvent): void {
    const list = sign === 1 ? this.buys : this.sells;
    if (list.length === 0) return;
    const side = this.book.same(sign);
    if (event.snapshot) {
      for (const order of list) {
        const size = side.sizeAt(order.priceTicks);
        if (size < order.queueAhead) order.queueAhead = size;
      }
      return;
    }
    const levels = sign === 1 ? event.bids : event.asks;
    for (const level of levels) {
      const ticks = this.spec.ticks(level.price);
      for (let i = firstAtRank(list, -sign * ticks); i < list.length && list[i]!.priceTicks === ticks; i++) {
        const order = list[i]!;
        if (level.size < order.queueAhead) order.queueAhead = level.size;
      }
    }
    const best = side.best;
    for (let i = 0; i < list.length; i++) {
      const order = list[i]!;
      if (!Number.isNaN(best) && sign * (order.priceTicks - best) <= 0) break;
      order.queueAhead = 0;
    }
  }

  /**
   * A trade at `priceTicks` of `#tradeSize` (NaN: unknown), at `#eventUs`. Resting orders priced
   * through it fill (the level was cleared); orders at its price fill with what is left after the
   * queue ahead of them (a trade whose aggressor is on our side did not hit our side). Then queues
   * advance, stops trigger, and with trade-only data waiting market orders fill at the trade price.
   */
  #applyTrade(priceTicks: number, aggressor: AggressorSide): void {
    this.#last = priceTicks;
    if (this.#tracksReference) {
      this.#observedPrice = this.spec.price(priceTicks);
      this.#observe();
    }
    if (this.buys.length > 0) this.#tradeFills(1, priceTicks, aggressor !== 'BUYER');
    if (this.sells.length > 0) this.#tradeFills(-1, priceTicks, aggressor !== 'SELLER');
    if (this.buyStops.length + this.sellStops.length > 0) this.#triggerStops(priceTicks, priceTicks);
    if (this.marketOrders.length > 0 && !this.#hasDisplayedBook()) this.#drainMarketOrders();
  }

  #tradeFills(sign: 1 | -1, priceTicks: number, hitsOurSide: boolean): void {
    const list = sign === 1 ? this.buys : this.sells;
    const size = this.#tradeSize;
    const known = !Number.isNaN(size);
    const volume = known ? size : Number.POSITIVE_INFINITY;
    let used = 0;
    let usedAt = 0;
    let i = 0;
    while (i < list.length) {
      const order = list[i]!;
      const d = sign * (order.priceTicks - priceTicks);
      if (d < 0 || (d === 0 && !hitsOurSide)) break;
      let lots: number;
      let marketAhead = 0;
      if (d > 0) {
        lots = this.#passiveLots(order, 'through', 0, Number.POSITIVE_INFINITY, volume, used);
      } else {
        const capacity = known ? size - usedAt : 0;
        marketAhead = capacity;
        lots = capacity > 0 ? this.#passiveLots(order, 'at', order.queueAhead, capacity, volume, used) : 0;
      }
      const filled = lots > 0 ? this.spec.quantity(this.#fill(order, lots, order.priceTicks, 'MAKER')) : 0;
      used += filled;
      if (d === 0) {
        usedAt += filled;
        // The market volume of this trade that traded before our order advanced its queue.
        const ahead = order.queueAhead - marketAhead;
        order.queueAhead = ahead > 0 ? ahead : 0;
      }
      if (list[i] === order) i++;
    }
  }

  /** Triggers stops the market reached: buy stops at or below `up`, sell stops at or above `down`. */
  #triggerStops(up: number, down: number): void {
    const buys = this.buyStops;
    while (buys.length > 0 && buys[0]!.triggerTicks <= up) this.#trigger(buys[0]!);
    const sells = this.sellStops;
    while (sells.length > 0 && sells[0]!.triggerTicks >= down) this.#trigger(sells[0]!);
  }

  /** L1/L2: a stop fires: a STOP works as a market order, a STOP_LIMIT as a limit order. */
  #trigger(order: SimOrder): void {
    removeOrder(order);
    order.triggered = true;
    order.status = 'TRIGGERED';
    this.#host.triggered(order);
    this.#work(order);
  }

  /** Market orders waiting for liquidity take whatever has appeared, in time order. */
  #drainMarketOrders(): void {
    const list = this.marketOrders;
    while (list.length > 0) {
      const order = list[0]!;
      this.#work(order);
      if (list[0] === order) break;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bars

  /**
   * Bar mode: matches every order submitted at or before the bar's open against the bar, along
   * its intrabar path. Orders submitted later (an order placed while this bar closed) wait for
   * the next bar. See docs/simulated-venue.md, "Bar mode".
   */
  onBar(bar: BarEvent): MarketDataOutcome {
    if (this.mode !== 'BAR') return 'ignored-mode';
    if (
      !(
        Number.isFinite(bar.open) &&
        Number.isFinite(bar.high) &&
        Number.isFinite(bar.low) &&
        Number.isFinite(bar.close) &&
        bar.volume >= 0
      )
    ) {
      checkFinite(bar, 'open', bar.open);
      checkFinite(bar, 'high', bar.high);
      checkFinite(bar, 'low', bar.low);
      checkFinite(bar, 'close', bar.close);
      checkSize(bar, 'volume', bar.volume);
    }
    if (bar.high < Math.max(bar.open, bar.close, bar.low) || bar.low > Math.min(bar.open, bar.close)) {
      throw new SimulatedVenueError(
        'MARKET_DATA_INVALID',
        where(bar),
        `high ${bar.high} and low ${bar.low} do not bound open ${bar.open} and close ${bar.close}`,
      );
    }
    if (bar.revision > 0) return 'ignored-revision';
    if (this.#barTimeframe === undefined) this.#barTimeframe = bar.timeframe;
    else if (bar.timeframe !== this.#barTimeframe) return 'ignored-timeframe';
    if (bar.tsOpen < this.#lastBarEnd) return 'ignored-stale';
    const spec = this.spec;
    const close = spec.ticks(bar.close);
    this.#eventUs = bar.tsOpen;
    // The bar's path matters only to orders (the usual bar has none to work on).
    if (this.#hasOrders()) {
      const open = spec.ticks(bar.open);
      const high = spec.ticks(bar.high);
      const low = spec.ticks(bar.low);
      barPathPoints(this.#barPath, open, high, low, close, this.#path);
      this.#collectHits(open, low, high);
      this.#tradeSize = bar.volume;
      this.#processHits(low, high);
      this.#settleBar();
    }
    this.#lastClose = close;
    this.#lastBarEnd = bar.tsEvent;
    if (this.#tracksReference) {
      this.#observedPrice = bar.close;
      this.#observe();
    }
    return 'matched';
  }

  #addHit(order: SimOrder, pos: number, priceTicks: number, action: number): void {
    const n = this.#hitCount++;
    this.#hitPos[n] = pos;
    this.#hitOrder[n] = order;
    this.#hitPrice[n] = priceTicks;
    this.#hitAction[n] = action;
    this.#hitIndex[n] = n;
  }

  /** Whether any order rests, waits for a trigger or waits for liquidity. */
  #hasOrders(): boolean {
    return (
      this.buys.length +
        this.sells.length +
        this.buyStops.length +
        this.sellStops.length +
        this.marketOrders.length >
      0
    );
  }

  /** Where along the bar's path (the bar opens at `#eventUs`) each eligible order is first reached. */
  #collectHits(open: number, low: number, high: number): void {
    const tsOpen = this.#eventUs;
    this.#hitCount = 0;
    for (const order of this.marketOrders) {
      if (order.eligibleFromUs <= tsOpen) this.#addHit(order, 0, open, HIT_TAKE);
    }
    this.#collectStopHits(this.buyStops, open);
    this.#collectStopHits(this.sellStops, open);
    this.#collectLimitHits(this.buys, open, low, high);
    this.#collectLimitHits(this.sells, open, low, high);
  }

  #collectStopHits(stops: readonly SimOrder[], open: number): void {
    const tsOpen = this.#eventUs;
    for (const order of stops) {
      if (order.eligibleFromUs > tsOpen) continue;
      if (order.sign * (open - order.triggerTicks) >= 0) this.#addHit(order, 0, open, HIT_TRIGGER);
      else {
        const pos = firstReach(this.#path, order.triggerTicks, 0);
        if (pos !== Number.POSITIVE_INFINITY) this.#addHit(order, pos, order.triggerTicks, HIT_TRIGGER);
      }
    }
  }

  #collectLimitHits(list: readonly SimOrder[], open: number, low: number, high: number): void {
    const tsOpen = this.#eventUs;
    for (const order of list) {
      if (order.eligibleFromUs > tsOpen) continue;
      const p = order.priceTicks;
      const gap = order.sign * (p - open) >= 0;
      if (!order.barSeen && gap && order.postOnly) this.#addHit(order, 0, open, HIT_CANCEL_POST_ONLY);
      else if (gap) this.#addHit(order, 0, open, HIT_LIMIT);
      else if (!order.barSeen && order.isImmediate) this.#addHit(order, 0, open, HIT_CANCEL_IMMEDIATE);
      else if (order.sign === 1 ? low <= p : high >= p)
        this.#addHit(order, firstReach(this.#path, p, 0), p, HIT_LIMIT);
    }
  }

  /**
   * Replays the hits in path order (ties: takes, then triggers, then limits; then time priority),
   * against the bar's volume in `#tradeSize`.
   */
  #processHits(low: number, high: number): void {
    const volume = this.#tradeSize;
    const index = this.#hitIndex;
    this.#sortHits();
    let used = 0;
    for (let k = 0; k < this.#hitCount; k++) {
      const h = index[k]!;
      const order = this.#hitOrder[h]!;
      if (!order.isOpen || order.list === null) continue;
      const pos = this.#hitPos[h]!;
      const price = this.#hitPrice[h]!;
      switch (this.#hitAction[h]) {
        case HIT_TAKE:
          used += this.#barTake(order, price, Number.NaN, volume, used, low, high);
          break;
        case HIT_TRIGGER:
          used += this.#barTrigger(order, pos, price, volume, used, low, high, k);
          break;
        case HIT_LIMIT:
          used += this.#barLimit(order, pos, price, volume, used, low, high);
          break;
        case HIT_CANCEL_POST_ONLY:
          removeOrder(order);
          this.#host.finished(order, 'CANCELED', 'post-only order would take liquidity at the open');
          break;
        case HIT_CANCEL_IMMEDIATE:
          removeOrder(order);
          this.#host.finished(order, 'CANCELED', `${order.timeInForce}: not marketable at the open`);
          break;
      }
    }
  }

  /**
   * A taking fill inside a bar at `priceTicks` (the open, or a stop's trigger price), slipped,
   * kept within the bar's range and `limit`, as much as the fill model allows of the bar's
   * volume. IOC/FOK rules apply. Returns the quantity filled.
   */
  #barTake(
    order: SimOrder,
    priceTicks: number,
    limit: number,
    volume: number,
    used: number,
    low: number,
    high: number,
  ): number {
    let px = this.#slipped(order, priceTicks, limit, Number.NaN);
    if (px > high) px = high;
    if (px < low) px = low;
    const lots = this.#passiveLots(order, 'take', 0, Number.POSITIVE_INFINITY, volume, used);
    if (order.timeInForce === 'FOK' && this.#fokLots(order, lots) < order.remainingLots) {
      removeOrder(order);
      this.#host.finished(order, 'CANCELED', 'FOK: cannot fill in full within the volume allowed');
      return 0;
    }
    const filled = lots > 0 ? this.spec.quantity(this.#fill(order, lots, px, 'TAKER')) : 0;
    if (order.isOpen && order.isImmediate) {
      removeOrder(order);
      this.#host.finished(order, 'CANCELED', `${order.timeInForce}: unfilled remainder canceled`);
    }
    return filled;
  }

  /** A stop reached inside a bar: STOP takes at the trigger price; STOP_LIMIT becomes a limit there. */
  #barTrigger(
    order: SimOrder,
    pos: number,
    price: number,
    volume: number,
    used: number,
    low: number,
    high: number,
    k: number,
  ): number {
    removeOrder(order);
    order.triggered = true;
    order.status = 'TRIGGERED';
    this.#host.triggered(order);
    if (order.orderType === 'STOP') {
      const filled = this.#barTake(order, price, Number.NaN, volume, used, low, high);
      if (order.isOpen) insertOrder(this.marketOrders, order);
      return filled;
    }
    const s = order.sign;
    const limit = order.priceTicks;
    if (s * (limit - price) >= 0) {
      const filled = this.#barTake(order, price, limit, volume, used, low, high);
      if (order.isOpen) this.#rest(order);
      return filled;
    }
    if (order.isImmediate) {
      this.#host.finished(order, 'CANCELED', `${order.timeInForce}: not marketable when triggered`);
      return 0;
    }
    this.#rest(order);
    // The new limit may still be reached later in this bar.
    const next = firstReach(this.#path, limit, pos);
    if (next !== Number.POSITIVE_INFINITY) this.#insertHit(order, next, limit, k);
    return 0;
  }

  /** Sorts the first `#hitCount` entries of the hit index into path order. */
  #sortHits(): void {
    const index = this.#hitIndex;
    const n = this.#hitCount;
    if (n > 16) {
      index.length = n;
      index.sort(this.#byHit);
      return;
    }
    // Insertion sort: the usual bar has a hit or two, and this allocates nothing.
    for (let i = 1; i < n; i++) {
      const h = index[i]!;
      let j = i - 1;
      while (j >= 0 && this.#byHit(index[j]!, h) > 0) {
        index[j + 1] = index[j]!;
        j--;
      }
      index[j + 1] = h;
    }
  }

  /** Inserts a hit generated while replaying (after hit `k`) at its place in path order. */
  #insertHit(order: SimOrder, pos: number, priceTicks: number, k: number): void {
    const h = this.#hitCount++;
    this.#hitPos[h] = pos;
    this.#hitOrder[h] = order;
    this.#hitPrice[h] = priceTicks;
    this.#hitAction[h] = HIT_LIMIT;
    const index = this.#hitIndex;
    // The index holds h - 1 entries: shift those after the insertion point up by one.
    let at = k + 1;
    while (at < h && this.#byHit(index[at]!, h) <= 0) at++;
    for (let j = h; j > at; j--) index[j] = index[j - 1]!;
    index[at] = h;
  }

  /**
   * A limit order reached inside a bar. At the open (a gap through its price) it fills at the
   * open: as a taker on its first bar, as a maker if it was already resting. Later in the bar it
   * fills at its price as a maker: `through` when the bar traded beyond it, `at` (queue unknown)
   * when the bar only touched it.
   */
  #barLimit(
    order: SimOrder,
    pos: number,
    price: number,
    volume: number,
    used: number,
    low: number,
    high: number,
  ): number {
    if (pos === 0 && !order.barSeen)
      return this.#barTake(order, price, order.priceTicks, volume, used, low, high);
    let kind: TouchKind = 'through';
    if (pos !== 0) {
      const beyond = order.sign === 1 ? low < order.priceTicks : high > order.priceTicks;
      if (!beyond) kind = 'at';
    }
    const lots = this.#passiveLots(
      order,
      kind,
      kind === 'at' ? Number.POSITIVE_INFINITY : 0,
      Number.POSITIVE_INFINITY,
      volume,
      used,
    );
    if (lots <= 0) return 0;
    return this.spec.quantity(this.#fill(order, lots, price, 'MAKER'));
  }

  /** After a bar (opened at `#eventUs`): every order that was eligible has now seen a bar. */
  #settleBar(): void {
    const tsOpen = this.#eventUs;
    for (let k = 0; k < this.#hitCount; k++) this.#hitOrder[k]!.barSeen = true;
    markSeen(this.buys, tsOpen);
    markSeen(this.sells, tsOpen);
    markSeen(this.buyStops, tsOpen);
    markSeen(this.sellStops, tsOpen);
    markSeen(this.marketOrders, tsOpen);
  }

  // ---------------------------------------------------------------------------------------------
  // Volatility and circuit reference

  /**
   * Records the reference price `#observedPrice` at `#eventUs`: feeds the volatility estimate and
   * rolls the circuit reference at session ends. Called only when `#tracksReference`.
   */
  #observe(): void {
    const price = this.#observedPrice;
    const ts = this.#eventUs;
    if (this.#slippage.usesVolatility && price > 0) {
      const prev = this.#prevPrice;
      if (prev > 0) {
        const r = Math.log(price / prev);
        const r2 = r * r;
        this.#variance = Number.isNaN(this.#variance)
          ? r2
          : this.#decay * this.#variance + (1 - this.#decay) * r2;
      }
      this.#prevPrice = price;
    }
    if (this.#circuit !== undefined && this.#circuit.reference === undefined) {
      if (ts >= this.#sessionEnd) {
        this.#sessionReference = this.#lastPrice;
        const session = this.#calendar?.nextSession(ts);
        this.#sessionEnd = session === undefined ? Number.POSITIVE_INFINITY : session.closeUs;
      }
      this.#lastPrice = price;
    }
  }
}

function markSeen(list: readonly SimOrder[], tsOpen: UnixMicros): void {
  for (const order of list) if (order.eligibleFromUs <= tsOpen) order.barSeen = true;
}

function where(event: { kind: string; instrumentId: string; tsEvent: number }): string {
  return `${event.kind} ${event.instrumentId} @ ${event.tsEvent}`;
}

function checkFinite(
  event: { kind: string; instrumentId: string; tsEvent: number },
  field: string,
  value: number,
): void {
  if (!Number.isFinite(value)) {
    throw new SimulatedVenueError(
      'MARKET_DATA_INVALID',
      `${where(event)} ${field}`,
      `expected a finite number, got ${value}`,
    );
  }
}

function checkSize(
  event: { kind: string; instrumentId: string; tsEvent: number },
  field: string,
  value: number,
): void {
  if (!(value >= 0)) {
    throw new SimulatedVenueError(
      'MARKET_DATA_INVALID',
      `${where(event)} ${field}`,
      `expected a size >= 0, got ${value}`,
    );
  }
}

function checkLevel(event: DepthEvent, side: string, price: number, size: number): void {
  checkFinite(event, `${side} price`, price);
  if (!(size >= 0) || size === Number.POSITIVE_INFINITY) {
    throw new SimulatedVenueError(
      'MARKET_DATA_INVALID',
      `${where(event)} ${side} size`,
      `expected a finite size >= 0, got ${size}`,
    );
  }
}
