import { parseArgs } from 'node:util';
import { isQuantKuberaError, ValidationError } from '@quantkubera/core';
import { loadDescriptor } from '../descriptor/load-descriptor.js';
import { newCommand } from './commands/new.js';
import { reportCommand } from './commands/report.js';
import { runsCommand } from './commands/runs.js';
import { sweepCommand } from './commands/sweep.js';
import { formatSummary } from './format-summary.js';
import type { BacktestPlugin } from './plugin.js';
import { progressLine } from './progress.js';

const HELP = `quantkubera — run QuantKubera strategies

usage:
  quantkubera backtest <descriptor.yaml> [--seed N] [--results DIR] [--no-progress] [--json]
  quantkubera replay <wal-dir>
  quantkubera report <run-dir> [--out FILE]
  quantkubera runs [--dir DIR] [--sort METRIC] [--kind run|sweep|walk-forward] [--limit N] [--json]
  quantkubera sweep <descriptor.yaml> <sweep.yaml> [--workers N] [--no-progress] [--json]
  quantkubera new strategy <name> [--dir DIR]
  quantkubera --help | --version

backtest   runs the descriptor's strategies on its data with the simulated venue, writes the
           run's WAL and results (orders, fills, positions, equity, summary) and prints a summary.
replay     re-runs a recorded session from its WAL and checks the orders come out identical.
report     writes a run's self-contained HTML tearsheet (report.html) and prints its path.
sweep      runs a parameter sweep (grid, random or TPE; constraints) as full backtests over
           worker threads; writes <results.dir>/<name>.sweep/ (trials.csv, sweep.json).
new        writes a typed strategy and its test into DIR (default strategies).
runs       lists and compares the runs and sweeps recorded in DIR/experiments.jsonl (default runs).
`;

async function loadPlugin(): Promise<BacktestPlugin> {
  // Loaded by name at run time: @quantkubera/backtest depends on the sdk, not the other way round.
  const name = '@quantkubera/backtest';
  try {
    return (await import(name)) as BacktestPlugin;
  } catch (cause) {
    throw new Error(`backtests need ${name}: npm install ${name}`, { cause });
  }
}

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      results: { type: 'string' },
      'no-progress': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      dir: { type: 'string' },
      sort: { type: 'string' },
      kind: { type: 'string' },
      limit: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  const [command, target] = positionals;
  if (values.version === true) {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
      version: string;
    };
    console.log(pkg.version);
    return 0;
  }
  if (values.help === true || command === undefined) {
    console.log(HELP);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (command === 'backtest') {
    if (target === undefined) throw new Error('backtest needs a descriptor file');
    const loaded = await loadDescriptor(target);
    const plugin = await loadPlugin();
    const bar = progressLine(values['no-progress'] !== true && values.json !== true);
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isSafeInteger(seed))
      throw new Error(`--seed must be an integer, got ${values.seed}`);
    const summary = await plugin.runBacktest(loaded, {
      ...(seed === undefined ? {} : { seed }),
      ...(values.results === undefined ? {} : { resultsDir: values.results }),
      onProgress: (p) => bar.update(p),
    });
    bar.stop();
    console.log(values.json === true ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    return summary.failures.length > 0 ? 1 : 0;
  }
  if (command === 'replay') {
    if (target === undefined) throw new Error('replay needs a WAL directory');
    const report = await (await loadPlugin()).replayRun(target);
    console.log(
      report.identical
        ? `replay identical: ${report.replayedIntents} orders match the ${report.recordedIntents} recorded`
        : `replay DIFFERS: ${report.firstDifference ?? 'order counts differ'} (${report.replayedIntents} replayed vs ${report.recordedIntents} recorded)`,
    );
    return report.identical ? 0 : 1;
  }
  if (command === 'report') {
    if (target === undefined) throw new Error('report needs a run directory (runs/<name>)');
    return reportCommand(await loadPlugin(), {
      runDir: target,
      ...(values.out === undefined ? {} : { out: values.out }),
    });
  }
  if (command === 'runs') {
    return runsCommand(await loadPlugin(), {
      dir: values.dir ?? target ?? 'runs',
      json: values.json === true,
      ...(values.sort === undefined ? {} : { sort: values.sort }),
      ...(values.kind === undefined ? {} : { kind: values.kind }),
      ...(values.limit === undefined ? {} : { limit: values.limit }),
    });
  }
  if (command === 'sweep') {
    const spec = positionals[2];
    if (target === undefined || spec === undefined)
      throw new Error('sweep needs a descriptor file and a sweep spec file');
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isSafeInteger(workers) && workers >= 0)) {
      throw new Error(`--workers must be a non-negative integer, got ${values.workers}`);
    }
    return sweepCommand(await loadPlugin(), {
      descriptor: target,
      spec,
      ...(workers === undefined ? {} : { workers }),
      json: values.json === true,
      progress: values['no-progress'] !== true,
    });
  }
  if (command === 'new') {
    return newCommand(positionals.slice(1), {
      dir: values.dir ?? 'strategies',
      log: (line) => console.log(line),
    });
  }
  console.error(`unknown command ${command}\n\n${HELP}`);
  return 2;
}

/** Prints an error the way the CLI reports it: code and message, no stack for expected errors. */
export function reportError(error: unknown): void {
  if (error instanceof ValidationError) {
    console.error(`error: ${error.message}`);
  } else if (isQuantKuberaError(error)) {
    console.error(`error [${error.code}]: ${error.message}`);
  } else {
    console.error(error instanceof Error ? `error: ${error.message}` : error);
  }
}
