import type { Clock } from '../clock/clock.js';
import type { UnixMicros } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import { parseTimeframe, type Timeframe, type TimeframeSpec } from '../identifiers/index.js';
import type { BarEvent } from '../schemas/index.js';
import { BarGrid, type BarInterval } from './bar-grid.js';
import { type HealthSink, healthEvent } from './health.js';
import type { EmptyBarPolicy } from './multi-timeframe-aggregator.js';
import { cryptoCalendar, type SessionCalendar } from './session-calendar.js';

/** Options of a {@link CompositeBarAggregator}. */
export interface CompositeBarAggregatorOptions {
  /** The timeframe to build (`5m`, `1h`, `1d`, `1000tick`). */
  readonly timeframe: Timeframe;
  /** The timeframe of the input bars (`1m`, `100tick`); it must tile `timeframe`. */
  readonly sourceTimeframe: Timeframe;
  /** The calendar of the input bars (default 24×7 UTC). */
  readonly calendar?: SessionCalendar;
  /** Empty intervals of the output timeframe; default `'skip'`. */
  readonly emptyBars?: EmptyBarPolicy;
  /** Output bars kept for corrections (default 64). */
  readonly correctionWindow?: number;
  /** Stamps `tsInit`; without it, `tsInit` is the triggering input bar's. */
  readonly clock?: Clock;
  /** The `component` of health events (default `bars`). */
  readonly component?: string;
  /** Receives every output bar. */
  readonly onBar: (bar: BarEvent) => void;
  /** Receives `LATE_DATA` reports. */
  readonly onHealth?: HealthSink;
}

/** Counters of a {@link CompositeBarAggregator}. */
export interface CompositeStats {
  /** Input bars folded. */
  readonly inputs: number;
  /** Output bars emitted, corrections and flat bars included. */
  readonly bars: number;
  /** Of `bars`, re-emissions with revision > 0. */
  readonly corrections: number;
  /** Input corrections older than the correction window: dropped and reported. */
  readonly lateDropped: number;
  /** Input bars of another timeframe or instrument, or not aligned to the output grid. */
  readonly ignored: number;
}

interface Parent {
  bar: BarEvent | undefined;
  readonly start: number;
  readonly end: number;
  readonly children: BarEvent[];
}

function tiles(parent: TimeframeSpec, child: TimeframeSpec): boolean {
  const sub = (u: string) => u === 's' || u === 'm' || u === 'h';
  if (child.unit === 'tick' || parent.unit === 'tick') {
    return child.unit === 'tick' && parent.unit === 'tick' && parent.step % child.step === 0;
  }
  if (child.durationUs === undefined || parent.durationUs === undefined) return false;
  if (sub(parent.unit)) return sub(child.unit) && parent.durationUs % child.durationUs === 0;
  if (sub(child.unit)) return true;
  if (parent.unit === 'd') return child.unit === 'd' && parent.step % child.step === 0;
  return child.unit === 'd' ? child.step === 1 : parent.step % child.step === 0;
}

/**
 * Builds bars of a larger timeframe from bars of a smaller one (5m from 1m, 1d from 1h, 1000tick
 * from 100tick), equal to aggregating the underlying events directly: open from the first
 * non-empty input, close from the last, high/low extremes, volume and count summed; flat inputs
 * only add their (zero) volume. Input corrections (revision > 0) update the output bar they fall
 * in and re-emit it with revision + 1.
 *
 * Time outputs need time inputs on the same calendar whose grid tiles theirs (the output step is
 * a multiple of the input's; any intraday input tiles `d` and `w`; a `w` output takes `1d`
 * inputs). Tick outputs take tick inputs of a dividing step. Volume and value bars cannot be
 * composed exactly (a trade split across input bars counts in each), so they are refused.
 *
 * An output bar closes when its last input interval arrives or an input beyond its end does;
 * `advanceWatermark(now)` closes it on time otherwise.
 *
 * @example
 * ```ts
 * const fiveMin = new CompositeBarAggregator({ timeframe: '5m', sourceTimeframe: '1m', calendar, onBar });
 * const oneMin = new MultiTimeframeAggregator({ instrumentId, timeframes: ['1m'], calendar, onBar: (b) => fiveMin.onBar(b) });
 * ```
 */
export class CompositeBarAggregator {
  /** The output timeframe. */
  readonly timeframe: Timeframe;
  /** The input timeframe. */
  readonly sourceTimeframe: Timeframe;
  private readonly grid: BarGrid | undefined;
  private readonly tickRatio: number;
  private readonly flat: boolean;
  private readonly window: number;
  private readonly clock: Clock | undefined;
  private readonly component: string;
  private readonly emit: (bar: BarEvent) => void;
  private readonly onHealth: HealthSink | undefined;
  private readonly scratch: BarInterval = { start: 0, end: 0 };
  private instrumentId: string | undefined;
  private current: Parent | undefined;
  private closedUpTo = Number.NEGATIVE_INFINITY;
  private lastClose = Number.NaN;
  private lastSource: BarEvent | undefined;
  private readonly history: Parent[] = [];
  private nInputs = 0;
  private nBars = 0;
  private nCorrections = 0;
  private nLate = 0;
  private nIgnored = 0;

  /** Validates that `sourceTimeframe` tiles `timeframe`; throws `InvalidArgumentError` otherwise. */
  constructor(options: CompositeBarAggregatorOptions) {
    const parent = parseTimeframe(options.timeframe);
    const child = parseTimeframe(options.sourceTimeframe);
    if (!tiles(parent, child) || options.timeframe === options.sourceTimeframe) {
      throw new InvalidArgumentError(
        'CompositeBarAggregator sourceTimeframe',
        options.sourceTimeframe,
        `a different timeframe whose bars tile ${options.timeframe} exactly (time from time, tick from tick)`,
      );
    }
    this.timeframe = options.timeframe;
    this.sourceTimeframe = options.sourceTimeframe;
    this.grid =
      parent.durationUs === undefined
        ? undefined
        : new BarGrid(options.timeframe, options.calendar ?? cryptoCalendar());
    this.tickRatio = parent.durationUs === undefined ? parent.step / child.step : 0;
    const empty = options.emptyBars ?? 'skip';
    if (empty !== 'skip' && empty !== 'flat') {
      throw new InvalidArgumentError('CompositeBarAggregator emptyBars', empty, "'skip' or 'flat'");
    }
    this.flat = empty === 'flat';
    const window = options.correctionWindow ?? 64;
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new InvalidArgumentError('CompositeBarAggregator correctionWindow', window, 'an integer >= 1');
    }
    this.window = window;
    this.clock = options.clock;
    this.component = options.component ?? 'bars';
    this.emit = options.onBar;
    this.onHealth = options.onHealth;
  }

  /** Live counters. */
  get stats(): CompositeStats {
    return {
      inputs: this.nInputs,
      bars: this.nBars,
      corrections: this.nCorrections,
      lateDropped: this.nLate,
      ignored: this.nIgnored,
    };
  }

  /** Folds one input bar (or a correction of one). */
  onBar(input: BarEvent): void {
    if (
      input.timeframe !== this.sourceTimeframe ||
      (this.instrumentId ?? input.instrumentId) !== input.instrumentId
    ) {
      this.nIgnored++;
      return;
    }
    this.instrumentId = input.instrumentId;
    this.nInputs++;
    this.lastSource = input;
    if (this.grid === undefined) this.onTickBar(input);
    else this.onTimeBar(this.grid, input);
  }

  /**
   * Closes the open output bar if `nowUs` is at or past its end, and under `'flat'` emits flat
   * bars for empty output intervals ending at or before `nowUs`.
   */
  advanceWatermark(nowUs: UnixMicros): void {
    if (this.grid === undefined) return;
    const stamp = this.clock?.nowUs() ?? nowUs;
    if (this.current !== undefined && this.current.end <= nowUs) this.closeCurrent(stamp);
    if (this.current === undefined) this.fillFlat(this.grid, nowUs, stamp);
  }

  /** Emits the open output bar as it stands (the end of a replay). */
  flush(tsInit?: UnixMicros): void {
    if (this.current === undefined) return;
    this.closeCurrent(this.clock?.nowUs() ?? tsInit ?? this.current.end);
  }

  private stampFor(input: BarEvent): number {
    return this.clock?.nowUs() ?? input.tsInit;
  }

  private onTickBar(input: BarEvent): void {
    if (input.revision > 0) {
      // Tick bars are never corrected by the aggregator; a revision here is foreign input.
      this.nIgnored++;
      return;
    }
    const current = this.current ?? { bar: undefined, start: input.tsOpen, end: input.tsEvent, children: [] };
    this.current = current;
    current.children.push(input);
    if (current.children.length >= this.tickRatio) this.closeCurrent(this.stampFor(input));
  }

  private onTimeBar(grid: BarGrid, input: BarEvent): void {
    const iv = this.scratch;
    if (!grid.intervalAt(input.tsOpen, iv) || input.tsEvent > iv.end) {
      this.nIgnored++;
      return;
    }
    const start = iv.start;
    const end = iv.end;
    const stamp = this.stampFor(input);
    const current = this.current;
    if (current !== undefined && current.start === start) {
      upsert(current.children, input);
      if (input.tsEvent >= end) this.closeCurrent(stamp);
      return;
    }
    if (start >= (current === undefined ? this.closedUpTo : current.end)) {
      if (current !== undefined) this.closeCurrent(stamp);
      if (this.flat && !Number.isNaN(this.lastClose)) this.fillFlat(grid, start, stamp);
      this.current = { bar: undefined, start, end, children: [input] };
      this.closedUpTo = start;
      if (input.tsEvent >= end) this.closeCurrent(stamp);
      return;
    }
    this.correct(start, end, input, stamp);
  }

  private correct(start: number, end: number, input: BarEvent, stamp: number): void {
    const history = this.history;
    let at = history.length - 1;
    while (at >= 0 && history[at]!.start > start) at--;
    let parent = at >= 0 && history[at]!.start === start ? history[at] : undefined;
    if (parent === undefined) {
      if (history.length === this.window && start < history[0]!.start) {
        this.nLate++;
        this.onHealth?.(
          healthEvent(
            input.tsEvent,
            stamp,
            this.component,
            'UP',
            'LATE_DATA',
            `${this.timeframe}: correction of the ${this.sourceTimeframe} bar at ${input.tsOpen} is older than the correction window of ${this.window} bars; dropped`,
            this.closedUpTo - input.tsOpen,
            input.instrumentId,
          ),
        );
        return;
      }
      parent = { bar: undefined, start, end, children: [] };
      if (history.length === this.window) history.shift();
      const insertAt = history.findIndex((h) => h.start > start);
      if (insertAt < 0) history.push(parent);
      else history.splice(insertAt, 0, parent);
    }
    upsert(parent.children, input);
    const bar = this.fold(parent, (parent.bar?.revision ?? 0) + 1, stamp, this.lastClose);
    if (bar === undefined) return;
    parent.bar = bar;
    this.nBars++;
    this.nCorrections++;
    this.emit(bar);
  }

  private closeCurrent(stamp: number): void {
    const parent = this.current!;
    this.current = undefined;
    this.closedUpTo = parent.end;
    const bar = this.fold(parent, 0, stamp, this.lastClose);
    if (this.grid !== undefined) {
      if (this.history.length === this.window) this.history.shift();
      this.history.push(parent);
    }
    if (bar === undefined) return;
    parent.bar = bar;
    this.lastClose = bar.close;
    this.nBars++;
    this.emit(bar);
  }

  private fillFlat(grid: BarGrid, limit: number, stamp: number): void {
    if (!this.flat || Number.isNaN(this.lastClose)) return;
    const iv = this.scratch;
    while (grid.nextInterval(this.closedUpTo, iv) && iv.end <= limit) {
      const parent: Parent = { bar: undefined, start: iv.start, end: iv.end, children: [] };
      const bar = this.fold(parent, 0, stamp, this.lastClose)!;
      parent.bar = bar;
      if (this.history.length === this.window) this.history.shift();
      this.history.push(parent);
      this.closedUpTo = iv.end;
      this.nBars++;
      this.emit(bar);
    }
  }

  /** The output bar of `parent`, or `undefined` for an empty interval under `'skip'`. */
  private fold(parent: Parent, revision: number, stamp: number, flatPrice: number): BarEvent | undefined {
    let open = Number.NaN;
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    let close = Number.NaN;
    let volume = 0;
    let count = 0;
    for (const c of parent.children) {
      volume += c.volume;
      if (c.count === 0) continue;
      if (count === 0) open = c.open;
      close = c.close;
      if (c.high > high) high = c.high;
      if (c.low < low) low = c.low;
      count += c.count;
    }
    const isTick = this.grid === undefined;
    const first = parent.children[0];
    if (count === 0) {
      if (!this.flat) return undefined;
      // All inputs flat (or none): a flat bar at the previous close.
      const price = first?.open ?? flatPrice;
      if (Number.isNaN(price)) return undefined;
      open = price;
      high = price;
      low = price;
      close = price;
    }
    const last = parent.children[parent.children.length - 1];
    return {
      kind: 'bar',
      v: 1,
      tsEvent: isTick ? Math.max(...parent.children.map((c) => c.tsEvent)) : parent.end,
      tsInit: stamp,
      instrumentId: this.instrumentId ?? last?.instrumentId ?? this.lastSource!.instrumentId,
      timeframe: this.timeframe,
      source: (first ?? this.lastSource!).source,
      tsOpen: isTick ? first!.tsOpen : parent.start,
      open,
      high,
      low,
      close,
      volume,
      count,
      revision,
    };
  }
}

/** Inserts `bar` by `tsOpen`, replacing an earlier revision of the same input interval. */
function upsert(children: BarEvent[], bar: BarEvent): void {
  let at = children.length - 1;
  while (at >= 0 && children[at]!.tsOpen > bar.tsOpen) at--;
  if (at >= 0 && children[at]!.tsOpen === bar.tsOpen) children[at] = bar;
  else children.splice(at + 1, 0, bar);
}
