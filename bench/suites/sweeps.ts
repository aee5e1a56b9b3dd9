/**
 * Sweep fan-out: the same grid of backtests on 1 and on 2 worker threads (issue 8's target: 2
 * workers ≥ 1.8× faster on a 2-core machine). Workers are started and warmed before timing
 * (TypeScript loaded, then WARMUP trials each), so the figure is steady-state trial throughput,
 * not thread start-up or JIT compilation: each worker is a separate V8 isolate that compiles the
 * backtester for itself, so with one warm-up trial a lone worker ran its later trials on hotter
 * code than each of two workers did, which charged JIT warm-up to the 2-worker figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSweepSpec, runSweep, type Trial, WorkerPool } from '@quantkubera/backtest';
import type { BenchResult, BenchSuite } from '../harness.js';

const DESCRIPTOR = fileURLToPath(new URL('../../examples/sma-crossover/backtest.yaml', import.meta.url));
const TRIALS = 8;
const WARMUP = 3;

async function timeSweep(workers: number, resultsDir: string): Promise<number> {
  const pool = new WorkerPool(workers, (t: Trial) => ({
    descriptorPath: DESCRIPTOR,
    strategy: 0,
    params: t.params,
    runName: `w${workers}-trial-${t.index}`,
    resultsDir,
    data: { days: 2 },
  }));
  try {
    const spec = parseSweepSpec({
      method: 'grid',
      params: { fast: { min: 5, max: 5 + TRIALS - 1, int: true } },
    });
    // Warm-up: every worker loads the code and runs WARMUP backtests (the pool hands each idle
    // worker the next trial, so each gets WARMUP of them).
    await pool.evaluate(
      Array.from({ length: workers * WARMUP }, (_, i) => ({
        index: 1000 + i,
        params: { fast: 5 + (i % 3) },
      })),
    );
    const start = process.hrtime.bigint();
    const result = await runSweep(spec, pool);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.trials.some((t) => t.error !== undefined)) throw new Error('a sweep trial failed');
    return TRIALS / seconds;
  } finally {
    await pool.close();
  }
}

/** `sweeps`: backtests per second on 1 and 2 workers, and the speed-up. */
export const sweepsSuite: BenchSuite = {
  name: 'sweeps',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'qk-bench-sweeps-'));
    try {
      const one: number[] = [];
      const two: number[] = [];
      // Interleaved repetitions: a noisy neighbour slows both alike.
      for (let r = 0; r < 3; r++) {
        one.push(await timeSweep(1, dir));
        two.push(await timeSweep(2, dir));
      }
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[1]!;
      const m1 = median(one);
      const m2 = median(two);
      return [
        { name: 'sweeps.grid.1-worker', value: m1, unit: 'backtests/s' },
        {
          name: 'sweeps.grid.2-workers',
          value: m2,
          unit: 'backtests/s',
          ratio: m2 / m1,
          ratioTarget: 1.8,
          baseline: 'vs 1 worker',
          spread: (Math.max(...two) - Math.min(...two)) / m2,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
