import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Instrument, SimClock } from '@quantkubera/core';
import { coreCodeVersion, hashConfig, WalWriter } from '@quantkubera/core/wal';
import {
  type BacktestRunOptions,
  type BacktestSummary,
  Kernel,
  type LoadedDescriptor,
  type LogLine,
  loadStrategy,
  parseSection,
} from '@quantkubera/sdk';
import { appendExperiment, codeVersion, recordedNow } from '../experiments/index.js';
import { resolveInstruments } from '../instruments/index.js';
import { analyseRun, annualisationFor, PriceSampler, writeRunAnalysis } from '../results/index.js';
import { defaultCalendarFor } from '../venue/venue-options.js';
import { type DataSection, DataSectionSchema, openMarketData } from './data-section.js';
import { buildSimulatedVenue, ExecutionSectionSchema } from './execution-config.js';
import { countRoundTrips, RunCollector, writeArtifacts } from './results.js';

const PROGRESS_EVERY = 1 << 15;

/** The files a run writes into its directory (besides `wal/`). */
const RUN_ARTIFACTS = [
  'orders.csv',
  'fills.csv',
  'fees.csv',
  'positions.csv',
  'equity.csv',
  'trades.csv',
  'slippage.csv',
  'prices.csv',
  'stats.json',
  'breakdown.json',
  'summary.json',
  'timing.json',
  'log.jsonl',
];

/** JSON cannot hold Infinity (a profit factor without losses): written as null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** The wall clock, for the run's elapsed time only (it never reaches the kernel). */
function wallSeconds(): number {
  return performance.now() / 1000;
}

/** Where a run writes: `<results.dir>/<name>/`, relative to the descriptor unless absolute. */
export function resultsDirectory(loaded: LoadedDescriptor, override?: string): string {
  const base = override ?? loaded.descriptor.results.dir;
  return join(isAbsolute(base) ? base : resolve(loaded.baseDir, base), loaded.descriptor.name);
}

/**
 * Runs the backtest a descriptor describes: market data (synthetic, CSV or a recorded WAL)
 * replayed in time order on a `SimClock`, the simulated venue of the `execution` section as the
 * gateway, the same kernel paper and live mode use, and the strategies. Writes the run's WAL and
 * artifacts to `<results.dir>/<name>/` (replacing a previous run of the same name) and returns
 * the summary. Whatever the descriptor's `mode` line says, this runs it as a backtest.
 *
 * @example
 * ```ts
 * const summary = await runBacktest(await loadDescriptor('examples/sma-crossover/backtest.yaml'));
 * console.log(summary.pnl, summary.sharpe);
 * ```
 */
export async function runBacktest(
  loaded: LoadedDescriptor,
  options: BacktestRunOptions = {},
): Promise<BacktestSummary> {
  const started = wallSeconds();
  const d = loaded.descriptor;
  const seed = options.seed ?? d.seed;
  const instruments: Instrument[] = resolveInstruments(d.instruments, loaded.path);
  const data: DataSection = parseSection(DataSectionSchema, 'data', d.data, loaded.path);
  const execution = parseSection(ExecutionSectionSchema, 'execution', d.execution, loaded.path);
  const strategies = await Promise.all(d.strategies.map((s) => loadStrategy(s, loaded.baseDir)));
  const market = openMarketData(data, instruments, seed, loaded.baseDir);

  const dir = resultsDirectory(loaded, options.resultsDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const clock = new SimClock(market.startUs);
  const collected = new RunCollector();
  const venue = buildSimulatedVenue({
    section: execution,
    venue: d.venue,
    clock,
    instruments,
    seed,
    onFill: (fill, fees) => collected.fees.set(fill.tradeId, fees),
  });
  const walDir = isAbsolute(d.wal.path) ? d.wal.path : join(dir, d.wal.path);
  const wal = WalWriter.open({
    dir: walDir,
    durability: d.wal.durability,
    run: {
      configHash: hashConfig({ descriptor: d, seed }),
      seed,
      createdUs: market.startUs,
      labels: { name: d.name, descriptor: loaded.path, mode: 'backtest', descriptorHash: loaded.hash },
    },
  });
  const logLines: string[] = [];
  const kernel = new Kernel({
    mode: 'backtest',
    clock,
    instruments,
    gateway: venue,
    simulator: venue,
    strategies: d.strategies.map((s, i) => ({
      definition: strategies[i]!,
      params: s.params,
      ...(s.id === undefined ? {} : { id: s.id }),
      ...(s.allocation === undefined ? {} : { allocation: s.allocation }),
    })),
    baseCurrency: d.baseCurrency,
    deposits: d.capital,
    ...(d.rates === undefined ? {} : { rates: d.rates }),
    ...(d.risk === undefined ? {} : { risk: d.risk }),
    ...(d.bars === undefined
      ? {}
      : {
          bars: {
            ...(d.bars.latePolicy === undefined ? {} : { latePolicy: d.bars.latePolicy }),
            ...(d.bars.emptyBars === undefined ? {} : { emptyBars: d.bars.emptyBars }),
          },
        }),
    ...(d.restart === undefined ? {} : { restart: d.restart }),
    recorder: wal,
    record: 'decisions',
    snapshotIntervalUs: Math.round(d.snapshotIntervalSeconds * 1_000_000),
    log: (line: LogLine) => logLines.push(JSON.stringify(line)),
  });
  kernel.bus.subscribe('orderIntent', (e) => collected.intents.push(e));
  kernel.bus.subscribe('fill', (e) => collected.fills.push(e));
  kernel.bus.subscribe('position', (e) => collected.positions.push(e));
  kernel.bus.subscribe('portfolio', (e) => collected.snapshots.push(e));

  await kernel.start();
  const startEquity = kernel.portfolio.equity();
  let events = 0;
  const prices = new PriceSampler(Math.round(d.snapshotIntervalSeconds * 1_000_000));
  const span = market.endUs === undefined ? 0 : market.endUs - market.startUs;
  for (const event of market.events) {
    // advanceToEvent rather than advanceTo(event.tsEvent): nothing is allocated per event.
    clock.advanceToEvent(event);
    kernel.onMarketData(event);
    prices.observe(event);
    events++;
    if ((events & (PROGRESS_EVERY - 1)) === 0 && options.onProgress !== undefined) {
      const at = clock.nowUs();
      options.onProgress({ fraction: span > 0 ? Math.min(1, (at - market.startUs) / span) : 0, events });
    }
  }
  // Let the clock reach the window's end: session-end expiries and the last snapshots happen.
  if (market.endUs !== undefined && market.endUs > clock.nowUs()) clock.advanceTo(market.endUs);
  const latency = await kernel.stop();
  options.onProgress?.({ fraction: 1, events });
  await wal.flush();
  wal.close();

  writeArtifacts(dir, collected, kernel.orders);
  writeFileSync(join(dir, 'log.jsonl'), logLines.length === 0 ? '' : `${logLines.join('\n')}\n`);
  const endEquity = kernel.portfolio.equity();
  const calendar = defaultCalendarFor(instruments[0]!);
  const multipliers = new Map(instruments.map((i) => [i.id, i.multiplier]));
  const analysis = analyseRun({
    fills: collected.fills,
    snapshots: collected.snapshots,
    annualisation: annualisationFor(instruments[0]!.venue, d.snapshotIntervalSeconds),
    // Only periods ending in a session count: flat nights and weekends would dilute volatility.
    isTradingPeriod: (ts) => calendar.isOpen(ts - 1),
    multiplier: (id) => multipliers.get(id) ?? 1,
  });
  writeRunAnalysis(dir, analysis, prices.finish());
  const stats = analysis.statistics;
  const fees = collected.fills.reduce(
    (sum, f) =>
      sum +
      f.fee * (f.feeCurrency === d.baseCurrency ? 1 : (kernel.portfolio.rate(f.feeCurrency) ?? Number.NaN)),
    0,
  );
  const summary: BacktestSummary = {
    name: d.name,
    seed,
    events,
    elapsedSeconds: wallSeconds() - started,
    trades: countRoundTrips(collected.fills),
    fills: collected.fills.length,
    startEquity,
    endEquity,
    pnl: endEquity - startEquity,
    fees,
    totalReturn: startEquity > 0 ? (endEquity - startEquity) / startEquity : 0,
    maxDrawdown: stats.maxDrawdown,
    sharpe: stats.sharpe,
    sortino: stats.sortino,
    annualisedReturn: stats.annualisedReturn,
    volatility: stats.volatility,
    calmar: stats.calmar,
    maxDrawdownDurationSeconds: stats.maxDrawdownDurationSeconds,
    winRate: stats.winRate,
    profitFactor: stats.profitFactor,
    exposureTime: stats.exposureTime,
    turnover: analysis.turnover,
    baseCurrency: d.baseCurrency,
    failures: kernel.stats.failures.map((f) => ({ strategyId: f.strategyId, message: f.message })),
    latency,
    resultsDir: dir,
  };
  // summary.json holds only what the seed determines; timings and latencies vary run to run.
  const { elapsedSeconds, latency: _latency, resultsDir: _dir, ...deterministic } = summary;
  writeFileSync(
    join(dir, 'summary.json'),
    `${JSON.stringify({ ...deterministic, codeVersion: coreCodeVersion() }, finiteOrNull, 2)}\n`,
  );
  writeFileSync(
    join(dir, 'timing.json'),
    `${JSON.stringify({ elapsedSeconds, eventsPerSecond: events / Math.max(elapsedSeconds, 1e-9), latency }, null, 2)}\n`,
  );
  if (options.track !== false) {
    appendExperiment(dirname(dir), {
      kind: 'run',
      name: d.name,
      recordedAt: recordedNow(),
      descriptor: loaded.path,
      descriptorHash: loaded.hash,
      params: d.strategies.map((s) => s.params),
      seed,
      codeVersion: codeVersion(loaded.baseDir),
      metrics: { ...deterministic, trades: summary.trades, events },
      artifacts: { dir, files: RUN_ARTIFACTS },
    });
  }
  return summary;
}
