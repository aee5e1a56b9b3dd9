import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FillEvent, PortfolioSnapshot } from '@quantkubera/core';
import type { Annualisation } from './annualisation.js';
import {
  type FillSlippage,
  type RunBreakdowns,
  runBreakdowns,
  slippageAttribution,
  turnover,
} from './attribution.js';
import { writeCsvFile } from './csv.js';
import type { PricePoint } from './price-sampler.js';
import { computeStatistics, type RunStatistics } from './statistics.js';
import { type RoundTrip, roundTrips } from './trades.js';

/** What {@link analyseRun} reads: the collected events of a finished run. */
export interface RunAnalysisInput {
  readonly fills: readonly FillEvent[];
  readonly snapshots: readonly PortfolioSnapshot[];
  readonly annualisation: Annualisation;
  /** See {@link StatisticsInput.isTradingPeriod}. */
  readonly isTradingPeriod?: (ts: number) => boolean;
  /** Contract multiplier per instrument (default 1). */
  readonly multiplier?: (instrumentId: string) => number;
}

/** Everything derived from a run for its artifacts and report. */
export interface RunAnalysis {
  readonly statistics: RunStatistics;
  /** Traded notional over mean equity. */
  readonly turnover: number;
  readonly tradedNotional: number;
  readonly trades: readonly RoundTrip[];
  readonly slippage: readonly FillSlippage[];
  readonly breakdowns: RunBreakdowns;
  readonly annualisation: Annualisation;
}

/** Derives statistics, round trips, slippage attribution and breakdowns from a run's events. */
export function analyseRun(input: RunAnalysisInput): RunAnalysis {
  const multiplier = input.multiplier ?? (() => 1);
  const trades = roundTrips(input.fills, multiplier);
  const statistics = computeStatistics({
    equity: input.snapshots.map((s) => ({ ts: s.tsEvent, equity: s.equity, grossExposure: s.grossExposure })),
    trades,
    annualisation: input.annualisation,
    ...(input.isTradingPeriod === undefined ? {} : { isTradingPeriod: input.isTradingPeriod }),
  });
  const breakdowns = runBreakdowns(trades, input.fills, multiplier);
  const tradedNotional = breakdowns.byInstrument.reduce((s, b) => s + b.tradedNotional, 0);
  return {
    statistics,
    turnover: turnover(
      tradedNotional,
      input.snapshots.map((s) => s.equity),
    ),
    tradedNotional,
    trades,
    slippage: slippageAttribution(input.fills, multiplier),
    breakdowns,
    annualisation: input.annualisation,
  };
}

/** JSON cannot hold Infinity or NaN: they are written as null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/**
 * Writes the analysis artifacts next to the engine's: `trades.csv` (round trips),
 * `slippage.csv` (per fill), `prices.csv` (sampled prices for the report), `stats.json`
 * (statistics, turnover, annualisation) and `breakdown.json` (per instrument and strategy).
 * Deterministic: the same run writes the same bytes.
 */
export function writeRunAnalysis(dir: string, analysis: RunAnalysis, prices: readonly PricePoint[]): void {
  writeCsvFile(
    join(dir, 'trades.csv'),
    [
      'strategy_id',
      'instrument_id',
      'direction',
      'entry_ts',
      'exit_ts',
      'quantity',
      'entry_price',
      'exit_price',
      'gross_pnl',
      'fees',
      'net_pnl',
      'return_on_notional',
    ],
    analysis.trades.map((t) => [
      t.strategyId,
      t.instrumentId,
      t.direction,
      t.entryTs,
      t.exitTs,
      t.quantity,
      t.entryPrice,
      t.exitPrice,
      t.grossPnl,
      t.fees,
      t.netPnl,
      t.returnOnNotional,
    ]),
  );
  writeCsvFile(
    join(dir, 'slippage.csv'),
    [
      'ts',
      'trade_id',
      'strategy_id',
      'instrument_id',
      'side',
      'quantity',
      'price',
      'decision_price',
      'arrival_price',
      'vs_decision',
      'vs_arrival',
    ],
    analysis.slippage.map((s) => [
      s.ts,
      s.tradeId,
      s.strategyId,
      s.instrumentId,
      s.side,
      s.quantity,
      s.price,
      s.decisionPrice,
      s.arrivalPrice,
      s.vsDecision,
      s.vsArrival,
    ]),
  );
  writeCsvFile(
    join(dir, 'prices.csv'),
    ['ts', 'instrument_id', 'price'],
    prices.map((p) => [p.ts, p.instrumentId, p.price]),
  );
  writeFileSync(
    join(dir, 'stats.json'),
    `${JSON.stringify(
      {
        ...analysis.statistics,
        turnover: analysis.turnover,
        tradedNotional: analysis.tradedNotional,
        annualisation: analysis.annualisation,
      },
      finiteOrNull,
      2,
    )}\n`,
  );
  writeFileSync(join(dir, 'breakdown.json'), `${JSON.stringify(analysis.breakdowns, finiteOrNull, 2)}\n`);
}
