import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import type { Instrument } from '../schemas/index.js';

/**
 * Rates of the margin approximation. **This is an approximation, not SPAN or a venue's exact
 * margin engine**: good enough to keep a strategy from over-committing capital in a backtest and
 * as a pre-trade guard live; the venue remains the authority.
 *
 * | instrument            | margin held                                                          |
 * | --------------------- | -------------------------------------------------------------------- |
 * | equity, crypto spot   | long: none (paid in full from cash); short: `spotShortRate` × notional |
 * | future, perpetual     | `futureRate` / `perpetualRate` × notional, long or short              |
 * | option, long          | none (the premium was paid from cash and is the most it can lose)    |
 * | option, short         | `optionShortRate` × underlying notional + the premium's market value |
 *
 * Notional is |quantity| × mark × multiplier. The underlying notional of an option uses the
 * underlying's price (see `Portfolio.markUnderlying`), else the strike.
 */
export const MarginRatesSchema = z
  .object({
    /** Margin on short spot positions, as a fraction of notional (1 = fully collateralised). */
    spotShortRate: z.number().min(0).max(10).default(1),
    /** Initial margin of dated futures (NSE index futures are ~12-15%). */
    futureRate: z.number().min(0).max(10).default(0.15),
    /** Initial margin of perpetuals (0.1 = 10x leverage). */
    perpetualRate: z.number().min(0).max(10).default(0.1),
    /** Margin of short options, as a fraction of the underlying notional (SPAN-like). */
    optionShortRate: z.number().min(0).max(10).default(0.15),
    /** Per-instrument rate overriding the type's rate (futures, perpetuals, short options). */
    instruments: z.record(z.string(), z.number().min(0).max(10)).default({}),
  })
  .strict();

/** Margin rates as accepted (every field optional). */
export type MarginRatesInput = z.input<typeof MarginRatesSchema>;
/** Margin rates with defaults applied. */
export type MarginRates = z.output<typeof MarginRatesSchema>;

/** Validates margin rates and fills in defaults. Throws `ValidationError` naming each bad field. */
export function parseMarginRates(input: MarginRatesInput = {}): MarginRates {
  const result = MarginRatesSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod('margin rates', result.error);
  return result.data;
}

/**
 * The margin rate that applies to a position or order in `instrument`: per-instrument override,
 * else the type's rate; for spot the short rate and for options the short-option rate.
 */
export function marginRateFor(rates: MarginRates, instrument: Instrument): number {
  const override = rates.instruments[instrument.id];
  if (override !== undefined) return override;
  switch (instrument.type) {
    case 'future':
      return rates.futureRate;
    case 'perpetual':
      return rates.perpetualRate;
    case 'option':
      return rates.optionShortRate;
    default:
      return rates.spotShortRate;
  }
}

/**
 * Approximate margin an order would need, in the instrument's currency (doubles: a pre-trade
 * estimate, not an accounting entry). `position` is the current signed position; the part of the
 * order that reduces it needs nothing (cash buys are charged in full, being paid from cash).
 *
 * @param underlyingPrice - for options: the underlying's price (the strike if unknown).
 */
export function orderMargin(
  rates: MarginRates,
  instrument: Instrument,
  signedQuantity: number,
  price: number,
  position: number,
  underlyingPrice: number,
): number {
  // Only the part that opens or extends a position needs margin.
  let opening = signedQuantity;
  if (position !== 0 && Math.sign(position) !== Math.sign(signedQuantity)) {
    const closing = Math.min(Math.abs(signedQuantity), Math.abs(position));
    opening = signedQuantity - Math.sign(signedQuantity) * closing;
  }
  const quantity = Math.abs(opening);
  if (quantity === 0) return 0;
  const notional = quantity * price * instrument.multiplier;
  const rate = marginRateFor(rates, instrument);
  switch (instrument.type) {
    case 'future':
    case 'perpetual':
      return notional * rate;
    case 'option':
      return opening > 0 ? notional : quantity * underlyingPrice * instrument.multiplier * rate + notional;
    default:
      return opening > 0 ? notional : notional * rate;
  }
}
