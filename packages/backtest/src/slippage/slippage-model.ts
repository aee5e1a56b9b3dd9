import type { Rng, Side } from '@quantkubera/core';
import { requireNumber } from '../venue/venue-error.js';

/**
 * What the matching engine knows when an order takes liquidity. The engine reuses one context
 * object: read it, do not keep it.
 */
export interface SlippageContext {
  /** The taking order's side. */
  readonly side: Side;
  /** Quantity being taken, in quantity units. */
  readonly quantity: number;
  /** The price before slippage (the level taken, the bar open, the stop's trigger). */
  readonly price: number;
  /** The instrument's tick size. */
  readonly tickSize: number;
  /** Current bid-ask spread in ticks; `NaN` when unknown (bar data, one-sided book). */
  readonly spreadTicks: number;
  /**
   * Recent volatility: an exponentially weighted standard deviation of log returns between
   * successive reference prices (mids, trades or bar closes); `NaN` until two prices are known.
   */
  readonly volatility: number;
}

/**
 * How many ticks worse than the level it takes a taking order fills. The engine rounds the
 * answer to whole ticks, never below zero, and never past a limit order's limit price. Resting
 * (maker) fills never slip.
 */
export interface SlippageModel {
  /** A short name for reports. */
  readonly name: string;
  /** True when the model reads {@link SlippageContext.volatility}, so the engine maintains it. */
  readonly usesVolatility: boolean;
  /** Adverse slippage in ticks (>= 0). */
  slippageTicks(ctx: SlippageContext, rng: Rng): number;
}

/** No slippage: takers fill at the price of the level they take. */
export const noSlippage: SlippageModel = {
  name: 'none',
  usesVolatility: false,
  slippageTicks: () => 0,
};

/**
 * A fixed number of ticks on every taking fill.
 *
 * @example
 * ```ts
 * new FixedTicksSlippage(1); // one tick worse than the level taken
 * ```
 */
export class FixedTicksSlippage implements SlippageModel {
  /** `fixed-ticks`. */
  readonly name = 'fixed-ticks';
  /** False. */
  readonly usesVolatility = false;
  /** The ticks added to every taking fill. */
  readonly ticks: number;

  /** `ticks` >= 0. */
  constructor(ticks: number) {
    this.ticks = requireNumber('FixedTicksSlippage ticks', ticks, 0);
  }

  /** Always {@link FixedTicksSlippage.ticks}. */
  slippageTicks(): number {
    return this.ticks;
  }
}

/**
 * Slippage proportional to the current spread: `fraction × spread`, in ticks. Without a known
 * spread (bar data) it uses `fallbackTicks`.
 *
 * @example
 * ```ts
 * new SpreadProportionalSlippage(0.5); // half the spread again
 * ```
 */
export class SpreadProportionalSlippage implements SlippageModel {
  /** `spread-proportional`. */
  readonly name = 'spread-proportional';
  /** False. */
  readonly usesVolatility = false;
  /** Multiple of the spread. */
  readonly fraction: number;
  /** Ticks used when the spread is unknown. */
  readonly fallbackTicks: number;

  /** `fraction` >= 0; `fallbackTicks` >= 0 (default 0). */
  constructor(fraction: number, fallbackTicks = 0) {
    this.fraction = requireNumber('SpreadProportionalSlippage fraction', fraction, 0);
    this.fallbackTicks = requireNumber('SpreadProportionalSlippage fallbackTicks', fallbackTicks, 0);
  }

  /** `fraction × spreadTicks`, or the fallback. */
  slippageTicks(ctx: SlippageContext): number {
    return Number.isNaN(ctx.spreadTicks) ? this.fallbackTicks : this.fraction * ctx.spreadTicks;
  }
}

/**
 * Slippage proportional to recent volatility: `multiplier × volatility × price`, in ticks (the
 * price move of `multiplier` standard deviations of one update's return). Uses `fallbackTicks`
 * until the venue has seen two prices.
 *
 * @example
 * ```ts
 * new VolatilityProportionalSlippage(0.5); // half a standard deviation of a bar's return
 * ```
 */
export class VolatilityProportionalSlippage implements SlippageModel {
  /** `volatility-proportional`. */
  readonly name = 'volatility-proportional';
  /** True: the engine maintains the volatility estimate. */
  readonly usesVolatility = true;
  /** Standard deviations of one update's return. */
  readonly multiplier: number;
  /** Ticks used until volatility is known. */
  readonly fallbackTicks: number;

  /** `multiplier` >= 0; `fallbackTicks` >= 0 (default 0). */
  constructor(multiplier: number, fallbackTicks = 0) {
    this.multiplier = requireNumber('VolatilityProportionalSlippage multiplier', multiplier, 0);
    this.fallbackTicks = requireNumber('VolatilityProportionalSlippage fallbackTicks', fallbackTicks, 0);
  }

  /** `multiplier × volatility × price / tickSize`, or the fallback. */
  slippageTicks(ctx: SlippageContext): number {
    if (Number.isNaN(ctx.volatility)) return this.fallbackTicks;
    return (this.multiplier * ctx.volatility * Math.abs(ctx.price)) / ctx.tickSize;
  }
}
