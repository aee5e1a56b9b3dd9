import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '@quantkubera/backtest';
import { type BacktestSummary, loadDescriptor } from '@quantkubera/sdk';

/** A CSV artifact as objects (no quoted fields in these files). */
function readCsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const keys = header!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
}

/** Runs an example's descriptor (optionally with fewer days) into a temporary folder. */
export async function runExample(
  example: string,
  options: { days?: number; seed?: number } = {},
): Promise<{ summary: BacktestSummary; orders: Record<string, string>[]; fills: Record<string, string>[] }> {
  const loaded = await loadDescriptor(new URL(`./${example}/backtest.yaml`, import.meta.url).pathname);
  const data = loaded.descriptor.data as Record<string, unknown>;
  const descriptor =
    options.days === undefined
      ? loaded.descriptor
      : { ...loaded.descriptor, data: { ...data, days: options.days } };
  const summary = await runBacktest(
    { ...loaded, descriptor },
    {
      resultsDir: mkdtempSync(join(tmpdir(), `qk-${example}-`)),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    },
  );
  return {
    summary,
    orders: readCsv(join(summary.resultsDir, 'orders.csv')),
    fills: readCsv(join(summary.resultsDir, 'fills.csv')),
  };
}
