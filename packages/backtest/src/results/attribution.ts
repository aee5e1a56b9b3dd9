import type { FillEvent } from '@quantkubera/core';
import type { RoundTrip } from './trades.js';

/**
 * Slippage of one fill against the price when the strategy decided and when the order reached
 * the venue. Positive is a cost: a buy filled above the reference, a sell below it.
 */
export interface FillSlippage {
  readonly ts: number;
  readonly tradeId: string;
  readonly strategyId: string;
  readonly instrumentId: string;
  readonly side: 'BUY' | 'SELL';
  readonly quantity: number;
  readonly price: number;
  readonly decisionPrice: number | undefined;
  readonly arrivalPrice: number | undefined;
  /** (price − decision) × side × quantity × multiplier; 0 without a decision price. */
  readonly vsDecision: number;
  /** (price − arrival) × side × quantity × multiplier; 0 without an arrival price. */
  readonly vsArrival: number;
}

/** Per-fill slippage against the decision and arrival prices. */
export function slippageAttribution(
  fills: readonly FillEvent[],
  multiplier: (instrumentId: string) => number = () => 1,
): FillSlippage[] {
  return fills.map((f) => {
    const sign = f.side === 'BUY' ? 1 : -1;
    const scale = f.quantity * multiplier(f.instrumentId) * sign;
    return {
      ts: f.tsEvent,
      tradeId: f.tradeId,
      strategyId: f.strategyId,
      instrumentId: f.instrumentId,
      side: f.side,
      quantity: f.quantity,
      price: f.price,
      decisionPrice: f.decisionPrice,
      arrivalPrice: f.arrivalPrice,
      vsDecision: f.decisionPrice === undefined ? 0 : (f.price - f.decisionPrice) * scale,
      vsArrival: f.arrivalPrice === undefined ? 0 : (f.price - f.arrivalPrice) * scale,
    };
  });
}

/** Totals for one instrument or one strategy. */
export interface Breakdown {
  /** The instrument or strategy id. */
  readonly key: string;
  readonly trades: number;
  readonly wins: number;
  readonly netPnl: number;
  readonly grossPnl: number;
  /** Fees of all fills (including trips still open). */
  readonly fees: number;
  readonly fills: number;
  /** Σ price × quantity × multiplier of the fills. */
  readonly tradedNotional: number;
  /** Σ slippage against the decision price. */
  readonly slippageVsDecision: number;
  /** Σ slippage against the arrival price. */
  readonly slippageVsArrival: number;
}

function breakdownBy(
  key: (x: { strategyId: string; instrumentId: string }) => string,
  trips: readonly RoundTrip[],
  fills: readonly FillEvent[],
  slippage: readonly FillSlippage[],
  multiplier: (instrumentId: string) => number,
): Breakdown[] {
  const rows = new Map<string, { -readonly [K in keyof Breakdown]: Breakdown[K] }>();
  const row = (k: string) => {
    let r = rows.get(k);
    if (r === undefined) {
      r = {
        key: k,
        trades: 0,
        wins: 0,
        netPnl: 0,
        grossPnl: 0,
        fees: 0,
        fills: 0,
        tradedNotional: 0,
        slippageVsDecision: 0,
        slippageVsArrival: 0,
      };
      rows.set(k, r);
    }
    return r;
  };
  for (const t of trips) {
    const r = row(key(t));
    r.trades++;
    if (t.netPnl > 0) r.wins++;
    r.netPnl += t.netPnl;
    r.grossPnl += t.grossPnl;
  }
  fills.forEach((f, i) => {
    const r = row(key(f));
    r.fills++;
    r.fees += f.fee;
    r.tradedNotional += f.price * f.quantity * multiplier(f.instrumentId);
    r.slippageVsDecision += slippage[i]?.vsDecision ?? 0;
    r.slippageVsArrival += slippage[i]?.vsArrival ?? 0;
  });
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Per-instrument and per-strategy totals of a run. */
export interface RunBreakdowns {
  readonly byInstrument: readonly Breakdown[];
  readonly byStrategy: readonly Breakdown[];
}

/** Groups round trips, fills and slippage by instrument and by strategy (sorted by key). */
export function runBreakdowns(
  trips: readonly RoundTrip[],
  fills: readonly FillEvent[],
  multiplier: (instrumentId: string) => number = () => 1,
): RunBreakdowns {
  const slippage = slippageAttribution(fills, multiplier);
  return {
    byInstrument: breakdownBy((x) => x.instrumentId, trips, fills, slippage, multiplier),
    byStrategy: breakdownBy((x) => x.strategyId, trips, fills, slippage, multiplier),
  };
}

/**
 * Turnover: traded notional over mean equity (a turnover of 2 means the book was traded through
 * twice). 0 when mean equity is not positive.
 */
export function turnover(tradedNotional: number, equity: readonly number[]): number {
  if (equity.length === 0) return 0;
  const meanEquity = equity.reduce((s, e) => s + e, 0) / equity.length;
  return meanEquity > 0 ? tradedNotional / meanEquity : 0;
}
