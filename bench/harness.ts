/**
 * The benchmark harness: warm-up, several timed repetitions, median and spread. Every figure can
 * carry a ratio to a baseline measured in the same process, interleaved with it, so results
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
  readonly median: number;
  readonly samples: readonly number[];
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
