import { cryptoSpot, generateMarket, nseEquity } from '@quantkubera/backtest';
import {
  type BarEvent,
  Ema,
  type EventOf,
  Macd,
  MultiTimeframeAggregator,
  nseCalendar,
  RollingStdDev,
  Rsi,
  type ScalarIndicator,
  Sma,
} from '@quantkubera/core';
import * as hdr from 'hdr-histogram-js';
import { type BenchResult, type BenchSuite, consume, measureThroughput } from '../harness.js';

const COUNT = 200_000;
// 2024-11-04 03:45 UTC = 09:15 IST, a Monday: the NSE open, and an ordinary crypto hour.
const T0 = 1_730_691_900_000_000;

/** Trades 1 ms apart (a busy instrument), so 1m bars close every 60,000 ticks. */
function trades(): EventOf<'trade'>[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    kind: 'trade' as const,
    v: 1 as const,
    tsEvent: T0 + i * 1_000,
    tsInit: T0 + i * 1_000 + 40,
    instrumentId: 'RELIANCE.NSE',
    price: 1_300 + ((i * 7) % 61) * 0.05,
    size: 1 + (i % 25),
    aggressor: i % 2 === 0 ? ('BUYER' as const) : ('SELLER' as const),
    tradeId: String(900_000_000 + i),
  }));
}

const FIVE = ['1m', '5m', '15m', '1h', '1d'] as const;

/** Ticks/s aggregated into one and into five timeframes, against a bare loop reading the same fields. */
function aggregation(): BenchResult[] {
  const events = trades();
  let bars = 0;
  const onBar = (b: BarEvent) => {
    bars += b.count;
  };
  const fresh = (timeframes: readonly string[], nse: boolean) =>
    new MultiTimeframeAggregator({
      instrumentId: 'RELIANCE.NSE',
      timeframes,
      onBar,
      ...(nse ? { calendar: nseCalendar() } : {}),
    });
  const REPEAT = 5;
  const ops = COUNT * REPEAT;
  const run = (timeframes: readonly string[], nse: boolean) => () => {
    for (let k = 0; k < REPEAT; k++) {
      const agg = fresh(timeframes, nse);
      for (let i = 0; i < COUNT; i++) agg.onTrade(events[i]!);
      agg.flush();
    }
    consume(bars);
  };
  let sink = 0;
  const r = measureThroughput({
    one: { ops, run: run(['1m'], false) },
    five: { ops, run: run(FIVE, false) },
    fiveNse: { ops, run: run(FIVE, true) },
    bare: {
      ops,
      run: () => {
        for (let k = 0; k < REPEAT; k++) {
          for (let i = 0; i < COUNT; i++) {
            const t = events[i]!;
            sink += t.price * t.size + t.tsEvent;
          }
        }
        consume(sink);
      },
    },
  });
  const bare = r.bare!.median;
  return [
    {
      name: 'md.aggregate.1-timeframe',
      value: r.one!.median,
      unit: 'ticks/s',
      target: 20_000_000,
      ratio: r.one!.median / bare,
      baseline: 'bare loop over the same trades',
      spread: r.one!.spread,
    },
    {
      name: 'md.aggregate.5-timeframes',
      value: r.five!.median,
      unit: 'ticks/s',
      target: 10_000_000,
      ratio: r.five!.median / bare,
      baseline: 'bare loop over the same trades',
      spread: r.five!.spread,
    },
    {
      name: 'md.aggregate.5-timeframes.nse-calendar',
      value: r.fiveNse!.median,
      unit: 'ticks/s',
      spread: r.fiveNse!.spread,
    },
    { name: 'md.aggregate.bare-loop', value: bare, unit: 'ticks/s', spread: r.bare!.spread },
  ];
}

const BATCH = 64;

/** Per-tick cost of the five-timeframe update, timed in batches of BATCH ticks (HdrHistogram). */
function aggregationLatency(): BenchResult[] {
  const events = trades();
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1e9,
    numberOfSignificantValueDigits: 3,
  });
  let bars = 0;
  const agg = new MultiTimeframeAggregator({
    instrumentId: 'RELIANCE.NSE',
    timeframes: FIVE,
    calendar: nseCalendar(),
    onBar: (b) => {
      bars += b.count;
    },
  });
  // Warm-up on the first pass, then time; timestamps keep increasing across passes.
  for (let pass = 0; pass < 4; pass++) {
    const offset = pass * COUNT * 1_000;
    for (let i = 0; i + BATCH <= COUNT; i += BATCH) {
      const start = process.hrtime.bigint();
      for (let j = i; j < i + BATCH; j++) {
        const t = events[j]!;
        agg.update(t.tsEvent + offset, t.price, t.size, t.tsInit + offset);
      }
      if (pass > 0) histogram.recordValue(Number(process.hrtime.bigint() - start) / BATCH);
    }
  }
  consume(bars);
  const figures = [50, 99, 99.9].map((p) => ({
    name: `md.aggregate.5-timeframes.tick-latency.p${p}`,
    value: histogram.getValueAtPercentile(p),
    unit: 'ns',
    lowerIsBetter: true,
  }));
  histogram.destroy();
  return figures;
}

/** Indicator updates/s over a random-walk close series. */
function indicators(): BenchResult[] {
  const N = 100_000;
  const closes = new Float64Array(N);
  let price = 1_300;
  let seed = 12_345;
  for (let i = 0; i < N; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) | 0;
    price *= 1 + ((seed >>> 16) / 65_536 - 0.5) * 0.002;
    closes[i] = price;
  }
  const make: Record<string, () => ScalarIndicator> = {
    'sma-20': () => new Sma(20),
    'ema-20': () => new Ema(20),
    'rsi-14': () => new Rsi(14),
    'stddev-20': () => new RollingStdDev(20),
    'macd-12-26-9': () => new Macd(),
  };
  const REPEAT = 10;
  const workloads = Object.fromEntries(
    Object.entries(make).map(([name, create]) => [
      name,
      {
        ops: N * REPEAT,
        run: () => {
          for (let k = 0; k < REPEAT; k++) {
            const ind = create();
            for (let i = 0; i < N; i++) ind.update(closes[i]!);
            consume(ind.value);
          }
        },
      },
    ]),
  );
  const r = measureThroughput(workloads);
  return Object.keys(make).map((name) => ({
    name: `md.indicator.${name}`,
    value: r[name]!.median,
    unit: 'updates/s',
    spread: r[name]!.spread,
  }));
}

/** Synthetic market generation: events/s, with and without L2 depth. */
function generator(): BenchResult[] {
  const window = { start: T0, end: T0 + 15 * 60_000_000 };
  const count = (depth: boolean) => {
    let n = 0;
    for (const e of generateMarket('normal-day', {
      seed: 1,
      instruments: [nseEquity(), cryptoSpot()],
      depth,
      ...window,
    })) {
      n++;
      consume(e.tsEvent);
    }
    return n;
  };
  const withDepth = count(true);
  const without = count(false);
  const r = measureThroughput(
    { depth: { ops: withDepth, run: () => count(true) }, plain: { ops: without, run: () => count(false) } },
    { reps: 5, warmup: 1 },
  );
  return [
    {
      name: 'md.generator.trades-quotes-depth',
      value: r.depth!.median,
      unit: 'events/s',
      spread: r.depth!.spread,
    },
    { name: 'md.generator.trades-quotes', value: r.plain!.median, unit: 'events/s', spread: r.plain!.spread },
  ];
}

/**
 * Market data: ticks aggregated into bars (one and five timeframes), per-tick latency,
 * indicator updates, synthetic market generation.
 */
export const marketDataSuite: BenchSuite = {
  name: 'market-data',
  run: () => [...aggregation(), ...aggregationLatency(), ...indicators(), ...generator()],
};
