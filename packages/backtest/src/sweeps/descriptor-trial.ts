import type { LoadedDescriptor } from '@quantkubera/sdk';
import { loadDescriptor } from '@quantkubera/sdk';
import { runBacktest } from '../engine/run-backtest.js';
import type { ParamSet } from './samplers.js';
import type { TrialOutcome } from './sweep-runner.js';

/** One backtest of a sweep or walk-forward: the descriptor with some params (and data) replaced. */
export interface DescriptorTrialJob {
  /** Absolute path of the descriptor. */
  readonly descriptorPath: string;
  /** Index of the strategy whose params change. */
  readonly strategy: number;
  readonly params: ParamSet;
  /** Name of the run: its folder under `resultsDir`. */
  readonly runName: string;
  /** Where the run's folder goes. */
  readonly resultsDir: string;
  /** Fields replacing the descriptor's `data` section's (a walk-forward window's start and days). */
  readonly data?: Readonly<Record<string, unknown>>;
}

const loadedCache = new Map<string, Promise<LoadedDescriptor>>();

/** The descriptor a job describes: a copy with its name, params and data replaced (and no WAL fsyncs). */
export async function trialDescriptor(job: DescriptorTrialJob): Promise<LoadedDescriptor> {
  let base = loadedCache.get(job.descriptorPath);
  if (base === undefined) {
    base = loadDescriptor(job.descriptorPath);
    loadedCache.set(job.descriptorPath, base);
  }
  const loaded = await base;
  const d = loaded.descriptor;
  return {
    ...loaded,
    descriptor: {
      ...d,
      name: job.runName,
      strategies: d.strategies.map((s, i) =>
        i === job.strategy ? { ...s, params: { ...s.params, ...job.params } } : s,
      ),
      ...(job.data === undefined || d.data === undefined ? {} : { data: { ...d.data, ...job.data } }),
      // A trial's log is written whole when it ends; group-commit fsyncs from every worker would
      // only contend for the disk (a sweep reruns a lost trial, it never recovers one).
      wal: { ...d.wal, durability: 'none' },
    },
  };
}

/**
 * Runs one trial's backtest (not recorded in the experiment store: the sweep records itself) and
 * returns its deterministic numeric summary figures as metrics.
 */
export async function runDescriptorTrial(job: DescriptorTrialJob): Promise<TrialOutcome> {
  const loaded = await trialDescriptor(job);
  const summary = await runBacktest(loaded, { resultsDir: job.resultsDir, track: false });
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(summary)) {
    // Wall-clock figures differ run to run: they would break identical results across workers.
    if (typeof v === 'number' && k !== 'elapsedSeconds') metrics[k] = v;
  }
  if (summary.failures.length > 0) {
    return { metrics, error: summary.failures.map((f) => `${f.strategyId}: ${f.message}`).join('; ') };
  }
  return { metrics };
}
