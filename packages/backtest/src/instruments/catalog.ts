import {
  type Instrument,
  InstrumentSchema,
  InvalidArgumentError,
  parseInstrumentId,
  ValidationError,
} from '@quantkubera/core';

const IST_OFFSET_US = 19_800_000_000;

/** Futures and options the catalog knows by id (their expiries cannot be guessed from a symbol). */
const DERIVATIVES: Record<string, Instrument> = {
  'BANKNIFTY24NOVFUT.NFO': {
    type: 'future',
    id: 'BANKNIFTY24NOVFUT.NFO',
    symbol: 'BANKNIFTY24NOVFUT',
    venue: 'NFO',
    venueSymbol: 'BANKNIFTY24NOVFUT',
    quoteCurrency: 'INR',
    tickSize: 0.05,
    lotSize: 15,
    multiplier: 1,
    pricePrecision: 2,
    sizePrecision: 0,
    underlying: 'BANKNIFTY',
    settlementCurrency: 'INR',
    // 2024-11-27 15:30 IST, the November 2024 monthly expiry (a Wednesday that month).
    expiry: Date.UTC(2024, 10, 27, 15, 30) * 1000 - IST_OFFSET_US,
  },
  'NIFTY24NOV24000CE.NFO': {
    type: 'option',
    id: 'NIFTY24NOV24000CE.NFO',
    symbol: 'NIFTY24NOV24000CE',
    venue: 'NFO',
    venueSymbol: 'NIFTY24NOV24000CE',
    quoteCurrency: 'INR',
    tickSize: 0.05,
    lotSize: 25,
    multiplier: 1,
    pricePrecision: 2,
    sizePrecision: 0,
    underlying: 'NIFTY',
    settlementCurrency: 'INR',
    expiry: Date.UTC(2024, 10, 28, 15, 30) * 1000 - IST_OFFSET_US,
    strike: 24_000,
    right: 'CALL',
    exerciseStyle: 'EUROPEAN',
  },
};

const CRYPTO_QUOTES = ['USDT', 'USDC', 'INR', 'BTC'] as const;

/**
 * A definition for an instrument id QuantKubera can describe without venue metadata: any
 * NSE/BSE cash equity (tick 0.05, lot 1, INR), a Binance or CoinDCX spot pair quoted in USDT,
 * USDC, INR or BTC, and the catalogued NFO contracts. Anything else needs a full definition in
 * the descriptor (or an adapter's instrument provider). Throws `InvalidArgumentError` otherwise.
 *
 * @example
 * ```ts
 * catalogInstrument('RELIANCE.NSE').lotSize; // 1
 * catalogInstrument('ETHUSDT.BINANCE').baseCurrency; // 'ETH'
 * ```
 */
export function catalogInstrument(instrumentId: string): Instrument {
  const known = DERIVATIVES[instrumentId];
  if (known !== undefined) return known;
  const { symbol, venue } = parseInstrumentId(instrumentId);
  if (venue === 'NSE' || venue === 'BSE') {
    return {
      type: 'equity',
      id: instrumentId,
      symbol,
      venue,
      venueSymbol: symbol,
      quoteCurrency: 'INR',
      tickSize: 0.05,
      lotSize: 1,
      multiplier: 1,
      pricePrecision: 2,
      sizePrecision: 0,
    };
  }
  if (venue === 'BINANCE' || venue === 'COINDCX' || venue === 'SIM') {
    const quote = CRYPTO_QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length);
    if (quote !== undefined) {
      return {
        type: 'crypto_spot',
        id: instrumentId,
        symbol,
        venue,
        venueSymbol: symbol,
        quoteCurrency: quote,
        baseCurrency: symbol.slice(0, -quote.length),
        tickSize: 0.01,
        lotSize: 0.00001,
        multiplier: 1,
        pricePrecision: 2,
        sizePrecision: 5,
      };
    }
  }
  throw new InvalidArgumentError(
    'instrument',
    instrumentId,
    'an NSE/BSE equity, a BINANCE/COINDCX spot pair, a catalogued NFO contract, or a full definition in the descriptor',
  );
}

/** Resolves descriptor instrument entries (ids or definitions) to validated definitions. */
export function resolveInstruments(entries: readonly (string | Instrument)[], source?: string): Instrument[] {
  return entries.map((entry, i) => {
    if (typeof entry === 'string') return catalogInstrument(entry);
    const parsed = InstrumentSchema.safeParse(entry);
    if (!parsed.success) throw ValidationError.fromZod(`instruments[${i}]`, parsed.error, source);
    return parsed.data;
  });
}
