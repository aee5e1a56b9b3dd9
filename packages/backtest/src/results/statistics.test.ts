import { describe, expect, it } from 'vitest';
import { annualisationFor, NSE_TRADING_SECONDS_PER_YEAR } from './annualisation.js';
import { computeStatistics, drawdownSeries, maxDrawdownDuration } from './statistics.js';
import type { RoundTrip } from './trades.js';

// Expected values were computed independently in Python (statistics.stdev, math) from the same
// series; they are pasted here as literals so the test does not re-derive them with the same code.
const EQUITY = [100, 101, 100.5, 102, 99, 98.5, 101.5, 103, 102, 104.5, 104, 105];
const GROSS = [0, 10, 10, 0, 5, 5, 5, 0, 0, 8, 8, 0];
const SAMPLES = EQUITY.map((equity, i) => ({ ts: i * 60_000_000, equity, grossExposure: GROSS[i]! }));
const NSE_MINUTE = annualisationFor('NSE', 60);

function trip(netPnl: number, returnOnNotional: number): RoundTrip {
  return {
    strategyId: 's',
    instrumentId: 'X.NSE',
    direction: 'LONG',
    entryTs: 0,
    exitTs: 1,
    quantity: 1,
    entryPrice: 1,
    exitPrice: 1,
    grossPnl: netPnl,
    fees: 0,
    netPnl,
    returnOnNotional,
  };
}
const TRIPS = [trip(120, 0.012), trip(-40, -0.004), trip(0, 0), trip(60, 0.006), trip(-20, -0.002)];

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe('computeStatistics on a fixed series', () => {
  const s = computeStatistics({ equity: SAMPLES, trades: TRIPS, annualisation: NSE_MINUTE });

  it('annualises NSE minutes as 252 days × 6.25 h', () => {
    expect(NSE_TRADING_SECONDS_PER_YEAR).toBe(5_670_000);
    expect(NSE_MINUTE.periodsPerYear).toBe(94_500);
    expect(annualisationFor('BINANCE', 60).periodsPerYear).toBe(525_600);
  });

  it('matches independently computed return, risk and ratio figures to 1e-9', () => {
    close(s.totalReturn, 0.050000000000000044);
    close(s.annualisedReturn, 1.084780850195065e182);
    close(s.volatility, 5.29194208409285);
    close(s.sharpe, 81.78587546006638);
    close(s.sortino, 145.34086698764003);
    close(s.calmar, 3.161361334854189e183);
    close(s.maxDrawdown, 0.03431372549019608);
    expect(s.maxDrawdownDurationSeconds).toBe(240);
    expect(s.periods).toBe(11);
    close(s.years, 11 / 94_500);
    close(s.exposureTime, 0.6363636363636364);
  });

  it('matches independently computed trade figures to 1e-9', () => {
    expect(s.trades).toBe(5);
    close(s.winRate, 0.4);
    close(s.profitFactor, 3.0);
    close(s.expectancy, 0.0024000000000000002);
    close(s.averageTrade, 24.0);
    close(s.averageWin, 90);
    close(s.averageLoss, -30);
  });

  it('subtracts a per-period risk-free rate', () => {
    const rf = computeStatistics({
      equity: SAMPLES,
      trades: [],
      annualisation: NSE_MINUTE,
      riskFreeRate: 0.05,
    });
    close(rf.sharpe, 81.7764271329295);
    close(rf.sortino, 145.32006100294555);
  });

  it('annualises crypto as 365 × 24 h', () => {
    const c = computeStatistics({
      equity: SAMPLES,
      trades: [],
      annualisation: annualisationFor('BINANCE', 60),
    });
    close(c.sharpe, 192.88128063570682);
  });

  it('skips periods outside trading time', () => {
    const only = computeStatistics({
      equity: SAMPLES,
      trades: [],
      annualisation: NSE_MINUTE,
      isTradingPeriod: (ts) => ts <= 3 * 60_000_000,
    });
    expect(only.periods).toBe(3);
  });

  it('gives 0 for undefined ratios and Infinity for a profit factor without losses', () => {
    const flat = computeStatistics({
      equity: [
        { ts: 0, equity: 100 },
        { ts: 1, equity: 100 },
      ],
      trades: [trip(5, 0.01)],
      annualisation: NSE_MINUTE,
    });
    expect([flat.sharpe, flat.sortino, flat.calmar, flat.maxDrawdown]).toEqual([0, 0, 0, 0]);
    expect(flat.profitFactor).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses out-of-order or non-finite equity', () => {
    expect(() =>
      computeStatistics({
        equity: [
          { ts: 2, equity: 1 },
          { ts: 1, equity: 1 },
        ],
        trades: [],
        annualisation: NSE_MINUTE,
      }),
    ).toThrow(/equity\[1\]\.ts/);
    expect(() =>
      computeStatistics({ equity: [{ ts: 0, equity: Number.NaN }], trades: [], annualisation: NSE_MINUTE }),
    ).toThrow(/equity\[0\]/);
  });
});

describe('drawdowns', () => {
  it('measures each point from the running peak', () => {
    expect(drawdownSeries([100, 110, 99, 121])).toEqual([0, 0, 0.1, 0]);
  });
  it('measures an unrecovered drawdown to the last sample', () => {
    expect(
      maxDrawdownDuration([
        { ts: 0, equity: 10 },
        { ts: 1_000_000, equity: 12 },
        { ts: 5_000_000, equity: 11 },
        { ts: 9_000_000, equity: 11.5 },
      ]),
    ).toBe(8);
  });
});
