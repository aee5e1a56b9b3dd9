import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '@quantkubera/backtest';
import { loadDescriptor } from '@quantkubera/sdk';
import { describe, expect, it } from 'vitest';
import strategy from './sma-crossover.js';

describe('sma-crossover', () => {
  it('trades in and out of the position on one synthetic day, one order at a time', async () => {
    const loaded = await loadDescriptor(new URL('../backtest.yaml', import.meta.url).pathname);
    const descriptor = { ...loaded.descriptor, data: { ...loaded.descriptor.data, days: 1 } };
    const summary = await runBacktest(
      { ...loaded, descriptor },
      { resultsDir: mkdtempSync(join(tmpdir(), 'sma-crossover-')) },
    );
    expect(summary.failures).toEqual([]);
    const [header, ...rows] = readFileSync(join(summary.resultsDir, 'orders.csv'), 'utf8').trim().split('\n');
    const columns = (header ?? '').split(',');
    const side = columns.indexOf('side');
    const status = columns.indexOf('status');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const cells = row.split(',');
      expect(['BUY', 'SELL']).toContain(cells[side]);
      expect(cells[status]).toBe('FILLED');
    }
  });

  it('is deterministic: the same seed gives the same orders', async () => {
    const loaded = await loadDescriptor(new URL('../backtest.yaml', import.meta.url).pathname);
    const descriptor = { ...loaded.descriptor, data: { ...loaded.descriptor.data, days: 1 } };
    const run = async () => {
      const summary = await runBacktest(
        { ...loaded, descriptor },
        { resultsDir: mkdtempSync(join(tmpdir(), 'sma-crossover-')) },
      );
      return readFileSync(join(summary.resultsDir, 'orders.csv'), 'utf8');
    };
    expect(await run()).toBe(await run());
  });

  it('rejects parameters where the fast average is not faster', () => {
    const result = strategy.params.safeParse({ instruments: ['X.NSE'], fast: 30, slow: 10, quantity: 1 });
    expect(result.success).toBe(false);
  });
});
