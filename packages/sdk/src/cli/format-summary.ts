import type { BacktestSummary } from './plugin.js';

function money(value: number, currency: string): string {
  return `${value.toLocaleString('en-IN', { maximumFractionDigits: 2, minimumFractionDigits: 2 })} ${currency}`;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

/** Renders a backtest summary as the CLI's table. */
export function formatSummary(s: BacktestSummary): string {
  const tickToOrder = s.latency.find((l) => l.span === 'ingest→submit');
  const rows: [string, string][] = [
    ['run', `${s.name} (seed ${s.seed})`],
    [
      'market events',
      `${s.events.toLocaleString('en-US')} in ${s.elapsedSeconds.toFixed(2)} s (${Math.round(s.events / Math.max(s.elapsedSeconds, 1e-9)).toLocaleString('en-US')}/s)`,
    ],
    ['trades (round trips)', String(s.trades)],
    ['fills', String(s.fills)],
    ['start equity', money(s.startEquity, s.baseCurrency)],
    ['end equity', money(s.endEquity, s.baseCurrency)],
    ['PnL (after fees)', money(s.pnl, s.baseCurrency)],
    ['fees', money(s.fees, s.baseCurrency)],
    ['return', pct(s.totalReturn)],
    ['max drawdown', pct(s.maxDrawdown)],
    ['Sharpe (annualised)', s.sharpe.toFixed(2)],
  ];
  if (tickToOrder !== undefined && tickToOrder.count > 0) {
    rows.push([
      'tick→order p50 / p99',
      `${tickToOrder.p50Us.toFixed(1)} µs / ${tickToOrder.p99Us.toFixed(1)} µs`,
    ]);
  }
  for (const f of s.failures) rows.push([`FAILED ${f.strategyId}`, f.message]);
  rows.push(['results', s.resultsDir]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
