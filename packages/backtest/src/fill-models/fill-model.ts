import type { Rng } from '@quantkubera/core';
import { requireNumber } from '../venue/venue-error.js';

/**
 * How market activity reached one of our orders:
 * - `take`: our order takes liquidity whose size the data does not show (a market order at a
 *   bar's open, a stop triggered inside a bar, a market order against trade-only data);
 * - `through`: the market traded or quoted beyond a resting order's price, so every order at that
 *   price, ours included, was reached;
 * - `at`: the market traded exactly at a resting order's price: the volume ahead of it in the
 *   queue fills first.
 */
export type TouchKind = 'take' | 'through' | 'at';

/**
 * What the matching engine knows when market activity reaches an order. Quantities are in the
 * instrument's quantity units. The engine reuses one context object: read it, do not keep it.
 */
export interface TouchContext {
  /** What happened; see {@link TouchKind}. */
  readonly kind: TouchKind;
  /** Quantity the order still has to fill. */
  readonly remaining: number;
  /**
   * Estimated market quantity ahead of the order at its price (queue position); `Infinity` when
   * unknown (bar data, or a price level never displayed since the order arrived).
   */
  readonly queueAhead: number;
  /**
   * The most this event can give the order: the displayed opposite size left, the traded size
   * left at the price, or `Infinity` when the level was cleared or the size is unknown.
   */
  readonly capacity: number;
  /** Volume the market traded in this event (trade size, bar volume), for participation caps; `Infinity` if unknown. */
  readonly volume: number;
  /** Quantity already filled for our orders earlier in this same event. */
  readonly used: number;
}

/**
 * Decides how much of an order fills when market activity reaches it. The engine rounds the
 * answer down to whole lots and never fills more than `remaining` or `capacity`. Randomness comes
 * from the seeded `rng` the venue passes (one stream per instrument).
 */
export interface FillModel {
  /** A short name for reports. */
  readonly name: string;
  /** The quantity (0 … remaining) to fill. */
  fillQuantity(ctx: TouchContext, rng: Rng): number;
}

function fullFill(ctx: TouchContext): number {
  return ctx.remaining < ctx.capacity ? ctx.remaining : ctx.capacity;
}

/**
 * The default, realistic model: orders reached `through` or by a `take` fill up to the capacity;
 * an order only touched (`at`) fills only with the volume left after the queue ahead of it has
 * traded. A touch with an unknown queue (bar data) fills nothing: only trading through the price
 * proves the order would have filled.
 */
export const queueFillModel: FillModel = {
  name: 'queue',
  fillQuantity(ctx) {
    if (ctx.kind !== 'at') return fullFill(ctx);
    const left = ctx.capacity - ctx.queueAhead;
    if (!(left > 0)) return 0;
    return ctx.remaining < left ? ctx.remaining : left;
  },
};

/**
 * Deterministic best case: any touch fills the order as far as the capacity allows, ignoring the
 * queue. An upper bound on what a strategy could have got; use it to see how much of a result
 * depends on optimistic fills.
 */
export const bestCaseFillModel: FillModel = {
  name: 'best-case',
  fillQuantity: fullFill,
};

/**
 * Probabilistic fill-on-touch: trading through (or taking) fills as far as the capacity allows;
 * a mere touch fills with probability `probability` (drawn from the venue's seeded generator),
 * and then as far as the capacity allows. The queue estimate is not used.
 *
 * @example
 * ```ts
 * new ProbabilisticFillModel(0.3); // a touch fills 30% of the time
 * ```
 */
export class ProbabilisticFillModel implements FillModel {
  /** `probabilistic`. */
  readonly name = 'probabilistic';
  /** The probability that a touch fills. */
  readonly probability: number;

  /** `probability` in [0, 1]. */
  constructor(probability: number) {
    this.probability = requireNumber('ProbabilisticFillModel probability', probability, 0, 1);
  }

  /** Full capacity through; a seeded coin toss at the touch. */
  fillQuantity(ctx: TouchContext, rng: Rng): number {
    if (ctx.kind === 'at' && !rng.bernoulli(this.probability)) return 0;
    return fullFill(ctx);
  }
}

/**
 * Caps another model so our fills in one event (a trade, a bar) never exceed `maxFraction` of
 * the volume the market traded in it. Events of unknown volume are not capped.
 *
 * @example
 * ```ts
 * new VolumeParticipationFillModel(0.1); // at most 10% of each trade's or bar's volume
 * new VolumeParticipationFillModel(0.05, new ProbabilisticFillModel(0.5));
 * ```
 */
export class VolumeParticipationFillModel implements FillModel {
  /** `participation(<inner>)`. */
  readonly name: string;
  /** The largest fraction of an event's volume our orders may fill. */
  readonly maxFraction: number;
  readonly #inner: FillModel;

  /** `maxFraction` in (0, 1]; `inner` defaults to {@link queueFillModel}. */
  constructor(maxFraction: number, inner: FillModel = queueFillModel) {
    this.maxFraction = requireNumber(
      'VolumeParticipationFillModel maxFraction',
      maxFraction,
      Number.MIN_VALUE,
      1,
    );
    this.#inner = inner;
    this.name = `participation(${inner.name})`;
  }

  /** The inner model's answer, capped at `maxFraction × volume − used`. */
  fillQuantity(ctx: TouchContext, rng: Rng): number {
    const q = this.#inner.fillQuantity(ctx, rng);
    if (ctx.volume === Number.POSITIVE_INFINITY) return q;
    const allowed = this.maxFraction * ctx.volume - ctx.used;
    if (!(allowed > 0)) return 0;
    return q < allowed ? q : allowed;
  }
}
