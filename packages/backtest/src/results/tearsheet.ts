import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@quantkubera/core';
import { readCsvFile } from './csv.js';
import {
  type ChartMarker,
  escapeHtml,
  histogram,
  lineChart,
  monthlyHeatmap,
  monthlyReturns,
  type XY,
} from './svg-charts.js';

/** What a tearsheet shows, read from a run's directory by {@link loadReportData}. */
export interface ReportData {
  readonly name: string;
  /** summary.json: the run's headline figures. */
  readonly summary: Readonly<Record<string, unknown>>;
  /** stats.json: the statistics, turnover and annualisation. */
  readonly stats: Readonly<Record<string, unknown>>;
  readonly equity: readonly { readonly ts: number; readonly equity: number; readonly drawdown: number }[];
  readonly prices: readonly { readonly ts: number; readonly instrumentId: string; readonly price: number }[];
  readonly fills: readonly {
    readonly ts: number;
    readonly instrumentId: string;
    readonly side: string;
    readonly price: number;
    readonly quantity: number;
  }[];
  /** Net PnL of each round trip. */
  readonly tradePnls: readonly number[];
  /** breakdown.json, when present. */
  readonly breakdowns?: {
    readonly byInstrument: readonly Record<string, unknown>[];
    readonly byStrategy: readonly Record<string, unknown>[];
  };
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new InvalidArgumentError('results file', path, 'a readable JSON file', { cause });
  }
}

function num(row: Record<string, string>, key: string, where: string): number {
  const v = Number(row[key]);
  if (!Number.isFinite(v)) throw new InvalidArgumentError(`${where} ${key}`, row[key], 'a number');
  return v;
}

/** Reads what the tearsheet needs from a run's directory (`runs/<name>/`). */
export function loadReportData(runDir: string): ReportData {
  const dir = resolve(runDir);
  if (!existsSync(join(dir, 'summary.json'))) {
    throw new InvalidArgumentError(
      'report run directory',
      dir,
      'a backtest results directory with summary.json',
    );
  }
  const summary = readJson(join(dir, 'summary.json'));
  const stats = existsSync(join(dir, 'stats.json')) ? readJson(join(dir, 'stats.json')) : {};
  const optional = (file: string) => (existsSync(join(dir, file)) ? readCsvFile(join(dir, file)) : []);
  const breakdownPath = join(dir, 'breakdown.json');
  return {
    name: typeof summary.name === 'string' ? summary.name : dir,
    summary,
    stats,
    equity: readCsvFile(join(dir, 'equity.csv')).map((r, i) => ({
      ts: num(r, 'ts', `equity.csv:${i + 2}`),
      equity: num(r, 'equity', `equity.csv:${i + 2}`),
      drawdown: num(r, 'drawdown', `equity.csv:${i + 2}`),
    })),
    prices: optional('prices.csv').map((r, i) => ({
      ts: num(r, 'ts', `prices.csv:${i + 2}`),
      instrumentId: r.instrument_id ?? '',
      price: num(r, 'price', `prices.csv:${i + 2}`),
    })),
    fills: readCsvFile(join(dir, 'fills.csv')).map((r, i) => ({
      ts: num(r, 'ts', `fills.csv:${i + 2}`),
      instrumentId: r.instrument_id ?? '',
      side: r.side ?? '',
      price: num(r, 'price', `fills.csv:${i + 2}`),
      quantity: num(r, 'quantity', `fills.csv:${i + 2}`),
    })),
    tradePnls: optional('trades.csv').map((r, i) => num(r, 'net_pnl', `trades.csv:${i + 2}`)),
    ...(existsSync(breakdownPath)
      ? { breakdowns: readJson(breakdownPath) as unknown as NonNullable<ReportData['breakdowns']> }
      : {}),
  };
}

const STAT_ROWS: readonly [string, string, 'pct' | 'num' | 'int' | 'secs' | 'money'][] = [
  ['totalReturn', 'Total return', 'pct'],
  ['annualisedReturn', 'Annualised return', 'pct'],
  ['volatility', 'Volatility (annualised)', 'pct'],
  ['sharpe', 'Sharpe', 'num'],
  ['sortino', 'Sortino', 'num'],
  ['calmar', 'Calmar', 'num'],
  ['maxDrawdown', 'Max drawdown', 'pct'],
  ['maxDrawdownDurationSeconds', 'Max drawdown duration', 'secs'],
  ['trades', 'Round trips', 'int'],
  ['winRate', 'Win rate', 'pct'],
  ['profitFactor', 'Profit factor', 'num'],
  ['expectancy', 'Expectancy (return per trade)', 'pct'],
  ['averageTrade', 'Average trade', 'money'],
  ['averageWin', 'Average win', 'money'],
  ['averageLoss', 'Average loss', 'money'],
  ['exposureTime', 'Exposure time', 'pct'],
  ['turnover', 'Turnover (× mean equity)', 'num'],
  ['periods', 'Periods counted', 'int'],
];

function formatStat(value: unknown, kind: (typeof STAT_ROWS)[number][2]): string {
  if (value === null) return '∞';
  if (typeof value !== 'number') return '-';
  switch (kind) {
    case 'pct':
      return `${(value * 100).toFixed(2)}%`;
    case 'int':
      return String(value);
    case 'secs':
      return value >= 86_400 ? `${(value / 86_400).toFixed(1)} d` : `${(value / 3600).toFixed(1)} h`;
    case 'money':
      return value.toFixed(2);
    default:
      return value.toFixed(3);
  }
}

function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${columns
          .map((c) => {
            const v = r[c];
            return `<td>${escapeHtml(typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? ''))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="grid-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#111827;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.meta{color:#6b7280}.chart{width:100%;height:auto;display:block}
.grid{stroke:#e5e7eb;stroke-width:1}.ylab{font-size:11px;fill:#6b7280;text-anchor:end;dominant-baseline:middle}
.xlab,.mlab{font-size:11px;fill:#6b7280;text-anchor:middle}.empty{fill:#9ca3af;text-anchor:middle}
.marker.buy{fill:#16a34a}.marker.sell{fill:#dc2626}.bar.win{fill:#16a34a}.bar.loss{fill:#dc2626}
.cell.none{fill:#f3f4f6}.cval{font-size:11px;text-anchor:middle;fill:#111827}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #f3f4f6;text-align:right}
th{color:#374151;font-weight:600}td:first-child,th:first-child{text-align:left}
.stats{display:grid;grid-template-columns:1fr 1fr;gap:0 32px}
`;

/** Renders a self-contained HTML tearsheet: inline CSS and SVG, no script, no network. */
export function renderReport(data: ReportData): string {
  const eq: XY[] = data.equity.map((p) => ({ x: p.ts, y: p.equity }));
  const dd: XY[] = data.equity.map((p) => ({ x: p.ts, y: -p.drawdown }));
  const instruments = [...new Set(data.prices.map((p) => p.instrumentId))].sort();
  const priceCharts = instruments
    .map((id, i) => {
      const points = data.prices.filter((p) => p.instrumentId === id).map((p) => ({ x: p.ts, y: p.price }));
      const markers: ChartMarker[] = data.fills
        .filter((f) => f.instrumentId === id)
        .map((f) => ({
          x: f.ts,
          y: f.price,
          kind: f.side === 'BUY' ? 'buy' : 'sell',
          label: `${f.side} ${f.quantity} @ ${f.price} (${new Date(f.ts / 1000).toISOString()})`,
        }));
      return `<h3>${escapeHtml(id)}</h3>${lineChart(points, { id: `price-${i}`, color: '#374151', markers })}`;
    })
    .join('');
  const statsRows = STAT_ROWS.map(([key, label, kind]) => {
    const value = key in data.stats ? data.stats[key] : data.summary[key];
    return `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(formatStat(value, kind))}</td></tr>`;
  });
  const half = Math.ceil(statsRows.length / 2);
  const s = data.summary;
  const money = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : '-');
  const annualisation = data.stats.annualisation as
    | { convention?: string; periodsPerYear?: number }
    | undefined;
  const breakdownColumns = [
    'key',
    'trades',
    'wins',
    'netPnl',
    'fees',
    'fills',
    'tradedNotional',
    'slippageVsDecision',
    'slippageVsArrival',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(data.name)} — QuantKubera tearsheet</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(data.name)}</h1>
<div class="meta">seed ${escapeHtml(String(s.seed ?? '-'))} · ${escapeHtml(String(s.events ?? '-'))} market events ·
start ${money(s.startEquity)} → end ${money(s.endEquity)} ${escapeHtml(String(s.baseCurrency ?? ''))} ·
fees ${money(s.fees)} · annualisation ${escapeHtml(annualisation?.convention ?? '-')} (${escapeHtml(String(annualisation?.periodsPerYear ?? '-'))} periods/yr) · code ${escapeHtml(String(s.codeVersion ?? '-'))}</div>
<h2>Statistics</h2>
<div class="stats"><table id="stats-a">${statsRows.slice(0, half).join('')}</table><table id="stats-b">${statsRows.slice(half).join('')}</table></div>
<h2>Equity</h2>${lineChart(eq, { id: 'equity', yFormat: (v) => v.toFixed(0) })}
<h2>Drawdown</h2>${lineChart(dd, { id: 'drawdown', area: true, color: '#dc2626', height: 180, yFormat: (v) => `${(v * 100).toFixed(2)}%` })}
<h2>Price and trades</h2>${priceCharts || '<p class="meta">no prices recorded</p>'}
<h2>Monthly returns</h2>${monthlyHeatmap(monthlyReturns(eq), 'monthly')}
<h2>Trade distribution (net PnL per round trip)</h2>${histogram(data.tradePnls, 'trade-distribution')}
${
  data.breakdowns === undefined
    ? ''
    : `<h2>By instrument</h2>${table(data.breakdowns.byInstrument, breakdownColumns)}<h2>By strategy</h2>${table(data.breakdowns.byStrategy, breakdownColumns)}`
}
</body></html>
`;
}

/**
 * Writes `report.html` for a run's directory (or to `out`) and returns its path.
 *
 * @example
 * ```ts
 * const path = writeReport('runs/sma-crossover'); // runs/sma-crossover/report.html
 * ```
 */
export function writeReport(runDir: string, out?: string): string {
  const path = resolve(out ?? join(runDir, 'report.html'));
  writeFileSync(path, renderReport(loadReportData(runDir)));
  return path;
}
