import { type BookLevel, type DepthEvent, InvalidArgumentError, Rng } from '@quantkubera/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBookGenerator } from './order-book-generator.js';

/** A reference book builder: applies snapshots and deltas the way a venue client would. */
class Book {
  bids = new Map<number, BookLevel>();
  asks = new Map<number, BookLevel>();
  apply(e: DepthEvent): void {
    if (e.snapshot) {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [side, levels] of [
      [this.bids, e.bids],
      [this.asks, e.asks],
    ] as const) {
      for (const l of levels) {
        if (l.size === 0) side.delete(l.price);
        else side.set(l.price, l);
      }
    }
  }
  levels(side: 'bids' | 'asks'): BookLevel[] {
    return [...this[side].values()].sort((a, b) => (side === 'bids' ? b.price - a.price : a.price - b.price));
  }
}

describe('OrderBookGenerator', () => {
  it('snapshots and deltas rebuild a book whose touch equals every quote', () => {
    const quotes = fc.array(
      fc.record({
        bid: fc.integer({ min: 1_000, max: 1_050 }),
        spread: fc.integer({ min: 1, max: 4 }),
        bl: fc.integer({ min: 1, max: 99 }),
        al: fc.integer({ min: 1, max: 99 }),
      }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(quotes, fc.integer({ min: 1, max: 10 }), fc.integer(), (qs, every, seed) => {
        const gen = new OrderBookGenerator(
          'X.NSE',
          { tickSize: 0.05, lotSize: 1, levels: 5, snapshotEvery: every },
          new Rng(seed),
        );
        const book = new Book();
        qs.forEach((q, i) => {
          const event = gen.update(i, i, q.bid, q.bl, q.bid + q.spread, q.al);
          expect(event.sequence).toBe(i + 1);
          expect(event.snapshot).toBe(i === 0 || (i + 1) % every === 0);
          book.apply(event);
          const bids = book.levels('bids');
          const asks = book.levels('asks');
          expect(bids).toEqual(gen.book.bids);
          expect(asks).toEqual(gen.book.asks);
          expect(bids).toHaveLength(5);
          expect(asks).toHaveLength(5);
          expect(bids[0]).toMatchObject({ price: q.bid / 20, size: q.bl });
          expect(asks[0]).toMatchObject({ price: (q.bid + q.spread) / 20, size: q.al });
          // Contiguous ticks: prices are exact decimals of the tick (no 2945.3500000000004).
          expect(bids.map((l) => Math.round(l.price * 20))).toEqual([0, 1, 2, 3, 4].map((k) => q.bid - k));
          for (const l of [...bids, ...asks]) expect(Number(l.price.toFixed(2))).toBe(l.price);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('a delta lists only changed levels', () => {
    const gen = new OrderBookGenerator(
      'X.NSE',
      { tickSize: 0.05, lotSize: 1, levels: 3, churn: 0 },
      new Rng(1),
    );
    gen.update(0, 0, 100, 5, 101, 5);
    const same = gen.update(1, 1, 100, 5, 101, 5);
    expect(same.bids).toEqual([]);
    expect(same.asks).toEqual([]);
    const up = gen.update(2, 2, 101, 7, 102, 5);
    // Bids: 101 is the new touch, 98 falls off the 3 levels; 100 and 99 keep their sizes (no churn).
    expect(up.bids.map((l) => [Math.round(l.price * 20), l.size])).toEqual([
      [101, 7],
      [98, 0],
    ]);
    // Asks: 101 is gone, 102 is the touch at the quote's size, 104 is new; 103 is unchanged.
    const asks = up.asks.map((l) => Math.round(l.price * 20));
    expect(asks[0]).toBe(101);
    expect(up.asks[0]!.size).toBe(0);
    expect(asks.at(-1)).toBe(104);
    expect(asks).not.toContain(103);
  });

  it('validates options', () => {
    const rng = new Rng(1);
    expect(() => new OrderBookGenerator('X.NSE', { tickSize: 0.03, lotSize: 1 }, rng)).toThrow(/reciprocal/);
    expect(() => new OrderBookGenerator('X.NSE', { tickSize: 0.05, lotSize: 1, levels: 0 }, rng)).toThrow(
      /levels/,
    );
    expect(() => new OrderBookGenerator('X.NSE', { tickSize: 0.05, lotSize: 1, churn: 2 }, rng)).toThrow(
      InvalidArgumentError,
    );
  });
});
