import { z } from 'zod';
import {
  CLIENT_ORDER_ID_PATTERN,
  INSTRUMENT_ID_PATTERN,
  STRATEGY_ID_PATTERN,
  TIMEFRAME_PATTERN,
  VENUE_CODE_PATTERN,
} from '../identifiers/index.js';

// Enum value lists are part of the binary format (encoded as their index): append only, never
// reorder or remove. See docs/schema-evolution.md.

/** Order sides. */
export const SIDES = ['BUY', 'SELL'] as const;
/** Order types. */
export const ORDER_TYPES = ['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'] as const;
/** Time in force: DAY expires at the venue's session end; IOC/FOK never rest. */
export const TIME_IN_FORCE = ['DAY', 'GTC', 'IOC', 'FOK'] as const;
/** Every state of the order state machine. */
export const ORDER_STATUSES = [
  'INITIALIZED',
  'DENIED',
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'PENDING_UPDATE',
  'PENDING_CANCEL',
  'TRIGGERED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'EXPIRED',
] as const;
/** What an order intent asks the venue to do. */
export const ORDER_ACTIONS = ['SUBMIT', 'MODIFY', 'CANCEL'] as const;
/** Which side took liquidity in a trade. */
export const AGGRESSOR_SIDES = ['BUYER', 'SELLER', 'NONE'] as const;
/** Whether a fill added (maker) or took (taker) liquidity. */
export const LIQUIDITY_SIDES = ['MAKER', 'TAKER'] as const;
/** Trading state, globally and per strategy. */
export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
/** Which price a bar was built from. */
export const BAR_SOURCES = ['TRADE', 'MID', 'BID', 'ASK'] as const;

/** An order side. */
export type Side = (typeof SIDES)[number];
/** An order type. */
export type OrderType = (typeof ORDER_TYPES)[number];
/** A time in force. */
export type TimeInForce = (typeof TIME_IN_FORCE)[number];
/** An order state. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** An order action. */
export type OrderAction = (typeof ORDER_ACTIONS)[number];
/** A trade's aggressor side. */
export type AggressorSide = (typeof AGGRESSOR_SIDES)[number];
/** A fill's liquidity side. */
export type LiquiditySide = (typeof LIQUIDITY_SIDES)[number];
/** A trading state. */
export type TradingState = (typeof TRADING_STATES)[number];
/** A bar's price source. */
export type BarSource = (typeof BAR_SOURCES)[number];

/** Integer epoch microseconds (see `UnixMicros`). */
export const MicrosSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A finite price (negative allowed: spreads and some synthetic instruments trade below zero). */
export const PriceSchema = z.number();
/** A finite, strictly positive price or increment. */
export const PositivePriceSchema = z.number().positive();
/** A finite, non-negative quantity. */
export const QuantitySchema = z.number().min(0);
/** A finite, strictly positive quantity. */
export const PositiveQuantitySchema = z.number().positive();
/** A finite signed amount of money or a signed position. */
export const AmountSchema = z.number();
/** A currency or asset code: `INR`, `USDT`, `BTC`, `1000SHIB`. */
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z0-9]{2,12}$/, 'expected an uppercase currency/asset code');
/** A venue code such as `NSE`, `NFO`, `BINANCE`, `COINDCX`. */
export const VenueCodeSchema = z.string().regex(VENUE_CODE_PATTERN, 'expected an uppercase venue code');
/** An instrument id `SYMBOL.VENUE`. */
export const InstrumentIdSchema = z.string().regex(INSTRUMENT_ID_PATTERN, 'expected SYMBOL.VENUE');
/** A client order id (1–36 of `A-Za-z0-9._:/-`). */
export const ClientOrderIdSchema = z
  .string()
  .regex(CLIENT_ORDER_ID_PATTERN, 'expected 1-36 of [A-Za-z0-9._:/-]');
/** A strategy id (1–24 of `A-Za-z0-9_-`). */
export const StrategyIdSchema = z.string().regex(STRATEGY_ID_PATTERN, 'expected 1-24 of [A-Za-z0-9_-]');
/** A bar timeframe such as `1m`, `5m`, `1d`, `500tick`. */
export const TimeframeSchema = z
  .string()
  .regex(TIMEFRAME_PATTERN, 'expected <step><unit>, e.g. 1m, 5m, 1d, 500tick');
/** A short free-text field (reasons, messages): at most 1,024 characters. */
export const TextSchema = z.string().max(1024);
/** A venue-assigned identifier (order id, trade id): 1–64 characters. */
export const VenueIdSchema = z.string().min(1).max(64);

/**
 * The fields every canonical event starts with: its `kind`, its schema version `v`, `tsEvent`
 * (when it happened at the venue or in market time) and `tsInit` (when this process created it).
 */
export function eventHeader<K extends string, V extends number>(kind: K, v: V) {
  return {
    /** The record kind: the discriminant of the event union. */
    kind: z.literal(kind),
    /** The schema version this record was written with. */
    v: z.literal(v),
    /** Market/venue time, epoch microseconds. */
    tsEvent: MicrosSchema,
    /** When this process created the record, epoch microseconds. */
    tsInit: MicrosSchema,
  };
}
