import { describe, expect, it } from 'vitest';
import { MICROS_PER_HOUR, MICROS_PER_MINUTE, microsFromDate } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import { BarGrid, type BarInterval } from './bar-grid.js';
import {
  cryptoCalendar,
  dateFromDay,
  dayFromDate,
  nseCalendar,
  SessionCalendar,
  weekdayOfDay,
} from './session-calendar.js';

const iso = (s: string) => microsFromDate(s);
const iv = (): BarInterval => ({ start: 0, end: 0 });

describe('SessionCalendar', () => {
  const nse = nseCalendar({
    holidays: ['2024-11-15'],
    specialSessions: [
      { date: '2024-11-01', open: '18:00', close: '19:00', preOpenStart: '17:45', preOpenMatch: '17:53' },
    ],
  });

  it('puts NSE sessions at 09:15–15:30 IST (03:45–10:00 UTC) on weekdays', () => {
    const s = nse.sessionAt(iso('2024-11-04T05:00:00Z'))!;
    expect(s.date).toBe('2024-11-04');
    expect(s.openUs).toBe(iso('2024-11-04T03:45:00Z'));
    expect(s.closeUs).toBe(iso('2024-11-04T10:00:00Z'));
    expect(s.preOpenStartUs).toBe(iso('2024-11-04T03:30:00Z'));
    expect(s.preOpenMatchUs).toBe(iso('2024-11-04T03:38:00Z'));
    expect(nse.sessionAt(iso('2024-11-04T10:00:00Z'))).toBeUndefined(); // close is exclusive
    expect(nse.sessionAt(iso('2024-11-04T03:45:00Z'))?.date).toBe('2024-11-04'); // open inclusive
    expect(nse.sessionAt(iso('2024-11-09T05:00:00Z'))).toBeUndefined(); // Saturday
    expect(nse.sessionAt(iso('2024-11-15T05:00:00Z'))).toBeUndefined(); // holiday
  });

  it('reports the phases around the NSE open, using the local (IST) date', () => {
    expect(nse.phaseAt(iso('2024-11-04T03:29:59Z'))).toBe('CLOSED');
    expect(nse.phaseAt(iso('2024-11-04T03:30:00Z'))).toBe('PRE_OPEN');
    expect(nse.phaseAt(iso('2024-11-04T03:38:00Z'))).toBe('PRE_OPEN_MATCHING');
    expect(nse.phaseAt(iso('2024-11-04T03:45:00Z'))).toBe('OPEN');
    expect(nse.phaseAt(iso('2024-11-04T10:00:00Z'))).toBe('CLOSED');
    // 20:00 UTC on the 4th is 01:30 IST on the 5th: a closed night, dated the 5th locally.
    expect(nse.localDay(iso('2024-11-04T20:00:00Z'))).toBe(dayFromDate('x', '2024-11-05'));
    expect(nse.preOpenSessionAt(iso('2024-11-04T03:40:00Z'))?.date).toBe('2024-11-04');
    expect(nse.preOpenSessionAt(iso('2024-11-04T03:50:00Z'))).toBeUndefined();
  });

  it('honours special sessions (Muhurat trading) even on a holiday weekday', () => {
    const s = nse.sessionOnDay(dayFromDate('x', '2024-11-01'))!;
    expect(s.openUs).toBe(iso('2024-11-01T12:30:00Z'));
    expect(s.closeUs).toBe(iso('2024-11-01T13:30:00Z'));
    expect(nse.phaseAt(iso('2024-11-01T12:20:00Z'))).toBe('PRE_OPEN');
  });

  it('finds next and previous sessions across weekends and holidays', () => {
    // Friday 2024-11-08 after the close → Monday 2024-11-11.
    expect(nse.nextSession(iso('2024-11-08T11:00:00Z'))?.date).toBe('2024-11-11');
    expect(nse.nextSession(iso('2024-11-08T05:00:00Z'))?.date).toBe('2024-11-08');
    expect(nse.nextOpen(iso('2024-11-08T05:00:00Z'))?.date).toBe('2024-11-11');
    // Thursday 14th after close → Monday 18th (15th is a holiday).
    expect(nse.nextSession(iso('2024-11-14T11:00:00Z'))?.date).toBe('2024-11-18');
    expect(nse.previousSession(iso('2024-11-18T05:00:00Z'))?.date).toBe('2024-11-14');
    const between = nse.sessionsBetween(iso('2024-11-08T00:00:00Z'), iso('2024-11-19T00:00:00Z'));
    expect(between.map((s) => s.date)).toEqual([
      '2024-11-08',
      '2024-11-11',
      '2024-11-12',
      '2024-11-13',
      '2024-11-14',
      '2024-11-18',
    ]);
  });

  it('crypto trades 24×7 in UTC', () => {
    const c = cryptoCalendar();
    const s = c.sessionAt(iso('2024-03-31T01:30:00Z'))!; // the EU DST night: UTC has none
    expect(s.openUs).toBe(iso('2024-03-31T00:00:00Z'));
    expect(s.closeUs).toBe(iso('2024-04-01T00:00:00Z'));
    expect(c.sessionAt(iso('2024-04-01T00:00:00Z'))?.date).toBe('2024-04-01');
    expect(c.phaseAt(iso('2024-11-09T12:00:00Z'))).toBe('OPEN');
  });

  it('converts dates and weekdays', () => {
    expect(dateFromDay(0)).toBe('1970-01-01');
    expect(weekdayOfDay(0)).toBe(4);
    expect(weekdayOfDay(4)).toBe(1);
    expect(weekdayOfDay(-1)).toBe(3);
    expect(dayFromDate('x', '2024-02-29')).toBe(19_782);
    expect(() => dayFromDate('holiday', '2023-02-29')).toThrow(/holiday: expected a date/);
  });

  it('rejects malformed specs with InvalidArgumentError naming the field', () => {
    const base = { name: 'X', utcOffsetMinutes: 0, tradingDays: [1] as const, open: '09:00', close: '17:00' };
    expect(() => new SessionCalendar({ ...base, open: '9am' })).toThrow(/SessionCalendar X open/);
    expect(() => new SessionCalendar({ ...base, close: '08:00' })).toThrow(/close.*after the open/);
    expect(() => new SessionCalendar({ ...base, close: '24:01' })).toThrow(InvalidArgumentError);
    expect(() => new SessionCalendar({ ...base, utcOffsetMinutes: 5.5 })).toThrow(/utcOffsetMinutes/);
    expect(() => new SessionCalendar({ ...base, tradingDays: [] })).toThrow(/tradingDays/);
    expect(() => new SessionCalendar({ ...base, tradingDays: [0 as 1] })).toThrow(/tradingDays/);
    expect(() => new SessionCalendar({ ...base, holidays: ['2024-13-01'] })).toThrow(/holidays\[0\]/);
    expect(() => new SessionCalendar({ ...base, preOpenStart: '09:30' })).toThrow(/preOpenStart/);
    expect(() => new SessionCalendar({ ...base, preOpenMatch: '08:50' })).toThrow(/preOpenMatch/);
    expect(() => new SessionCalendar({ ...base, name: '' })).toThrow(/name/);
  });
});

describe('BarGrid', () => {
  const nse = nseCalendar({ holidays: ['2024-11-15'] });

  it('aligns NSE intraday bars to the 09:15 IST open; the last bar of the day is short', () => {
    const g5 = new BarGrid('5m', nse);
    const out = iv();
    expect(g5.intervalAt(iso('2024-11-04T03:49:59Z'), out)).toBe(true); // 09:19:59 IST
    expect(out).toEqual({ start: iso('2024-11-04T03:45:00Z'), end: iso('2024-11-04T03:50:00Z') });
    const g1h = new BarGrid('1h', nse);
    g1h.intervalAt(iso('2024-11-04T09:50:00Z'), out); // 15:20 IST
    expect(out).toEqual({ start: iso('2024-11-04T09:45:00Z'), end: iso('2024-11-04T10:00:00Z') }); // 15:15–15:30
    const g7 = new BarGrid('7m', nse);
    g7.intervalAt(iso('2024-11-04T09:59:00Z'), out); // 375 min = 53 × 7 + 4: a 4-minute last bar
    expect(out.end - out.start).toBe(4 * MICROS_PER_MINUTE);
    expect(g5.intervalAt(iso('2024-11-04T03:40:00Z'), out)).toBe(false); // pre-open is not in a bar grid
  });

  it('walks to the next session after the close', () => {
    const g5 = new BarGrid('5m', nse);
    const out = iv();
    g5.nextInterval(iso('2024-11-14T10:00:00Z'), out); // Thursday close → Monday (Friday holiday)
    expect(out).toEqual({ start: iso('2024-11-18T03:45:00Z'), end: iso('2024-11-18T03:50:00Z') });
    g5.nextInterval(iso('2024-11-18T03:50:00Z'), out);
    expect(out.start).toBe(iso('2024-11-18T03:50:00Z'));
  });

  it('daily bars are sessions; weekly bars group a Monday-first week of sessions', () => {
    const out = iv();
    new BarGrid('1d', nse).intervalAt(iso('2024-11-04T05:00:00Z'), out);
    expect(out).toEqual({ start: iso('2024-11-04T03:45:00Z'), end: iso('2024-11-04T10:00:00Z') });
    const week = new BarGrid('1w', nse);
    week.intervalAt(iso('2024-11-13T05:00:00Z'), out);
    // Week of Mon 11th: sessions 11–14 (15th holiday) → ends Thursday's close.
    expect(out).toEqual({ start: iso('2024-11-11T03:45:00Z'), end: iso('2024-11-14T10:00:00Z') });
    week.nextInterval(out.end, out);
    expect(out).toEqual({ start: iso('2024-11-18T03:45:00Z'), end: iso('2024-11-22T10:00:00Z') });
  });

  it('crypto bars align to UTC midnight with no DST shifts', () => {
    const c = cryptoCalendar();
    const out = iv();
    new BarGrid('1h', c).intervalAt(iso('2024-03-31T02:30:00Z'), out);
    expect(out).toEqual({ start: iso('2024-03-31T02:00:00Z'), end: iso('2024-03-31T03:00:00Z') });
    new BarGrid('7m', c).intervalAt(iso('2024-03-31T23:59:00Z'), out); // 1440 = 205 × 7 + 5
    expect(out).toEqual({ start: iso('2024-03-31T23:55:00Z'), end: iso('2024-04-01T00:00:00Z') });
    new BarGrid('2d', c).intervalAt(iso('2024-03-31T12:00:00Z'), out); // day 19813 is odd: group 19812–19813
    expect(out).toEqual({ start: iso('2024-03-30T00:00:00Z'), end: iso('2024-04-01T00:00:00Z') });
    const grid = new BarGrid('4h', c);
    grid.nextInterval(iso('2024-03-31T20:00:00Z'), out);
    grid.nextInterval(out.end, out);
    expect(out).toEqual({ start: iso('2024-04-01T00:00:00Z'), end: iso('2024-04-01T04:00:00Z') });
    expect(out.end - out.start).toBe(4 * MICROS_PER_HOUR);
  });

  it('refuses activity timeframes', () => {
    expect(() => new BarGrid('100tick', cryptoCalendar())).toThrow(InvalidArgumentError);
  });
});
