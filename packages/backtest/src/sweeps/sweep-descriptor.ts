import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, MICROS_PER_DAY, microsFromDate } from '@quantkubera/core';
import { loadDescriptor } from '@quantkubera/sdk';
import { resultsDirectory } from '../engine/run-backtest.js';
import { appendExperiment, codeVersion, recordedNow } from '../experiments/index.js';
import { readCsvFile, writeCsvFile } from '../results/csv.js';
import { runDescriptorTrial } from './descriptor-trial.js';
import { runSweep, type SweepProgress, type SweepResult, type TrialResult } from './sweep-runner.js';
import type { SweepSpec } from './sweep-spec.js';
import { type WalkForwardResult, walkForward, walkForwardSplits } from './walk-forward.js';
import { WorkerPool } from './worker-pool.js';

/** Options of {@link sweepDescriptor} and {@link walkForwardDescriptor}. */
export interface DescriptorSweepOptions {
  /** Worker threads (default: available parallelism); 0 runs trials in this thread. */
  readonly workers?: number;
  /** Overrides the descriptor's results directory. */
  readonly resultsDir?: string;
  /** Called as trials finish, for a progress bar. */
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Record in the experiment store (default true). */
  readonly track?: boolean;
}

function trialName(index: number): string {
  return `trial-${String(index).padStart(4, '0')}`;
}

function writeTrials(path: string, trials: readonly TrialResult[]): void {
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const metrics = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  writeCsvFile(
    path,
    ['trial', ...params, 'feasible', 'objective', ...metrics, 'error'],
    trials.map((t) => [
      t.index,
      ...params.map((p) => t.params[p]),
      t.feasible,
      t.objective,
      ...metrics.map((m) => t.metrics[m]),
      t.error,
    ]),
  );
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/**
 * Sweeps a descriptor's strategy params: every trial is a full backtest (its folder under
 * `<results.dir>/<name>.sweep/trials/`), fanned out over worker threads. Writes `trials.csv`
 * (every trial, in index order) and `sweep.json` (spec and best trial) and records the sweep in
 * the experiment store. Results are identical whatever the worker count.
 */
export async function sweepDescriptor(
  descriptorPath: string,
  spec: SweepSpec,
  options: DescriptorSweepOptions = {},
): Promise<SweepResult & { readonly dir: string }> {
  const loaded = await loadDescriptor(descriptorPath);
  if (spec.strategy >= loaded.descriptor.strategies.length) {
    throw new InvalidArgumentError(
      'sweep strategy',
      spec.strategy,
      `an index below ${loaded.descriptor.strategies.length}`,
    );
  }
  const dir = `${resultsDirectory(loaded, options.resultsDir)}.sweep`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'trials'), { recursive: true });
  const pool = new WorkerPool(options.workers ?? availableParallelism(), (t) => ({
    descriptorPath: loaded.path,
    strategy: spec.strategy,
    params: t.params,
    runName: trialName(t.index),
    resultsDir: join(dir, 'trials'),
  }));
  let result: SweepResult;
  try {
    result = await runSweep(spec, pool, options.onProgress);
  } finally {
    await pool.close();
  }
  writeTrials(join(dir, 'trials.csv'), result.trials);
  writeFileSync(
    join(dir, 'sweep.json'),
    `${JSON.stringify({ spec, best: result.best ?? null }, finiteOrNull, 2)}\n`,
  );
  if (options.track !== false) {
    const base = loaded.descriptor.strategies[spec.strategy]!.params;
    appendExperiment(dirname(dir), {
      kind: 'sweep',
      name: loaded.descriptor.name,
      recordedAt: recordedNow(),
      descriptor: loaded.path,
      descriptorHash: loaded.hash,
      params: [{ ...base, ...(result.best?.params ?? {}) }],
      seed: loaded.descriptor.seed,
      codeVersion: codeVersion(loaded.baseDir),
      metrics: result.best?.metrics ?? {},
      artifacts: { dir, files: ['trials.csv', 'sweep.json', 'trials/'] },
      extra: {
        method: spec.method,
        trials: result.trials.length,
        feasible: result.trials.filter((t) => t.feasible).length,
        bestTrial: result.best?.index ?? null,
      },
    });
  }
  return { ...result, dir };
}

/** Options of {@link walkForwardDescriptor}: the splits in days of the synthetic data window. */
export interface WalkForwardDescriptorOptions extends DescriptorSweepOptions {
  readonly train: number;
  readonly test: number;
  readonly step?: number;
  readonly mode: 'rolling' | 'anchored';
}

function isoDay(us: number): string {
  return new Date(us / 1000).toISOString().slice(0, 10);
}

/**
 * Walk-forward analysis of a descriptor with synthetic data (`start`, `days`): the days split into
 * rolling or anchored train/test windows; each training window is swept over worker threads, the
 * best feasible params run on the test window, and the test equity curves are stitched. Writes
 * `walk-forward.json` and `oos-equity.csv` into `<results.dir>/<name>.walk-forward/`.
 */
export async function walkForwardDescriptor(
  descriptorPath: string,
  spec: SweepSpec,
  options: WalkForwardDescriptorOptions,
): Promise<WalkForwardResult & { readonly dir: string }> {
  const loaded = await loadDescriptor(descriptorPath);
  const data = loaded.descriptor.data as { type?: unknown; start?: unknown; days?: unknown } | undefined;
  if (data?.type !== 'synthetic' || typeof data.start !== 'string') {
    throw new InvalidArgumentError(
      `${loaded.path} data`,
      data,
      'a synthetic data section (start, days) for walk-forward',
    );
  }
  const startUs = microsFromDate(data.start);
  const total = typeof data.days === 'number' ? data.days : 1;
  const windows = walkForwardSplits({
    total,
    train: options.train,
    test: options.test,
    mode: options.mode,
    ...(options.step === undefined ? {} : { step: options.step }),
  });
  const dir = `${resultsDirectory(loaded, options.resultsDir)}.walk-forward`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const day = (k: number) => isoDay(startUs + k * MICROS_PER_DAY);
  const pools: WorkerPool[] = [];
  let result: WalkForwardResult;
  try {
    result = await walkForward(
      spec,
      windows,
      {
        train: (w) => {
          const pool = new WorkerPool(options.workers ?? availableParallelism(), (t) => ({
            descriptorPath: loaded.path,
            strategy: spec.strategy,
            params: t.params,
            runName: trialName(t.index),
            resultsDir: join(dir, `window-${w.index}`, 'train'),
            data: { start: day(w.trainStart), days: w.trainEnd - w.trainStart },
          }));
          pools.push(pool);
          return pool;
        },
        test: async (w, params) => {
          const resultsDir = join(dir, `window-${w.index}`);
          const outcome = await runDescriptorTrial({
            descriptorPath: loaded.path,
            strategy: spec.strategy,
            params,
            runName: 'test',
            resultsDir,
            data: { start: day(w.testStart), days: w.testEnd - w.testStart },
          });
          const equity = readCsvFile(join(resultsDir, 'test', 'equity.csv')).map((r) => ({
            x: Number(r.ts),
            y: Number(r.equity),
          }));
          return { metrics: outcome.metrics, equity };
        },
      },
      options.onProgress === undefined ? undefined : (_w, p) => options.onProgress?.(p),
    );
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  writeCsvFile(
    join(dir, 'oos-equity.csv'),
    ['ts', 'equity'],
    result.stitched.map((p) => [p.x, p.y]),
  );
  const summary = result.steps.map((s) => ({
    window: s.window,
    chosen: s.chosen ?? null,
    inSample: s.sweep.best?.metrics ?? null,
    outOfSample: s.outOfSample?.metrics ?? null,
  }));
  writeFileSync(
    join(dir, 'walk-forward.json'),
    `${JSON.stringify({ spec, mode: options.mode, windows: summary, outOfSampleReturn: result.outOfSampleReturn }, finiteOrNull, 2)}\n`,
  );
  if (options.track !== false) {
    appendExperiment(dirname(dir), {
      kind: 'walk-forward',
      name: loaded.descriptor.name,
      recordedAt: recordedNow(),
      descriptor: loaded.path,
      descriptorHash: loaded.hash,
      params: result.steps.map((s) => ({ ...(s.chosen ?? {}) })),
      seed: loaded.descriptor.seed,
      codeVersion: codeVersion(loaded.baseDir),
      metrics: { totalReturn: result.outOfSampleReturn, windows: windows.length },
      artifacts: { dir, files: ['walk-forward.json', 'oos-equity.csv'] },
      extra: { mode: options.mode, train: options.train, test: options.test },
    });
  }
  return { ...result, dir };
}
