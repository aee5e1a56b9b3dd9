import type { EquityInstrument, OrderIntent } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { DepthBook } from './depth-book.js';
import { InstrumentSpec } from './instrument-spec.js';
import { barPathPoints, firstReach } from './intrabar-path.js';
import { firstAtRank, insertOrder, removeOrder } from './order-list.js';
import { SimOrder } from './sim-order.js';

const inst: EquityInstrument = {
  type: 'equity',
  id: 'X.NSE',
  symbol: 'X',
  venue: 'NSE',
  venueSymbol: 'X',
  quoteCurrency: 'INR',
  tickSize: 0.05,
  lotSize: 5,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 0,
};

describe('InstrumentSpec', () => {
  it('converts prices to ticks and quantities to lots exactly', () => {
    const spec = new InstrumentSpec(inst);
    expect(spec.ticks(2945.35)).toBe(58907);
    expect(spec.price(58907)).toBe(2945.35);
    expect(spec.isOnTick(0.1 + 0.2)).toBe(true);
    expect(spec.isOnTick(100.03)).toBe(false);
    expect(spec.isWholeLots(15)).toBe(true);
    expect(spec.isWholeLots(12)).toBe(false);
    expect(spec.lotsFloor(14.99)).toBe(2);
    expect(spec.lotsFloor(0.1 * 3 * 50)).toBe(3); // 15.000000000000002: float noise snaps
    expect(spec.lotsFloor(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(spec.quantity(3)).toBe(15);
  });

  it('refuses a tick or lot size off the precision grid', () => {
    expect(() => new InstrumentSpec({ ...inst, tickSize: 0.005 })).toThrow(/tickSize/);
    expect(() => new InstrumentSpec({ ...inst, lotSize: 0.5 })).toThrow(/lotSize/);
  });
});

describe('DepthBook', () => {
  it('keeps levels sorted best first, removes size 0, forgets consumption on update', () => {
    const book = new DepthBook();
    for (const [p, s] of [
      [100, 5],
      [102, 7],
      [101, 6],
    ] as const)
      book.bids.set(p, s);
    for (const [p, s] of [
      [105, 5],
      [103, 7],
      [104, 6],
    ] as const)
      book.asks.set(p, s);
    expect(book.bids.prices).toEqual([102, 101, 100]);
    expect(book.asks.prices).toEqual([103, 104, 105]);
    book.asks.consumed[0] = 3;
    expect(book.asks.available(0)).toBe(4);
    book.asks.set(103, 9);
    expect(book.asks.available(0)).toBe(9);
    book.bids.set(101, 0);
    expect(book.bids.prices).toEqual([102, 100]);
    expect(book.bids.sizeAt(101)).toBe(0);
    expect(book.bids.sizeAt(99)).toBeNaN();
    expect(book.opposite(1)).toBe(book.asks);
  });
});

describe('intrabar path', () => {
  it('orders the extremes by convention', () => {
    const out = [0, 0, 0, 0];
    barPathPoints('open-high-low-close', 10, 12, 7, 9, out);
    expect(out).toEqual([10, 12, 7, 9]);
    barPathPoints('open-low-high-close', 10, 12, 7, 9, out);
    expect(out).toEqual([10, 7, 12, 9]);
    barPathPoints('nearest-extreme-first', 10, 12, 7, 9, out);
    expect(out).toEqual([10, 12, 7, 9]);
    barPathPoints('nearest-extreme-first', 10, 13, 7, 11, out); // tie, closes up: low first
    expect(out).toEqual([10, 7, 13, 11]);
  });

  it('finds where the path first reaches a price, from a position on', () => {
    const path = [10, 12, 7, 9];
    expect(firstReach(path, 11, 0)).toBe(0.5);
    expect(firstReach(path, 10, 0)).toBe(0);
    expect(firstReach(path, 8, 0)).toBeCloseTo(1.8, 12);
    expect(firstReach(path, 11, 0.6)).toBeCloseTo(1.2, 12);
    expect(firstReach(path, 8, 2)).toBe(2.5);
    expect(firstReach(path, 13, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('order lists', () => {
  it('keeps price-time priority and removes by identity', () => {
    const intent = {
      clientOrderId: 'a',
      strategyId: 's',
      instrumentId: 'X.NSE',
      side: 'BUY',
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      reduceOnly: false,
      postOnly: false,
    } as OrderIntent;
    const make = (rank: number, seq: number) => {
      const o = new SimOrder(intent, -rank, Number.NaN, 1, 0, Number.NaN);
      o.rank = rank;
      o.seq = seq;
      return o;
    };
    const list: SimOrder[] = [];
    const a = make(-101, 1);
    const b = make(-100, 2);
    const c = make(-101, 3);
    for (const o of [b, c, a]) insertOrder(list, o);
    expect(list).toEqual([a, c, b]);
    expect(firstAtRank(list, -100)).toBe(2);
    expect(removeOrder(c)).toBe(true);
    expect(removeOrder(c)).toBe(false);
    expect(list).toEqual([a, b]);
  });
});
