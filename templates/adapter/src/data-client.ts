import type {
  Clock,
  FeedDataKind,
  FeedEvent,
  FeedEventSink,
  FeedSubscription,
  MarketDataFeed,
} from '@quantkubera/core';
import { VENUE_CODE } from './constants.js';
import { healthEvent } from './health.js';
import type { InstrumentProvider } from './instrument-provider.js';
import { parseBook, parseTrade } from './parse.js';
import type { StreamMessage } from './schemas/index.js';
import type { StreamClient } from './ws/index.js';

/** Which venue channel carries each canonical kind; the venue streams trades and top of book. */
const CHANNELS: Partial<Record<FeedDataKind, 'trades' | 'book'>> = { trade: 'trades', quote: 'book' };

/** Options of a {@link DataClient}. */
export interface DataClientOptions {
  /** The venue's public stream. */
  readonly stream: StreamClient;
  /** Maps instrument ids and venue symbols. */
  readonly instruments: InstrumentProvider;
  /** Stamps `tsInit` and health events. */
  readonly clock: Clock;
}

/**
 * The venue's market data as a {@link MarketDataFeed}: trades and top of book from the public
 * stream, validated and converted to canonical events. Bars are built by the kernel from these.
 */
export class DataClient implements MarketDataFeed {
  /** Names the feed in health events. */
  readonly id = `feed:${VENUE_CODE}`;
  readonly #options: DataClientOptions;
  /** Subscribed kinds per venue symbol. */
  readonly #subscriptions = new Map<string, Set<FeedDataKind>>();
  #sink: FeedEventSink | undefined;

  constructor(options: DataClientOptions) {
    this.#options = options;
  }

  /** Opens the public stream and reports CONNECTED. */
  async connect(sink: FeedEventSink): Promise<void> {
    this.#sink = sink;
    await this.#options.stream.open(
      (message) => this.#onMessage(message),
      (error) =>
        this.#emit(healthEvent(this.id, 'MALFORMED_MESSAGE', error.message.slice(0, 1024), this.#now())),
    );
    for (const [symbol, kinds] of this.#subscriptions) this.#send('subscribe', symbol, kinds);
    this.#emit(healthEvent(this.id, 'CONNECTED', `${VENUE_CODE} stream connected`, this.#now()));
  }

  /** Reports DISCONNECTED and closes the stream; nothing is delivered afterwards. */
  async disconnect(): Promise<void> {
    if (this.#sink === undefined) return;
    this.#emit(healthEvent(this.id, 'DISCONNECTED', `${VENUE_CODE} stream closed`, this.#now()));
    this.#sink = undefined;
    await this.#options.stream.close();
  }

  /** Starts, or replaces, one instrument's streams. */
  subscribe(subscription: FeedSubscription): void {
    const symbol = this.#options.instruments.symbolOf(subscription.instrumentId);
    const previous = this.#subscriptions.get(symbol);
    if (previous !== undefined) this.#send('unsubscribe', symbol, previous);
    const kinds = new Set(subscription.kinds);
    this.#subscriptions.set(symbol, kinds);
    this.#send('subscribe', symbol, kinds);
  }

  /** Stops one instrument's streams. */
  unsubscribe(instrumentId: string): void {
    const instrument = this.#options.instruments.all().find((i) => i.id === instrumentId);
    const kinds = instrument === undefined ? undefined : this.#subscriptions.get(instrument.venueSymbol);
    if (instrument === undefined || kinds === undefined) return;
    this.#subscriptions.delete(instrument.venueSymbol);
    this.#send('unsubscribe', instrument.venueSymbol, kinds);
  }

  #send(op: 'subscribe' | 'unsubscribe', symbol: string, kinds: ReadonlySet<FeedDataKind>): void {
    for (const kind of kinds) {
      const channel = CHANNELS[kind];
      if (channel !== undefined) this.#options.stream.send({ op, channel, symbol });
    }
  }

  #onMessage(message: StreamMessage): void {
    if (message.channel !== 'trades' && message.channel !== 'book') return;
    // The venue may still send a few messages after an unsubscribe: filter on our own state.
    const kinds = this.#subscriptions.get(message.symbol);
    const instrumentId = this.#options.instruments.idOf(message.symbol);
    if (kinds === undefined || instrumentId === undefined) return;
    if (message.channel === 'trades' && kinds.has('trade'))
      this.#emit(parseTrade(message, instrumentId, this.#now()));
    if (message.channel === 'book' && kinds.has('quote'))
      this.#emit(parseBook(message, instrumentId, this.#now()));
  }

  #emit(event: FeedEvent): void {
    this.#sink?.(event);
  }

  #now(): number {
    return this.#options.clock.nowUs();
  }
}
