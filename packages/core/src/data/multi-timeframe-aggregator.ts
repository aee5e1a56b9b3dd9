import type { Clock, TimerHandle } from '../clock/clock.js';
import type { UnixMicros } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import { parseTimeframe, type Timeframe } from '../identifiers/index.js';
import type { BarEvent, BarSource, QuoteEvent, TickEvent, TradeEvent } from '../schemas/index.js';
import { BarGrid, type BarInterval } from './bar-grid.js';
import { type HealthSink, healthEvent } from './health.js';
import { cryptoCalendar, type SessionCalendar } from './session-calendar.js';

/**
 * What happens to an event older than a bar that has already closed: `'correct'` updates that
 * closed bar and re-emits it with `revision + 1`; `'drop'` discards the event, counts it and
 * reports `LATE_DATA`. History never changes silently.
 */
export type LatePolicy = 'correct' | 'drop';

/** Intervals without events: `'skip'` emits nothing; `'flat'` emits a bar at the last close with zero volume. */
export type EmptyBarPolicy = 'skip' | 'flat';

/**
 * Events in a session's pre-open (NSE 09:00–09:15): `'first-bar'` counts them in the session's
 * first bar, at the open (the pre-open auction sets the official open price); `'exclude'` treats
 * them as outside the session.
 */
export type PreOpenPolicy = 'first-bar' | 'exclude';

/** When a time bar closes: on market time only, or also on a clock watermark (live mode). */
export type WatermarkMode = 'market' | 'clock';

/** Options of a {@link MultiTimeframeAggregator}. */
export interface MultiTimeframeAggregatorOptions {
  /** The instrument every input event belongs to (the caller routes; see `BarEngine`). */
  readonly instrumentId: string;
  /** Timeframes to build at once: `1s`, `1m`, `5m`, `1h`, `1d`, `1w`, `500tick`, `10000vol`, `1000000val`. */
  readonly timeframes: readonly Timeframe[];
  /** Price stream: `TRADE` (default) from trades or ticks; `MID`, `BID`, `ASK` from quotes or ticks. */
  readonly source?: BarSource;
  /** Session calendar time bars align to; default 24×7 UTC (crypto). */
  readonly calendar?: SessionCalendar;
  /** Late events; default `'correct'`. */
  readonly latePolicy?: LatePolicy;
  /** Empty intervals; default `'skip'`. */
  readonly emptyBars?: EmptyBarPolicy;
  /** Pre-open events; default `'first-bar'`. */
  readonly preOpen?: PreOpenPolicy;
  /** Closed bars kept per time timeframe for corrections (default 64); older late events are dropped and reported. */
  readonly correctionWindow?: number;
  /** `'clock'` also closes bars when `clock` passes their end plus `allowedLatenessUs`; default `'market'`. */
  readonly watermark?: WatermarkMode;
  /** How long past a bar's end the clock watermark waits for stragglers (µs, default 0). */
  readonly allowedLatenessUs?: number;
  /** Stamps `tsInit` of emitted events and drives the `'clock'` watermark. Without it, `tsInit` is the triggering event's. */
  readonly clock?: Clock;
  /** The `component` of health events (default `bars`). */
  readonly component?: string;
  /** Receives every bar, in emission order. */
  readonly onBar: (bar: BarEvent) => void;
  /** Receives `LATE_DATA` reports; default: none (counters still count). */
  readonly onHealth?: HealthSink;
}

/** Counters of a {@link MultiTimeframeAggregator}; they only grow. */
export interface AggregatorStats {
  /** Price updates aggregated (after source selection). */
  readonly events: number;
  /** Bars emitted, corrections and flat bars included. */
  readonly bars: number;
  /** Of `bars`, re-emissions with revision > 0. */
  readonly corrections: number;
  /** Of `bars`, flat bars for empty intervals. */
  readonly flatBars: number;
  /** Late events dropped (policy `'drop'`, or older than the correction window). */
  readonly lateDropped: number;
  /** Events outside every session (and its pre-open): not in any time bar (activity bars still count them). */
  readonly outsideSession: number;
  /** Events whose kind does not carry this aggregator's source (a trade into a MID aggregator, a tick without bid/ask). */
  readonly ignored: number;
  /** Ticks whose cumulative volume did not grow: no trade happened, so no TRADE update. */
  readonly ticksWithoutTrade: number;
}

const SOURCE_TRADE = 0;
const SOURCE_MID = 1;
const SOURCE_BID = 2;
const ACT_TICK = 0;
const ACT_VOL = 1;
const ACT_VAL = 2;
// Relative tolerance when a volume or value bar is "full": sizes are decimals, sums are not exact.
const FILL_EPSILON = 1e-12;

/** A closed time bar kept for corrections: the emitted bar and the times that set its open and close. */
interface ClosedBar {
  bar: BarEvent;
  openTs: number;
  closeTs: number;
}

function positiveInteger(what: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidArgumentError(what, v, 'an integer >= 1');
  return v;
}

/**
 * Aggregates one instrument's price stream into bars on many timeframes at once: time bars on a
 * session calendar, and tick, volume and value bars. One pass per event updates every
 * timeframe; nothing is allocated except when a bar is emitted.
 *
 * Time bars close on market time (the first event at or past their end), or, with
 * `watermark: 'clock'`, when the clock passes end + `allowedLatenessUs`. Within an open bar
 * events may arrive out of order: the open is the earliest event, the close the latest (ties in
 * arrival order), so the bar equals the batch aggregate of its events sorted by time. An event
 * older than a closed bar follows the {@link LatePolicy}. Activity bars (`tick`, `vol`, `val`)
 * follow arrival order and ignore sessions; a trade that overflows a volume or value bar is split
 * across bars, so each bar holds exactly the threshold (the trade counts in each bar it touches),
 * and `tsEvent` of an activity bar is the time of its latest event.
 *
 * @example
 * ```ts
 * const agg = new MultiTimeframeAggregator({
 *   instrumentId: 'RELIANCE.NSE',
 *   timeframes: ['1m', '5m', '1d', '500tick'],
 *   calendar: nseCalendar({ holidays }),
 *   onBar: (bar) => bus.publish(bar),
 * });
 * bus.subscribe('trade', (t) => agg.onTrade(t));
 * ```
 */
export class MultiTimeframeAggregator {
  /** The instrument aggregated. */
  readonly instrumentId: string;
  /** The price stream. */
  readonly source: BarSource;
  /** The calendar time bars follow. */
  readonly calendar: SessionCalendar;
  /** Every timeframe, as given. */
  readonly timeframes: readonly Timeframe[];

  private readonly sourceCode: number;
  private readonly latePolicy: LatePolicy;
  private readonly flat: boolean;
  private readonly preOpenFirstBar: boolean;
  private readonly window: number;
  private readonly lateness: number;
  private readonly clock: Clock | undefined;
  private readonly watermarkClock: Clock | undefined;
  private readonly component: string;
  private readonly emit: (bar: BarEvent) => void;
  private readonly onHealth: HealthSink | undefined;

  // Time timeframes, struct-of-arrays: slot i is timeframe timeNames[i].
  private readonly timeCount: number;
  private readonly timeNames: readonly Timeframe[];
  private readonly grids: readonly BarGrid[];
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private readonly closedUpTo: Float64Array;
  private readonly open: Float64Array;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly close: Float64Array;
  private readonly volume: Float64Array;
  private readonly count: Float64Array;
  private readonly openTs: Float64Array;
  private readonly closeTs: Float64Array;
  private readonly lastClose: Float64Array;
  private readonly history: ClosedBar[][];

  // Activity timeframes (tick, volume, value).
  private readonly actCount: number;
  private readonly actNames: readonly Timeframe[];
  private readonly actType: Uint8Array;
  private readonly actThreshold: Float64Array;
  private readonly actAcc: Float64Array;
  private readonly actOpen: Float64Array;
  private readonly actHigh: Float64Array;
  private readonly actLow: Float64Array;
  private readonly actClose: Float64Array;
  private readonly actVolume: Float64Array;
  private readonly actEvents: Float64Array;
  private readonly actTsOpen: Float64Array;
  private readonly actTsLast: Float64Array;

  // The session containing the last in-session event: one range test per event on the hot path.
  private sessionOpen = Number.POSITIVE_INFINITY;
  private sessionClose = Number.NEGATIVE_INFINITY;
  private readonly scratch: BarInterval = { start: 0, end: 0 };
  private readonly scratch2: BarInterval = { start: 0, end: 0 };
  private lastCumVolume = Number.NaN;
  // The event being aggregated (see apply()).
  private inTs = 0;
  private inPrice = 0;
  private inSize = 0;
  private inTsInit = 0;
  private alarm: TimerHandle | undefined;
  private alarmDue = Number.NaN;
  private readonly onAlarm: () => void;
  private disposed = false;

  private nEvents = 0;
  private nBars = 0;
  private nCorrections = 0;
  private nFlat = 0;
  private nLateDropped = 0;
  private nOutside = 0;
  private nIgnored = 0;
  private nNoTrade = 0;

  /** Validates the options; throws `InvalidArgumentError` or `IdentifierError` naming the bad one. */
  constructor(options: MultiTimeframeAggregatorOptions) {
    this.instrumentId = options.instrumentId;
    this.source = options.source ?? 'TRADE';
    this.sourceCode = ['TRADE', 'MID', 'BID', 'ASK'].indexOf(this.source);
    if (this.sourceCode < 0) {
      throw new InvalidArgumentError(
        'MultiTimeframeAggregator source',
        this.source,
        'TRADE, MID, BID or ASK',
      );
    }
    this.calendar = options.calendar ?? cryptoCalendar();
    this.latePolicy = options.latePolicy ?? 'correct';
    if (this.latePolicy !== 'correct' && this.latePolicy !== 'drop') {
      throw new InvalidArgumentError(
        'MultiTimeframeAggregator latePolicy',
        this.latePolicy,
        "'correct' or 'drop'",
      );
    }
    const empty = options.emptyBars ?? 'skip';
    if (empty !== 'skip' && empty !== 'flat') {
      throw new InvalidArgumentError('MultiTimeframeAggregator emptyBars', empty, "'skip' or 'flat'");
    }
    this.flat = empty === 'flat';
    const preOpen = options.preOpen ?? 'first-bar';
    if (preOpen !== 'first-bar' && preOpen !== 'exclude') {
      throw new InvalidArgumentError('MultiTimeframeAggregator preOpen', preOpen, "'first-bar' or 'exclude'");
    }
    this.preOpenFirstBar = preOpen === 'first-bar';
    this.window = positiveInteger('MultiTimeframeAggregator correctionWindow', options.correctionWindow, 64);
    const lateness = options.allowedLatenessUs ?? 0;
    if (!Number.isSafeInteger(lateness) || lateness < 0) {
      throw new InvalidArgumentError(
        'MultiTimeframeAggregator allowedLatenessUs',
        lateness,
        'an integer >= 0',
      );
    }
    this.lateness = lateness;
    this.clock = options.clock;
    const watermark = options.watermark ?? 'market';
    if (
      (watermark !== 'market' && watermark !== 'clock') ||
      (watermark === 'clock' && this.clock === undefined)
    ) {
      throw new InvalidArgumentError(
        'MultiTimeframeAggregator watermark',
        watermark,
        "'market', or 'clock' together with the clock option",
      );
    }
    this.watermarkClock = watermark === 'clock' ? this.clock : undefined;
    this.component = options.component ?? 'bars';
    this.emit = options.onBar;
    this.onHealth = options.onHealth;
    if (options.timeframes.length === 0) {
      throw new InvalidArgumentError(
        'MultiTimeframeAggregator timeframes',
        options.timeframes,
        'at least one timeframe',
      );
    }
    if (new Set(options.timeframes).size !== options.timeframes.length) {
      throw new InvalidArgumentError(
        'MultiTimeframeAggregator timeframes',
        options.timeframes,
        'distinct timeframes',
      );
    }
    this.timeframes = [...options.timeframes];

    const timeNames: Timeframe[] = [];
    const grids: BarGrid[] = [];
    const actNames: Timeframe[] = [];
    const actTypes: number[] = [];
    const thresholds: number[] = [];
    for (const tf of this.timeframes) {
      const spec = parseTimeframe(tf);
      if (spec.durationUs !== undefined) {
        timeNames.push(tf);
        grids.push(new BarGrid(tf, this.calendar));
        continue;
      }
      const type = spec.unit === 'tick' ? ACT_TICK : spec.unit === 'vol' ? ACT_VOL : ACT_VAL;
      if (type !== ACT_TICK && this.sourceCode !== SOURCE_TRADE) {
        throw new InvalidArgumentError(
          'MultiTimeframeAggregator timeframes',
          tf,
          'volume and value bars only from the TRADE source (quotes carry no traded size)',
        );
      }
      actNames.push(tf);
      actTypes.push(type);
      thresholds.push(spec.step);
    }
    this.timeCount = timeNames.length;
    this.timeNames = timeNames;
    this.grids = grids;
    const t = this.timeCount;
    this.start = new Float64Array(t).fill(Number.POSITIVE_INFINITY);
    this.end = new Float64Array(t).fill(Number.NEGATIVE_INFINITY);
    this.closedUpTo = new Float64Array(t).fill(Number.NEGATIVE_INFINITY);
    this.open = new Float64Array(t);
    this.high = new Float64Array(t);
    this.low = new Float64Array(t);
    this.close = new Float64Array(t);
    this.volume = new Float64Array(t);
    this.count = new Float64Array(t);
    this.openTs = new Float64Array(t);
    this.closeTs = new Float64Array(t);
    this.lastClose = new Float64Array(t).fill(Number.NaN);
    this.history = Array.from({ length: t }, () => []);

    this.actCount = actNames.length;
    this.actNames = actNames;
    const a = this.actCount;
    this.actType = Uint8Array.from(actTypes);
    this.actThreshold = Float64Array.from(thresholds);
    this.actAcc = new Float64Array(a);
    this.actOpen = new Float64Array(a);
    this.actHigh = new Float64Array(a);
    this.actLow = new Float64Array(a);
    this.actClose = new Float64Array(a);
    this.actVolume = new Float64Array(a);
    this.actEvents = new Float64Array(a);
    this.actTsOpen = new Float64Array(a);
    this.actTsLast = new Float64Array(a);
    this.onAlarm = () => {
      this.alarm = undefined;
      this.alarmDue = Number.NaN;
      // Live, the alarm may fire after its due time: the watermark is the clock's time now.
      this.advanceWatermark(this.watermarkClock!.nowUs());
    };
  }

  /** Live counters. */
  get stats(): AggregatorStats {
    return {
      events: this.nEvents,
      bars: this.nBars,
      corrections: this.nCorrections,
      flatBars: this.nFlat,
      lateDropped: this.nLateDropped,
      outsideSession: this.nOutside,
      ignored: this.nIgnored,
      ticksWithoutTrade: this.nNoTrade,
    };
  }

  /** Aggregates a trade (TRADE source; counted in `ignored` otherwise). */
  onTrade(trade: TradeEvent): void {
    if (this.sourceCode !== SOURCE_TRADE) {
      this.nIgnored++;
      return;
    }
    this.inTs = trade.tsEvent;
    this.inPrice = trade.price;
    this.inSize = trade.size;
    this.inTsInit = trade.tsInit;
    this.apply();
  }

  /** Aggregates a quote (MID, BID or ASK source, volume 0; counted in `ignored` for TRADE). */
  onQuote(quote: QuoteEvent): void {
    const code = this.sourceCode;
    if (code === SOURCE_TRADE) {
      this.nIgnored++;
      return;
    }
    this.inPrice =
      code === SOURCE_MID
        ? (quote.bidPrice + quote.askPrice) / 2
        : code === SOURCE_BID
          ? quote.bidPrice
          : quote.askPrice;
    this.inTs = quote.tsEvent;
    this.inSize = 0;
    this.inTsInit = quote.tsInit;
    this.apply();
  }

  /**
   * Aggregates a venue tick. TRADE: when the tick carries the session's cumulative `volume`, the
   * traded size is its increase (no increase: no trade, counted in `ticksWithoutTrade`); the first
   * tick, or one after the volume resets, uses `lastSize`. Without `volume`, `lastSize` (or 0).
   * MID/BID/ASK need the tick's bid and ask (otherwise counted in `ignored`).
   */
  onTick(tick: TickEvent): void {
    if (this.sourceCode === SOURCE_TRADE) {
      let size: number;
      const cumulative = tick.volume;
      if (cumulative === undefined) size = tick.lastSize ?? 0;
      else {
        const previous = this.lastCumVolume;
        this.lastCumVolume = cumulative;
        if (Number.isNaN(previous) || cumulative < previous) size = tick.lastSize ?? 0;
        else if (cumulative === previous) {
          this.nNoTrade++;
          return;
        } else size = cumulative - previous;
      }
      this.update(tick.tsEvent, tick.lastPrice, size, tick.tsInit);
      return;
    }
    const bid = tick.bidPrice;
    const ask = tick.askPrice;
    if (bid === undefined || ask === undefined) {
      this.nIgnored++;
      return;
    }
    const code = this.sourceCode;
    this.update(
      tick.tsEvent,
      code === SOURCE_MID ? (bid + ask) / 2 : code === SOURCE_BID ? bid : ask,
      0,
      tick.tsInit,
    );
  }

  /** Dispatches a trade, quote or tick to the matching method. */
  onEvent(event: TradeEvent | QuoteEvent | TickEvent): void {
    if (event.kind === 'trade') this.onTrade(event);
    else if (event.kind === 'quote') this.onQuote(event);
    else this.onTick(event);
  }

  /**
   * Aggregates one price update: the hot path every `on*` method ends in. `tsInit` stamps bars it
   * closes when there is no clock.
   */
  update(tsUs: UnixMicros, price: number, size: number, tsInit: UnixMicros): void {
    this.inTs = tsUs;
    this.inPrice = price;
    this.inSize = size;
    this.inTsInit = tsInit;
    this.apply();
  }

  /**
   * {@link MultiTimeframeAggregator.update} of the event in the `in*` fields. The `on*` methods
   * set those fields rather than pass the event's numbers: V8 boxes a double passed to a call it
   * does not inline, and epoch microseconds are never small integers.
   */
  private apply(): void {
    const tsUs = this.inTs;
    const price = this.inPrice;
    const size = this.inSize;
    const tsInit = this.inTsInit;
    this.nEvents++;
    const n = this.timeCount;
    if (n > 0) {
      let t = tsUs;
      // enterSession leaves its answer in a field: a double returned from a call would make `t`
      // a boxed value on every event (V8 merges the two into one representation).
      if (t < this.sessionOpen || t >= this.sessionClose) {
        this.enterSession();
        t = this.inTs;
      }
      if (t >= 0) {
        const start = this.start;
        const end = this.end;
        const high = this.high;
        const low = this.low;
        const closeTs = this.closeTs;
        for (let i = 0; i < n; i++) {
          if (t >= start[i]! && t < end[i]!) {
            if (price > high[i]!) high[i] = price;
            if (price < low[i]!) low[i] = price;
            if (t >= closeTs[i]!) {
              this.close[i] = price;
              closeTs[i] = t;
            } else if (t < this.openTs[i]!) {
              this.open[i] = price;
              this.openTs[i] = t;
            }
            this.volume[i]! += size;
            this.count[i]!++;
          } else this.timeSlow(i, t, price, size, tsInit);
        }
      }
    }
    if (this.actCount > 0) this.updateActivity(tsUs, price, size, tsInit);
  }

  /**
   * Closes every time bar whose end plus `allowedLatenessUs` is at or before `nowUs`, and under
   * `'flat'` emits flat bars for empty intervals up to there. Called by the clock watermark; call
   * it yourself to drive a watermark from elsewhere.
   */
  advanceWatermark(nowUs: UnixMicros): void {
    const limit = nowUs - this.lateness;
    const tsInit = this.clock?.nowUs() ?? nowUs;
    for (let i = 0; i < this.timeCount; i++) {
      if (this.isOpen(i) && this.end[i]! <= limit) this.closeBar(i, tsInit);
      if (this.flat && !this.isOpen(i) && !Number.isNaN(this.lastClose[i]!)) this.fillFlat(i, limit, tsInit);
    }
    this.rearm();
  }

  /**
   * Emits every open bar now, as it stands: time bars with their scheduled end, partial activity
   * bars with their latest event time. For the end of a replay; later events start new bars
   * (and events for a flushed interval are late).
   */
  flush(tsInit?: UnixMicros): void {
    for (let i = 0; i < this.timeCount; i++) {
      if (this.isOpen(i)) this.closeBar(i, this.clock?.nowUs() ?? tsInit ?? this.end[i]!);
    }
    for (let j = 0; j < this.actCount; j++) {
      if (this.actEvents[j]! > 0) this.emitActivity(j, this.clock?.nowUs() ?? tsInit ?? this.actTsLast[j]!);
    }
    this.rearm();
  }

  /** Cancels the clock watermark; the aggregator still works on market time. */
  dispose(): void {
    this.disposed = true;
    if (this.alarm !== undefined) this.watermarkClock?.cancel(this.alarm);
    this.alarm = undefined;
  }

  /** Returns the resolved time for a time-bar update, or -1 when outside every session. */
  /**
   * Resolves the time of the event in `inTs` for time bars, in place: unchanged inside a session,
   * the session's open for a pre-open event that opens the first bar, else -1 (outside every
   * session).
   */
  private enterSession(): void {
    const tsUs = this.inTs;
    const session = this.calendar.sessionAt(tsUs);
    if (session !== undefined) {
      this.sessionOpen = session.openUs;
      this.sessionClose = session.closeUs;
      return;
    }
    if (this.preOpenFirstBar) {
      const pre = this.calendar.preOpenSessionAt(tsUs);
      if (pre !== undefined) {
        this.inTs = pre.openUs;
        return;
      }
    }
    this.nOutside++;
    this.inTs = -1;
  }

  private isOpen(i: number): boolean {
    return this.start[i]! !== Number.POSITIVE_INFINITY;
  }

  private timeSlow(i: number, t: number, price: number, size: number, tsInit: number): void {
    if (t < this.closedUpTo[i]!) {
      this.late(i, t, price, size, tsInit);
      return;
    }
    const stamp = this.clock?.nowUs() ?? tsInit;
    if (this.isOpen(i)) this.closeBar(i, stamp);
    const iv = this.scratch;
    // t is inside a session here (enterSession resolved it), so the lookup succeeds.
    this.grids[i]!.intervalAt(t, iv);
    const s = iv.start;
    const e = iv.end;
    if (this.flat && !Number.isNaN(this.lastClose[i]!)) this.fillFlat(i, s, stamp);
    this.start[i] = s;
    this.end[i] = e;
    this.closedUpTo[i] = s;
    this.open[i] = price;
    this.high[i] = price;
    this.low[i] = price;
    this.close[i] = price;
    this.volume[i] = size;
    this.count[i] = 1;
    this.openTs[i] = t;
    this.closeTs[i] = t;
    if (this.watermarkClock !== undefined && this.alarm === undefined) this.rearm();
  }

  private closeBar(i: number, tsInit: number): void {
    const bar = this.makeBar(
      this.timeNames[i]!,
      this.start[i]!,
      this.end[i]!,
      this.open[i]!,
      this.high[i]!,
      this.low[i]!,
      this.close[i]!,
      this.volume[i]!,
      this.count[i]!,
      0,
      tsInit,
    );
    this.remember(i, { bar, openTs: this.openTs[i]!, closeTs: this.closeTs[i]! });
    this.lastClose[i] = this.close[i]!;
    this.closedUpTo[i] = this.end[i]!;
    this.start[i] = Number.POSITIVE_INFINITY;
    this.end[i] = Number.NEGATIVE_INFINITY;
    this.nBars++;
    this.emit(bar);
  }

  /** Emits flat bars for the empty intervals from `closedUpTo` that end at or before `limit`. */
  private fillFlat(i: number, limit: number, tsInit: number): void {
    const grid = this.grids[i]!;
    const iv = this.scratch2;
    const price = this.lastClose[i]!;
    while (grid.nextInterval(this.closedUpTo[i]!, iv) && iv.end <= limit) {
      const bar = this.makeBar(
        this.timeNames[i]!,
        iv.start,
        iv.end,
        price,
        price,
        price,
        price,
        0,
        0,
        0,
        tsInit,
      );
      this.remember(i, { bar, openTs: Number.NaN, closeTs: Number.NaN });
      this.closedUpTo[i] = iv.end;
      this.nBars++;
      this.nFlat++;
      this.emit(bar);
    }
  }

  private remember(i: number, closed: ClosedBar): void {
    const history = this.history[i]!;
    if (history.length === this.window) history.shift();
    history.push(closed);
  }

  private late(i: number, t: number, price: number, size: number, tsInit: number): void {
    const stamp = this.clock?.nowUs() ?? tsInit;
    const tf = this.timeNames[i]!;
    if (this.latePolicy === 'drop') {
      this.dropLate(
        i,
        t,
        stamp,
        `${tf}: event at ${t} is before the open bar or watermark ${this.closedUpTo[i]}; dropped`,
      );
      return;
    }
    const iv = this.scratch;
    this.grids[i]!.intervalAt(t, iv);
    const history = this.history[i]!;
    let at = history.length - 1;
    while (at >= 0 && history[at]!.bar.tsOpen > iv.start) at--;
    const found = at >= 0 && history[at]!.bar.tsOpen === iv.start ? history[at]! : undefined;
    if (found === undefined && history.length === this.window && iv.start < history[0]!.bar.tsOpen) {
      this.dropLate(
        i,
        t,
        stamp,
        `${tf}: event at ${t} is older than the correction window of ${this.window} bars; dropped`,
      );
      return;
    }
    let bar: BarEvent;
    if (found !== undefined && found.bar.count > 0) {
      const old = found.bar;
      let open = old.open;
      let close = old.close;
      if (t >= found.closeTs) {
        close = price;
        found.closeTs = t;
      } else if (t < found.openTs) {
        open = price;
        found.openTs = t;
      }
      bar = this.makeBar(
        tf,
        old.tsOpen,
        old.tsEvent,
        open,
        Math.max(old.high, price),
        Math.min(old.low, price),
        close,
        old.volume + size,
        old.count + 1,
        old.revision + 1,
        stamp,
      );
      found.bar = bar;
    } else {
      // A flat bar, or an interval that was skipped as empty: this event is its only content.
      bar = this.makeBar(
        tf,
        iv.start,
        iv.end,
        price,
        price,
        price,
        price,
        size,
        1,
        (found?.bar.revision ?? 0) + 1,
        stamp,
      );
      if (found !== undefined) {
        found.bar = bar;
        found.openTs = t;
        found.closeTs = t;
      } else {
        if (history.length === this.window) history.shift();
        const insertAt = history.findIndex((h) => h.bar.tsOpen > iv.start);
        const entry = { bar, openTs: t, closeTs: t };
        if (insertAt < 0) history.push(entry);
        else history.splice(insertAt, 0, entry);
      }
    }
    this.nBars++;
    this.nCorrections++;
    this.emit(bar);
  }

  private dropLate(i: number, t: number, stamp: number, message: string): void {
    this.nLateDropped++;
    this.onHealth?.(
      healthEvent(
        t,
        stamp,
        this.component,
        'UP',
        'LATE_DATA',
        message,
        this.closedUpTo[i]! - t,
        this.instrumentId,
      ),
    );
  }

  private updateActivity(ts: number, price: number, size: number, tsInit: number): void {
    for (let j = 0; j < this.actCount; j++) {
      const type = this.actType[j]!;
      if (type === ACT_TICK) {
        this.addActivity(j, ts, price, size);
        if (this.actEvents[j]! >= this.actThreshold[j]!) this.emitActivity(j, this.clock?.nowUs() ?? tsInit);
        continue;
      }
      // Volume bars measure size; value bars measure |price| × size (a size portion = value / |price|).
      const unit = type === ACT_VOL ? 1 : Math.abs(price);
      let remaining = size * unit;
      const threshold = this.actThreshold[j]!;
      if (!(remaining > 0)) {
        // A print of no size measures nothing: it may move an open bar's prices, but opening a
        // bar with it would emit a bar of zero volume (or value).
        if (this.actEvents[j]! > 0) this.addActivity(j, ts, price, 0);
        continue;
      }
      for (;;) {
        const room = threshold - this.actAcc[j]!;
        if (remaining < room - threshold * FILL_EPSILON) {
          this.addActivity(j, ts, price, remaining / unit);
          this.actAcc[j]! += remaining;
          break;
        }
        this.addActivity(j, ts, price, room / unit);
        this.emitActivity(j, this.clock?.nowUs() ?? tsInit);
        remaining -= room;
        if (remaining <= threshold * FILL_EPSILON) break;
      }
    }
  }

  private addActivity(j: number, ts: number, price: number, size: number): void {
    if (this.actEvents[j]! === 0) {
      this.actOpen[j] = price;
      this.actHigh[j] = price;
      this.actLow[j] = price;
      this.actTsOpen[j] = ts;
      this.actTsLast[j] = ts;
      this.actVolume[j] = 0;
    } else {
      if (price > this.actHigh[j]!) this.actHigh[j] = price;
      if (price < this.actLow[j]!) this.actLow[j] = price;
      if (ts > this.actTsLast[j]!) this.actTsLast[j] = ts;
    }
    this.actClose[j] = price;
    this.actVolume[j]! += size;
    this.actEvents[j]!++;
  }

  private emitActivity(j: number, tsInit: number): void {
    const bar = this.makeBar(
      this.actNames[j]!,
      this.actTsOpen[j]!,
      this.actTsLast[j]!,
      this.actOpen[j]!,
      this.actHigh[j]!,
      this.actLow[j]!,
      this.actClose[j]!,
      this.actVolume[j]!,
      this.actEvents[j]!,
      0,
      tsInit,
    );
    this.actEvents[j] = 0;
    this.actAcc[j] = 0;
    this.nBars++;
    this.emit(bar);
  }

  private makeBar(
    timeframe: Timeframe,
    tsOpen: number,
    tsEvent: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    count: number,
    revision: number,
    tsInit: number,
  ): BarEvent {
    return {
      kind: 'bar',
      v: 1,
      tsEvent,
      tsInit,
      instrumentId: this.instrumentId,
      timeframe,
      source: this.source,
      tsOpen,
      open,
      high,
      low,
      close,
      volume,
      count,
      revision,
    };
  }

  /** Keeps one clock alarm at the earliest time a time bar (or a flat interval) can close. */
  private rearm(): void {
    const clock = this.watermarkClock;
    if (clock === undefined || this.disposed || this.timeCount === 0) return;
    let due = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.timeCount; i++) {
      if (this.isOpen(i)) due = Math.min(due, this.end[i]!);
      else if (this.flat && !Number.isNaN(this.lastClose[i]!)) {
        if (this.grids[i]!.nextInterval(this.closedUpTo[i]!, this.scratch2))
          due = Math.min(due, this.scratch2.end);
      }
    }
    if (due === Number.POSITIVE_INFINITY) return;
    due += this.lateness;
    if (due === this.alarmDue && this.alarm !== undefined) return;
    if (this.alarm !== undefined) clock.cancel(this.alarm);
    this.alarmDue = due;
    this.alarm = clock.setAlarm(due, this.onAlarm, `bars:${this.instrumentId}`);
  }
}
