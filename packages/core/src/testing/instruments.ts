import type {
  CryptoSpotInstrument,
  EquityInstrument,
  FutureInstrument,
  OptionInstrument,
  PerpetualInstrument,
} from '../schemas/index.js';

// Sample instrument definitions for tests, benchmarks and examples: one of each type, with the
// venues' real tick and lot sizes. Derivatives expire a year after T0, so they are tradable at
// any time a test uses.

/** 2024-11-19T09:15:00Z in µs: the sample instruments are tradable from then for a year. */
export const T0 = 1_732_007_700_000_000;
const FAR = T0 + 365 * 86_400_000_000;

/** An NSE equity: tick 0.05, lot 1. */
export const RELIANCE: EquityInstrument = {
  type: 'equity',
  id: 'RELIANCE.NSE',
  symbol: 'RELIANCE',
  venue: 'NSE',
  venueSymbol: 'RELIANCE',
  quoteCurrency: 'INR',
  tickSize: 0.05,
  lotSize: 1,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 0,
};

/** An NFO index future: lot 25. */
export const NIFTY_FUT: FutureInstrument = {
  type: 'future',
  id: 'NIFTY24DECFUT.NFO',
  symbol: 'NIFTY24DECFUT',
  venue: 'NFO',
  venueSymbol: 'NIFTY24DECFUT',
  quoteCurrency: 'INR',
  tickSize: 0.05,
  lotSize: 25,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 0,
  maxQuantity: 1_800,
  underlying: 'NIFTY',
  settlementCurrency: 'INR',
  expiry: FAR,
};

/** An NFO index call option: lot 25, strike 24,000. */
export const NIFTY_CE: OptionInstrument = {
  type: 'option',
  id: 'NIFTY24DEC24000CE.NFO',
  symbol: 'NIFTY24DEC24000CE',
  venue: 'NFO',
  venueSymbol: 'NIFTY24DEC24000CE',
  quoteCurrency: 'INR',
  tickSize: 0.05,
  lotSize: 25,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 0,
  underlying: 'NIFTY',
  settlementCurrency: 'INR',
  expiry: FAR,
  strike: 24_000,
  right: 'CALL',
  exerciseStyle: 'EUROPEAN',
};

/** Binance BTCUSDT spot: tick 0.01, step 0.00001, min notional 5. */
export const BTC_SPOT: CryptoSpotInstrument = {
  type: 'crypto_spot',
  id: 'BTCUSDT.BINANCE',
  symbol: 'BTCUSDT',
  venue: 'BINANCE',
  venueSymbol: 'BTCUSDT',
  quoteCurrency: 'USDT',
  baseCurrency: 'BTC',
  tickSize: 0.01,
  lotSize: 0.00001,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 5,
  minNotional: 5,
};

/** Binance USD-M ETHUSDT perpetual: tick 0.01, step 0.001. */
export const ETH_PERP: PerpetualInstrument = {
  type: 'perpetual',
  id: 'ETHUSDT-PERP.BINANCE',
  symbol: 'ETHUSDT-PERP',
  venue: 'BINANCE',
  venueSymbol: 'ETHUSDT',
  quoteCurrency: 'USDT',
  baseCurrency: 'ETH',
  settlementCurrency: 'USDT',
  isInverse: false,
  tickSize: 0.01,
  lotSize: 0.001,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 3,
};
