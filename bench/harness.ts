/**
 * The benchmark harness: warm-up, several timed repetitions, median and spread. Every figure can
 * carry a ratio to a baseline measured in the same process, interleaved with it, and every rate or
 * time is also expressed in units of a fixed calibration workload measured alongside it, so results
 * compare across shared, noisy machines.
 */

/** One reported figure, as written to bench-results.json. */
export interface BenchResult {
  /** Dotted name, `area.what.detail`. */
  readonly name: string;
  /** The median over repetitions. */
  readonly value: number;
  /** `events/s`, `ops/s`, `ns`, `µs`, `x`... */
  readonly unit: string;
  /** The target for `value`, when it names one (higher is better unless `lowerIsBetter`). */
  readonly target?: number;
  /** `value` divided by the baseline's value, measured in the same process. */
  readonly ratio?: number;
  /** The target for `ratio`, when the issue names one. */
  readonly ratioTarget?: number;
  /** What the ratio is against. */
  readonly baseline?: string;
  /** Relative spread of the repetitions: (max - min) / median. */
  readonly spread?: number;
  /** True when smaller values are better (latencies). */
  readonly lowerIsBetter?: boolean;
  /**
   * `value` in calibration units, stamped by the runner: a rate divided by the calibration
   * workload's rate, or a time multiplied by it. Both scale alike with machine speed, so this
   * is the figure baselines compare.
   */
  readonly calibrated?: number;
}

/** Options for {@link measureThroughput}. */
export interface ThroughputOptions {
  /** Repetitions timed (the median is reported). */
  readonly reps?: number;
  /** Untimed warm-up runs first, so the JIT has optimised the code. */
  readonly warmup?: number;
}

/** A throughput measurement: the per-repetition rates and their median. */
export interface Throughput {
  /** Median of `samples`, in operations per second. */
  readonly median: number;
  /** One rate per timed repetition. */
  readonly samples: readonly number[];
  /** (max - min) / median of `samples`. */
  readonly spread: number;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(samples: number[]): Throughput {
  const m = median(samples);
  return { median: m, samples, spread: m === 0 ? 0 : (Math.max(...samples) - Math.min(...samples)) / m };
}

/** A sink the optimiser cannot see through: benchmarks feed results into it. */
export let blackhole = 0;
/** Feeds a value into {@link blackhole}. */
export function consume(value: number): void {
  blackhole = (blackhole + value) | 0;
}

/**
 * Measures operations per second of `run`, which performs `ops` operations per call.
 * Several workloads passed together are measured interleaved (A B A B ...), so a noisy
 * neighbour affects all of them alike and their ratio stays meaningful.
 */
export function measureThroughput(
  workloads: Record<string, { ops: number; run: () => void }>,
  options: ThroughputOptions = {},
): Record<string, Throughput> {
  const reps = options.reps ?? 7;
  const warmup = options.warmup ?? 3;
  const names = Object.keys(workloads);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < warmup; i++) for (const n of names) workloads[n]!.run();
  for (let r = 0; r < reps; r++) {
    calibrate();
    for (const n of names) {
      const w = workloads[n]!;
      const start = process.hrtime.bigint();
      w.run();
      const ns = Number(process.hrtime.bigint() - start);
      samples[n]!.push((w.ops * 1e9) / ns);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarise(samples[n]!)]));
}

/** A benchmark suite: a name and a function producing figures. */
export interface BenchSuite {
  readonly name: string;
  readonly run: () => BenchResult[] | Promise<BenchResult[]>;
}

/** {@link measureThroughput} for workloads that must await (a kernel's async start and stop). */
export async function measureThroughputAsync(
  workloads: Record<string, { ops: number; run: () => void | Promise<void> }>,
  options: ThroughputOptions = {},
): Promise<Record<string, Throughput>> {
  const reps = options.reps ?? 7;
  const warmup = options.warmup ?? 3;
  const names = Object.keys(workloads);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < warmup; i++) for (const n of names) await workloads[n]!.run();
  for (let r = 0; r < reps; r++) {
    calibrate();
    for (const n of names) {
      const w = workloads[n]!;
      const start = process.hrtime.bigint();
      await w.run();
      const ns = Number(process.hrtime.bigint() - start);
      samples[n]!.push((w.ops * 1e9) / ns);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarise(samples[n]!)]));
}

/**
 * Calibration: a fixed CPU-bound loop (integer hashing, float arithmetic, typed-array reads and
 * writes, a monomorphic call) of the kind the platform's hot paths are made of. It is timed
 * interleaved with every benchmark's repetitions, so a figure divided by it cancels most of the
 * machine's speed and of a noisy neighbour's share of the CPU.
 */
const CALIBRATION_OPS = 4_000_000;
const calibrationTable = new Float64Array(1024);
let calibrationSamples: number[] = [];

function mix(h: number, i: number): number {
  h = Math.imul(h ^ i, 0x9e3779b1);
  return h ^ (h >>> 15);
}

function calibrationLoop(): number {
  let h = 0x12345678;
  let acc = 0;
  for (let i = 0; i < CALIBRATION_OPS; i++) {
    h = mix(h, i);
    const slot = h & 1023;
    acc += calibrationTable[slot]! * 0.5 + (h & 0xff);
    calibrationTable[(slot + 1) & 1023] = acc * 1e-9;
  }
  return acc;
}

/**
 * Times one run of the calibration loop, records its rate and returns it (loop iterations/s).
 * The harness calls it once per repetition of every measurement, and the runner three times before
 * and after each suite (which covers suites whose figures come from their own timing loops).
 */
export function calibrate(): number {
  const start = process.hrtime.bigint();
  consume(calibrationLoop());
  const ns = Number(process.hrtime.bigint() - start);
  const rate = (CALIBRATION_OPS * 1e9) / ns;
  calibrationSamples.push(rate);
  return rate;
}

/** Forgets the calibration samples recorded so far (the runner does this before each suite). */
export function resetCalibration(): void {
  calibrationSamples = [];
}

/** The calibration samples recorded since the last {@link resetCalibration}. */
export function calibrationSamplesSoFar(): readonly number[] {
  return calibrationSamples;
}

const RATE_UNIT = /\/s$/;
const TIME_UNITS: Readonly<Record<string, number>> = { ns: 1e-9, µs: 1e-6, us: 1e-6, ms: 1e-3, s: 1 };

/**
 * Expresses a figure in calibration units: a rate (unit ending in `/s`) divided by the
 * calibration rate, a time (`ns`, `µs`, `ms`, `s`) multiplied by it (so it reads as "calibration
 * loop iterations the operation costs"). Counts, sizes and percentages are returned unchanged.
 */
export function withCalibration(result: BenchResult, calibrationRate: number): BenchResult {
  if (!(calibrationRate > 0) || !Number.isFinite(result.value)) return result;
  if (RATE_UNIT.test(result.unit)) return { ...result, calibrated: result.value / calibrationRate };
  const seconds = TIME_UNITS[result.unit];
  if (seconds !== undefined) return { ...result, calibrated: result.value * seconds * calibrationRate };
  return result;
}

/** True when a figure measures speed (a rate or a time), as opposed to a count or a size. */
export function isPerformanceFigure(result: BenchResult): boolean {
  return RATE_UNIT.test(result.unit) || TIME_UNITS[result.unit] !== undefined;
}

/** What {@link measureStalls} saw. */
export interface Stalls {
  /** Gaps longer than the threshold per second of spinning. */
  readonly perSecond: number;
  /** Share of the wall time lost in those gaps. */
  readonly lostFraction: number;
  /** The longest gap, in µs. */
  readonly longestUs: number;
}

/**
 * How often this process is stalled although it never blocks: spins for `ms` reading the timer
 * and counts the gaps between consecutive reads longer than `thresholdUs` (preemption by other
 * processes, by the hypervisor, interrupts). A latency tail can be no shorter than the machine
 * lets any busy loop run: this is the context for every p99 in the report.
 */
export function measureStalls(ms = 1000, thresholdUs = 20): Stalls {
  const threshold = thresholdUs / 1000;
  const start = performance.now();
  const end = start + ms;
  let last = start;
  let count = 0;
  let lost = 0;
  let longest = 0;
  for (;;) {
    const t = performance.now();
    if (t > end) break;
    const gap = t - last;
    if (gap > threshold) {
      count++;
      lost += gap;
      if (gap > longest) longest = gap;
    }
    last = t;
  }
  const elapsed = last - start;
  return { perSecond: (count * 1000) / elapsed, lostFraction: lost / elapsed, longestUs: longest * 1000 };
}

/** Options of {@link rateFigure}. */
export interface RateFigureOptions {
  /** The target for the rate. */
  readonly target?: number;
  /** A workload measured alongside: the figure's `ratio` is this rate over its rate. */
  readonly against?: { readonly throughput: Throughput; readonly label: string };
  /** The target for the ratio. */
  readonly ratioTarget?: number;
}

/** A throughput measurement as a reported figure: median, spread, and optionally a ratio. */
export function rateFigure(
  name: string,
  unit: string,
  t: Throughput,
  options: RateFigureOptions = {},
): BenchResult {
  const { target, against, ratioTarget } = options;
  return {
    name,
    value: t.median,
    unit,
    ...(target === undefined ? {} : { target }),
    ...(against === undefined
      ? {}
      : { ratio: t.median / against.throughput.median, baseline: against.label }),
    ...(ratioTarget === undefined ? {} : { ratioTarget }),
    spread: t.spread,
  };
}
