/**
 * Counts the bytes allocated per event on two hot paths: bus dispatch (`EventBus.publish` to one
 * subscriber) and the backtester's per-event path (a full kernel run over L1 quotes and trades:
 * venue matching, bar aggregation, strategies, portfolio, risk). Run it through
 * `npm run profile -- --alloc`, which starts Node with `--expose-gc` and a 64 MB young generation.
 *
 * The bus count is exact: the young generation's used bytes before and after a window in which
 * no GC ran (a PerformanceObserver watches for one). The backtester's figures come from the
 * sampling heap profiler (every 128 bytes, collected objects included) over whole runs: a young-
 * generation count over a run that long moves with where GCs and JIT tiers fall, the sampler does
 * not, and it names the sites that allocate.
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { buildSimulatedVenue, catalogInstrument, ExecutionSectionSchema } from '@quantkubera/backtest';
import {
  type CanonicalEvent,
  EventBus,
  type EventOf,
  MultiTimeframeAggregator,
  SimClock,
} from '@quantkubera/core';
import { LatencyTracker, type MarketDataEvent } from '@quantkubera/sdk';
import { consume } from './harness.js';
import { formatTop, type HeapProfile, topAllocationSites, totalAllocated } from './profile-format.js';
import { kernelRun, l1Events } from './suites/backtest.js';

const gcFn = (globalThis as { gc?: () => void }).gc;
if (gcFn === undefined) {
  console.error('alloc-probe: run it through `npm run profile -- --alloc` (needs node --expose-gc)');
  process.exit(2);
}
const collect: () => void = gcFn;

const gcTimes: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcTimes.push(e.startTime);
}).observe({ entryTypes: ['gc'] });

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Bytes in the young generation. New objects are allocated there, and it has no concurrent
 * sweeper (old-space totals drift while the sweeper frees pages after a GC, so they are no use).
 */
function youngBytes(): number {
  let sum = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') {
      sum += space.space_used_size;
    }
  }
  return sum;
}

/** Bytes allocated while `fn` runs, or undefined when a GC ran inside the window. */
async function allocatedBy(fn: () => unknown): Promise<number | undefined> {
  collect();
  collect();
  await settle();
  const t0 = performance.now();
  const before = youngBytes();
  await fn();
  const after = youngBytes();
  const t1 = performance.now();
  await settle();
  return gcTimes.some((t) => t >= t0 && t <= t1) ? undefined : after - before;
}

function quotes(count: number): EventOf<'quote'>[] {
  const T0 = 1_732_000_000_000_000;
  return Array.from({ length: count }, (_, i) => ({
    kind: 'quote',
    v: 1,
    tsEvent: T0 + i,
    tsInit: T0 + i,
    instrumentId: 'BTCUSDT.BINANCE',
    bidPrice: 97_000 + (i % 100),
    bidSize: 1,
    askPrice: 97_001 + (i % 100),
    askSize: 1,
  }));
}

async function busProbe(): Promise<void> {
  const events = quotes(100_000);
  const bus = new EventBus<CanonicalEvent>();
  let sum = 0;
  bus.subscribe('quote', (q) => {
    sum += q.askPrice - q.bidPrice;
  });
  const run = (): void => {
    for (let k = 0; k < 10; k++) for (let i = 0; i < events.length; i++) bus.publish(events[i]!);
  };
  for (let i = 0; i < 5; i++) run();
  const bytes = await allocatedBy(run);
  const n = events.length * 10;
  console.log(
    bytes === undefined
      ? 'bus.publish: a GC ran inside the window; run again'
      : `bus.publish, one subscriber: ${bytes} bytes over ${n} events = ${(bytes / n).toFixed(3)} B/event (checksum ${sum % 7})`,
  );
}

/**
 * Bytes per event that `run` allocates, from the sampling heap profiler (every 128 bytes,
 * collected objects included) over `events` events, after three warm-up calls. Statistical, but
 * over megabytes it is steady to a fraction of a byte per event, and unlike a young-generation
 * count it does not depend on where a GC happened to fall; it also names the sites.
 */
async function sampled(label: string, events: number, run: () => unknown, sites = 0): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 128,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as { samplingInterval: number });
  await run();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: HeapProfile };
  session.disconnect();
  const perEvent = totalAllocated(profile) / events;
  console.log(`${label}: ${perEvent.toFixed(1)} B/event over ${events} events`);
  if (sites > 0) {
    console.log(
      formatTop('  top allocation sites (frame ← caller):', 'B', topAllocationSites(profile, sites)),
    );
  }
  return perEvent;
}

/** The backtester's per-event components, each alone over the same L1 events. */
async function componentProbes(all: readonly MarketDataEvent[]): Promise<void> {
  const btc = catalogInstrument('BTCUSDT.BINANCE');
  await sampled('  simulated venue (L1, no orders), onMarketData', all.length, () => {
    const clock = new SimClock(all[0]!.tsEvent);
    const venue = buildSimulatedVenue({
      section: ExecutionSectionSchema.parse({ matching: 'L1', fees: { schedule: 'binance-spot' } }),
      venue: 'binance',
      clock,
      instruments: [btc],
      seed: 1,
    });
    // Indexed loops: a for...of iterator can itself allocate where V8 does not optimise it away.
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!;
      clock.advanceToEvent(e);
      venue.onMarketData(e);
    }
  });
  const trades = all.filter((e): e is EventOf<'trade'> => e.kind === 'trade');
  let bars = 0;
  await sampled(
    '  bar aggregator (1m + 5m), onTrade, per trade (the bars it emits included)',
    trades.length,
    () => {
      const agg = new MultiTimeframeAggregator({
        instrumentId: btc.id,
        timeframes: ['1m', '5m'],
        onBar: () => {
          bars++;
        },
      });
      for (let i = 0; i < trades.length; i++) agg.onTrade(trades[i]!);
    },
  );
  const latency = new LatencyTracker();
  await sampled('  latency tracker, ingest() (one performance.now() per event)', 500_000, () => {
    for (let i = 0; i < 500_000; i++) latency.ingest();
  });
  consume(bars);
}

async function backtestProbe(): Promise<void> {
  const all = l1Events(6);
  console.log(
    '\nbacktest kernel run: L1 quotes and trades of 6 hours, SMA crossover on 1m and 5m; its output\n' +
      '(17 orders, 432 bars, 360 portfolio snapshots) included. Sampled over one whole run:',
  );
  await sampled(
    'latency tracking off',
    all.length,
    () => kernelRun(all, 'L1', ['1m', '5m'], undefined, 60_000_000, false),
    8,
  );
  await sampled('latency tracking on (the default)', all.length, () => kernelRun(all, 'L1', ['1m', '5m']), 4);
  console.log('components alone:');
  await componentProbes(all);
}

await busProbe();
await backtestProbe();
