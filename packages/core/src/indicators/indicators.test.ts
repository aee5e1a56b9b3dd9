import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MICROS_PER_DAY, MICROS_PER_MINUTE, microsFromDate } from '../clock/time.js';
import { nseCalendar } from '../data/session-calendar.js';
import { InvalidArgumentError } from '../errors/index.js';
import {
  Atr,
  BollingerBands,
  Ema,
  Highest,
  Lowest,
  Macd,
  RollingStdDev,
  Rsi,
  type ScalarIndicator,
  Sma,
  Vwap,
  Wma,
  ZScore,
} from './index.js';

// Independent batch formulas: each output is computed from the whole series with the textbook
// definition (closed-form sums for the recursive averages), never by replaying the recursion.

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const window = (xs: readonly number[], i: number, p: number) => xs.slice(i - p + 1, i + 1);

function smaBatch(xs: readonly number[], p: number): number[] {
  return xs.map((_, i) => (i >= p - 1 ? mean(window(xs, i, p)) : Number.NaN));
}

/** Exponential smoothing with factor a, seeded by the mean of xs[from .. from + p), closed form. */
function smoothBatch(xs: readonly number[], p: number, a: number, from = 0): number[] {
  return xs.map((_, i) => {
    const seedAt = from + p - 1;
    if (i < seedAt) return Number.NaN;
    const seed = mean(xs.slice(from, from + p));
    let v = (1 - a) ** (i - seedAt) * seed;
    for (let j = seedAt + 1; j <= i; j++) v += a * (1 - a) ** (i - j) * xs[j]!;
    return v;
  });
}

const emaBatch = (xs: readonly number[], p: number) => smoothBatch(xs, p, 2 / (p + 1));

function wmaBatch(xs: readonly number[], p: number): number[] {
  return xs.map((_, i) => {
    if (i < p - 1) return Number.NaN;
    let num = 0;
    for (let k = 0; k < p; k++) num += (k + 1) * xs[i - p + 1 + k]!;
    return num / ((p * (p + 1)) / 2);
  });
}

function rsiBatch(xs: readonly number[], p: number): number[] {
  const gains = xs.map((x, i) => (i === 0 ? 0 : Math.max(0, x - xs[i - 1]!)));
  const losses = xs.map((x, i) => (i === 0 ? 0 : Math.max(0, xs[i - 1]! - x)));
  const g = smoothBatch(gains, p, 1 / p, 1);
  const l = smoothBatch(losses, p, 1 / p, 1);
  return xs.map((_, i) => {
    if (i < p) return Number.NaN;
    const ag = g[i]!;
    const al = l[i]!;
    return al === 0 ? (ag === 0 ? 50 : 100) : 100 - 100 / (1 + ag / al);
  });
}

function stdBatch(xs: readonly number[], p: number, ddof = 0): number[] {
  return xs.map((_, i) => {
    if (i < p - 1) return Number.NaN;
    const w = window(xs, i, p);
    const m = mean(w);
    return Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / (p - ddof));
  });
}

interface Bar {
  high: number;
  low: number;
  close: number;
}

function atrBatch(bars: readonly Bar[], p: number): number[] {
  const tr = bars.map((b, i) => {
    if (i === 0) return b.high - b.low;
    const pc = bars[i - 1]!.close;
    return Math.max(b.high - b.low, Math.abs(b.high - pc), Math.abs(b.low - pc));
  });
  return smoothBatch(tr, p, 1 / p);
}

/** |actual − expected| ≤ 1e-9 × max(1, |expected|), NaN only where NaN is expected. */
function expectNear(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) throw new Error(`${what}[${i}]: got ${a}, expected ${e}`);
      return;
    }
    if (Math.abs(a - e) > 1e-9 * Math.max(1, Math.abs(e)))
      throw new Error(`${what}[${i}]: got ${a}, expected ${e}`);
  });
}

// Series: random-walk prices in basis-point steps, raw decimals, and low-cardinality series full
// of ties and flat stretches (zero losses, constant windows).
const randomWalk = fc
  .tuple(
    fc.double({ min: 1, max: 50_000, noNaN: true }),
    fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 200 }),
  )
  .map(([start, steps]) => {
    const out = [start];
    for (const s of steps) out.push(out[out.length - 1]! * (1 + s / 10_000));
    return out;
  });
// Decimals with up to 6 places in ±1e6: any sign and scale a price series has, without the
// subnormal doubles whose squares underflow (meaningless for prices).
const rawDoubles = fc.array(
  fc.integer({ min: -1e12, max: 1e12 }).map((n) => n / 1e6),
  { maxLength: 200 },
);
const fewValues = fc.array(fc.constantFrom(10, 11, 12.5), { maxLength: 200 });
const series = fc.oneof(randomWalk, rawDoubles, fewValues);
const period = fc.integer({ min: 1, max: 30 });

const run = (ind: ScalarIndicator, xs: readonly number[]) => xs.map((x) => ind.update(x));

function checkWarmup(ind: ScalarIndicator, xs: readonly number[], readyAfter: number): void {
  xs.forEach((x, i) => {
    ind.update(x);
    expect(ind.isReady).toBe(i + 1 >= readyAfter);
    expect(ind.count).toBe(i + 1);
    if (!ind.isReady && !(ind instanceof Macd)) expect(ind.value).toBeNaN();
  });
}

describe('indicators match their batch formulas to 1e-9, warm-up included', () => {
  it('SMA', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => expectNear(run(new Sma(p), xs), smaBatch(xs, p), 'SMA')),
    );
  });

  it('EMA (SMA-seeded)', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => expectNear(run(new Ema(p), xs), emaBatch(xs, p), 'EMA')),
    );
  });

  it('WMA', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => expectNear(run(new Wma(p), xs), wmaBatch(xs, p), 'WMA')),
    );
  });

  it('RSI (Wilder)', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => expectNear(run(new Rsi(p), xs), rsiBatch(xs, p), 'RSI')),
    );
  });

  it('rolling standard deviation, population and sample', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => {
        expectNear(run(new RollingStdDev(p), xs), stdBatch(xs, p), 'STD');
        if (p >= 2)
          expectNear(run(new RollingStdDev(p, { sample: true }), xs), stdBatch(xs, p, 1), 'STD sample');
      }),
    );
  });

  it('z-score', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => {
        const sd = stdBatch(xs, p);
        const expected = xs.map((x, i) => {
          if (i < p - 1) return Number.NaN;
          const m = mean(window(xs, i, p));
          return sd[i]! <= 1e-12 * Math.abs(m) ? 0 : (x - m) / sd[i]!;
        });
        const z = new ZScore(p);
        expectNear(run(z, xs), expected, 'ZSCORE');
      }),
    );
  });

  it('Bollinger bands', () => {
    fc.assert(
      fc.property(series, period, fc.constantFrom(1, 2, 2.5), (xs, p, k) => {
        const bb = new BollingerBands(p, k);
        const mid: number[] = [];
        const up: number[] = [];
        const lo: number[] = [];
        for (const x of xs) {
          mid.push(bb.update(x));
          up.push(bb.upper);
          lo.push(bb.lower);
        }
        const m = smaBatch(xs, p);
        const s = stdBatch(xs, p);
        expectNear(mid, m, 'BB middle');
        expectNear(
          up,
          m.map((v, i) => v + k * s[i]!),
          'BB upper',
        );
        expectNear(
          lo,
          m.map((v, i) => v - k * s[i]!),
          'BB lower',
        );
      }),
    );
  });

  it('MACD line, signal and histogram', () => {
    fc.assert(
      fc.property(
        series,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 9 }),
        (xs, fast, extra, sig) => {
          const slow = fast + extra;
          const macd = new Macd(fast, slow, sig);
          const line: number[] = [];
          const signal: number[] = [];
          const hist: number[] = [];
          for (const x of xs) {
            line.push(macd.update(x));
            signal.push(macd.signal);
            hist.push(macd.histogram);
          }
          const f = emaBatch(xs, fast);
          const s = emaBatch(xs, slow);
          const expectedLine = xs.map((_, i) => (i >= slow - 1 ? f[i]! - s[i]! : Number.NaN));
          const sigBatch = smoothBatch(expectedLine, sig, 2 / (sig + 1), slow - 1);
          expectNear(line, expectedLine, 'MACD line');
          expectNear(signal, sigBatch, 'MACD signal');
          expectNear(
            hist,
            expectedLine.map((l, i) => l - sigBatch[i]!),
            'MACD histogram',
          );
        },
      ),
    );
  });

  it('highest and lowest (monotonic deque)', () => {
    fc.assert(
      fc.property(series, period, (xs, p) => {
        const hi = new Highest(p);
        const lo = new Lowest(p);
        const hiv: number[] = [];
        const ago: number[] = [];
        const lov: number[] = [];
        for (const x of xs) {
          hiv.push(hi.update(x));
          ago.push(hi.barsAgo);
          lov.push(lo.update(x));
        }
        expectNear(
          hiv,
          xs.map((_, i) => (i >= p - 1 ? Math.max(...window(xs, i, p)) : Number.NaN)),
          'HIGHEST',
        );
        expectNear(
          lov,
          xs.map((_, i) => (i >= p - 1 ? Math.min(...window(xs, i, p)) : Number.NaN)),
          'LOWEST',
        );
        ago.forEach((a, i) => {
          if (i < p - 1) expect(a).toBeNaN();
          else {
            const w = window(xs, i, p);
            expect(a).toBe(p - 1 - w.lastIndexOf(Math.max(...w)));
          }
        });
      }),
    );
  });

  it('ATR (Wilder) from bars', () => {
    const bars = fc.array(
      fc.record({
        low: fc.double({ min: 1, max: 1000, noNaN: true }),
        range: fc.double({ min: 0, max: 50, noNaN: true }),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { maxLength: 150 },
    );
    fc.assert(
      fc.property(bars, period, (raw, p) => {
        const bs: Bar[] = raw.map((b) => ({
          high: b.low + b.range,
          low: b.low,
          close: b.low + b.range * b.at,
        }));
        const atr = new Atr(p);
        const got = bs.map((b, i) =>
          i % 2 === 0 ? atr.update(b.high, b.low, b.close) : atr.updateBar({ ...b, volume: 0, tsOpen: 0 }),
        );
        expectNear(got, atrBatch(bs, p), 'ATR');
      }),
    );
  });

  it('session-anchored VWAP (NSE, pre-open in the next session, weekends skipped)', () => {
    const calendar = nseCalendar();
    const monday = microsFromDate('2024-11-03T18:30:00Z'); // 2024-11-04 00:00 IST
    const trade = fc.record({
      day: fc.constantFrom(0, 1, 2, 4, 7), // Mon, Tue, Wed, Fri, next Mon
      minute: fc.integer({ min: 9 * 60, max: 15 * 60 + 29 }), // pre-open to the last minute
      price: fc.double({ min: 10, max: 1000, noNaN: true }),
      size: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(fc.array(trade, { maxLength: 120 }), (raw) => {
        const trades = raw
          .map((t) => ({ ...t, ts: monday + t.day * MICROS_PER_DAY + t.minute * MICROS_PER_MINUTE }))
          .sort((a, b) => a.ts - b.ts);
        const vwap = new Vwap({ calendar });
        const got = trades.map((t) => vwap.update(t.ts, t.price, t.size));
        const expected = trades.map((t, i) => {
          const same = trades.slice(0, i + 1).filter((u) => u.day === t.day);
          const v = same.reduce((a, u) => a + u.size, 0);
          return v === 0 ? Number.NaN : same.reduce((a, u) => a + u.price * u.size, 0) / v;
        });
        expectNear(got, expected, 'VWAP');
      }),
    );
  });
});

describe('indicator contract', () => {
  const all = (): ScalarIndicator[] => [
    new Sma(5),
    new Ema(5),
    new Wma(5),
    new Rsi(5),
    new RollingStdDev(5),
    new ZScore(5),
    new BollingerBands(5),
    new Macd(3, 6, 4),
    new Highest(5),
    new Lowest(5),
  ];

  it('isReady and Number.NaN warm-up follow each definition exactly', () => {
    const xs = Array.from({ length: 20 }, (_, i) => 100 + Math.sin(i) * 5);
    const readyAfter = [5, 5, 5, 6, 5, 5, 5, 9, 5, 5];
    all().forEach((ind, k) => {
      checkWarmup(ind, xs, readyAfter[k]!);
    });
    const macd = new Macd(3, 6, 4);
    for (const x of xs.slice(0, 6)) macd.update(x);
    expect(macd.value).not.toBeNaN(); // the line exists before the signal
    expect(macd.signal).toBeNaN();
  });

  it('reset() returns to the constructed state', () => {
    fc.assert(
      fc.property(series, series, (a, b) => {
        for (const ind of all()) {
          run(ind, a);
          ind.reset();
          expect(ind.count).toBe(0);
          expect(ind.isReady).toBe(false);
          const fresh = all().find((f) => f.name === ind.name)!;
          expectNear(run(ind, b), run(fresh, b), ind.name);
        }
        const atr = new Atr(3);
        atr.update(2, 1, 1.5);
        atr.reset();
        expect(atr.trueRange).toBeNaN();
        const vwap = new Vwap();
        vwap.update(1, 10, 1);
        vwap.reset();
        expect(vwap.value).toBeNaN();
      }),
      { numRuns: 30 },
    );
  });

  it('names, accessors and unanchored VWAP', () => {
    expect(all().map((i) => i.name)).toEqual([
      'SMA(5)',
      'EMA(5)',
      'WMA(5)',
      'RSI(5)',
      'STDDEV(5)',
      'ZSCORE(5)',
      'BB(5,2)',
      'MACD(3,6,4)',
      'HIGHEST(5)',
      'LOWEST(5)',
    ]);
    const rsi = new Rsi(2);
    for (const x of [1, 2, 1]) rsi.update(x);
    expect(rsi.averageGain).toBe(0.5);
    expect(rsi.averageLoss).toBe(0.5);
    expect(rsi.value).toBe(50);
    const bb = new BollingerBands(2, 1);
    bb.update(1);
    bb.update(3);
    expect(bb.bandwidth).toBe(1);
    const vwap = new Vwap();
    vwap.update(0, 10, 1);
    vwap.update(10 * MICROS_PER_DAY, 20, 1);
    expect(vwap.value).toBe(15); // no calendar: one anchor forever
    expect(vwap.isReady).toBe(true);
    expect(vwap.sessionOpenUs).toBeNaN();
    const anchored = new Vwap({ calendar: nseCalendar() });
    anchored.updateBar({
      high: 12,
      low: 9,
      close: 9,
      volume: 2,
      tsOpen: microsFromDate('2024-11-04T04:00:00Z'),
    });
    expect(anchored.value).toBe(10);
    expect(anchored.sessionOpenUs).toBe(microsFromDate('2024-11-04T03:45:00Z'));
  });

  it('rejects bad periods with InvalidArgumentError', () => {
    expect(() => new Sma(0)).toThrow(/Sma period: expected an integer >= 1, got 0/);
    expect(() => new Ema(1.5)).toThrow(InvalidArgumentError);
    expect(() => new RollingStdDev(1, { sample: true })).toThrow(/sample/);
    expect(() => new Macd(26, 12)).toThrow(/fast period/);
    expect(() => new BollingerBands(20, -1)).toThrow(/BollingerBands k/);
    expect(() => new Highest(0)).toThrow(/Highest period/);
    expect(() => new Atr(-3)).toThrow(InvalidArgumentError);
  });

  it('SMA does not drift over a million updates', () => {
    const sma = new Sma(10);
    for (let i = 0; i < 1_000_000; i++) sma.update(1e6 + (i % 7) * 0.1 + (i % 3) * 1e-7);
    const tail = Array.from(
      { length: 10 },
      (_, k) => 1e6 + ((999_990 + k) % 7) * 0.1 + ((999_990 + k) % 3) * 1e-7,
    );
    expect(Math.abs(sma.value - mean(tail))).toBeLessThan(1e-9 * 1e6);
  });
});
