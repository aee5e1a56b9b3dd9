import * as backtest from '@quantkubera/backtest';
import type { BacktestPlugin } from '@quantkubera/sdk';
import { describe, expect, it } from 'vitest';

describe('@quantkubera/backtest as the CLI plugin', () => {
  it('provides everything the quantkubera CLI loads from it', () => {
    // Type-checked: the package's exports satisfy the sdk's plugin contract.
    const plugin: BacktestPlugin = backtest;
    for (const name of [
      'runBacktest',
      'replayRun',
      'writeReport',
      'readExperiments',
      'compareRuns',
      'formatRuns',
      'sweepFiles',
    ]) {
      expect(typeof (plugin as unknown as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
