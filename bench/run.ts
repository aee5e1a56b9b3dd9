/**
 * `npm run bench [-- [--quick] [--out <file>] <filter>...]`: runs every benchmark suite (or those
 * whose name contains a filter, or the quick subset the CI gate uses) through the harness, prints
 * a table and writes a JSON report (bench-results.json at the repository root by default).
 *
 * Each suite runs in a fresh Node process of its own (as JMH forks a JVM per benchmark): the
 * JIT's type feedback is per process, so a suite that ran earlier in the same process leaves the
 * shared code (the bus, the clock, the aggregator, the matching engine) compiled for its own mix
 * of shapes and modes. Measured on one machine: the L1 backtest ran at 4.3 M events/s alone and
 * 2.8 M events/s after the six suites before it. A user's process runs one configuration, like a
 * suite alone.
 */

import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runReportInChild } from './fork.js';
import {
  type BenchResult,
  type BenchSuite,
  calibrate,
  calibrationSamplesSoFar,
  median,
  resetCalibration,
  withCalibration,
} from './harness.js';
import {
  backtestBarsNoLatencySuite,
  backtestBarsNoOrdersSuite,
  backtestBarsSuite,
  backtestL1Suite,
  backtestLatencySuite,
} from './suites/backtest.js';
import { backtestVenueSuite } from './suites/backtest-venue.js';
import { busSuite } from './suites/core-bus.js';
import { codecSuite } from './suites/core-codec.js';
import { riskSuite } from './suites/core-risk.js';
import { walSuite } from './suites/core-wal.js';
import { marketDataSuite } from './suites/market-data.js';
import { nativeRingSuite } from './suites/native-ring.js';
import { sweepsSuite } from './suites/sweeps.js';

/** Every benchmark suite in the repository, in the order `npm run bench` runs them. */
export const SUITES: readonly BenchSuite[] = [
  busSuite,
  codecSuite,
  walSuite,
  riskSuite,
  marketDataSuite,
  backtestVenueSuite,
  backtestL1Suite,
  backtestBarsSuite,
  backtestBarsNoLatencySuite,
  backtestBarsNoOrdersSuite,
  backtestLatencySuite,
  nativeRingSuite,
  sweepsSuite,
];

/**
 * The suites of the short gate CI runs (`npm run bench:check -- --quick`): every in-process suite,
 * about 20 s. Left out: core-wal (fsync timing is the disk's, not the code's) and native-ring
 * (forks peer processes, whose scheduling on a shared 2-core machine dominates its figures).
 */
export const QUICK_SUITES: readonly string[] = [
  'core-bus',
  'core-codec',
  'core-risk',
  'market-data',
  'backtest-venue',
  'backtest-l1',
  'backtest-bars',
  'backtest-bars-no-latency',
  'backtest-bars-no-orders',
  'backtest-latency',
];

/** The calibration workload's rate while one suite ran. */
export interface SuiteCalibration {
  /** The suite's name. */
  readonly suite: string;
  /** Median calibration rate (loop iterations/s) over the suite's samples. */
  readonly rate: number;
  /** (max - min) / median of those samples: how much the machine's speed moved during the suite. */
  readonly spread: number;
  /** How many calibration samples were taken. */
  readonly samples: number;
  /** Wall time the suite took, in seconds (reported, never asserted). */
  readonly seconds: number;
  /** Names of the figures the suite produced. */
  readonly figures: readonly string[];
}

/** The JSON report `npm run bench` writes. */
export interface BenchReport {
  /** Report format version. */
  readonly version: 1;
  /** Node version, platform and CPU the figures were measured on. */
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpu: string;
    readonly cores: number;
  };
  /** The suites that ran. */
  readonly suites: readonly string[];
  /** Calibration per suite. */
  readonly calibration: readonly SuiteCalibration[];
  /** Every figure, with `calibrated` stamped on rates and times. */
  readonly results: readonly BenchResult[];
}

/** The suites a command line selects: `--quick` for the gate's subset, else name filters (none = all). */
export function selectSuites(filters: readonly string[], quick: boolean): BenchSuite[] {
  if (quick) return SUITES.filter((s) => QUICK_SUITES.includes(s.name));
  return SUITES.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
}

/**
 * Runs suites one after another. The calibration workload runs before and after each suite and
 * interleaved with its repetitions; each figure is stamped with its value in calibration units
 * against the median calibration rate of its own suite.
 */
export async function runSuites(suites: readonly BenchSuite[]): Promise<BenchReport> {
  const results: BenchResult[] = [];
  const calibration: SuiteCalibration[] = [];
  for (const suite of suites) {
    process.stderr.write(`running ${suite.name}...\n`);
    resetCalibration();
    // Two untimed-for-the-figures calibration runs first, so the loop itself is optimised.
    calibrate();
    calibrate();
    resetCalibration();
    for (let i = 0; i < 3; i++) calibrate();
    const started = process.hrtime.bigint();
    const figures = await suite.run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (let i = 0; i < 3; i++) calibrate();
    const samples = calibrationSamplesSoFar();
    const rate = median(samples);
    calibration.push({
      suite: suite.name,
      rate,
      spread: (Math.max(...samples) - Math.min(...samples)) / rate,
      samples: samples.length,
      seconds,
      figures: figures.map((f) => f.name),
    });
    for (const f of figures) results.push(withCalibration(f, rate));
  }
  return {
    version: 1,
    machine: {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: availableParallelism(),
    },
    suites: suites.map((s) => s.name),
    calibration,
    results,
  };
}

function format(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(2)} k`;
  return value.toFixed(abs >= 10 ? 1 : 3);
}

function verdict(r: BenchResult): string {
  const checks: boolean[] = [];
  if (r.target !== undefined)
    checks.push(r.lowerIsBetter === true ? r.value <= r.target : r.value >= r.target);
  if (r.ratioTarget !== undefined && r.ratio !== undefined) checks.push(r.ratio >= r.ratioTarget);
  if (checks.length === 0) return '';
  return checks.every(Boolean) ? 'met' : 'MISSED';
}

/** The readable table of a run's figures. */
export function table(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    `${format(r.value)} ${r.unit}`,
    r.target === undefined ? '' : `${r.lowerIsBetter === true ? '≤' : '≥'} ${format(r.target)}`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.baseline ?? ''}`.trim(),
    r.ratioTarget === undefined ? '' : `≥ ${r.ratioTarget}×`,
    r.spread === undefined ? '' : `±${((r.spread * 100) / 2).toFixed(1)}%`,
    r.calibrated === undefined ? '' : r.calibrated.toPrecision(3),
    verdict(r),
  ]);
  const header = ['benchmark', 'value', 'target', 'ratio', 'ratio target', 'spread', 'calibrated', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

interface Args {
  readonly quick: boolean;
  readonly out: string;
  readonly filters: string[];
  /** Run the one suite named exactly by the filter in this process (the parent's child mode). */
  readonly inProcess: boolean;
}

const CHILD_FLAG = '--in-process';

/**
 * Runs each suite in a fresh Node process (this file, with {@link CHILD_FLAG}) and merges their
 * reports in order; suites and figures are the same as {@link runSuites} in one process gives.
 */
export function runSuitesIsolated(suites: readonly BenchSuite[]): BenchReport {
  const reports = suites.map((suite) => runReportInChild([CHILD_FLAG, suite.name]));
  const first = reports[0]!;
  return {
    ...first,
    suites: reports.flatMap((r) => r.suites),
    calibration: reports.flatMap((r) => r.calibration),
    results: reports.flatMap((r) => r.results),
  };
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let inProcess = false;
  let out = fileURLToPath(new URL('../bench-results.json', import.meta.url));
  const filters: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === CHILD_FLAG) inProcess = true;
    else if (a === '--out') {
      const next = argv[++i];
      if (next === undefined) throw new Error('bench: --out needs a file path');
      out = resolve(next);
    } else filters.push(a);
  }
  return { quick, out, filters, inProcess };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const chosen = args.inProcess
    ? SUITES.filter((s) => args.filters.includes(s.name))
    : selectSuites(args.filters, args.quick);
  if (chosen.length === 0) {
    console.error(
      `no suite matches ${args.filters.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`,
    );
    process.exit(2);
  }
  if (args.inProcess) {
    // A child of runSuitesIsolated: measure, write the report, print nothing.
    writeFileSync(args.out, `${JSON.stringify(await runSuites(chosen))}\n`);
    return;
  }
  const report = runSuitesIsolated(chosen);
  console.log(table(report.results));
  console.log('\ncalibration (loop iterations/s, per suite):');
  for (const c of report.calibration) {
    console.log(
      `  ${c.suite.padEnd(16)} ${(c.rate / 1e6).toFixed(1)} M/s  ±${((c.spread * 100) / 2).toFixed(1)}%  ${c.seconds.toFixed(1)} s`,
    );
  }
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\nwrote ${report.results.length} figures to ${args.out} (node ${process.version}, ${report.machine.platform}, ${report.machine.cores} cores)`,
  );
}

// Run only as the entry point: check.ts and profile.ts import the suite list from here.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
