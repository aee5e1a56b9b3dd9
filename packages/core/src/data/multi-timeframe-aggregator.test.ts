import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock/sim-clock.js';
import { MICROS_PER_DAY, MICROS_PER_MINUTE, MICROS_PER_SECOND, microsFromDate } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import type { BarEvent, QuoteEvent, SystemHealthEvent, TickEvent, TradeEvent } from '../schemas/index.js';
import { BarEventSchema } from '../schemas/index.js';
import { BarEngine } from './bar-engine.js';
import { CompositeBarAggregator } from './composite-bar-aggregator.js';
import { FeedHygiene } from './feed-hygiene.js';
import {
  type EmptyBarPolicy,
  MultiTimeframeAggregator,
  type MultiTimeframeAggregatorOptions,
} from './multi-timeframe-aggregator.js';
import { cryptoCalendar, nseCalendar } from './session-calendar.js';

// ---------------------------------------------------------------------------------------------
// An independent batch reference: it computes NSE/crypto bar intervals with plain arithmetic (no
// SessionCalendar, no BarGrid) and aggregates a whole list of events at once.
// ---------------------------------------------------------------------------------------------

const IST = 330 * MICROS_PER_MINUTE;
const HOLIDAY = '2024-11-06';
// Monday 2024-11-04 00:00 IST: the property tests draw times over the 8 days from here.
const NSE_DAY0 = microsFromDate('2024-11-03T18:30:00Z');
const CRYPTO_DAY0 = microsFromDate('2024-11-04T00:00:00Z');

type Venue = 'NSE' | 'CRYPTO';

interface Trade {
  readonly ts: number;
  readonly price: number;
  readonly size: number;
}

interface RefBar {
  tsOpen: number;
  tsEvent: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
}

function minutesOf(tf: string): number {
  const n = Number.parseInt(tf, 10);
  if (tf.endsWith('h')) return n * 60;
  if (tf.endsWith('m')) return n;
  throw new Error(`reference handles m, h and 1d only: ${tf}`);
}

/** [start, end) of the reference bar containing `ts` (pre-open mapped to the open), or null. */
function refInterval(venue: Venue, tf: string, ts: number): { start: number; end: number; t: number } | null {
  const offset = venue === 'NSE' ? IST : 0;
  const local = ts + offset;
  const day = Math.floor(local / MICROS_PER_DAY);
  const midnightUtc = day * MICROS_PER_DAY - offset;
  const weekday = new Date(day * 86_400_000).getUTCDay();
  const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
  const open = venue === 'NSE' ? (9 * 60 + 15) * MICROS_PER_MINUTE : 0;
  const close = venue === 'NSE' ? (15 * 60 + 30) * MICROS_PER_MINUTE : MICROS_PER_DAY;
  const preOpen = venue === 'NSE' ? 9 * 60 * MICROS_PER_MINUTE : 0;
  const trading = venue === 'CRYPTO' || (weekday >= 1 && weekday <= 5 && date !== HOLIDAY);
  let pos = local - day * MICROS_PER_DAY;
  if (!trading || pos >= close || pos < preOpen) return null;
  if (pos < open) pos = open; // pre-open → first bar, at the open
  const t = midnightUtc + pos;
  if (tf === '1d') return { start: midnightUtc + open, end: midnightUtc + close, t };
  const dur = minutesOf(tf) * MICROS_PER_MINUTE;
  const start = midnightUtc + open + Math.floor((pos - open) / dur) * dur;
  return { start, end: Math.min(start + dur, midnightUtc + close), t };
}

/** Every interval of the reference grid between two bar starts (for flat bars). */
function refIntervalsBetween(venue: Venue, tf: string, from: number, to: number): number[] {
  const starts: number[] = [];
  // Step a minute at a time: slow but obviously right.
  for (let ts = from; ts < to; ts += MICROS_PER_MINUTE) {
    const iv = refInterval(venue, tf, ts);
    if (iv !== null && iv.t === ts && starts[starts.length - 1] !== iv.start && iv.start >= from)
      starts.push(iv.start);
  }
  return starts;
}

/** Batch bars of `tf` over `trades` (in arrival order); ties in time keep arrival order. */
function refBars(
  venue: Venue,
  tf: string,
  trades: readonly Trade[],
  empty: EmptyBarPolicy = 'skip',
): RefBar[] {
  const byStart = new Map<number, { end: number; items: { t: number; i: number; trade: Trade }[] }>();
  trades.forEach((trade, i) => {
    const iv = refInterval(venue, tf, trade.ts);
    if (iv === null) return;
    const slot = byStart.get(iv.start) ?? { end: iv.end, items: [] };
    slot.items.push({ t: iv.t, i, trade });
    byStart.set(iv.start, slot);
  });
  const bars: RefBar[] = [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, { end, items }]) => {
      const sorted = [...items].sort((a, b) => a.t - b.t || a.i - b.i);
      const prices = sorted.map((x) => x.trade.price);
      return {
        tsOpen: start,
        tsEvent: end,
        open: prices[0]!,
        high: Math.max(...prices),
        low: Math.min(...prices),
        close: prices[prices.length - 1]!,
        volume: sorted.reduce((a, x) => a + x.trade.size, 0),
        count: sorted.length,
      };
    });
  if (empty === 'skip' || bars.length === 0) return bars;
  const out: RefBar[] = [bars[0]!];
  for (let k = 1; k < bars.length; k++) {
    const prev = out[out.length - 1]!;
    for (const start of refIntervalsBetween(venue, tf, prev.tsEvent, bars[k]!.tsOpen)) {
      const iv = refInterval(venue, tf, start)!;
      const p = prev.close;
      out.push({ tsOpen: start, tsEvent: iv.end, open: p, high: p, low: p, close: p, volume: 0, count: 0 });
    }
    out.push(bars[k]!);
  }
  return out;
}

const content = (b: BarEvent): RefBar => ({
  tsOpen: b.tsOpen,
  tsEvent: b.tsEvent,
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
  count: b.count,
});

/** The latest revision of each emitted bar, per timeframe, in time order. */
function latest(bars: readonly BarEvent[], tf: string): RefBar[] {
  const map = new Map<number, BarEvent>();
  for (const b of bars) {
    if (b.timeframe !== tf) continue;
    const prev = map.get(b.tsOpen);
    if (prev !== undefined && b.revision <= prev.revision)
      throw new Error(`revision did not increase at ${b.tsOpen}`);
    map.set(b.tsOpen, b);
  }
  return [...map.values()].sort((a, b) => a.tsOpen - b.tsOpen).map(content);
}

function trade(ts: number, price: number, size = 1, id = 0): TradeEvent {
  return {
    kind: 'trade',
    v: 1,
    tsEvent: ts,
    tsInit: ts + 7,
    instrumentId: 'RELIANCE.NSE',
    price,
    size,
    aggressor: 'BUYER',
    tradeId: String(id),
  };
}

function collect(
  options: Omit<MultiTimeframeAggregatorOptions, 'onBar' | 'instrumentId'> & { instrumentId?: string },
) {
  const bars: BarEvent[] = [];
  const health: SystemHealthEvent[] = [];
  const agg = new MultiTimeframeAggregator({
    instrumentId: 'RELIANCE.NSE',
    ...options,
    onBar: (b) => bars.push(b),
    onHealth: (h) => health.push(h),
  });
  return { agg, bars, health };
}

const feed = (agg: MultiTimeframeAggregator, trades: readonly Trade[]) => {
  for (const t of trades) agg.update(t.ts, t.price, t.size, t.ts);
};

/** Trades over 8 days from 08:50 to 15:45 local (so some pre-open, post-close, weekend, holiday). */
function tradesArb(venue: Venue, maxLength = 250): fc.Arbitrary<Trade[]> {
  const day0 = venue === 'NSE' ? NSE_DAY0 : CRYPTO_DAY0;
  const dayStart = venue === 'NSE' ? (8 * 60 + 50) * 60 : 0;
  const daySpan = venue === 'NSE' ? 7 * 3600 : 86_400;
  const one = fc.record({
    day: fc.integer({ min: 0, max: 7 }),
    // Whole seconds most of the time so that equal timestamps (ties) happen.
    second: fc.integer({ min: 0, max: daySpan - 1 }),
    micro: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 })),
    price: fc.integer({ min: 1, max: 2_000 }).map((p) => p / 4),
    size: fc.integer({ min: 0, max: 500 }),
  });
  return fc.array(one, { minLength: 1, maxLength }).map((xs) =>
    xs.map((x) => ({
      ts: day0 + x.day * MICROS_PER_DAY + (dayStart + x.second) * MICROS_PER_SECOND + x.micro,
      price: x.price,
      size: x.size,
    })),
  );
}

const byTime = (trades: readonly Trade[]) => [...trades].sort((a, b) => a.ts - b.ts);
const TFS = ['1m', '5m', '7m', '1h', '1d'] as const;

describe('MultiTimeframeAggregator: time bars against the batch reference', () => {
  for (const venue of ['NSE', 'CRYPTO'] as const) {
    const calendar = venue === 'NSE' ? nseCalendar({ holidays: [HOLIDAY] }) : cryptoCalendar();

    it(`${venue}: in-order trades give exactly the batch bars, on every timeframe at once`, () => {
      fc.assert(
        fc.property(tradesArb(venue), (raw) => {
          const trades = byTime(raw);
          const { agg, bars } = collect({ timeframes: TFS, calendar });
          feed(agg, trades);
          agg.flush();
          for (const tf of TFS) {
            const emitted = bars.filter((b) => b.timeframe === tf);
            expect(emitted.every((b) => b.revision === 0)).toBe(true);
            expect(emitted.map(content)).toEqual(refBars(venue, tf, trades));
          }
          for (const b of bars) expect(BarEventSchema.safeParse(b).success).toBe(true);
          const inSession = trades.filter((t) => refInterval(venue, '1d', t.ts) !== null).length;
          expect(agg.stats.outsideSession).toBe(trades.length - inSession);
        }),
        { numRuns: 60 },
      );
    });

    it(`${venue}: out-of-order trades under 'correct' converge to the batch bars, each change re-emitted`, () => {
      fc.assert(
        fc.property(tradesArb(venue), (trades) => {
          const { agg, bars } = collect({ timeframes: TFS, calendar, correctionWindow: 100_000 });
          feed(agg, trades); // arrival order is random: late and out-of-order events everywhere
          agg.flush();
          for (const tf of TFS) expect(latest(bars, tf)).toEqual(refBars(venue, tf, trades));
          expect(agg.stats.lateDropped).toBe(0);
          expect(agg.stats.corrections).toBe(bars.filter((b) => b.revision > 0).length);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("'drop' discards exactly the late events, counts them and reports each as LATE_DATA", () => {
    const calendar = nseCalendar({ holidays: [HOLIDAY] });
    fc.assert(
      fc.property(tradesArb('NSE'), (trades) => {
        const { agg, bars, health } = collect({ timeframes: TFS, calendar, latePolicy: 'drop' });
        feed(agg, trades);
        agg.flush();
        let lateTotal = 0;
        for (const tf of TFS) {
          // Late for tf: its bar starts before the latest bar start seen so far.
          let maxStart = Number.NEGATIVE_INFINITY;
          const kept = trades.filter((t) => {
            const iv = refInterval('NSE', tf, t.ts);
            if (iv === null) return false;
            if (iv.start < maxStart) {
              lateTotal++;
              return false;
            }
            maxStart = iv.start;
            return true;
          });
          expect(bars.filter((b) => b.timeframe === tf).map(content)).toEqual(refBars('NSE', tf, kept));
        }
        expect(agg.stats.lateDropped).toBe(lateTotal);
        expect(health.length).toBe(lateTotal);
        expect(health.every((h) => h.code === 'LATE_DATA' && h.instrumentId === 'RELIANCE.NSE')).toBe(true);
        expect(bars.every((b) => b.revision === 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("'flat' fills empty intervals with flat bars at the last close, also when corrected later", () => {
    for (const venue of ['NSE', 'CRYPTO'] as const) {
      const calendar = venue === 'NSE' ? nseCalendar({ holidays: [HOLIDAY] }) : cryptoCalendar();
      const tfs = venue === 'NSE' ? ['5m', '1h', '1d'] : ['1h', '1d'];
      fc.assert(
        fc.property(tradesArb(venue, 60), fc.boolean(), (raw, inOrder) => {
          const trades = inOrder ? byTime(raw) : raw;
          const { agg, bars } = collect({
            timeframes: tfs,
            calendar,
            emptyBars: 'flat',
            correctionWindow: 100_000,
          });
          feed(agg, trades);
          agg.flush();
          for (const tf of tfs) {
            if (inOrder)
              expect(bars.filter((b) => b.timeframe === tf).map(content)).toEqual(
                refBars(venue, tf, trades, 'flat'),
              );
            else {
              // Out of order, the flat fill follows arrival; the bars with trades still converge.
              const withTrades = latest(bars, tf).filter((b) => b.count > 0);
              expect(withTrades).toEqual(refBars(venue, tf, trades));
            }
          }
        }),
        { numRuns: 25 },
      );
    }
  });
});

describe('MultiTimeframeAggregator: boundaries, sessions and policies', () => {
  const nse = nseCalendar({ holidays: [HOLIDAY] });
  const at = (isoUtc: string) => microsFromDate(isoUtc);

  it('closes a bar on the first event at or past its end (market time), not before', () => {
    const { agg, bars } = collect({ timeframes: ['1m'], calendar: nse });
    agg.update(at('2024-11-04T03:45:00Z'), 100, 1, 0); // 09:15:00 IST: bar 09:15
    agg.update(at('2024-11-04T03:45:59.999Z') + 999, 101, 1, 0); // last µs of the bar
    expect(bars).toHaveLength(0);
    agg.update(at('2024-11-04T03:46:00Z'), 102, 1, 0); // exactly the end: belongs to 09:16
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatchObject({
      tsOpen: at('2024-11-04T03:45:00Z'),
      tsEvent: at('2024-11-04T03:46:00Z'),
      open: 100,
      close: 101,
      volume: 2,
      count: 2,
      source: 'TRADE',
      timeframe: '1m',
      instrumentId: 'RELIANCE.NSE',
    });
  });

  it('puts pre-open trades in the first bar at the open, or excludes them on request', () => {
    const run = (preOpen: 'first-bar' | 'exclude') => {
      const { agg, bars } = collect({ timeframes: ['5m', '1d'], calendar: nse, preOpen });
      agg.update(at('2024-11-04T03:38:30Z'), 99, 50, 0); // 09:08:30 IST, pre-open matching print
      agg.update(at('2024-11-04T03:45:10Z'), 100, 1, 0);
      agg.update(at('2024-11-04T03:50:10Z'), 101, 1, 0);
      agg.flush();
      return { bars, stats: agg.stats };
    };
    const first = run('first-bar');
    expect(first.bars[0]).toMatchObject({ timeframe: '5m', open: 99, close: 100, volume: 51, count: 2 });
    expect(first.bars.find((b) => b.timeframe === '1d')).toMatchObject({ open: 99, close: 101, volume: 52 });
    const excluded = run('exclude');
    expect(excluded.bars[0]).toMatchObject({ open: 100, volume: 1 });
    expect(excluded.stats.outsideSession).toBe(1);
  });

  it('counts events outside every session and keeps them out of time bars (activity bars take them)', () => {
    const { agg, bars } = collect({ timeframes: ['1m', '2tick'], calendar: nse });
    agg.update(at('2024-11-04T10:15:00Z'), 100, 1, 0); // 15:45 IST, after the close
    agg.update(at('2024-11-09T05:00:00Z'), 100, 1, 0); // Saturday
    expect(agg.stats.outsideSession).toBe(2);
    expect(bars.map((b) => b.timeframe)).toEqual(['2tick']);
  });

  it("'correct' beyond the correction window drops the event and reports it", () => {
    const { agg, bars, health } = collect({ timeframes: ['1m'], calendar: nse, correctionWindow: 2 });
    for (let k = 0; k < 5; k++) agg.update(at('2024-11-04T03:45:00Z') + k * MICROS_PER_MINUTE, 100 + k, 1, 0);
    const before = bars.length;
    agg.update(at('2024-11-04T03:45:30Z'), 1, 1, 0); // bar 09:15 is 4 bars back; only 2 kept
    expect(bars.length).toBe(before);
    expect(agg.stats.lateDropped).toBe(1);
    expect(health[0]).toMatchObject({ code: 'LATE_DATA', component: 'bars' });
    expect(health[0]!.message).toMatch(/correction window of 2 bars/);
    agg.update(at('2024-11-04T03:48:30Z'), 1, 1, 0); // 09:18 is still kept: corrected
    expect(bars[bars.length - 1]).toMatchObject({
      tsOpen: at('2024-11-04T03:48:00Z'),
      revision: 1,
      low: 1,
      count: 2,
    });
  });

  it('a late event into a skipped empty interval emits that bar as a correction (revision 1)', () => {
    const { agg, bars } = collect({ timeframes: ['1m'], calendar: nse });
    agg.update(at('2024-11-04T03:45:00Z'), 100, 1, 0);
    agg.update(at('2024-11-04T03:48:00Z'), 101, 1, 0);
    agg.update(at('2024-11-04T03:46:30Z'), 99, 3, 0); // 09:16 had no bar
    expect(bars[bars.length - 1]).toMatchObject({
      tsOpen: at('2024-11-04T03:46:00Z'),
      revision: 1,
      open: 99,
      volume: 3,
      count: 1,
    });
  });

  it('builds tick, volume and value bars, splitting a trade that overflows a bar', () => {
    const { agg, bars } = collect({ timeframes: ['3tick', '10vol', '1000val'] });
    const t0 = CRYPTO_DAY0;
    agg.update(t0, 100, 4, 0);
    agg.update(t0 + 1, 101, 4, 0);
    agg.update(t0 + 2, 99, 25, 0); // fills 10vol (2 of it), then two full bars of 10, then 3 left
    const vol = bars.filter((b) => b.timeframe === '10vol');
    expect(vol.map((b) => b.volume)).toEqual([10, 10, 10]);
    expect(vol[0]).toMatchObject({
      open: 100,
      high: 101,
      low: 99,
      close: 99,
      count: 3,
      tsOpen: t0,
      tsEvent: t0 + 2,
    });
    expect(vol[1]).toMatchObject({ open: 99, count: 1 });
    expect(bars.filter((b) => b.timeframe === '3tick')).toHaveLength(1);
    const val = bars.filter((b) => b.timeframe === '1000val');
    // Value: 400 + 404 + 2475 = 3279 → three bars of exactly 1000 and 279 left.
    expect(val).toHaveLength(3);
    expect(val[0]).toMatchObject({ open: 100, high: 101, close: 99, count: 3 });
    expect(val[1]).toMatchObject({ open: 99, close: 99, count: 1 });
    expect(val.reduce((a, b) => a + b.volume, 0)).toBeCloseTo(4 + 4 + (1000 - 804 + 2000) / 99, 9);
    agg.flush();
    expect(bars.filter((b) => b.timeframe === '10vol').at(-1)).toMatchObject({ volume: 3 });
  });

  it('a zero-size print after a full volume bar opens no empty bar (found by the property below)', () => {
    const { agg, bars } = collect({ timeframes: ['1vol'] });
    feed(agg, [
      { ts: 1730678400000000, price: 0.25, size: 1 },
      { ts: 1730678400000000, price: 0.25, size: 0 },
    ]);
    agg.flush();
    expect(bars.map((b) => b.volume)).toEqual([1]);
  });

  it('volume bars equal a batch split of the trade stream', () => {
    fc.assert(
      fc.property(tradesArb('CRYPTO', 100), fc.integer({ min: 1, max: 700 }), (trades, threshold) => {
        const tf = `${threshold}vol`;
        const { agg, bars } = collect({ timeframes: [tf] });
        feed(agg, trades);
        agg.flush();
        // Reference: expand every trade into unit lots (sizes are integers) and chunk them.
        const lots: { price: number; trade: number }[] = [];
        trades.forEach((t, i) => {
          for (let k = 0; k < t.size; k++) lots.push({ price: t.price, trade: i });
        });
        const zeroSizeOnly = trades.every((t) => t.size === 0);
        if (zeroSizeOnly) return;
        const expectedVolumes: number[] = [];
        for (let k = 0; k < lots.length; k += threshold)
          expectedVolumes.push(Math.min(threshold, lots.length - k));
        expect(bars.map((b) => b.volume)).toEqual(expectedVolumes);
        expect(bars.reduce((a, b) => a + b.volume, 0)).toBe(lots.length);
      }),
      { numRuns: 80 },
    );
  });

  it('takes MID/BID/ASK from quotes and ticks, and traded size from cumulative tick volume', () => {
    const quote: QuoteEvent = {
      kind: 'quote',
      v: 1,
      tsEvent: CRYPTO_DAY0,
      tsInit: CRYPTO_DAY0,
      instrumentId: 'BTCUSDT.BINANCE',
      bidPrice: 100,
      bidSize: 1,
      askPrice: 102,
      askSize: 1,
    };
    const mid = collect({ timeframes: ['1m'], source: 'MID' });
    mid.agg.onQuote(quote);
    mid.agg.onQuote({ ...quote, tsEvent: CRYPTO_DAY0 + 1, bidPrice: 104, askPrice: 106 });
    mid.agg.onTrade(trade(CRYPTO_DAY0 + 2, 1)); // wrong stream: counted, not aggregated
    mid.agg.flush();
    expect(mid.bars[0]).toMatchObject({ open: 101, close: 105, volume: 0, count: 2, source: 'MID' });
    expect(mid.agg.stats.ignored).toBe(1);

    const tick = (ts: number, lastPrice: number, volume: number | undefined): TickEvent => ({
      kind: 'tick',
      v: 1,
      tsEvent: ts,
      tsInit: ts,
      instrumentId: 'RELIANCE.NSE',
      lastPrice,
      lastSize: 5,
      ...(volume === undefined ? {} : { volume }),
    });
    const t = collect({ timeframes: ['1m'] });
    t.agg.onTick(tick(CRYPTO_DAY0, 100, 1_000)); // first: lastSize
    t.agg.onTick(tick(CRYPTO_DAY0 + 1, 101, 1_000)); // no volume change: no trade
    t.agg.onTick(tick(CRYPTO_DAY0 + 2, 102, 1_030)); // +30
    t.agg.onEvent(tick(CRYPTO_DAY0 + 3, 103, undefined)); // no cumulative volume: lastSize
    t.agg.flush();
    expect(t.bars[0]).toMatchObject({ open: 100, close: 103, volume: 40, count: 3 });
    expect(t.agg.stats.ticksWithoutTrade).toBe(1);
    const bid = collect({ timeframes: ['1m'], source: 'BID' });
    bid.agg.onTick(tick(CRYPTO_DAY0, 100, 1)); // no bid/ask on this tick
    expect(bid.agg.stats.ignored).toBe(1);
  });

  it('closes bars on the clock watermark in live mode, after the allowed lateness (SimClock)', () => {
    const t0 = at('2024-11-04T03:45:00Z');
    const clock = new SimClock(t0);
    const { agg, bars } = collect({
      timeframes: ['1m', '5m'],
      calendar: nse,
      watermark: 'clock',
      clock,
      allowedLatenessUs: 2 * MICROS_PER_SECOND,
      emptyBars: 'flat',
    });
    agg.update(t0 + 10 * MICROS_PER_SECOND, 100, 1, t0);
    clock.advanceTo(t0 + MICROS_PER_MINUTE + MICROS_PER_SECOND); // past the end, within lateness
    expect(bars).toHaveLength(0);
    agg.update(t0 + 59 * MICROS_PER_SECOND, 101, 1, t0); // a straggler still makes it
    clock.advanceTo(t0 + MICROS_PER_MINUTE + 2 * MICROS_PER_SECOND);
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatchObject({
      timeframe: '1m',
      close: 101,
      count: 2,
      tsInit: t0 + MICROS_PER_MINUTE + 2 * MICROS_PER_SECOND,
    });
    // Nothing trades for ten minutes: flat 1m bars and the 5m bar close on time.
    clock.advanceTo(t0 + 10 * MICROS_PER_MINUTE + 2 * MICROS_PER_SECOND);
    const oneMinute = bars.filter((b) => b.timeframe === '1m');
    expect(oneMinute).toHaveLength(10);
    expect(oneMinute.slice(1).every((b) => b.count === 0 && b.close === 101)).toBe(true);
    expect(bars.filter((b) => b.timeframe === '5m').map((b) => b.count)).toEqual([2, 0]);
    // An event for an already closed minute is late → corrected.
    agg.update(t0 + 3 * MICROS_PER_MINUTE, 90, 1, t0);
    expect(bars.at(-2)).toMatchObject({ timeframe: '1m', revision: 1, low: 90, count: 1 });
    agg.dispose();
    clock.advanceTo(t0 + 20 * MICROS_PER_MINUTE);
    expect(bars.filter((b) => b.timeframe === '1m')).toHaveLength(11); // disposed: no more watermark closes
  });

  it('rejects bad options with InvalidArgumentError', () => {
    const onBar = () => {};
    const base = { instrumentId: 'X.NSE', onBar };
    expect(() => new MultiTimeframeAggregator({ ...base, timeframes: [] })).toThrow(InvalidArgumentError);
    expect(() => new MultiTimeframeAggregator({ ...base, timeframes: ['1m', '1m'] })).toThrow(/distinct/);
    expect(() => new MultiTimeframeAggregator({ ...base, timeframes: ['1x'] })).toThrow(/timeframe/);
    expect(() => new MultiTimeframeAggregator({ ...base, timeframes: ['10vol'], source: 'MID' })).toThrow(
      /TRADE source/,
    );
    expect(() => new MultiTimeframeAggregator({ ...base, timeframes: ['1m'], watermark: 'clock' })).toThrow(
      /clock/,
    );
    expect(() => new MultiTimeframeAggregator({ ...base, timeframes: ['1m'], correctionWindow: 0 })).toThrow(
      /correctionWindow/,
    );
    expect(
      () => new MultiTimeframeAggregator({ ...base, timeframes: ['1m'], allowedLatenessUs: -1 }),
    ).toThrow(/allowedLateness/);
    expect(
      () => new MultiTimeframeAggregator({ ...base, timeframes: ['1m'], latePolicy: 'x' as 'drop' }),
    ).toThrow(/latePolicy/);
  });
});

describe('feed hygiene in front of the aggregator', () => {
  it('duplicates are suppressed and gaps reported before aggregation; bars equal the batch over unique trades', () => {
    const calendar = nseCalendar({ holidays: [HOLIDAY] });
    fc.assert(
      fc.property(
        tradesArb('NSE', 120),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (raw, dupes, holes) => {
          const unique = byTime(raw).map((t, i) => ({ ...t, id: 1_000 + i }));
          // Resend some trades (a reconnect replay) and lose others (a gap in the feed).
          const lost = new Set(holes.map((h) => h % unique.length));
          const sent: (Trade & { id: number })[] = [];
          unique.forEach((t, i) => {
            if (lost.has(i)) return;
            sent.push(t);
            for (const d of dupes) if (d % unique.length === i) sent.push(t);
          });
          const health: SystemHealthEvent[] = [];
          const hygiene = new FeedHygiene({
            component: 'feed:NSE',
            tradeIds: 'contiguous',
            onHealth: (h) => health.push(h),
          });
          const { agg, bars } = collect({ timeframes: ['1m', '1h'], calendar });
          for (const t of sent) {
            const event = { ...trade(t.ts, t.price, t.size, t.id) };
            if (hygiene.accept(event)) agg.onTrade(event);
          }
          agg.flush();
          const delivered = unique.filter((_, i) => !lost.has(i));
          for (const tf of ['1m', '1h'])
            expect(bars.filter((b) => b.timeframe === tf).map(content)).toEqual(
              refBars('NSE', tf, delivered),
            );
          expect(hygiene.stats.duplicates).toBe(sent.length - delivered.length);
          expect(health.filter((h) => h.code === 'DUPLICATE')).toHaveLength(sent.length - delivered.length);
          // Every lost trade after the first delivered one is reported missing in some gap.
          const firstKept = unique.findIndex((_, i) => !lost.has(i));
          const lastKept =
            unique.length - 1 - [...unique].reverse().findIndex((_, i) => !lost.has(unique.length - 1 - i));
          const missing = firstKept < 0 ? 0 : [...lost].filter((i) => i > firstKept && i < lastKept).length;
          expect(hygiene.stats.missing).toBe(missing);
          expect(
            health.filter((h) => h.code === 'SEQUENCE_GAP').reduce((a, h) => a + (h.value ?? 0), 0),
          ).toBe(missing);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('CompositeBarAggregator', () => {
  const nse = nseCalendar({ holidays: [HOLIDAY] });

  function composite(trades: readonly Trade[], empty: EmptyBarPolicy, targets: readonly string[]) {
    const out: BarEvent[] = [];
    const composites = targets.map(
      (tf) =>
        new CompositeBarAggregator({
          timeframe: tf,
          sourceTimeframe: '1m',
          calendar: nse,
          emptyBars: empty,
          correctionWindow: 100_000,
          onBar: (b) => out.push(b),
        }),
    );
    const child = new MultiTimeframeAggregator({
      instrumentId: 'RELIANCE.NSE',
      timeframes: ['1m'],
      calendar: nse,
      emptyBars: empty,
      correctionWindow: 100_000,
      onBar: (b) => {
        for (const c of composites) c.onBar(b);
      },
    });
    feed(child, trades);
    child.flush();
    for (const c of composites) c.flush();
    return out;
  }

  it('composite bars (5m, 15m, 1h, 1d from 1m) equal directly aggregated bars', () => {
    const targets = ['5m', '15m', '1h', '1d'];
    fc.assert(
      fc.property(
        tradesArb('NSE'),
        fc.boolean(),
        fc.constantFrom<EmptyBarPolicy>('skip', 'flat'),
        (raw, inOrder, empty) => {
          const trades = inOrder ? byTime(raw) : raw;
          const fromComposite = composite(trades, empty, targets);
          const { agg, bars } = collect({
            timeframes: targets,
            calendar: nse,
            emptyBars: empty,
            correctionWindow: 100_000,
          });
          feed(agg, trades);
          agg.flush();
          for (const tf of targets) {
            const direct = latest(bars, tf);
            const composed = latest(fromComposite, tf);
            if (inOrder || empty === 'skip') expect(composed).toEqual(direct);
            else {
              // Out of order with flat fill: flat placement follows arrival; bars with trades agree.
              expect(composed.filter((b) => b.count > 0)).toEqual(direct.filter((b) => b.count > 0));
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tick bars compose from tick bars', () => {
    fc.assert(
      fc.property(tradesArb('CRYPTO', 120), (trades) => {
        const composed: BarEvent[] = [];
        const c = new CompositeBarAggregator({
          timeframe: '12tick',
          sourceTimeframe: '4tick',
          onBar: (b) => composed.push(b),
        });
        const child = collect({ timeframes: ['4tick'] });
        const direct = collect({ timeframes: ['12tick'] });
        for (const t of trades) {
          child.agg.update(t.ts, t.price, t.size, t.ts);
          direct.agg.update(t.ts, t.price, t.size, t.ts);
        }
        for (const b of child.bars) c.onBar(b);
        expect(composed.map(content)).toEqual(direct.bars.map(content));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses inputs that do not tile the output, and counts foreign inputs', () => {
    const onBar = () => {};
    expect(() => new CompositeBarAggregator({ timeframe: '5m', sourceTimeframe: '2m', onBar })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new CompositeBarAggregator({ timeframe: '1m', sourceTimeframe: '1d', onBar })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new CompositeBarAggregator({ timeframe: '10vol', sourceTimeframe: '5vol', onBar })).toThrow(
      /tile/,
    );
    expect(() => new CompositeBarAggregator({ timeframe: '1w', sourceTimeframe: '2d', onBar })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new CompositeBarAggregator({ timeframe: '5m', sourceTimeframe: '5m', onBar })).toThrow(
      InvalidArgumentError,
    );
    const ok = new CompositeBarAggregator({ timeframe: '1w', sourceTimeframe: '1d', onBar });
    ok.onBar({
      kind: 'bar',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      instrumentId: 'X.NSE',
      timeframe: '1h',
      source: 'TRADE',
      tsOpen: 0,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 0,
      count: 1,
      revision: 0,
    });
    expect(ok.stats.ignored).toBe(1);
  });
});

describe('BarEngine', () => {
  it('routes events per instrument and source, with venue calendars, and can sit on a bus', async () => {
    const { EventBus } = await import('../bus/index.js');
    const bus = new EventBus<import('../schemas/index.js').CanonicalEvent>();
    const bars: BarEvent[] = [];
    bus.subscribe('bar', (b) => bars.push(b));
    const engine = new BarEngine({ timeframes: ['1m'], sources: ['TRADE', 'MID'], onBar: () => {} });
    const off = engine.connect(bus);
    const t0 = microsFromDate('2024-11-04T03:45:00Z');
    bus.publish({ ...trade(t0, 100), instrumentId: 'RELIANCE.NSE' });
    bus.publish({ ...trade(t0, 50), instrumentId: 'BTCUSDT.BINANCE' });
    bus.publish({ ...trade(t0 + MICROS_PER_MINUTE, 101), instrumentId: 'RELIANCE.NSE' });
    bus.publish({
      kind: 'quote',
      v: 1,
      tsEvent: t0,
      tsInit: t0,
      instrumentId: 'BTCUSDT.BINANCE',
      bidPrice: 1,
      bidSize: 1,
      askPrice: 3,
      askSize: 1,
    });
    engine.flush();
    off();
    expect(bars.map((b) => `${b.instrumentId}:${b.source}:${b.close}`).sort()).toEqual([
      'BTCUSDT.BINANCE:MID:2',
      'BTCUSDT.BINANCE:TRADE:50',
      'RELIANCE.NSE:TRADE:100',
      'RELIANCE.NSE:TRADE:101',
    ]);
    expect(engine.aggregator('RELIANCE.NSE')?.calendar.name).toBe('NSE');
    expect(engine.aggregator('BTCUSDT.BINANCE', 'MID')?.calendar.name).toBe('CRYPTO');
    expect(engine.aggregators).toHaveLength(3);
    expect(() => engine.onEvent({ ...trade(t0, 1), instrumentId: 'GOLD.MCX' })).toThrow(/calendarFor/);
    expect(() => new BarEngine({ timeframes: ['1m'], sources: [], onBar: () => {} })).toThrow(
      InvalidArgumentError,
    );
  });
});
