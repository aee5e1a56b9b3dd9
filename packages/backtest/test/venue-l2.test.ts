import { describe, expect, it } from 'vitest';
import { FixedTicksSlippage } from '../src/slippage/index.js';
import { Harness, SEC, T0 } from './support/venue-harness.js';

const BOOK = {
  bids: [
    [100, 500],
    [99.95, 300],
    [99.9, 200],
  ] as [number, number][],
  asks: [
    [100.05, 30],
    [100.1, 50],
    [100.2, 100],
  ] as [number, number][],
};

describe('L2 matching', () => {
  it('walks the book level by level for a market order', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'm', type: 'MARKET', quantity: 100 });
    expect(h.fills('m').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([
      [100.05, 30, 'TAKER'],
      [100.1, 50, 'TAKER'],
      [100.2, 20, 'TAKER'],
    ]);
    expect(h.fills('m')[0]).toMatchObject({ decisionPrice: 100.05, arrivalPrice: 100.05 });
    // What we took stays taken until the feed updates the level.
    h.submit({ id: 'm2', type: 'MARKET', quantity: 90 });
    expect(h.fills('m2').map((f) => [f.price, f.quantity])).toEqual([[100.2, 80]]);
    expect(h.status('m2')).toBe('PARTIALLY_FILLED'); // the rest waits for liquidity
    h.depth(T0 + SEC, [], [[100.05, 5]], false);
    expect(h.filledQty('m2')).toBe(85);
  });

  it('applies slippage on top of the level taken, never beyond a limit', async () => {
    const h = await Harness.create({ mode: 'L2', slippageModel: new FixedTicksSlippage(2) });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'm', type: 'MARKET', quantity: 40 });
    expect(h.fills('m').map((f) => [f.price, f.quantity])).toEqual([
      [100.15, 30],
      [100.2, 10],
    ]);
    h.submit({ id: 'l', type: 'LIMIT', price: 100.2, quantity: 10, tif: 'IOC' });
    expect(h.fills('l').map((f) => [f.price, f.quantity])).toEqual([[100.2, 10]]);
  });

  it('a limit order behind 500 lots fills only after 500 have traded at its price', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'b', price: 100, quantity: 20 });
    h.trade(T0 + SEC, 100, 250, 'SELLER');
    h.depth(T0 + SEC + 1, [[100, 250]], [], false);
    h.trade(T0 + 2 * SEC, 100, 249, 'SELLER');
    h.depth(T0 + 2 * SEC + 1, [[100, 1]], [], false);
    expect(h.fills('b')).toHaveLength(0);
    h.trade(T0 + 3 * SEC, 100, 11, 'SELLER');
    expect(h.fills('b').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100, 10, 'MAKER']]);
  });

  it('our orders at one level keep their time priority between them', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'first', price: 99.95, quantity: 10 });
    h.depth(T0 + 1, [[99.95, 400]], [], false); // 100 more join behind `first`
    h.submit({ id: 'second', price: 99.95, quantity: 10 });
    h.trade(T0 + SEC, 99.95, 305, 'SELLER');
    expect([h.filledQty('first'), h.filledQty('second')]).toEqual([5, 0]);
    h.trade(T0 + 2 * SEC, 99.95, 110, 'SELLER'); // 5 to first, then 100 market ahead of second, 5 to second
    expect([h.filledQty('first'), h.filledQty('second')]).toEqual([10, 5]);
  });

  it('advances queues when a level shrinks below them and leaves other levels alone', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'b', price: 99.9, quantity: 10 });
    h.depth(T0 + 1, [[100, 10]], [], false);
    h.depth(T0 + 2, [[99.9, 50]], [], false);
    h.trade(T0 + SEC, 99.9, 55, 'SELLER');
    expect(h.filledQty('b')).toBe(5);
  });

  it('orders deeper than the displayed depth have an unknown queue until their level shows', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'deep', price: 99.5, quantity: 10 });
    h.trade(T0 + SEC, 99.5, 1_000, 'SELLER');
    expect(h.fills('deep')).toHaveLength(0);
    h.depth(
      T0 + 2 * SEC,
      [
        [99.6, 10],
        [99.5, 70],
      ],
      [[99.65, 10]],
    );
    h.trade(T0 + 3 * SEC, 99.5, 75, 'SELLER');
    expect(h.filledQty('deep')).toBe(5);
  });

  it('fills a resting order at its own price when the asks come down through it', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'b', price: 100, quantity: 50 });
    h.depth(
      T0 + SEC,
      [[99.9, 10]],
      [
        [99.95, 20],
        [100, 15],
        [100.05, 100],
      ],
    );
    expect(h.fills('b').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([
      [100, 20, 'MAKER'],
      [100, 15, 'MAKER'],
    ]);
  });

  it('trades through a resting order fill it in full', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 's', side: 'SELL', price: 100.1, quantity: 25 });
    h.trade(T0 + SEC, 100.15, 1, 'BUYER');
    expect(h.fills('s').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100.1, 25, 'MAKER']]);
  });

  it('FOK checks the whole book within the limit; IOC takes what is there', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'fok', tif: 'FOK', price: 100.1, quantity: 81 });
    expect(h.updates('fok').map((u) => [u.status, u.filledQuantity])).toEqual([['CANCELED', 0]]);
    h.submit({ id: 'fok2', tif: 'FOK', price: 100.1, quantity: 80 });
    expect(h.filledQty('fok2')).toBe(80);
    h.submit({ id: 'ioc', type: 'MARKET', tif: 'IOC', quantity: 150 });
    expect(h.filledQty('ioc')).toBe(100);
    expect(h.updates('ioc').map((u) => u.status)).toEqual(['CANCELED']);
  });

  it('triggers stops on the book and on trades', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'up', type: 'STOP', trigger: 100.3, quantity: 5 });
    h.submit({ id: 'down', side: 'SELL', type: 'STOP_LIMIT', trigger: 99.8, price: 99.7, quantity: 5 });
    h.depth(T0 + SEC, [[100.3, 10]], [[100.35, 10]]);
    expect(h.fills('up').map((f) => [f.price, f.quantity])).toEqual([[100.35, 5]]);
    h.trade(T0 + 2 * SEC, 99.8, 1, 'SELLER');
    expect(h.updates('down').map((u) => u.status)).toEqual(['TRIGGERED']);
    // The book still shows bids at 100.30, above the 99.70 limit: the triggered order takes them.
    expect(h.fills('down').map((f) => [f.price, f.quantity])).toEqual([[100.3, 5]]);
  });

  it('a market order against an empty side waits (DAY/GTC) or is canceled (IOC)', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, []);
    h.submit({ id: 'w', type: 'MARKET', quantity: 10 });
    h.submit({ id: 'i', type: 'MARKET', quantity: 10, tif: 'IOC' });
    expect(h.status('w')).toBe('ACCEPTED');
    expect(h.status('i')).toBe('CANCELED');
    h.depth(T0 + SEC, [], [[100.5, 6]], false);
    expect(h.fills('w').map((f) => [f.price, f.quantity])).toEqual([[100.5, 6]]);
  });

  it('modify to a new price loses priority and re-estimates the queue at the new level', async () => {
    const h = await Harness.create({ mode: 'L2' });
    h.depth(T0, BOOK.bids, BOOK.asks);
    h.submit({ id: 'b', price: 99.9, quantity: 10 });
    h.modify({ id: 'b', price: 99.95, quantity: 10 });
    h.trade(T0 + SEC, 99.95, 305, 'SELLER');
    expect(h.filledQty('b')).toBe(5);
    h.modify({ id: 'b', price: 100.05, quantity: 10 }); // now marketable: takes the ask
    expect(h.fills('b').map((f) => [f.price, f.liquidity])).toEqual([
      [99.95, 'MAKER'],
      [100.05, 'TAKER'],
    ]);
    expect(h.status('b')).toBe('FILLED');
  });
});
