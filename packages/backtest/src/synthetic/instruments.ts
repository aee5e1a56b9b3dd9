import { cryptoCalendar, InvalidArgumentError, nseCalendar, type SessionCalendar } from '@quantkubera/core';
import type { HawkesParams } from './hawkes-process.js';
import { CALENDAR_YEAR_SECONDS, NSE_TRADING_YEAR_SECONDS } from './price-path.js';

/**
 * How one synthetic instrument trades: its session calendar, price dynamics (Merton
 * jump-diffusion), arrival process (a 2-D Hawkes process: type 0 trades, type 1 quote updates)
 * and the shape of its spread, trades and book.
 */
export interface SyntheticInstrument {
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** Session calendar (NSE: 09:15–15:30 IST with pre-open; crypto: 24×7 UTC). */
  readonly calendar: SessionCalendar;
  /** Starting price. */
  readonly initialPrice: number;
  /** Price increment. */
  readonly tickSize: number;
  /** Size increment. */
  readonly lotSize: number;
  /** Annualised volatility. */
  readonly volatility: number;
  /** Annualised drift (default 0). */
  readonly drift?: number;
  /** Seconds per year of trading time for the volatility (NSE trading year, or calendar year). */
  readonly yearSeconds: number;
  /** Random jumps per year (Merton). */
  readonly jumpIntensity: number;
  /** Mean log jump size. */
  readonly jumpMean: number;
  /** Std of log jump size. */
  readonly jumpStd: number;
  /** Arrival process at the base intensity: `mu[0]` trades/s, `mu[1]` quote updates/s. */
  readonly hawkes: HawkesParams;
  /** Mean spread in ticks beyond the minimum of one (geometric). */
  readonly extraSpreadTicks: number;
  /** Mean trade size in lots (geometric, at least one lot). */
  readonly meanTradeLots: number;
  /** Mean resting size at the touch in lots. */
  readonly meanLevelLots: number;
  /** Depth levels per side. */
  readonly depthLevels: number;
  /** Overnight variance as a fraction of one session's (NSE gaps); 0 for 24×7 venues. */
  readonly overnightVarianceFraction: number;
}

/** Validates a {@link SyntheticInstrument}; throws `InvalidArgumentError` naming the bad field. */
export function checkInstrument(instrument: SyntheticInstrument): SyntheticInstrument {
  const id = instrument.instrumentId;
  const positive: (keyof SyntheticInstrument)[] = [
    'initialPrice',
    'tickSize',
    'lotSize',
    'yearSeconds',
    'meanTradeLots',
    'meanLevelLots',
  ];
  for (const key of positive) {
    const v = instrument[key] as number;
    if (!(v > 0 && Number.isFinite(v)))
      throw new InvalidArgumentError(`${id} ${key}`, v, 'a finite number > 0');
  }
  const nonNegative: (keyof SyntheticInstrument)[] = [
    'volatility',
    'jumpIntensity',
    'jumpStd',
    'extraSpreadTicks',
    'overnightVarianceFraction',
  ];
  for (const key of nonNegative) {
    const v = instrument[key] as number;
    if (!(v >= 0 && Number.isFinite(v)))
      throw new InvalidArgumentError(`${id} ${key}`, v, 'a finite number >= 0');
  }
  if (instrument.hawkes.mu.length !== 2) {
    throw new InvalidArgumentError(
      `${id} hawkes.mu`,
      instrument.hawkes.mu,
      'two rates: [trades/s, quote updates/s]',
    );
  }
  return instrument;
}

// Branching: a trade triggers on average 0.35 more trades and 0.8 quote updates; a quote update
// 0.05 trades and 0.45 quote updates. Spectral radius ≈ 0.61: stationary, clearly clustered.
const BETA = 4;
const EXCITATION: Pick<HawkesParams, 'alpha' | 'beta'> = {
  alpha: [
    [0.35 * BETA, 0.05 * BETA],
    [0.8 * BETA, 0.45 * BETA],
  ],
  beta: [
    [BETA, BETA],
    [BETA, BETA],
  ],
};

/** A liquid NSE cash equity (RELIANCE-like): ₹1,300, tick 0.05, 25 % volatility. */
export function nseEquity(
  instrumentId = 'RELIANCE.NSE',
  calendar: SessionCalendar = nseCalendar(),
): SyntheticInstrument {
  return {
    instrumentId,
    calendar,
    initialPrice: 1_300,
    tickSize: 0.05,
    lotSize: 1,
    volatility: 0.25,
    yearSeconds: NSE_TRADING_YEAR_SECONDS,
    jumpIntensity: 12,
    jumpMean: 0,
    jumpStd: 0.004,
    hawkes: { mu: [1.2, 1.6], ...EXCITATION },
    extraSpreadTicks: 0.6,
    meanTradeLots: 40,
    meanLevelLots: 300,
    depthLevels: 5,
    overnightVarianceFraction: 0.25,
  };
}

/** A Bank Nifty future on NFO: ₹51,000, tick 0.05, lot 15, 18 % volatility. */
export function nseIndexFuture(
  instrumentId = 'BANKNIFTY24NOVFUT.NFO',
  calendar: SessionCalendar = nseCalendar(),
): SyntheticInstrument {
  return {
    ...nseEquity(instrumentId, calendar),
    initialPrice: 51_000,
    lotSize: 15,
    volatility: 0.18,
    hawkes: { mu: [2, 3], ...EXCITATION },
    extraSpreadTicks: 2,
    meanTradeLots: 3,
    meanLevelLots: 20,
  };
}

/** BTCUSDT on Binance spot: 68,000 USDT, tick 0.01, step 0.00001 BTC, 55 % volatility, 24×7. */
export function cryptoSpot(
  instrumentId = 'BTCUSDT.BINANCE',
  calendar: SessionCalendar = cryptoCalendar(),
): SyntheticInstrument {
  return {
    instrumentId,
    calendar,
    initialPrice: 68_000,
    tickSize: 0.01,
    lotSize: 0.00001,
    volatility: 0.55,
    yearSeconds: CALENDAR_YEAR_SECONDS,
    jumpIntensity: 30,
    jumpMean: 0,
    jumpStd: 0.006,
    hawkes: { mu: [2.5, 4], ...EXCITATION },
    extraSpreadTicks: 0.3,
    meanTradeLots: 2_000,
    meanLevelLots: 20_000,
    depthLevels: 10,
    overnightVarianceFraction: 0,
  };
}

/** The presets by instrument id, for the CLI. */
export function presetInstrument(instrumentId: string): SyntheticInstrument {
  const venue = instrumentId.slice(instrumentId.lastIndexOf('.') + 1);
  if (venue === 'NSE' || venue === 'BSE') return nseEquity(instrumentId);
  if (venue === 'NFO' || venue === 'BFO') return nseIndexFuture(instrumentId);
  if (venue === 'BINANCE' || venue === 'COINDCX' || venue === 'SIM') return cryptoSpot(instrumentId);
  throw new InvalidArgumentError(
    'synthetic instrument',
    instrumentId,
    'an id on NSE, BSE, NFO, BFO, BINANCE, COINDCX or SIM',
  );
}
