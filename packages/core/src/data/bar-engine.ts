import type { EventBus, Unsubscribe } from '../bus/index.js';
import type { Clock } from '../clock/clock.js';
import type { UnixMicros } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import { parseInstrumentId, type Timeframe } from '../identifiers/index.js';
import type {
  BarEvent,
  BarSource,
  CanonicalEvent,
  QuoteEvent,
  TickEvent,
  TradeEvent,
} from '../schemas/index.js';
import type { HealthSink } from './health.js';
import {
  type EmptyBarPolicy,
  type LatePolicy,
  MultiTimeframeAggregator,
  type PreOpenPolicy,
  type WatermarkMode,
} from './multi-timeframe-aggregator.js';
import { cryptoCalendar, nseCalendar, type SessionCalendar } from './session-calendar.js';

const NSE_VENUES = new Set(['NSE', 'BSE', 'NFO', 'BFO']);
const CRYPTO_VENUES = new Set(['BINANCE', 'COINDCX', 'SIM']);

/**
 * The default calendar of an instrument's venue: NSE/BSE/NFO/BFO → {@link nseCalendar} (no
 * holidays: pass your own `calendarFor` with the exchange's list), BINANCE/COINDCX/SIM → 24×7 UTC.
 * Throws `InvalidArgumentError` for other venues rather than guessing their hours.
 */
export function defaultCalendarFor(instrumentId: string): SessionCalendar {
  const { venue } = parseInstrumentId(instrumentId);
  if (NSE_VENUES.has(venue)) return nseCalendar();
  if (CRYPTO_VENUES.has(venue)) return cryptoCalendar();
  throw new InvalidArgumentError(
    'defaultCalendarFor venue',
    venue,
    'NSE, BSE, NFO, BFO, BINANCE, COINDCX or SIM; pass calendarFor for other venues',
  );
}

/** Options of a {@link BarEngine}: the aggregator options shared by every instrument. */
export interface BarEngineOptions {
  /** Timeframes built for every instrument. */
  readonly timeframes: readonly Timeframe[];
  /** Price streams to build (default `['TRADE']`); one aggregator per instrument and source. */
  readonly sources?: readonly BarSource[];
  /** The calendar of an instrument (called once per instrument); default {@link defaultCalendarFor}. */
  readonly calendarFor?: (instrumentId: string) => SessionCalendar;
  /** Late events; default `'correct'`. */
  readonly latePolicy?: LatePolicy;
  /** Empty intervals; default `'skip'`. */
  readonly emptyBars?: EmptyBarPolicy;
  /** Pre-open events; default `'first-bar'`. */
  readonly preOpen?: PreOpenPolicy;
  /** Closed bars kept for corrections, per instrument and timeframe. */
  readonly correctionWindow?: number;
  /** `'clock'` for live mode; default `'market'`. */
  readonly watermark?: WatermarkMode;
  /** Clock-watermark lateness, µs. */
  readonly allowedLatenessUs?: number;
  /** Stamps `tsInit` and drives the clock watermark. */
  readonly clock?: Clock;
  /** Receives every bar. */
  readonly onBar: (bar: BarEvent) => void;
  /** Receives health events. */
  readonly onHealth?: HealthSink;
}

/**
 * Bars for many instruments: routes each trade, quote or tick to its instrument's
 * {@link MultiTimeframeAggregator} (created on first sight, one per price source), so a kernel
 * needs one object for all its market data. Routing is one map lookup per event.
 *
 * @example
 * ```ts
 * const engine = new BarEngine({ timeframes: ['1m', '5m', '1d'], onBar: () => {} });
 * const off = engine.connect(bus); // trades, quotes, ticks in; bars and health out, on the same bus
 * ```
 */
export class BarEngine {
  private readonly options: BarEngineOptions;
  private readonly sources: readonly BarSource[];
  private readonly trade = new Map<string, MultiTimeframeAggregator>();
  private readonly quote = new Map<string, MultiTimeframeAggregator[]>();
  private readonly all: MultiTimeframeAggregator[] = [];
  private readonly calendars = new Map<string, SessionCalendar>();
  private readonly wantsTrade: boolean;
  private readonly quoteSources: readonly BarSource[];
  private onBar: (bar: BarEvent) => void;
  private onHealth: HealthSink | undefined;

  /** Validates the options by building a probe aggregator; throws what it throws. */
  constructor(options: BarEngineOptions) {
    this.options = options;
    this.sources = options.sources ?? ['TRADE'];
    if (this.sources.length === 0 || new Set(this.sources).size !== this.sources.length) {
      throw new InvalidArgumentError('BarEngine sources', this.sources, 'distinct bar sources, at least one');
    }
    this.wantsTrade = this.sources.includes('TRADE');
    this.quoteSources = this.sources.filter((s) => s !== 'TRADE');
    this.onBar = options.onBar;
    this.onHealth = options.onHealth;
    for (const source of this.sources) this.create('PROBE.SIM', source, cryptoCalendar()).dispose();
  }

  /** Every aggregator created so far. */
  get aggregators(): readonly MultiTimeframeAggregator[] {
    return this.all;
  }

  /** The aggregator of one instrument and source, if it has seen an event. */
  aggregator(instrumentId: string, source: BarSource = 'TRADE'): MultiTimeframeAggregator | undefined {
    if (source === 'TRADE') return this.trade.get(instrumentId);
    return this.quote.get(instrumentId)?.find((a) => a.source === source);
  }

  /** Routes a trade to the instrument's TRADE aggregator. */
  onTrade(trade: TradeEvent): void {
    if (!this.wantsTrade) return;
    let agg = this.trade.get(trade.instrumentId);
    if (agg === undefined) agg = this.createTrade(trade.instrumentId);
    agg.onTrade(trade);
  }

  /** Routes a quote to the instrument's MID/BID/ASK aggregators. */
  onQuote(quote: QuoteEvent): void {
    if (this.quoteSources.length === 0) return;
    let aggs = this.quote.get(quote.instrumentId);
    if (aggs === undefined) aggs = this.createQuote(quote.instrumentId);
    for (let i = 0; i < aggs.length; i++) aggs[i]!.onQuote(quote);
  }

  /** Routes a tick to every aggregator of its instrument. */
  onTick(tick: TickEvent): void {
    if (this.wantsTrade) {
      let agg = this.trade.get(tick.instrumentId);
      if (agg === undefined) agg = this.createTrade(tick.instrumentId);
      agg.onTick(tick);
    }
    if (this.quoteSources.length > 0) {
      let aggs = this.quote.get(tick.instrumentId);
      if (aggs === undefined) aggs = this.createQuote(tick.instrumentId);
      for (let i = 0; i < aggs.length; i++) aggs[i]!.onTick(tick);
    }
  }

  /** Routes any canonical event; kinds other than trade, quote and tick are ignored. */
  onEvent(event: CanonicalEvent): void {
    if (event.kind === 'trade') this.onTrade(event);
    else if (event.kind === 'quote') this.onQuote(event);
    else if (event.kind === 'tick') this.onTick(event);
  }

  /**
   * Subscribes to a bus's trades, quotes and ticks and publishes bars and health events back to
   * it (the bus queues them behind the event being dispatched). Returns the unsubscribe.
   */
  connect(bus: EventBus<CanonicalEvent>): Unsubscribe {
    const previousBar = this.onBar;
    const previousHealth = this.onHealth;
    this.onBar = (bar) => {
      previousBar(bar);
      bus.publish(bar);
    };
    this.onHealth = (health) => {
      previousHealth?.(health);
      bus.publish(health);
    };
    const offs = [
      bus.subscribe('trade', (e) => this.onTrade(e), { name: 'bar-engine' }),
      bus.subscribe('quote', (e) => this.onQuote(e), { name: 'bar-engine' }),
      bus.subscribe('tick', (e) => this.onTick(e), { name: 'bar-engine' }),
    ];
    return () => {
      for (const off of offs) off();
      this.onBar = previousBar;
      this.onHealth = previousHealth;
    };
  }

  /** Advances every aggregator's watermark; see {@link MultiTimeframeAggregator.advanceWatermark}. */
  advanceWatermark(nowUs: UnixMicros): void {
    for (const agg of this.all) agg.advanceWatermark(nowUs);
  }

  /** Flushes every aggregator; see {@link MultiTimeframeAggregator.flush}. */
  flush(tsInit?: UnixMicros): void {
    for (const agg of this.all) agg.flush(tsInit);
  }

  /** Cancels every clock watermark. */
  dispose(): void {
    for (const agg of this.all) agg.dispose();
  }

  private calendarOf(instrumentId: string): SessionCalendar {
    let calendar = this.calendars.get(instrumentId);
    if (calendar === undefined) {
      calendar = (this.options.calendarFor ?? defaultCalendarFor)(instrumentId);
      this.calendars.set(instrumentId, calendar);
    }
    return calendar;
  }

  private createTrade(instrumentId: string): MultiTimeframeAggregator {
    const agg = this.create(instrumentId, 'TRADE', this.calendarOf(instrumentId));
    this.trade.set(instrumentId, agg);
    this.all.push(agg);
    return agg;
  }

  private createQuote(instrumentId: string): MultiTimeframeAggregator[] {
    const calendar = this.calendarOf(instrumentId);
    const aggs = this.quoteSources.map((source) => this.create(instrumentId, source, calendar));
    this.quote.set(instrumentId, aggs);
    this.all.push(...aggs);
    return aggs;
  }

  private create(
    instrumentId: string,
    source: BarSource,
    calendar: SessionCalendar,
  ): MultiTimeframeAggregator {
    const o = this.options;
    return new MultiTimeframeAggregator({
      instrumentId,
      source,
      calendar,
      timeframes: source === 'TRADE' ? o.timeframes : o.timeframes.filter((tf) => !/(vol|val)$/.test(tf)),
      ...(o.latePolicy === undefined ? {} : { latePolicy: o.latePolicy }),
      ...(o.emptyBars === undefined ? {} : { emptyBars: o.emptyBars }),
      ...(o.preOpen === undefined ? {} : { preOpen: o.preOpen }),
      ...(o.correctionWindow === undefined ? {} : { correctionWindow: o.correctionWindow }),
      ...(o.watermark === undefined ? {} : { watermark: o.watermark }),
      ...(o.allowedLatenessUs === undefined ? {} : { allowedLatenessUs: o.allowedLatenessUs }),
      ...(o.clock === undefined ? {} : { clock: o.clock }),
      // Indirect, so connect() can reroute output after aggregators exist.
      onBar: (bar) => this.onBar(bar),
      onHealth: (health) => this.onHealth?.(health),
    });
  }
}
