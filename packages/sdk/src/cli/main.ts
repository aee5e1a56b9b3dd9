import { parseArgs } from 'node:util';
import { isQuantKuberaError, ValidationError } from '@quantkubera/core';
import { loadDescriptor } from '../descriptor/load-descriptor.js';
import { formatSummary } from './format-summary.js';
import type { BacktestPlugin, RunProgress } from './plugin.js';

const HELP = `quantkubera — run QuantKubera strategies

usage:
  quantkubera backtest <descriptor.yaml> [--seed N] [--results DIR] [--no-progress] [--json]
  quantkubera replay <wal-dir>
  quantkubera --help | --version

backtest   runs the descriptor's strategies on its data with the simulated venue, writes the
           run's WAL and results (orders, fills, positions, equity, summary) and prints a summary.
replay     re-runs a recorded session from its WAL and checks the orders come out identical.
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

function progressBar(enabled: boolean): { update(p: RunProgress): void; stop(): void } {
  if (!enabled || process.stderr.isTTY !== true) return { update() {}, stop() {} };
  let last = -1;
  return {
    update(p) {
      const pct = Math.floor(p.fraction * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const done = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${String(pct).padStart(3)}%  ${p.events.toLocaleString('en-US')} events`,
      );
    },
    stop() {
      if (last >= 0) process.stderr.write('\n');
    },
  };
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
    const bar = progressBar(values['no-progress'] !== true && values.json !== true);
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
