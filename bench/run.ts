/**
 * `npm run bench [-- <filter>...]`: runs every benchmark suite (or those whose name contains a
 * filter), prints a table and writes bench-results.json at the repository root.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult, BenchSuite } from './harness.js';
import { backtestSuite } from './suites/backtest.js';
import { backtestVenueSuite } from './suites/backtest-venue.js';
import { busSuite } from './suites/core-bus.js';
import { codecSuite } from './suites/core-codec.js';
import { riskSuite } from './suites/core-risk.js';
import { walSuite } from './suites/core-wal.js';
import { marketDataSuite } from './suites/market-data.js';
import { nativeRingSuite } from './suites/native-ring.js';

const SUITES: readonly BenchSuite[] = [
  busSuite,
  codecSuite,
  walSuite,
  riskSuite,
  marketDataSuite,
  backtestVenueSuite,
  backtestSuite,
  nativeRingSuite,
];

function format(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(2)} k`;
  return value.toFixed(abs >= 10 ? 1 : 3);
}

function verdict(r: BenchResult): string {
  const checks: boolean[] = [];
  if (r.target !== undefined)
    checks.push(r.lowerIsBetter === true ? r.value <= r.target : r.value >= r.target);
  if (r.ratioTarget !== undefined && r.ratio !== undefined) checks.push(r.ratio >= r.ratioTarget);
  if (checks.length === 0) return '';
  return checks.every(Boolean) ? 'met' : 'MISSED';
}

function table(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    `${format(r.value)} ${r.unit}`,
    r.target === undefined ? '' : `${r.lowerIsBetter === true ? '≤' : '≥'} ${format(r.target)}`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.baseline ?? ''}`.trim(),
    r.ratioTarget === undefined ? '' : `≥ ${r.ratioTarget}×`,
    r.spread === undefined ? '' : `±${((r.spread * 100) / 2).toFixed(1)}%`,
    verdict(r),
  ]);
  const header = ['benchmark', 'value', 'target', 'ratio', 'ratio target', 'spread', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const chosen = SUITES.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  if (chosen.length === 0) {
    console.error(`no suite matches ${filters.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const results: BenchResult[] = [];
  for (const suite of chosen) {
    process.stderr.write(`running ${suite.name}...\n`);
    results.push(...(await suite.run()));
  }
  console.log(table(results));
  const out = fileURLToPath(new URL('../bench-results.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\nwrote ${results.length} figures to bench-results.json (node ${process.version}, ${process.platform}/${process.arch})`,
  );
}

await main();
