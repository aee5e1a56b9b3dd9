/**
 * Counts the bytes allocated per event on two hot paths: bus dispatch (`EventBus.publish` to one
 * subscriber) and the backtester's per-event path (a full kernel run over L1 quotes and trades:
 * venue matching, bar aggregation, strategies, portfolio, risk). Run it through
 * `npm run profile -- --alloc`, which starts Node with `--expose-gc` and a 64 MB young generation.
 *
 * The count is exact: the young generation's used bytes before and after a window in which no GC
 * ran (a PerformanceObserver watches for one; a window with a GC is measured again, smaller).
 * Objects V8 pretenures straight into old space are not counted. The
 * backtester's figure is marginal, (bytes for 2N events - bytes for N events) / N, so the fixed
 * cost of building and closing a kernel cancels. The sampling heap profiler (collected objects
 * included) then names the sites that allocate.
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
 * Marginal bytes per event of one component on its own: (bytes for 2n events - bytes for n) / n,
 * after warm-up passes, so construction costs cancel.
 */
async function perEvent(label: string, n: number, run: (count: number) => void): Promise<void> {
  for (let i = 0; i < 3; i++) run(2 * n);
  const small = await allocatedBy(() => run(n));
  const large = await allocatedBy(() => run(2 * n));
  console.log(
    small === undefined || large === undefined
      ? `${label}: a GC ran inside the window; run again`
      : `${label}: ${((large - small) / n).toFixed(1)} B/event (marginal over ${n} events)`,
  );
}

/** The backtester's per-event components, each alone over the same L1 events. */
async function componentProbes(all: readonly MarketDataEvent[]): Promise<void> {
  const events = all.slice(0, 100_000);
  const btc = catalogInstrument('BTCUSDT.BINANCE');
  // Each pass needs a fresh venue: its clock only moves forward.
  const venueRun = (count: number): void => {
    const clock = new SimClock(events[0]!.tsEvent);
    const venue = buildSimulatedVenue({
      section: ExecutionSectionSchema.parse({ matching: 'L1', fees: { schedule: 'binance-spot' } }),
      venue: 'binance',
      clock,
      instruments: [btc],
      seed: 1,
    });
    // Indexed loops: a for...of iterator can itself allocate where V8 does not optimise it away.
    for (let i = 0; i < count; i++) {
      const e = events[i]!;
      clock.advanceToEvent(e);
      venue.onMarketData(e);
    }
  };
  await perEvent('  simulated venue (L1, no orders), onMarketData', events.length / 2, venueRun);
  // The aggregator over 1 ms trades: warmed on the first half, measured on the second (its
  // timestamps continue, so it keeps aggregating rather than rejecting late trades).
  const T0 = 1_730_691_900_000_000;
  const trades: EventOf<'trade'>[] = Array.from({ length: 400_000 }, (_, i) => ({
    kind: 'trade',
    v: 1,
    tsEvent: T0 + i * 1_000,
    tsInit: T0 + i * 1_000 + 40,
    instrumentId: btc.id,
    price: 68_000 + ((i * 7) % 61) * 0.5,
    size: 0.001 * (1 + (i % 25)),
    aggressor: i % 2 === 0 ? 'BUYER' : 'SELLER',
    tradeId: String(i),
  }));
  let bars = 0;
  const agg = new MultiTimeframeAggregator({
    instrumentId: btc.id,
    timeframes: ['1m', '5m'],
    onBar: () => {
      bars++;
    },
  });
  for (let i = 0; i < 200_000; i++) agg.onTrade(trades[i]!);
  const aggBytes = await allocatedBy(() => {
    for (let i = 200_000; i < 400_000; i++) agg.onTrade(trades[i]!);
  });
  console.log(
    aggBytes === undefined
      ? '  bar aggregator: a GC ran inside the window; run again'
      : `  bar aggregator (1m + 5m), onTrade: ${(aggBytes / 200_000).toFixed(1)} B/trade over 200000 trades (${bars} bars in all)`,
  );
  const latency = new LatencyTracker();
  await perEvent('  latency tracker, ingest()', 500_000, (count) => {
    for (let i = 0; i < count; i++) latency.ingest();
  });
}

async function backtestProbe(): Promise<void> {
  const all = l1Events(6);
  // JIT warm-up: two full runs.
  await kernelRun(all, 'L1', ['1m', '5m']);
  await kernelRun(all, 'L1', ['1m', '5m']);
  for (let n = 100_000; n >= 12_500; n /= 2) {
    const small = await allocatedBy(() => kernelRun(all.slice(0, n), 'L1', ['1m', '5m']));
    const large = await allocatedBy(() => kernelRun(all.slice(0, 2 * n), 'L1', ['1m', '5m']));
    if (small === undefined || large === undefined) continue;
    // The slices themselves are allocated inside the windows: 8 bytes per element.
    const perEvent = (large - small) / n - 8;
    console.log(
      `backtest kernel run (L1, SMA crossover on 1m and 5m): ${(large - small).toLocaleString('en')} bytes for ${n} more events = ${perEvent.toFixed(1)} B/event (slice cost removed)`,
    );
    break;
  }
  console.log('components alone:');
  await componentProbes(all);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as { samplingInterval: number });
  await kernelRun(all, 'L1', ['1m', '5m']);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: HeapProfile };
  session.disconnect();
  const total = totalAllocated(profile);
  console.log(
    `\nsampled over one full run of ${all.length} events: ${(total / 1e6).toFixed(1)} MB, ~${(total / all.length).toFixed(0)} B/event including setup`,
  );
  console.log(formatTop('top allocation sites (frame ← caller):', 'B', topAllocationSites(profile, 20)));
}

await busProbe();
await backtestProbe();
