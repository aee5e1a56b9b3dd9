import {
  type AggressorSide,
  type CanonicalEvent,
  InvalidArgumentError,
  isUnixMicros,
  MICROS_PER_SECOND,
  microsFromDate,
  type QuoteEvent,
  Rng,
  type RngSeed,
  type Session,
  type TradeEvent,
  type UnixMicros,
} from '@quantkubera/core';
import { HawkesProcess } from './hawkes-process.js';
import { checkInstrument, type SyntheticInstrument } from './instruments.js';
import { OrderBookGenerator } from './order-book-generator.js';
import { JumpDiffusionPath } from './price-path.js';
import {
  SCENARIOS,
  type Scenario,
  type ScenarioName,
  type ScheduledEvent,
  type Segment,
} from './scenarios.js';
import { Increment } from './ticks.js';

/** Options of {@link generateMarket}. */
export interface GenerateMarketOptions {
  /** The seed: the same seed, instruments and window give the same events. */
  readonly seed: RngSeed;
  /** Instruments to generate (see `nseEquity`, `nseIndexFuture`, `cryptoSpot`). */
  readonly instruments: readonly SyntheticInstrument[];
  /** Window start (inclusive): epoch µs or an ISO-8601 string. */
  readonly start: UnixMicros | string;
  /** Window end (exclusive): epoch µs or an ISO-8601 string. */
  readonly end: UnixMicros | string;
  /** Emit `DepthEvent`s with every quote (default true). */
  readonly depth?: boolean;
}

const TRADE = 0;
const QUOTE = 1;

function toMicros(what: string, value: UnixMicros | string): UnixMicros {
  const us = typeof value === 'string' ? microsFromDate(value) : value;
  if (!isUnixMicros(us))
    throw new InvalidArgumentError(`generateMarket ${what}`, value, 'epoch µs or an ISO-8601 date');
  return us;
}

/**
 * One instrument's event stream: sessions from its calendar, segments and scheduled events from
 * the scenario, arrivals from its Hawkes process, the mid price from its jump-diffusion, quotes
 * around the mid and depth consistent with the quotes. Produces events in time order, lazily.
 */
class InstrumentStream {
  private readonly instrument: SyntheticInstrument;
  private readonly scenario: Scenario;
  private readonly startUs: number;
  private readonly endUs: number;
  private readonly hawkes: HawkesProcess;
  private readonly path: JumpDiffusionPath;
  private readonly book: OrderBookGenerator | undefined;
  private readonly rng: Rng;
  private readonly scenarioRng: Rng;
  private readonly tick: Increment;
  private readonly lot: Increment;
  private readonly queue: CanonicalEvent[] = [];
  private queueHead = 0;
  private cursorUs: number;
  private segments: readonly Segment[] = [];
  private scheduled: readonly ScheduledEvent[] = [];
  private segmentIndex = 0;
  private scheduledIndex = 0;
  private inSegment: Segment | undefined;
  private lastPriceSec = Number.NaN;
  private lastSegmentEndUs = Number.NaN;
  private sessionsSeen = 0;
  private done = false;
  private bidTicks = 0;
  private askTicks = 0;
  private bidLots = 0;
  private askLots = 0;
  private hasQuote = false;
  private tradeId = 0;

  constructor(
    instrument: SyntheticInstrument,
    scenario: Scenario,
    root: Rng,
    startUs: number,
    endUs: number,
    depth: boolean,
  ) {
    this.instrument = checkInstrument(instrument);
    this.scenario = scenario;
    this.startUs = startUs;
    this.endUs = endUs;
    this.cursorUs = startUs;
    const rng = root.fork(`instrument:${instrument.instrumentId}`);
    this.rng = rng.fork('market');
    this.scenarioRng = rng.fork('scenario');
    this.hawkes = new HawkesProcess(instrument.hawkes, rng.fork('arrivals'), 0);
    this.path = new JumpDiffusionPath(
      {
        initialPrice: instrument.initialPrice,
        drift: instrument.drift ?? 0,
        volatility: instrument.volatility,
        yearSeconds: instrument.yearSeconds,
        jumpIntensity: instrument.jumpIntensity,
        jumpMean: instrument.jumpMean,
        jumpStd: instrument.jumpStd,
      },
      rng.fork('price'),
    );
    this.book = depth
      ? new OrderBookGenerator(
          instrument.instrumentId,
          {
            tickSize: instrument.tickSize,
            lotSize: instrument.lotSize,
            levels: instrument.depthLevels,
            meanLevelLots: instrument.meanLevelLots,
          },
          rng.fork('book'),
        )
      : undefined;
    this.tick = new Increment(`${instrument.instrumentId} tickSize`, instrument.tickSize);
    this.lot = new Increment(`${instrument.instrumentId} lotSize`, instrument.lotSize);
  }

  /** The next event, or `undefined` when the window is exhausted. */
  next(): CanonicalEvent | undefined {
    while (this.queueHead === this.queue.length) {
      if (this.done) return undefined;
      this.queue.length = 0;
      this.queueHead = 0;
      this.step();
    }
    return this.queue[this.queueHead++];
  }

  private seconds(us: number): number {
    return (us - this.startUs) / MICROS_PER_SECOND;
  }

  /** Advances the simulation until it queues at least one event or ends. */
  private step(): void {
    if (this.inSegment !== undefined) {
      this.runSegment(this.inSegment);
      return;
    }
    if (this.scheduledIndex < this.scheduled.length) {
      const next = this.scheduled[this.scheduledIndex]!;
      const segment = this.segments[this.segmentIndex];
      if (segment === undefined || next.atUs <= segment.startUs) {
        this.scheduledIndex++;
        this.fire(next);
        return;
      }
    }
    const segment = this.segments[this.segmentIndex];
    if (segment !== undefined) {
      this.segmentIndex++;
      this.enterSegment(segment);
      return;
    }
    this.nextSession();
  }

  private nextSession(): void {
    const session = this.instrument.calendar.nextSession(this.cursorUs);
    if (session === undefined || (session.preOpenStartUs ?? session.openUs) >= this.endUs) {
      this.done = true;
      return;
    }
    this.cursorUs = session.closeUs;
    const plan = this.scenario.plan(session, {
      instrument: this.instrument,
      calendar: this.instrument.calendar,
      rng: this.scenarioRng,
    });
    this.segments = plan.segments
      .map((s) => ({
        ...s,
        startUs: Math.max(s.startUs, this.startUs),
        endUs: Math.min(s.endUs, this.endUs),
      }))
      .filter((s) => s.startUs < s.endUs);
    this.scheduled = plan.events.filter((e) => e.atUs >= this.startUs && e.atUs < this.endUs);
    this.segmentIndex = 0;
    this.scheduledIndex = 0;
    this.overnight(session);
  }

  /** An overnight gap between sessions carries a fraction of a session's variance. */
  private overnight(session: Session): void {
    if (this.sessionsSeen++ > 0 && this.instrument.overnightVarianceFraction > 0) {
      const sessionSeconds = (session.closeUs - session.openUs) / MICROS_PER_SECOND;
      this.path.advance(sessionSeconds * this.instrument.overnightVarianceFraction);
    }
    this.lastPriceSec = Number.NaN;
    this.lastSegmentEndUs = Number.NaN;
  }

  private enterSegment(segment: Segment): void {
    const startSec = this.seconds(segment.startUs);
    this.hawkes.advanceTo(startSec);
    this.hawkes.setBaselineScale(segment.intensity);
    // Price time runs only inside segments: a gap (closed hours, the pre-open to open pause) adds
    // no diffusion; contiguous segments carry the time since the last quote over.
    if (segment.startUs !== this.lastSegmentEndUs) this.lastPriceSec = startSec;
    this.lastSegmentEndUs = segment.endUs;
    this.inSegment = segment;
    this.runSegment(segment);
  }

  private runSegment(segment: Segment): void {
    const endSec = this.seconds(segment.endUs);
    // Loop until an event is queued: rejected trade arrivals in a quotes-only phase queue nothing.
    while (this.queueHead === this.queue.length) {
      const type = this.hawkes.next(endSec);
      if (type < 0) {
        this.inSegment = undefined;
        return;
      }
      const t = this.hawkes.time;
      const us = Math.min(
        Math.max(this.startUs + Math.round(t * MICROS_PER_SECOND), segment.startUs),
        segment.endUs - 1,
      );
      if (type === QUOTE || !this.hasQuote) this.requote(us, t, segment);
      if (type === TRADE && segment.trades) this.trade(us, segment);
    }
  }

  private fire(event: ScheduledEvent): void {
    const t = this.seconds(event.atUs);
    this.hawkes.advanceTo(t);
    if (event.kind === 'jump') {
      this.path.jump(event.logReturn);
      this.requote(event.atUs, t, undefined);
      return;
    }
    if (!this.hasQuote) this.requote(event.atUs, t, undefined);
    const price = this.tick.toValue(this.tick.toCount(this.path.price));
    this.pushTrade(event.atUs, price, this.lot.toValue(event.lots), 'NONE');
  }

  /** Moves the mid along the price path and queues a new quote (and its depth). */
  private requote(us: number, t: number, segment: Segment | undefined): void {
    const dt = Number.isNaN(this.lastPriceSec) ? 0 : Math.max(0, t - this.lastPriceSec);
    this.lastPriceSec = t;
    const mid = this.path.advance(dt, segment?.volatility ?? 1);
    const extra = this.instrument.extraSpreadTicks * (segment?.spread ?? 1);
    // Geometric number of extra ticks with mean `extra`: the spread is at least one tick.
    const spreadTicks = 1 + (extra > 0 ? Math.floor(this.rng.exponential(Math.log1p(1 / extra))) : 0);
    const bid = Math.max(1, this.tick.floorCount(mid - (spreadTicks * this.instrument.tickSize) / 2));
    this.bidTicks = bid;
    this.askTicks = bid + spreadTicks;
    const meanLots = this.instrument.meanLevelLots;
    this.bidLots = 1 + Math.floor(this.rng.exponential(1 / meanLots));
    this.askLots = 1 + Math.floor(this.rng.exponential(1 / meanLots));
    this.hasQuote = true;
    const quote: QuoteEvent = {
      kind: 'quote',
      v: 1,
      tsEvent: us,
      tsInit: us,
      instrumentId: this.instrument.instrumentId,
      bidPrice: this.tick.toValue(this.bidTicks),
      bidSize: this.lot.toValue(this.bidLots),
      askPrice: this.tick.toValue(this.askTicks),
      askSize: this.lot.toValue(this.askLots),
    };
    this.queue.push(quote);
    if (this.book !== undefined) {
      this.queue.push(this.book.update(us, us, this.bidTicks, this.bidLots, this.askTicks, this.askLots));
    }
  }

  private trade(us: number, segment: Segment): void {
    const buyer = this.rng.nextDouble() < 0.5;
    const mean = this.instrument.meanTradeLots * Math.sqrt(segment.intensity);
    const lots = 1 + Math.floor(this.rng.exponential(1 / Math.max(mean - 1, 1e-9)));
    this.pushTrade(
      us,
      this.tick.toValue(buyer ? this.askTicks : this.bidTicks),
      this.lot.toValue(lots),
      buyer ? 'BUYER' : 'SELLER',
    );
  }

  private pushTrade(us: number, price: number, size: number, aggressor: AggressorSide): void {
    const trade: TradeEvent = {
      kind: 'trade',
      v: 1,
      tsEvent: us,
      tsInit: us,
      instrumentId: this.instrument.instrumentId,
      price,
      size,
      aggressor,
      tradeId: String(++this.tradeId),
    };
    this.queue.push(trade);
  }
}

/**
 * Generates a synthetic market, lazily and deterministically: the events of every instrument
 * over [start, end), merged in time order (ties by instrument order, then generation order).
 * Each instrument draws from its own fork of the seed, so adding an instrument does not change
 * the others. A day of ticks never has to fit in memory.
 *
 * @example
 * ```ts
 * for (const event of generateMarket('news-spike', {
 *   seed: 7,
 *   instruments: [nseEquity(), cryptoSpot()],
 *   start: '2024-11-04T00:00:00Z',
 *   end: '2024-11-05T00:00:00Z',
 * })) bus.publish(event);
 * ```
 */
export function generateMarket(
  scenario: Scenario | ScenarioName,
  options: GenerateMarketOptions,
): IterableIterator<CanonicalEvent> {
  const chosen = typeof scenario === 'string' ? SCENARIOS[scenario] : scenario;
  if (chosen === undefined) {
    throw new InvalidArgumentError(
      'generateMarket scenario',
      scenario,
      `one of ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  const startUs = toMicros('start', options.start);
  const endUs = toMicros('end', options.end);
  if (endUs <= startUs)
    throw new InvalidArgumentError('generateMarket end', options.end, 'a time after start');
  const ids = options.instruments.map((i) => i.instrumentId);
  if (ids.length === 0 || new Set(ids).size !== ids.length) {
    throw new InvalidArgumentError(
      'generateMarket instruments',
      ids,
      'at least one instrument, distinct ids',
    );
  }
  const root = new Rng(options.seed);
  const streams = options.instruments.map(
    (i) => new InstrumentStream(i, chosen, root, startUs, endUs, options.depth ?? true),
  );
  return mergeStreams(streams);
}

/** A k-way merge of the streams' heads by (tsEvent, stream index). */
function* mergeStreams(streams: readonly InstrumentStream[]): IterableIterator<CanonicalEvent> {
  const heads: (CanonicalEvent | undefined)[] = streams.map((s) => s.next());
  // k is small (instruments): a linear scan beats a heap's bookkeeping.
  for (;;) {
    let best = -1;
    let bestTs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && h.tsEvent < bestTs) {
        best = i;
        bestTs = h.tsEvent;
      }
    }
    if (best < 0) return;
    yield heads[best]!;
    heads[best] = streams[best]!.next();
  }
}
