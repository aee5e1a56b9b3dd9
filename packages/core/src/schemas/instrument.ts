import { z } from 'zod';
import {
  CurrencySchema,
  eventHeader,
  InstrumentIdSchema,
  MicrosSchema,
  PositivePriceSchema,
  PositiveQuantitySchema,
  VenueCodeSchema,
} from './primitives.js';

/** Instrument types. Append only (part of the binary format). */
export const INSTRUMENT_TYPES = ['equity', 'crypto_spot', 'perpetual', 'future', 'option'] as const;
/** Option rights. */
export const OPTION_RIGHTS = ['CALL', 'PUT'] as const;
/** Option exercise styles (NSE index and stock options are European). */
export const EXERCISE_STYLES = ['EUROPEAN', 'AMERICAN'] as const;

const Precision = z.number().int().min(0).max(12);

const common = {
  /** `SYMBOL.VENUE`; must equal `${symbol}.${venue}`. */
  id: InstrumentIdSchema,
  /** Canonical symbol, the part of the id before the venue. */
  symbol: z.string().min(1).max(64),
  /** Exchange or venue code: `NSE`, `BSE`, `NFO`, `BFO`, `BINANCE`, `COINDCX`. */
  venue: VenueCodeSchema,
  /** The venue's own name or token for the instrument (Kite tradingsymbol, Binance symbol). */
  venueSymbol: z.string().min(1).max(64),
  /** Currency prices are quoted in. */
  quoteCurrency: CurrencySchema,
  /** Minimum price increment. */
  tickSize: PositivePriceSchema,
  /** Quantity increment: an NSE F&O lot, a crypto step size, 1 for NSE equity. */
  lotSize: PositiveQuantitySchema,
  /** Contract multiplier: notional = price × quantity × multiplier. */
  multiplier: PositiveQuantitySchema,
  /** Decimal places in prices. */
  pricePrecision: Precision,
  /** Decimal places in quantities. */
  sizePrecision: Precision,
  /** Smallest order quantity, if the venue sets one. */
  minQuantity: PositiveQuantitySchema.optional(),
  /** Largest order quantity (NSE freeze quantity, Binance max qty), if set. */
  maxQuantity: PositiveQuantitySchema.optional(),
  /** Smallest order notional in the quote currency, if set. */
  minNotional: PositivePriceSchema.optional(),
};

const derivative = {
  /** Underlying, as an instrument id or an index/asset name (`NIFTY`, `BTC`). */
  underlying: z.string().min(1).max(64),
  /** Currency the contract settles in. */
  settlementCurrency: CurrencySchema,
};

/** A cash equity (NSE/BSE). */
export const EquityInstrumentSchema = z.object({
  type: z.literal('equity'),
  ...common,
  /** ISIN, when known. */
  isin: z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'expected a 12-character ISIN')
    .optional(),
});

/** A crypto spot pair. */
export const CryptoSpotInstrumentSchema = z.object({
  type: z.literal('crypto_spot'),
  ...common,
  /** Asset bought and sold. */
  baseCurrency: CurrencySchema,
});

/** A perpetual swap (Binance USD-M, COIN-M when inverse). */
export const PerpetualInstrumentSchema = z.object({
  type: z.literal('perpetual'),
  ...common,
  baseCurrency: CurrencySchema,
  settlementCurrency: CurrencySchema,
  /** Inverse contracts are quoted in USD and settled in the base asset. */
  isInverse: z.boolean(),
});

/** A dated future (NFO index/stock futures, Binance quarterlies). */
export const FutureInstrumentSchema = z.object({
  type: z.literal('future'),
  ...common,
  ...derivative,
  /** Expiry, epoch microseconds (NSE: 15:30 IST on expiry day). */
  expiry: MicrosSchema,
});

/** An option (NFO/BFO index and stock options). */
export const OptionInstrumentSchema = z.object({
  type: z.literal('option'),
  ...common,
  ...derivative,
  expiry: MicrosSchema,
  strike: PositivePriceSchema,
  right: z.enum(OPTION_RIGHTS),
  exerciseStyle: z.enum(EXERCISE_STYLES),
});

function checkId(value: { id: string; symbol: string; venue: string }, ctx: z.RefinementCtx): void {
  if (value.id !== `${value.symbol}.${value.venue}`) {
    ctx.addIssue({
      code: 'custom',
      path: ['id'],
      message: `must equal symbol.venue (${value.symbol}.${value.venue})`,
    });
  }
}

/** Any instrument definition, discriminated by `type`. */
export const InstrumentSchema = z
  .discriminatedUnion('type', [
    EquityInstrumentSchema,
    CryptoSpotInstrumentSchema,
    PerpetualInstrumentSchema,
    FutureInstrumentSchema,
    OptionInstrumentSchema,
  ])
  .superRefine(checkId);

/** Any instrument definition. */
export type Instrument = z.infer<typeof InstrumentSchema>;
/** A cash equity definition. */
export type EquityInstrument = z.infer<typeof EquityInstrumentSchema>;
/** A crypto spot pair definition. */
export type CryptoSpotInstrument = z.infer<typeof CryptoSpotInstrumentSchema>;
/** A perpetual swap definition. */
export type PerpetualInstrument = z.infer<typeof PerpetualInstrumentSchema>;
/** A dated future definition. */
export type FutureInstrument = z.infer<typeof FutureInstrumentSchema>;
/** An option definition. */
export type OptionInstrument = z.infer<typeof OptionInstrumentSchema>;
/** An instrument type. */
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];
/** An option right. */
export type OptionRight = (typeof OPTION_RIGHTS)[number];

/** An instrument definition as an event, so definitions travel on the bus and into the WAL. */
export const InstrumentEventSchema = z.object({
  ...eventHeader('instrument', 1),
  instrument: InstrumentSchema,
});
/** An instrument definition event. */
export type InstrumentEvent = z.infer<typeof InstrumentEventSchema>;
