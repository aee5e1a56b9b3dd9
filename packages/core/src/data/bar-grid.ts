import type { UnixMicros } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import { parseTimeframe, type Timeframe, type TimeframeSpec } from '../identifiers/index.js';
import type { Session, SessionCalendar } from './session-calendar.js';

/** A bar interval [start, end), filled in place by {@link BarGrid} lookups so they allocate nothing. */
export interface BarInterval {
  /** Bar start (inclusive), epoch µs. */
  start: UnixMicros;
  /** Bar end (exclusive), epoch µs: the bar's `tsEvent` when it closes. */
  end: UnixMicros;
}

/** True for timeframes measured in time (`s`, `m`, `h`, `d`, `w`), false for tick/volume/value bars. */
export function isTimeTimeframe(spec: TimeframeSpec): boolean {
  return spec.durationUs !== undefined;
}

// 1970-01-05 (local day 4) was the first Monday after the epoch: weekly groups start there.
const FIRST_MONDAY = 4;

/**
 * The time-bar grid of one timeframe on one session calendar.
 *
 * - Sub-day units (`s`, `m`, `h`) tile each session from its open: NSE 5m bars are 09:15, 09:20,
 *   …; crypto bars start at UTC midnight. The last bar of a session ends at the close and may be
 *   short (NSE 1h: 15:15–15:30; crypto 7m: 23:55–24:00). Nothing spans two sessions.
 * - `d` bars group the sessions of N local calendar days counted from 1970-01-01 (`1d` = one
 *   session); `w` bars group the sessions of N ISO weeks (Monday first) counted from 1970-01-05.
 *   They start at the first session's open and end at the last session's close.
 */
export class BarGrid {
  /** The timeframe string. */
  readonly timeframe: Timeframe;
  /** The parsed timeframe. */
  readonly spec: TimeframeSpec;
  /** The calendar the grid follows. */
  readonly calendar: SessionCalendar;
  private readonly durationUs: number;
  private readonly groupDays: number;
  private readonly weekly: boolean;

  /** Builds the grid; throws `InvalidArgumentError` for tick, volume and value timeframes. */
  constructor(timeframe: Timeframe, calendar: SessionCalendar) {
    const spec = parseTimeframe(timeframe);
    if (spec.durationUs === undefined) {
      throw new InvalidArgumentError('BarGrid timeframe', timeframe, 'a time timeframe (s, m, h, d or w)');
    }
    this.timeframe = timeframe;
    this.spec = spec;
    this.calendar = calendar;
    this.durationUs = spec.durationUs;
    this.weekly = spec.unit === 'w';
    this.groupDays = spec.unit === 'd' ? spec.step : spec.unit === 'w' ? 7 * spec.step : 0;
  }

  /** True when bars span whole sessions (`d`, `w`), false for intraday units. */
  get sessionGrouped(): boolean {
    return this.groupDays > 0;
  }

  /**
   * Fills `out` with the bar containing `tsUs`, which must be inside a session's regular hours.
   * Returns false (leaving `out` untouched) when `tsUs` is outside every session.
   */
  intervalAt(tsUs: UnixMicros, out: BarInterval): boolean {
    const session = this.calendar.sessionAt(tsUs);
    if (session === undefined) return false;
    if (this.groupDays > 0) return this.groupInterval(session, out);
    const k = Math.floor((tsUs - session.openUs) / this.durationUs);
    out.start = session.openUs + k * this.durationUs;
    out.end = Math.min(out.start + this.durationUs, session.closeUs);
    return true;
  }

  /**
   * Fills `out` with the first bar starting at or after `fromUs`, where `fromUs` is a bar
   * boundary (the end of a previous bar) or any instant outside a session. Returns false when the
   * calendar has no further session within its search horizon.
   */
  nextInterval(fromUs: UnixMicros, out: BarInterval): boolean {
    if (this.groupDays === 0) {
      const current = this.calendar.sessionAt(fromUs);
      if (current !== undefined) {
        out.start = fromUs;
        out.end = Math.min(fromUs + this.durationUs, current.closeUs);
        return true;
      }
    }
    const next = this.calendar.nextOpen(fromUs);
    if (next === undefined) return false;
    if (this.groupDays > 0) return this.groupInterval(next, out);
    out.start = next.openUs;
    out.end = Math.min(next.openUs + this.durationUs, next.closeUs);
    return true;
  }

  private groupInterval(session: Session, out: BarInterval): boolean {
    const anchor = this.weekly ? FIRST_MONDAY : 0;
    const group = Math.floor((session.day - anchor) / this.groupDays);
    const firstDay = anchor + group * this.groupDays;
    let first: Session | undefined;
    let last: Session | undefined;
    for (let day = firstDay; day < firstDay + this.groupDays; day++) {
      const s = this.calendar.sessionOnDay(day);
      if (s === undefined) continue;
      first ??= s;
      last = s;
    }
    // `session` itself is in the group, so first and last exist.
    out.start = first!.openUs;
    out.end = last!.closeUs;
    return true;
  }
}
