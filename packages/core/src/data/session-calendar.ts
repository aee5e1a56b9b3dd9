import { MICROS_PER_DAY, MICROS_PER_MINUTE, MICROS_PER_SECOND, type UnixMicros } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A one-off session on a given local date that replaces the regular one (NSE Muhurat trading). */
export interface SpecialSession {
  /** Local date `YYYY-MM-DD`. */
  readonly date: string;
  /** Local open `HH:MM` or `HH:MM:SS`. */
  readonly open: string;
  /** Local close, after `open`, at most `24:00`. */
  readonly close: string;
  /** Local start of the pre-open order collection, if the session has one. */
  readonly preOpenStart?: string;
  /** Local start of pre-open order matching (between `preOpenStart` and `open`). */
  readonly preOpenMatch?: string;
}

/**
 * How a venue trades, as data: a fixed UTC offset (no DST: IST and UTC have none), trading
 * weekdays, regular hours, an optional pre-open, holidays and special sessions. Holidays are
 * whatever list the caller supplies: there is no built-in year of holidays pretending to be
 * complete.
 */
export interface SessionCalendarSpec {
  /** A label for messages: `NSE`, `CRYPTO`. */
  readonly name: string;
  /** Offset of local time from UTC in minutes (IST: 330). Fixed: zones with DST are not modelled. */
  readonly utcOffsetMinutes: number;
  /** Weekdays with a regular session. */
  readonly tradingDays: readonly IsoWeekday[];
  /** Local open `HH:MM` or `HH:MM:SS`. */
  readonly open: string;
  /** Local close, after `open`, at most `24:00` (sessions do not cross local midnight). */
  readonly close: string;
  /** Local start of the pre-open order collection (NSE `09:00`), if any. */
  readonly preOpenStart?: string;
  /** Local start of pre-open matching (NSE `09:08`); between `preOpenStart` and `open`. */
  readonly preOpenMatch?: string;
  /** Local dates `YYYY-MM-DD` with no regular session. */
  readonly holidays?: readonly string[];
  /** One-off sessions; each replaces the regular session (or the holiday) of its date. */
  readonly specialSessions?: readonly SpecialSession[];
}

/** One trading session: a local date and its absolute bounds. */
export interface Session {
  /** Local date `YYYY-MM-DD`. */
  readonly date: string;
  /** Local day number: days since 1970-01-01 in the calendar's local time. */
  readonly day: number;
  /** Regular open (inclusive), epoch µs. */
  readonly openUs: UnixMicros;
  /** Regular close (exclusive), epoch µs. */
  readonly closeUs: UnixMicros;
  /** Pre-open order collection start, or `undefined` without a pre-open. */
  readonly preOpenStartUs: UnixMicros | undefined;
  /** Pre-open matching start, or `undefined`. */
  readonly preOpenMatchUs: UnixMicros | undefined;
}

/** The market phase at an instant. */
export type SessionPhase = 'CLOSED' | 'PRE_OPEN' | 'PRE_OPEN_MATCHING' | 'OPEN';

/** How far {@link SessionCalendar.nextSession} looks ahead before giving up (days). */
export const SESSION_SEARCH_DAYS = 3_660;

const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses local `HH:MM[:SS]` to microseconds after local midnight (`24:00` allowed). */
function parseLocalTime(what: string, text: string): number {
  const m = TIME_PATTERN.exec(text);
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  const seconds = m?.[3] === undefined ? 0 : Number(m[3]);
  const total = (hours * 60 + minutes) * 60 + seconds;
  if (m === null || minutes > 59 || seconds > 59 || total > 86_400) {
    throw new InvalidArgumentError(what, text, 'a local time HH:MM or HH:MM:SS between 00:00 and 24:00');
  }
  return total * MICROS_PER_SECOND;
}

/** Parses `YYYY-MM-DD` to a day number since 1970-01-01; throws on an impossible date. */
export function dayFromDate(what: string, text: string): number {
  const m = DATE_PATTERN.exec(text);
  if (m !== null) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const back = new Date(ms);
    if (back.getUTCFullYear() === Number(m[1]) && back.getUTCMonth() === Number(m[2]) - 1) {
      return Math.round(ms / 86_400_000);
    }
  }
  throw new InvalidArgumentError(what, text, 'a date YYYY-MM-DD');
}

/** Formats a day number since 1970-01-01 as `YYYY-MM-DD`. */
export function dateFromDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a day number; 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): IsoWeekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

interface Hours {
  readonly open: number;
  readonly close: number;
  readonly preOpenStart: number | undefined;
  readonly preOpenMatch: number | undefined;
}

function parseHours(
  where: string,
  open: string,
  close: string,
  preOpenStart: string | undefined,
  preOpenMatch: string | undefined,
): Hours {
  const o = parseLocalTime(`${where} open`, open);
  const c = parseLocalTime(`${where} close`, close);
  if (c <= o) throw new InvalidArgumentError(`${where} close`, close, `a time after the open ${open}`);
  const ps = preOpenStart === undefined ? undefined : parseLocalTime(`${where} preOpenStart`, preOpenStart);
  const pm = preOpenMatch === undefined ? undefined : parseLocalTime(`${where} preOpenMatch`, preOpenMatch);
  if (ps !== undefined && ps >= o) {
    throw new InvalidArgumentError(`${where} preOpenStart`, preOpenStart, `a time before the open ${open}`);
  }
  if (pm !== undefined && (ps === undefined || pm <= ps || pm > o)) {
    throw new InvalidArgumentError(
      `${where} preOpenMatch`,
      preOpenMatch,
      'a time after preOpenStart and at or before the open',
    );
  }
  return { open: o, close: c, preOpenStart: ps, preOpenMatch: pm };
}

/**
 * Trading sessions of one venue, computed from a {@link SessionCalendarSpec}: which session
 * contains an instant, the next one, the market phase. Sessions are cached per local day, so
 * repeated lookups are cheap. Reused by bar aggregation (time bars align to session opens), VWAP
 * anchoring and order expiry (DAY orders end at the session close).
 *
 * @example
 * ```ts
 * const nse = nseCalendar({ holidays: ['2024-11-01'] });
 * const s = nse.sessionAt(microsFromDate('2024-11-04T05:00:00Z')); // 10:30 IST
 * s?.openUs; // 2024-11-04T03:45:00Z = 09:15 IST
 * nse.phaseAt(microsFromDate('2024-11-04T03:40:00Z')); // 'PRE_OPEN_MATCHING' (09:10 IST)
 * ```
 */
export class SessionCalendar {
  /** The spec's name. */
  readonly name: string;
  /** Local offset from UTC, µs. */
  readonly utcOffsetUs: number;
  private readonly regular: Hours;
  private readonly tradingDays: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<number>;
  private readonly special: ReadonlyMap<number, Hours>;
  private readonly cache = new Map<number, Session | null>();

  /** Validates `spec`; throws `InvalidArgumentError` naming the bad field. */
  constructor(spec: SessionCalendarSpec) {
    if (typeof spec.name !== 'string' || spec.name.length === 0) {
      throw new InvalidArgumentError('SessionCalendar name', spec.name, 'a non-empty string');
    }
    const offset = spec.utcOffsetMinutes;
    if (!Number.isInteger(offset) || offset < -14 * 60 || offset > 14 * 60) {
      throw new InvalidArgumentError(
        `SessionCalendar ${spec.name} utcOffsetMinutes`,
        offset,
        'an integer number of minutes in [-840, 840]',
      );
    }
    this.name = spec.name;
    this.utcOffsetUs = offset * MICROS_PER_MINUTE;
    this.regular = parseHours(
      `SessionCalendar ${spec.name}`,
      spec.open,
      spec.close,
      spec.preOpenStart,
      spec.preOpenMatch,
    );
    for (const d of spec.tradingDays) {
      if (!Number.isInteger(d) || d < 1 || d > 7) {
        throw new InvalidArgumentError(
          `SessionCalendar ${spec.name} tradingDays`,
          d,
          'ISO weekdays 1 (Mon) to 7 (Sun)',
        );
      }
    }
    this.tradingDays = new Set(spec.tradingDays);
    this.holidays = new Set(
      (spec.holidays ?? []).map((h, i) => dayFromDate(`SessionCalendar ${spec.name} holidays[${i}]`, h)),
    );
    const special = new Map<number, Hours>();
    (spec.specialSessions ?? []).forEach((s, i) => {
      const where = `SessionCalendar ${spec.name} specialSessions[${i}]`;
      special.set(
        dayFromDate(`${where} date`, s.date),
        parseHours(where, s.open, s.close, s.preOpenStart, s.preOpenMatch),
      );
    });
    this.special = special;
    if (this.tradingDays.size === 0 && special.size === 0) {
      throw new InvalidArgumentError(
        `SessionCalendar ${spec.name} tradingDays`,
        spec.tradingDays,
        'at least one weekday',
      );
    }
  }

  /** The local day number (days since 1970-01-01 local) of an instant. */
  localDay(tsUs: UnixMicros): number {
    return Math.floor((tsUs + this.utcOffsetUs) / MICROS_PER_DAY);
  }

  /** The session of local day `day`, or `undefined` on a weekend, a holiday or a closed day. */
  sessionOnDay(day: number): Session | undefined {
    const cached = this.cache.get(day);
    if (cached !== undefined) return cached ?? undefined;
    const hours = this.special.get(day) ?? (this.isRegularDay(day) ? this.regular : undefined);
    let session: Session | null = null;
    if (hours !== undefined) {
      const midnight = day * MICROS_PER_DAY - this.utcOffsetUs;
      session = {
        date: dateFromDay(day),
        day,
        openUs: midnight + hours.open,
        closeUs: midnight + hours.close,
        preOpenStartUs: hours.preOpenStart === undefined ? undefined : midnight + hours.preOpenStart,
        preOpenMatchUs: hours.preOpenMatch === undefined ? undefined : midnight + hours.preOpenMatch,
      };
    }
    this.cache.set(day, session);
    return session ?? undefined;
  }

  /** The session whose regular hours contain `tsUs` (open ≤ ts < close), or `undefined`. */
  sessionAt(tsUs: UnixMicros): Session | undefined {
    const s = this.sessionOnDay(this.localDay(tsUs));
    return s !== undefined && tsUs >= s.openUs && tsUs < s.closeUs ? s : undefined;
  }

  /**
   * The first session that has not closed at `tsUs` (close > ts): the current one while open,
   * otherwise the next to open. `undefined` if none within {@link SESSION_SEARCH_DAYS} days.
   */
  nextSession(tsUs: UnixMicros): Session | undefined {
    const first = this.localDay(tsUs);
    for (let day = first; day <= first + SESSION_SEARCH_DAYS; day++) {
      const s = this.sessionOnDay(day);
      if (s !== undefined && s.closeUs > tsUs) return s;
    }
    return undefined;
  }

  /** The first session opening at or after `tsUs`, or `undefined` within the search horizon. */
  nextOpen(tsUs: UnixMicros): Session | undefined {
    const first = this.localDay(tsUs);
    for (let day = first; day <= first + SESSION_SEARCH_DAYS; day++) {
      const s = this.sessionOnDay(day);
      if (s !== undefined && s.openUs >= tsUs) return s;
    }
    return undefined;
  }

  /** The last session that closed at or before `tsUs`, or `undefined` within the search horizon. */
  previousSession(tsUs: UnixMicros): Session | undefined {
    const first = this.localDay(tsUs);
    for (let day = first; day >= first - SESSION_SEARCH_DAYS; day--) {
      const s = this.sessionOnDay(day);
      if (s !== undefined && s.closeUs <= tsUs) return s;
    }
    return undefined;
  }

  /**
   * The session whose pre-open contains `tsUs` (preOpenStart ≤ ts < open), or `undefined`.
   * Pre-open events belong to that session's first bar when aggregating.
   */
  preOpenSessionAt(tsUs: UnixMicros): Session | undefined {
    const s = this.sessionOnDay(this.localDay(tsUs));
    return s?.preOpenStartUs !== undefined && tsUs >= s.preOpenStartUs && tsUs < s.openUs ? s : undefined;
  }

  /** The market phase at `tsUs`. */
  phaseAt(tsUs: UnixMicros): SessionPhase {
    const s = this.sessionOnDay(this.localDay(tsUs));
    if (s === undefined || tsUs >= s.closeUs) return 'CLOSED';
    if (tsUs >= s.openUs) return 'OPEN';
    if (s.preOpenMatchUs !== undefined && tsUs >= s.preOpenMatchUs) return 'PRE_OPEN_MATCHING';
    if (s.preOpenStartUs !== undefined && tsUs >= s.preOpenStartUs) return 'PRE_OPEN';
    return 'CLOSED';
  }

  /** True while a regular session is open at `tsUs`. */
  isOpen(tsUs: UnixMicros): boolean {
    return this.sessionAt(tsUs) !== undefined;
  }

  /** The sessions that overlap [fromUs, toUs), in time order. */
  sessionsBetween(fromUs: UnixMicros, toUs: UnixMicros): Session[] {
    const out: Session[] = [];
    const last = this.localDay(toUs);
    for (let day = this.localDay(fromUs); day <= last; day++) {
      const s = this.sessionOnDay(day);
      if (s !== undefined && s.closeUs > fromUs && s.openUs < toUs) out.push(s);
    }
    return out;
  }

  private isRegularDay(day: number): boolean {
    return this.tradingDays.has(weekdayOfDay(day)) && !this.holidays.has(day);
  }
}

/** Options for the calendar presets. */
export interface CalendarPresetOptions {
  /** Local dates `YYYY-MM-DD` with no session (supply the exchange's published list). */
  readonly holidays?: readonly string[];
  /** One-off sessions (NSE Muhurat trading). */
  readonly specialSessions?: readonly SpecialSession[];
}

/**
 * NSE and BSE cash and F&O (NSE, BSE, NFO, BFO): Monday–Friday 09:15–15:30 IST (UTC+05:30, no
 * DST), pre-open order collection 09:00–09:08 and matching 09:08–09:15.
 *
 * @example
 * ```ts
 * const nse = nseCalendar({
 *   holidays: ['2024-11-01', '2024-11-15'],
 *   specialSessions: [{ date: '2024-11-01', open: '18:00', close: '19:00', preOpenStart: '17:45', preOpenMatch: '17:53' }],
 * });
 * ```
 */
export function nseCalendar(options: CalendarPresetOptions = {}): SessionCalendar {
  return new SessionCalendar({
    name: 'NSE',
    utcOffsetMinutes: 330,
    tradingDays: [1, 2, 3, 4, 5],
    open: '09:15',
    close: '15:30',
    preOpenStart: '09:00',
    preOpenMatch: '09:08',
    ...options,
  });
}

/** Crypto venues: every day 00:00–24:00 UTC, no pre-open, no holidays. */
export function cryptoCalendar(): SessionCalendar {
  return new SessionCalendar({
    name: 'CRYPTO',
    utcOffsetMinutes: 0,
    tradingDays: [1, 2, 3, 4, 5, 6, 7],
    open: '00:00',
    close: '24:00',
  });
}
