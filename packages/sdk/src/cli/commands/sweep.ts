import type { BacktestPlugin, SweepTrialView } from '../plugin.js';
import { progressLine } from '../progress.js';

/** Options of the `sweep` command. */
export interface SweepCommandOptions {
  readonly descriptor: string;
  readonly spec: string;
  readonly workers?: number;
  readonly json: boolean;
  readonly progress: boolean;
}

function describe(trial: SweepTrialView): string {
  const params = Object.entries(trial.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const metrics = ['sharpe', 'totalReturn', 'maxDrawdown']
    .filter((m) => trial.metrics[m] !== undefined)
    .map((m) => `${m} ${trial.metrics[m]!.toFixed(4)}`)
    .join(', ');
  return `#${trial.index} ${params} → objective ${trial.objective.toFixed(4)} (${metrics})`;
}

/**
 * `quantkubera sweep <descriptor> <sweep.yaml>`: runs every trial (a full backtest each) over
 * worker threads with a progress line, prints the best feasible trial and where the results are.
 */
export async function sweepCommand(plugin: BacktestPlugin, options: SweepCommandOptions): Promise<number> {
  const bar = progressLine(options.progress && !options.json);
  const result = await plugin.sweepFiles(options.descriptor, options.spec, {
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    onProgress: (p) =>
      bar.update({ fraction: p.total === 0 ? 1 : p.done / p.total, events: p.done, unit: 'trials' }),
  });
  bar.stop();
  if (options.json) {
    console.log(
      JSON.stringify(
        result,
        (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
        2,
      ),
    );
    return result.best === undefined ? 1 : 0;
  }
  const failed = result.trials.filter((t) => t.error !== undefined).length;
  const feasible = result.trials.filter((t) => t.feasible).length;
  console.log(`${result.trials.length} trials, ${feasible} feasible, ${failed} failed`);
  console.log(result.best === undefined ? 'no feasible trial' : `best: ${describe(result.best)}`);
  console.log(`results: ${result.dir}`);
  return result.best === undefined ? 1 : 0;
}
