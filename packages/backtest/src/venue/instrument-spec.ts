import type { Instrument } from '@quantkubera/core';
import { SimulatedVenueError } from './venue-error.js';

/** Relative slack when deciding that a ratio is a whole number (float noise such as 0.1 + 0.2). */
const WHOLE_TOLERANCE = 1e-6;

function isWhole(ratio: number): boolean {
  return Math.abs(ratio - Math.round(ratio)) <= WHOLE_TOLERANCE;
}

/**
 * The integer grid of one instrument: prices in ticks, quantities in lots. The matching engine
 * works in ticks and lots so that comparisons are exact, and converts back to prices and
 * quantities at the instrument's precision only when it reports a fill.
 */
export class InstrumentSpec {
  /** The definition. */
  readonly instrument: Instrument;
  /** `SYMBOL.VENUE`. */
  readonly id: string;
  /** Minimum price increment. */
  readonly tickSize: number;
  /** Quantity increment. */
  readonly lotSize: number;
  readonly #priceScale: number;
  readonly #sizeScale: number;

  /**
   * Checks that the tick size and lot size sit on the instrument's price and size precision.
   *
   * @throws SimulatedVenueError `INVALID_ARGUMENT` otherwise.
   */
  constructor(instrument: Instrument) {
    this.instrument = instrument;
    this.id = instrument.id;
    this.tickSize = instrument.tickSize;
    this.lotSize = instrument.lotSize;
    this.#priceScale = 10 ** instrument.pricePrecision;
    this.#sizeScale = 10 ** instrument.sizePrecision;
    if (!(this.tickSize > 0) || !isWhole(this.tickSize * this.#priceScale)) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        `instrument ${instrument.id} tickSize`,
        `${this.tickSize} is not a positive multiple of 10^-${instrument.pricePrecision} (pricePrecision)`,
      );
    }
    if (!(this.lotSize > 0) || !isWhole(this.lotSize * this.#sizeScale)) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        `instrument ${instrument.id} lotSize`,
        `${this.lotSize} is not a positive multiple of 10^-${instrument.sizePrecision} (sizePrecision)`,
      );
    }
  }

  /** The nearest tick of a market price (market data is snapped to the grid). */
  ticks(price: number): number {
    return Math.round(price / this.tickSize);
  }

  /** True when `price` is a whole number of ticks. */
  isOnTick(price: number): boolean {
    return Number.isFinite(price) && isWhole(price / this.tickSize);
  }

  /** The price of `ticks`, rounded to the price precision. */
  price(ticks: number): number {
    return Math.round(ticks * this.tickSize * this.#priceScale) / this.#priceScale;
  }

  /** True when `quantity` is a positive whole number of lots. */
  isWholeLots(quantity: number): boolean {
    return Number.isFinite(quantity) && quantity > 0 && isWhole(quantity / this.lotSize);
  }

  /** The number of lots in an order quantity (call {@link InstrumentSpec.isWholeLots} first). */
  lots(quantity: number): number {
    return Math.round(quantity / this.lotSize);
  }

  /** Whole lots in a market quantity, rounded down (a fill never exceeds what the market offered). */
  lotsFloor(quantity: number): number {
    if (quantity === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    const ratio = quantity / this.lotSize;
    return Math.floor(ratio + WHOLE_TOLERANCE);
  }

  /** The quantity of `lots`, rounded to the size precision. */
  quantity(lots: number): number {
    return Math.round(lots * this.lotSize * this.#sizeScale) / this.#sizeScale;
  }
}
