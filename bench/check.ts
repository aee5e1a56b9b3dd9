/**
 * `npm run bench:check [-- --quick] [--update] [--runs N] [--samples N] [--retries N]`: the benchmark
 * regression gate. Runs the suites in a fresh process, compares every gated figure with the
 * committed baseline (`bench/baselines/<quick|full>.json`) and exits 1 when one is worse than its
 * threshold. `--update` measures the baseline instead: N fresh-process runs, per-figure median and
 * run-to-run spread, and a threshold derived from that spread (the method is in BENCHMARKS.md).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runReportInChild } from './fork.js';
import { type BenchResult, isPerformanceFigure, median } from './harness.js';
import type { BenchReport } from './run.js';

/** Which number of a figure the gate compares. */
export type GateMetric = 'calibrated' | 'ratio';

/** One figure's entry in a committed baseline. */
export interface BaselineFigure {
  /** The figure's unit, for the report. */
  readonly unit: string;
  /** True when smaller is better (times). */
  readonly lowerIsBetter: boolean;
  /** The number compared: value in calibration units, or the ratio to the suite's in-process bare loop. */
  readonly metric: GateMetric;
  /** Median of `metric` over the baseline runs. */
  readonly baseline: number;
  /** The `metric` of each baseline run. */
  readonly samples: readonly number[];
  /** Run-to-run spread of `metric`: (max - min) / median over the baseline runs. */
  readonly runSpread: number;
  /** How far the worst baseline run fell short of the median, relative to the median. */
  readonly downside: number;
  /** Relative worsening that fails the gate: max(5%, 2 × downside), rounded up to 1%. */
  readonly threshold: number;
  /** False for times and when the threshold would exceed {@link MAX_THRESHOLD} (see {@link isGateable}). */
  readonly gated: boolean;
  /** Median raw value over the baseline runs (for BENCHMARKS.md and the report). */
  readonly value: number;
}

/** A committed baseline file. */
export interface Baseline {
  /** File format version. */
  readonly version: 1;
  /** `quick` (the CI gate's suites) or `full` (every suite). */
  readonly mode: 'quick' | 'full';
  /** The machine the baseline was measured on. */
  readonly machine: BenchReport['machine'];
  /** When it was measured (ISO date; informational). */
  readonly measuredAt: string;
  /** Fresh-process runs the baseline is the median of. */
  readonly runs: number;
  /** The rule that turned run-to-run spread into thresholds. */
  readonly method: string;
  /** Figures by name. */
  readonly figures: Readonly<Record<string, BaselineFigure>>;
}

/** The smallest threshold: the issue's 5%. */
export const MIN_THRESHOLD = 0.05;
/** A figure whose derived threshold exceeds this is too noisy on this machine to gate. */
export const MAX_THRESHOLD = 0.25;
/** The threshold is this many times the measured downside (median to worst baseline run). */
export const SPREAD_FACTOR = 2;

/**
 * Tail percentiles measure the scheduler as much as the code: on a shared machine one preemption
 * moves a p99.9. They are reported, never gated.
 */
export const TAIL_PERCENTILE = /\.p99(\.\d+)?$/;

/** The method, recorded in every baseline file. */
export const BASELINE_METHOD =
  'baseline = median of the metric over fresh-process runs; downside = (median - worst run) / median; ' +
  'threshold = max(5%, 2 x downside), rounded up to 1%; metric = calibrated value or in-process ratio, ' +
  'whichever had the smaller run-to-run spread; only rates are gated, and only with a threshold ' +
  'of at most 25%: times, tail percentiles and reference workloads (bare loops, JSON, postMessage, sockets) ' +
  'are reported, not gated; ' +
  'a check judges the best of --samples fresh runs, and re-measures a failing suite up to --retries times.';

/**
 * Whether a figure is gated: a rate (unit ending in `/s`) whose threshold is at most
 * {@link MAX_THRESHOLD}. Times are reported, never gated: calibration tracks the process's share
 * of the CPU, which a throughput follows but a microsecond latency measured between preemptions
 * does not, so a calibrated latency drifts with the machine's load (seen: a p50 that looked 17%
 * worse once the neighbours went quiet); and tail percentiles measure the scheduler.
 */
export function isGateable(name: string, unit: string, threshold: number): boolean {
  return (
    threshold <= MAX_THRESHOLD && unit.endsWith('/s') && !TAIL_PERCENTILE.test(name) && !isReference(name)
  );
}

/**
 * Reference workloads that ratios are taken against (bare loops, JSON.stringify/parse,
 * postMessage, Unix sockets) and machine probes: they measure the machine and V8, not this
 * repository's code, so they are reported, never gated. Seen when the machine changed from an
 * AMD EPYC to an Intel Xeon VM: the bus's bare loop fell 44% in calibrated units (its JIT and
 * memory behaviour differ by microarchitecture far more than the calibration loop's), while
 * every figure of our own code stayed within its threshold.
 */
export const REFERENCE_FIGURE = /(\.bare-loop$|^codec\.json-|\.postmessage|\.uds|^machine\.)/;

/** Whether `name` is a reference workload or machine probe (see {@link REFERENCE_FIGURE}). */
export function isReference(name: string): boolean {
  return REFERENCE_FIGURE.test(name);
}

/** How far the worst sample falls short of the median, relative to it (direction-aware). */
export function downsideOf(samples: readonly number[], lowerIsBetter: boolean): number {
  const m = median(samples);
  if (m === 0) return Number.POSITIVE_INFINITY;
  return lowerIsBetter ? Math.max(...samples) / m - 1 : 1 - Math.min(...samples) / m;
}

/** The gate threshold for a figure's baseline samples: max(5%, 2 × downside), rounded up to 1%. */
export function thresholdFor(samples: readonly number[], lowerIsBetter: boolean): number {
  const raw = SPREAD_FACTOR * downsideOf(samples, lowerIsBetter);
  return Math.max(MIN_THRESHOLD, Math.ceil(raw * 100 - 1e-9) / 100);
}

function metricOf(r: BenchResult, metric: GateMetric): number | undefined {
  return metric === 'calibrated' ? r.calibrated : r.ratio;
}

function relativeSpread(samples: readonly number[]): number {
  const m = median(samples);
  return m === 0 ? Number.POSITIVE_INFINITY : (Math.max(...samples) - Math.min(...samples)) / m;
}

/** Builds a baseline from several fresh-process reports of the same suites. */
export function buildBaseline(
  mode: 'quick' | 'full',
  reports: readonly BenchReport[],
  measuredAt: string,
): Baseline {
  const figures: Record<string, BaselineFigure> = {};
  const first = reports[0];
  if (first === undefined) throw new Error('bench:check: no runs to build a baseline from');
  for (const r of first.results) {
    if (!isPerformanceFigure(r)) continue;
    const runs = reports.map((rep) => rep.results.find((x) => x.name === r.name));
    if (runs.some((x) => x === undefined)) continue;
    let best: { metric: GateMetric; samples: number[]; spread: number } | undefined;
    // A ratio to a bare loop is gated only for rates: it is "higher is better" by construction.
    const candidates: GateMetric[] = r.lowerIsBetter === true ? ['calibrated'] : ['calibrated', 'ratio'];
    for (const metric of candidates) {
      const samples = runs.map((x) => metricOf(x!, metric));
      if (samples.some((s) => s === undefined || !Number.isFinite(s) || s <= 0)) continue;
      const spread = relativeSpread(samples as number[]);
      if (best === undefined || spread < best.spread) best = { metric, samples: samples as number[], spread };
    }
    if (best === undefined) continue;
    const lowerIsBetter = r.lowerIsBetter === true;
    const threshold = thresholdFor(best.samples, lowerIsBetter);
    figures[r.name] = {
      unit: r.unit,
      lowerIsBetter,
      metric: best.metric,
      baseline: median(best.samples),
      samples: best.samples,
      runSpread: best.spread,
      downside: downsideOf(best.samples, lowerIsBetter),
      threshold,
      gated: isGateable(r.name, r.unit, threshold),
      value: median(runs.map((x) => x!.value)),
    };
  }
  return {
    version: 1,
    mode,
    machine: first.machine,
    measuredAt,
    runs: reports.length,
    method: BASELINE_METHOD,
    figures,
  };
}

/** The gate's verdict on one figure. */
export interface FigureVerdict {
  /** The figure's name. */
  readonly name: string;
  /** Baseline metric value. */
  readonly baseline: number;
  /** Best metric value over the attempts (undefined when the run did not produce the figure). */
  readonly current: number | undefined;
  /** Relative change, signed so that negative is worse. */
  readonly change: number;
  /** The figure's threshold. */
  readonly threshold: number;
  /** `ok`, `regressed`, `missing`, or `info` for ungated figures. */
  readonly status: 'ok' | 'regressed' | 'missing' | 'info';
}

/** Better of two metric values in the figure's direction. */
function better(a: number | undefined, b: number | undefined, lowerIsBetter: boolean): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return lowerIsBetter ? Math.min(a, b) : Math.max(a, b);
}

/** Compares the best value seen per figure with the baseline. */
export function judge(baseline: Baseline, best: ReadonlyMap<string, number>): FigureVerdict[] {
  return Object.entries(baseline.figures).map(([name, f]) => {
    const current = best.get(name);
    if (current === undefined) {
      return {
        name,
        baseline: f.baseline,
        current,
        change: Number.NaN,
        threshold: f.threshold,
        status: 'missing',
      };
    }
    const change = f.lowerIsBetter ? f.baseline / current - 1 : current / f.baseline - 1;
    // A baseline written before a figure became a reference may still say `gated`.
    const status = !f.gated || isReference(name) ? 'info' : change < -f.threshold ? 'regressed' : 'ok';
    return { name, baseline: f.baseline, current, change, threshold: f.threshold, status };
  });
}

function collect(baseline: Baseline, report: BenchReport, into: Map<string, number>): void {
  for (const r of report.results) {
    const f = baseline.figures[r.name];
    if (f === undefined) continue;
    const v = better(into.get(r.name), metricOf(r, f.metric), f.lowerIsBetter);
    if (v !== undefined) into.set(r.name, v);
  }
}

function suiteFor(name: string, report: BenchReport): string | undefined {
  return report.calibration.find((c) => c.figures.includes(name))?.suite;
}

function fmt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(1) : abs >= 1 ? n.toFixed(3) : n.toPrecision(4);
}

function pct(n: number): string {
  return Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)}%` : '-';
}

function printVerdicts(baseline: Baseline, verdicts: readonly FigureVerdict[]): void {
  const rows = verdicts.map((v) => [
    v.name,
    baseline.figures[v.name]!.metric,
    fmt(v.baseline),
    fmt(v.current),
    pct(v.change),
    `-${(v.threshold * 100).toFixed(0)}%`,
    v.status === 'ok' ? 'ok' : v.status === 'info' ? 'not gated' : v.status.toUpperCase(),
  ]);
  const header = ['figure', 'metric', 'baseline', 'best now', 'change', 'fails at', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}

interface Args {
  readonly quick: boolean;
  readonly update: boolean;
  readonly runs: number;
  readonly samples: number;
  readonly retries: number;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let update = false;
  let runs = 8;
  let retries = 3;
  let samples = 2;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (flag: string): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) throw new Error(`bench:check: ${flag} needs a whole number`);
      return n;
    };
    if (a === '--quick') quick = true;
    else if (a === '--update') update = true;
    else if (a === '--runs') runs = num('--runs');
    else if (a === '--retries') retries = num('--retries');
    else if (a === '--samples') samples = num('--samples');
    else {
      throw new Error(
        `bench:check: unknown argument ${a} (--quick, --update, --runs N, --samples N, --retries N)`,
      );
    }
  }
  return { quick, update, runs: Math.max(runs, 3), samples: Math.max(samples, 1), retries };
}

/** The baseline file for a mode. */
export function baselinePath(mode: 'quick' | 'full'): string {
  return fileURLToPath(new URL(`./baselines/${mode}.json`, import.meta.url));
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const mode = args.quick ? 'quick' : 'full';
  const selection = args.quick ? ['--quick'] : [];
  const file = baselinePath(mode);
  if (args.update) {
    const reports: BenchReport[] = [];
    for (let i = 0; i < args.runs; i++) {
      process.stderr.write(`baseline run ${i + 1}/${args.runs}\n`);
      reports.push(runReportInChild(selection));
    }
    const baseline = buildBaseline(mode, reports, new Date().toISOString());
    writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
    // Committed file: keep it in the repository's format so `npm run lint` stays clean.
    spawnSync(
      process.execPath,
      [
        fileURLToPath(new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url)),
        'format',
        '--write',
        file,
      ],
      {
        stdio: 'ignore',
      },
    );
    const figures = Object.values(baseline.figures);
    console.log(
      `wrote ${file}: ${figures.length} figures, ${figures.filter((f) => f.gated).length} gated, from ${args.runs} runs`,
    );
    return;
  }
  let baseline: Baseline;
  try {
    baseline = JSON.parse(readFileSync(file, 'utf8')) as Baseline;
  } catch (cause) {
    const how = `npm run bench:check -- ${args.quick ? '--quick ' : ''}--update --runs 8`;
    console.error(
      `bench:check: no readable baseline at ${file} (${String(cause)}); measure one with \`${how}\``,
    );
    process.exit(2);
  }
  const best = new Map<string, number>();
  const first = runReportInChild(selection);
  collect(baseline, first, best);
  // Contention only ever slows a run down, so the best of a few fresh runs is the stable estimate.
  for (let i = 1; i < args.samples; i++) collect(baseline, runReportInChild(selection), best);
  let verdicts = judge(baseline, best);
  // Noise rarely repeats: a figure that failed is re-measured, and the best value over the
  // attempts is judged. A real regression fails every attempt.
  for (let attempt = 1; attempt <= args.retries; attempt++) {
    const failing = verdicts.filter((v) => v.status === 'regressed').map((v) => v.name);
    if (failing.length === 0) break;
    const suites = new Set(
      failing.map((n) => suiteFor(n, first)).filter((s): s is string => s !== undefined),
    );
    process.stderr.write(
      `re-measuring ${[...suites].join(', ')} (${failing.length} figure(s) over threshold)\n`,
    );
    collect(baseline, runReportInChild([...suites]), best);
    verdicts = judge(baseline, best);
  }
  printVerdicts(baseline, verdicts);
  const bad = verdicts.filter((v) => v.status === 'regressed' || v.status === 'missing');
  const gated = verdicts.filter((v) => v.status !== 'info').length;
  if (bad.length > 0) {
    console.log(`\nbench:check FAILED: ${bad.map((v) => `${v.name} (${v.status})`).join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`\nbench:check passed: ${gated} gated figures within their thresholds (${mode} baseline)`);
  }
}

// Run only as the entry point, so the baseline helpers can be imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
