import type {
  BarEvent,
  DepthEvent,
  QuoteEvent,
  SystemHealthEvent,
  TickEvent,
  TradeEvent,
} from '../schemas/index.js';

/** The market data kinds a feed can stream, one per canonical market data event. */
export const FEED_DATA_KINDS = ['tick', 'trade', 'quote', 'depth', 'bar'] as const;

/** One of {@link FEED_DATA_KINDS}. */
export type FeedDataKind = (typeof FEED_DATA_KINDS)[number];

/** A canonical market data event, as a feed delivers it. */
export type FeedMarketEvent = TickEvent | TradeEvent | QuoteEvent | DepthEvent | BarEvent;

/** What a feed reports: market data, and the health of its connection, all canonical events. */
export type FeedEvent = FeedMarketEvent | SystemHealthEvent;

/** Receives every {@link FeedEvent} a feed produces, in the order the venue sent them. */
export type FeedEventSink = (event: FeedEvent) => void;

/** One instrument's streams: which kinds, and for bars which timeframes the venue builds. */
export interface FeedSubscription {
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** The market data kinds wanted for this instrument. */
  readonly kinds: readonly FeedDataKind[];
  /** Venue-built bar timeframes (`1m`), when `kinds` includes `bar`; the kernel builds others itself. */
  readonly barTimeframes?: readonly string[];
}

/**
 * The market data port: a live stream of canonical market events from one venue, implemented by
 * each venue adapter's data client (and by fakes in tests). Backtests do not use it: they read
 * history through the backtest plugin.
 *
 * Contract:
 * - `connect` resolves once the session is open and reports CONNECTED through the sink;
 *   `disconnect` reports DISCONNECTED, and no event is delivered after its promise settles.
 * - `subscribe` and `unsubscribe` are synchronous and never wait for the venue; subscribing
 *   again to the same instrument replaces its kinds. Events arrive only for subscribed
 *   instruments and kinds, validated canonical records with `tsEvent` from the venue and
 *   `tsInit` from the adapter's clock.
 * - Connection trouble is reported as `SystemHealthEvent`s (DISCONNECTED, RECONNECTING), never
 *   thrown; after a reconnect the feed restores its subscriptions itself.
 *
 * @example
 * ```ts
 * await feed.connect((event) => {
 *   if (event.kind === 'trade') console.log(event.instrumentId, event.price);
 * });
 * feed.subscribe({ instrumentId: 'BTCUSDT.BINANCE', kinds: ['trade', 'quote'] });
 * ```
 */
export interface MarketDataFeed {
  /** Names the feed in health events and logs (`binance-spot`, `zerodha`). */
  readonly id: string;
  /** Opens the venue session and starts delivering events to `sink`. */
  connect(sink: FeedEventSink): Promise<void>;
  /** Closes the session; no event is delivered after the returned promise settles. */
  disconnect(): Promise<void>;
  /** Starts (or replaces) one instrument's streams. */
  subscribe(subscription: FeedSubscription): void;
  /** Stops every stream of one instrument; unknown instruments are ignored. */
  unsubscribe(instrumentId: string): void;
}
