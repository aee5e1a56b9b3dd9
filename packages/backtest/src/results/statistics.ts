import { InvalidArgumentError } from '@quantkubera/core';
import type { Annualisation } from './annualisation.js';
import type { RoundTrip } from './trades.js';

/** One point of an equity curve, as the statistics read it. */
export interface EquitySample {
  /** Epoch µs. */
  readonly ts: number;
  readonly equity: number;
  /** Gross exposure at this time (0 when flat); used for exposure time. */
  readonly grossExposure?: number;
}

/** What {@link computeStatistics} needs. */
export interface StatisticsInput {
  /** The equity curve at a fixed sampling interval, in time order. */
  readonly equity: readonly EquitySample[];
  /** Closed round trips, for the trade statistics. */
  readonly trades: readonly RoundTrip[];
  /** How period returns scale to a year. */
  readonly annualisation: Annualisation;
  /**
   * Whether the period ending at `ts` counts as trading time. NSE runs pass the session calendar
   * so nights and weekends (flat equity) do not dilute volatility. Default: every period counts.
   */
  readonly isTradingPeriod?: (ts: number) => boolean;
  /** Annual risk-free rate for Sharpe and Sortino (default 0); per period it is `rf / periodsPerYear`. */
  readonly riskFreeRate?: number;
}

/**
 * A run's statistics. Formulas are in docs/results.md; in short, with period returns
 * rᵢ = Eᵢ / Eᵢ₋₁ − 1 over the n counted periods and P periods per year:
 * Sharpe = mean(r − rf) / sd(r) · √P (sample sd, n − 1), Sortino = mean(r − rf) / dd · √P with
 * dd = √(Σ min(rᵢ − rf, 0)² / n), annualised return = (1 + total)^(P / n) − 1, Calmar =
 * annualised return / max drawdown. Ratios that are undefined (no variance, no drawdown, no
 * losses) are 0, except profit factor which is `Infinity` with wins and no losses.
 */
export interface RunStatistics {
  /** E_last / E_first − 1. */
  readonly totalReturn: number;
  /** Compounded to a year of trading time: (1 + totalReturn)^(P / n) − 1. */
  readonly annualisedReturn: number;
  /** sd(r) · √P. */
  readonly volatility: number;
  readonly sharpe: number;
  readonly sortino: number;
  /** annualisedReturn / maxDrawdown. */
  readonly calmar: number;
  /** Largest fall from a running peak, as a fraction of the peak. */
  readonly maxDrawdown: number;
  /** Longest time from a peak until equity regained it (or the end), in seconds. */
  readonly maxDrawdownDurationSeconds: number;
  /** Counted periods n. */
  readonly periods: number;
  /** n / P: the trading time covered, in years. */
  readonly years: number;
  /** Closed round trips. */
  readonly trades: number;
  /** Trips with netPnl > 0, over all trips. */
  readonly winRate: number;
  /** Σ winning netPnl / |Σ losing netPnl|. */
  readonly profitFactor: number;
  /** Mean return on notional per trip (netPnl / entry notional). */
  readonly expectancy: number;
  /** Mean netPnl per trip, in currency. */
  readonly averageTrade: number;
  /** Mean netPnl of winning trips. */
  readonly averageWin: number;
  /** Mean netPnl of losing trips (negative). */
  readonly averageLoss: number;
  /** Fraction of counted periods that began with a position open (gross exposure > 0). */
  readonly exposureTime: number;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

/** Drawdown from the running peak at every point: (peak − E) / peak, 0 when the peak is ≤ 0. */
export function drawdownSeries(equity: readonly number[]): number[] {
  let peak = Number.NEGATIVE_INFINITY;
  return equity.map((e) => {
    peak = Math.max(peak, e);
    return peak > 0 ? (peak - e) / peak : 0;
  });
}

/** The longest peak-to-recovery span, in seconds (a drawdown still open ends at the last sample). */
export function maxDrawdownDuration(samples: readonly EquitySample[]): number {
  let longest = 0;
  let peak = Number.NEGATIVE_INFINITY;
  let peakTs = 0;
  let below = false;
  for (const s of samples) {
    if (s.equity >= peak) {
      if (below) longest = Math.max(longest, s.ts - peakTs);
      peak = s.equity;
      peakTs = s.ts;
      below = false;
    } else {
      below = true;
    }
  }
  const last = samples[samples.length - 1];
  if (below && last !== undefined) longest = Math.max(longest, last.ts - peakTs);
  return longest / 1e6;
}

/**
 * Computes the run statistics of an equity curve and its round trips.
 *
 * @example
 * ```ts
 * const stats = computeStatistics({ equity, trades, annualisation: annualisationFor('NSE', 60) });
 * ```
 */
export function computeStatistics(input: StatisticsInput): RunStatistics {
  const { equity, trades, annualisation } = input;
  for (let i = 0; i < equity.length; i++) {
    const s = equity[i]!;
    if (!Number.isFinite(s.equity) || !Number.isFinite(s.ts)) {
      throw new InvalidArgumentError(`computeStatistics equity[${i}]`, s, 'finite ts and equity');
    }
    if (i > 0 && s.ts < equity[i - 1]!.ts) {
      throw new InvalidArgumentError(`computeStatistics equity[${i}].ts`, s.ts, 'time order');
    }
  }
  const P = annualisation.periodsPerYear;
  const rf = (input.riskFreeRate ?? 0) / P;
  const counted = input.isTradingPeriod ?? (() => true);
  const returns: number[] = [];
  let exposed = 0;
  for (let i = 1; i < equity.length; i++) {
    const a = equity[i - 1]!;
    const b = equity[i]!;
    if (a.equity <= 0 || !counted(b.ts)) continue;
    returns.push(b.equity / a.equity - 1);
    if ((a.grossExposure ?? 0) > 0) exposed++;
  }
  const n = returns.length;
  const first = equity[0]?.equity ?? 0;
  const last = equity[equity.length - 1]?.equity ?? 0;
  const totalReturn = first > 0 ? last / first - 1 : 0;
  const annualisedReturn = n > 0 && 1 + totalReturn > 0 ? (1 + totalReturn) ** (P / n) - 1 : 0;
  const sd = sampleSd(returns);
  const excess = mean(returns) - rf;
  let downside = 0;
  for (const r of returns) downside += Math.min(r - rf, 0) ** 2;
  downside = n > 0 ? Math.sqrt(downside / n) : 0;
  const maxDrawdown = drawdownSeries(equity.map((s) => s.equity)).reduce((m, d) => Math.max(m, d), 0);

  const pnls = trades.map((t) => t.netPnl);
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);
  const grossWin = wins.reduce((s, p) => s + p, 0);
  const grossLoss = -losses.reduce((s, p) => s + p, 0);
  let profitFactor = 0;
  if (grossLoss > 0) profitFactor = grossWin / grossLoss;
  else if (grossWin > 0) profitFactor = Number.POSITIVE_INFINITY;

  return {
    totalReturn,
    annualisedReturn,
    volatility: sd * Math.sqrt(P),
    sharpe: sd > 0 ? (excess / sd) * Math.sqrt(P) : 0,
    sortino: downside > 0 ? (excess / downside) * Math.sqrt(P) : 0,
    calmar: maxDrawdown > 0 ? annualisedReturn / maxDrawdown : 0,
    maxDrawdown,
    maxDrawdownDurationSeconds: maxDrawdownDuration(equity),
    periods: n,
    years: n / P,
    trades: trades.length,
    winRate: trades.length > 0 ? wins.length / trades.length : 0,
    profitFactor,
    expectancy: mean(trades.map((t) => t.returnOnNotional)),
    averageTrade: mean(pnls),
    averageWin: mean(wins),
    averageLoss: mean(losses),
    exposureTime: n > 0 ? exposed / n : 0,
  };
}
