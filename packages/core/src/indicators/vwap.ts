import type { UnixMicros } from '../clock/time.js';
import type { SessionCalendar } from '../data/session-calendar.js';
import type { BarLike, Indicator } from './indicator.js';

/** Options of a {@link Vwap}. */
export interface VwapOptions {
  /** Anchor to this calendar's sessions (reset at each new session); without it, never reset. */
  readonly calendar?: SessionCalendar;
}

/**
 * Volume-weighted average price, anchored to the session: Σ price × volume / Σ volume since the
 * session began. An input at or after the current session's close starts the next session (a
 * pre-open input belongs to the session about to open). Ready once any volume has traded; NaN
 * before.
 *
 * @example
 * ```ts
 * const vwap = new Vwap({ calendar: nseCalendar() });
 * bus.subscribe('trade', (t) => vwap.update(t.tsEvent, t.price, t.size));
 * ```
 */
export class Vwap implements Indicator {
  /** `VWAP`. */
  readonly name = 'VWAP';
  private readonly calendar: SessionCalendar | undefined;
  private anchorEnd = Number.NEGATIVE_INFINITY;
  private anchorStart = Number.NaN;
  private pv = 0;
  private volume = 0;
  private n = 0;
  private current = Number.NaN;

  /** Creates a VWAP; see {@link VwapOptions}. */
  constructor(options: VwapOptions = {}) {
    this.calendar = options.calendar;
  }

  /** The latest value; NaN before any volume this session. */
  get value(): number {
    return this.current;
  }

  /** Inputs seen since construction or reset (all sessions). */
  get count(): number {
    return this.n;
  }

  /** True once volume has traded in the current session. */
  get isReady(): boolean {
    return this.volume > 0;
  }

  /** Open of the current anchor session, or NaN (unanchored, or before any input). */
  get sessionOpenUs(): number {
    return this.anchorStart;
  }

  /** Adds a trade (or a bar's representative price) at `tsUs`. */
  update(tsUs: UnixMicros, price: number, volume: number): number {
    if (tsUs >= this.anchorEnd) this.startSession(tsUs);
    this.n++;
    this.pv += price * volume;
    this.volume += volume;
    this.current = this.volume > 0 ? this.pv / this.volume : Number.NaN;
    return this.current;
  }

  /** Adds a bar at its typical price (high + low + close) / 3, anchored by its open time. */
  updateBar(bar: BarLike): number {
    return this.update(bar.tsOpen, (bar.high + bar.low + bar.close) / 3, bar.volume);
  }

  /** Forgets every input and the session anchor. */
  reset(): void {
    this.anchorEnd = Number.NEGATIVE_INFINITY;
    this.anchorStart = Number.NaN;
    this.pv = 0;
    this.volume = 0;
    this.n = 0;
    this.current = Number.NaN;
  }

  private startSession(tsUs: number): void {
    this.pv = 0;
    this.volume = 0;
    this.current = Number.NaN;
    const session = this.calendar?.nextSession(tsUs);
    this.anchorEnd = session?.closeUs ?? Number.POSITIVE_INFINITY;
    this.anchorStart = session?.openUs ?? Number.NaN;
  }
}
