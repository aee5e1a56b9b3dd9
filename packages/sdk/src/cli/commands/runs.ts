import { InvalidArgumentError } from '@quantkubera/core';
import type { BacktestPlugin, RunsQueryOptions } from '../plugin.js';

/** Arguments of `quantkubera runs`. */
export interface RunsCommandArgs {
  /** The results directory holding `experiments.jsonl` (default `runs`). */
  readonly dir: string;
  /** Metric to sort by (descending; `maxDrawdown` sorts ascending). */
  readonly sort?: string;
  /** Only this kind: run, sweep or walk-forward. */
  readonly kind?: string;
  /** At most this many rows. */
  readonly limit?: string;
  /** Print the records as JSON. */
  readonly json?: boolean;
}

const KINDS = ['run', 'sweep', 'walk-forward'] as const;

/**
 * `quantkubera runs [--dir DIR] [--sort METRIC] [--kind K] [--limit N] [--json]`: lists and
 * compares the runs and sweeps recorded in a results directory. Returns the exit code.
 */
export function runsCommand(plugin: BacktestPlugin, args: RunsCommandArgs): number {
  const kind = args.kind as (typeof KINDS)[number] | undefined;
  if (kind !== undefined && !KINDS.includes(kind)) {
    throw new InvalidArgumentError('runs --kind', args.kind, KINDS.join(' | '));
  }
  const limit = args.limit === undefined ? undefined : Number(args.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new InvalidArgumentError('runs --limit', args.limit, 'a positive integer');
  }
  const query: RunsQueryOptions = {
    ...(args.sort === undefined ? {} : { sort: args.sort, ascending: args.sort === 'maxDrawdown' }),
    ...(kind === undefined ? {} : { kind }),
    ...(limit === undefined ? {} : { limit }),
  };
  const rows = plugin.compareRuns(plugin.readExperiments(args.dir), query);
  console.log(args.json === true ? JSON.stringify(rows, null, 2) : plugin.formatRuns(rows));
  return 0;
}
