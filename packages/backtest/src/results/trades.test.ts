import type { FillEvent } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { runBreakdowns, slippageAttribution, turnover } from './attribution.js';
import { roundTrips } from './trades.js';

let n = 0;
function fill(
  side: 'BUY' | 'SELL',
  quantity: number,
  price: number,
  fee = 0,
  extra: Partial<FillEvent> = {},
): FillEvent {
  n++;
  return {
    kind: 'fill',
    v: 1,
    tsEvent: n * 1_000_000,
    tsInit: n * 1_000_000,
    clientOrderId: `o${n}`,
    strategyId: 's1',
    instrumentId: 'X.NSE',
    tradeId: `t${n}`,
    side,
    price,
    quantity,
    fee,
    feeCurrency: 'INR',
    liquidity: 'TAKER',
    ...extra,
  } as FillEvent;
}

describe('roundTrips', () => {
  it('closes a trip when the position returns to flat, with average-cost PnL and fees', () => {
    const trips = roundTrips([fill('BUY', 10, 100, 1), fill('BUY', 10, 110, 1), fill('SELL', 20, 120, 2)]);
    expect(trips).toHaveLength(1);
    const t = trips[0]!;
    expect(t.direction).toBe('LONG');
    expect(t.entryPrice).toBe(105);
    expect(t.exitPrice).toBe(120);
    expect(t.grossPnl).toBe(300);
    expect(t.fees).toBe(4);
    expect(t.netPnl).toBe(296);
    expect(t.returnOnNotional).toBeCloseTo(296 / 2100, 12);
  });

  it('splits a flipping fill: closes the long, opens a short with the remainder', () => {
    const trips = roundTrips([fill('BUY', 5, 100, 1), fill('SELL', 10, 90, 2), fill('BUY', 5, 80, 1)]);
    expect(trips.map((t) => [t.direction, t.grossPnl, t.fees])).toEqual([
      ['LONG', -50, 2],
      ['SHORT', 50, 2],
    ]);
  });

  it('applies the contract multiplier', () => {
    const trips = roundTrips([fill('SELL', 1, 200), fill('BUY', 1, 190)], () => 50);
    expect(trips[0]!.grossPnl).toBe(500);
  });
});

describe('attribution', () => {
  it('charges a buy above and a sell below the reference as positive slippage', () => {
    const s = slippageAttribution([
      fill('BUY', 2, 101, 0, { decisionPrice: 100, arrivalPrice: 100.5 }),
      fill('SELL', 2, 99, 0, { decisionPrice: 100 }),
    ]);
    expect(s.map((x) => [x.vsDecision, x.vsArrival])).toEqual([
      [2, 1],
      [2, 0],
    ]);
  });

  it('breaks down by instrument and strategy, sorted by key', () => {
    const fills = [
      fill('BUY', 1, 10, 0.1),
      fill('SELL', 1, 12, 0.1),
      fill('BUY', 1, 5, 0.1, { instrumentId: 'A.NSE', strategyId: 's2' }),
    ];
    const b = runBreakdowns(roundTrips(fills), fills);
    expect(b.byInstrument.map((r) => [r.key, r.trades, r.fills, r.tradedNotional])).toEqual([
      ['A.NSE', 0, 1, 5],
      ['X.NSE', 1, 2, 22],
    ]);
    expect(b.byStrategy.map((r) => r.key)).toEqual(['s1', 's2']);
    expect(turnover(27, [9, 9])).toBe(3);
  });
});
