import { z } from 'zod';
import {
  AGGRESSOR_SIDES,
  BAR_SOURCES,
  eventHeader,
  InstrumentIdSchema,
  MicrosSchema,
  PriceSchema,
  QuantitySchema,
  TimeframeSchema,
  VenueIdSchema,
} from './primitives.js';

/**
 * A venue's snapshot tick: last traded price with whatever else the venue sends alongside it
 * (Kite's LTP/quote/full modes, exchange tickers). Optional fields are absent when the venue's
 * mode does not carry them.
 */
export const TickEventSchema = z.object({
  ...eventHeader('tick', 1),
  instrumentId: InstrumentIdSchema,
  /** Last traded price. */
  lastPrice: PriceSchema,
  /** Size of the last trade. */
  lastSize: QuantitySchema.optional(),
  /** Cumulative traded volume for the session. */
  volume: QuantitySchema.optional(),
  bidPrice: PriceSchema.optional(),
  bidSize: QuantitySchema.optional(),
  askPrice: PriceSchema.optional(),
  askSize: QuantitySchema.optional(),
  /** Open interest (derivatives). */
  openInterest: QuantitySchema.optional(),
});

/** One trade printed by the venue. */
export const TradeEventSchema = z.object({
  ...eventHeader('trade', 1),
  instrumentId: InstrumentIdSchema,
  price: PriceSchema,
  size: QuantitySchema,
  /** Which side crossed the spread, when the venue says. */
  aggressor: z.enum(AGGRESSOR_SIDES),
  /** The venue's trade id. */
  tradeId: VenueIdSchema,
});

/**
 * Top of book. Crossed or locked books are accepted as the venue sent them (they happen in
 * auctions and on fast feeds); the matching engine decides what they mean.
 */
export const QuoteEventSchema = z.object({
  ...eventHeader('quote', 1),
  instrumentId: InstrumentIdSchema,
  bidPrice: PriceSchema,
  bidSize: QuantitySchema,
  askPrice: PriceSchema,
  askSize: QuantitySchema,
});

/** One price level of an order book side. */
export const BookLevelSchema = z.object({
  price: PriceSchema,
  /** Resting size; in a delta, 0 removes the level. */
  size: QuantitySchema,
  /** Number of orders at the level, when the venue sends it (Kite does); 0 when unknown. */
  orders: z.number().int().min(0).max(0xffff_ffff),
});

/**
 * Order book depth: N levels per side. A snapshot replaces the book; a delta updates the listed
 * levels (size 0 removes one). Bids best (highest) first, asks best (lowest) first.
 */
export const DepthEventSchema = z.object({
  ...eventHeader('depth', 1),
  instrumentId: InstrumentIdSchema,
  /** True for a full snapshot, false for a delta. */
  snapshot: z.boolean(),
  /** The venue's update sequence (Binance `u`), for gap detection; 0 when the venue has none. */
  sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  bids: z.array(BookLevelSchema).max(0xffff),
  asks: z.array(BookLevelSchema).max(0xffff),
});

/**
 * An OHLCV bar. `tsEvent` is the bar's close time (exclusive end), `tsOpen` its start. A bar
 * re-emitted after a late event carries a higher `revision`; history is never changed silently.
 */
export const BarEventSchema = z
  .object({
    ...eventHeader('bar', 1),
    instrumentId: InstrumentIdSchema,
    timeframe: TimeframeSchema,
    /** Which price stream the bar was built from. */
    source: z.enum(BAR_SOURCES),
    /** Bar start, epoch microseconds. */
    tsOpen: MicrosSchema,
    open: PriceSchema,
    high: PriceSchema,
    low: PriceSchema,
    close: PriceSchema,
    volume: QuantitySchema,
    /** Number of trades (or ticks) aggregated. */
    count: z.number().int().min(0).max(0xffff_ffff),
    /** 0 for the first emission; each correction after a late event increments it. */
    revision: z.number().int().min(0).max(0xffff),
  })
  .superRefine((bar, ctx) => {
    if (bar.high < Math.max(bar.open, bar.close, bar.low)) {
      ctx.addIssue({ code: 'custom', path: ['high'], message: 'high must be >= open, close and low' });
    }
    if (bar.low > Math.min(bar.open, bar.close)) {
      ctx.addIssue({ code: 'custom', path: ['low'], message: 'low must be <= open and close' });
    }
    if (bar.tsOpen > bar.tsEvent) {
      ctx.addIssue({ code: 'custom', path: ['tsOpen'], message: 'tsOpen must be <= tsEvent (bar close)' });
    }
  });

/** A venue snapshot tick. */
export type TickEvent = z.infer<typeof TickEventSchema>;
/** A trade print. */
export type TradeEvent = z.infer<typeof TradeEventSchema>;
/** Top of book. */
export type QuoteEvent = z.infer<typeof QuoteEventSchema>;
/** One book level. */
export type BookLevel = z.infer<typeof BookLevelSchema>;
/** Order book depth, snapshot or delta. */
export type DepthEvent = z.infer<typeof DepthEventSchema>;
/** An OHLCV bar. */
export type BarEvent = z.infer<typeof BarEventSchema>;
