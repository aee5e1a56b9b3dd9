import { InvalidArgumentError } from '@quantkubera/core';

/** Seconds of NSE trading in a year: 252 trading days × 6.25 h (09:15–15:30 IST). */
export const NSE_TRADING_SECONDS_PER_YEAR = 252 * 6.25 * 3600;
/** Seconds in a crypto year: 365 days × 24 h (the market never closes). */
export const CRYPTO_TRADING_SECONDS_PER_YEAR = 365 * 86_400;

/** How period returns scale to a year: the market's trading time and the sampling interval. */
export interface Annualisation {
  /** `nse` (252 days × 6.25 h) or `crypto` (365 days × 24 h), or a custom label. */
  readonly convention: string;
  /** Seconds of trading in a year under the convention. */
  readonly tradingSecondsPerYear: number;
  /** Seconds of trading time one period return covers (the snapshot interval). */
  readonly periodSeconds: number;
  /** Periods in a year: `tradingSecondsPerYear / periodSeconds`. */
  readonly periodsPerYear: number;
}

const EXCHANGE_VENUES = new Set(['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS']);

/**
 * The annualisation convention for a venue sampled every `periodSeconds` of trading time:
 * Indian exchanges use 252 × 6.25 h, everything else (crypto) 365 × 24 h.
 *
 * @example
 * ```ts
 * annualisationFor('NSE', 60).periodsPerYear; // 94_500 one-minute periods
 * ```
 */
export function annualisationFor(venue: string, periodSeconds: number): Annualisation {
  if (!(Number.isFinite(periodSeconds) && periodSeconds > 0)) {
    throw new InvalidArgumentError('annualisationFor periodSeconds', periodSeconds, 'a positive number');
  }
  const nse = EXCHANGE_VENUES.has(venue.toUpperCase());
  const tradingSecondsPerYear = nse ? NSE_TRADING_SECONDS_PER_YEAR : CRYPTO_TRADING_SECONDS_PER_YEAR;
  return {
    convention: nse ? 'nse' : 'crypto',
    tradingSecondsPerYear,
    periodSeconds,
    periodsPerYear: tradingSecondsPerYear / periodSeconds,
  };
}
