import { describe, expect, it } from 'vitest';
import { type FeeBreakdown, feeItemAmount, ZerodhaFeeModel } from '../src/fees/index.js';
import { FixedLatencyModel } from '../src/latency/index.js';
import { SpreadProportionalSlippage, VolatilityProportionalSlippage } from '../src/slippage/index.js';
import { SimulatedVenueError } from '../src/venue/index.js';
import { btcPerp, equity, Harness, MS, NSE_CLOSE, SEC, T0 } from './support/venue-harness.js';

describe('L1 matching', () => {
  it('fills a market order at the best opposite price, ack first, with decision and arrival prices', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 50);
    h.submit({ id: 'm1', type: 'MARKET', quantity: 10 });
    expect(h.events.map((e) => e.kind)).toEqual(['health', 'orderAck', 'fill']);
    const [fill] = h.fills('m1');
    expect(fill).toMatchObject({
      price: 100.05,
      quantity: 10,
      liquidity: 'TAKER',
      decisionPrice: 100.05,
      arrivalPrice: 100.05,
    });
    expect(h.status('m1')).toBe('FILLED');
    expect(h.venue.position('RELIANCE.NSE')).toBe(10);
  });

  it('walks synthetic levels beyond the top of book (l1Overflow walk)', async () => {
    const h = await Harness.create({ mode: 'L1', l1WalkLevels: 5 });
    h.quote(T0, 100, 500, 100.05, 50);
    h.submit({ id: 'm1', type: 'MARKET', quantity: 120 });
    expect(h.fills('m1').map((f) => [f.price, f.quantity])).toEqual([
      [100.05, 50],
      [100.1, 50],
      [100.15, 20],
    ]);
    // The top is consumed until the next quote: a second order starts where the first stopped.
    h.submit({ id: 'm2', type: 'MARKET', quantity: 40 });
    expect(h.fills('m2').map((f) => [f.price, f.quantity])).toEqual([
      [100.15, 30],
      [100.2, 10],
    ]);
  });

  it('waits for the next quote with l1Overflow wait', async () => {
    const h = await Harness.create({ mode: 'L1', l1Overflow: 'wait' });
    h.quote(T0, 100, 500, 100.05, 50);
    h.submit({ id: 'm1', type: 'MARKET', quantity: 120 });
    expect(h.filledQty('m1')).toBe(50);
    expect(h.status('m1')).toBe('PARTIALLY_FILLED');
    h.quote(T0 + SEC, 100.05, 500, 100.1, 100);
    expect(h.fills('m1').map((f) => [f.price, f.quantity])).toEqual([
      [100.05, 50],
      [100.1, 70],
    ]);
    expect(h.status('m1')).toBe('FILLED');
  });

  it('a limit order behind 500 lots fills only after 500 have traded at its price', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 80);
    h.submit({ id: 'b1', price: 100, quantity: 10 });
    expect(h.report('b1')?.status).toBe('ACCEPTED');
    h.trade(T0 + 1 * SEC, 100, 300, 'SELLER');
    h.quote(T0 + 1 * SEC + 1, 100, 200, 100.05, 80);
    h.trade(T0 + 2 * SEC, 100, 199, 'SELLER');
    h.quote(T0 + 2 * SEC + 1, 100, 1, 100.05, 80);
    expect(h.fills('b1')).toHaveLength(0); // 499 traded: one lot still ahead
    h.trade(T0 + 3 * SEC, 100, 5, 'SELLER'); // 1 for the queue, 4 for us
    expect(h.fills('b1').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100, 4, 'MAKER']]);
    h.trade(T0 + 4 * SEC, 100, 20, 'SELLER');
    expect(h.filledQty('b1')).toBe(10);
    expect(h.status('b1')).toBe('FILLED');
  });

  it('trades by buyers at our bid price do not advance the bid queue', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 100, 100.05, 80);
    h.submit({ id: 'b1', price: 100, quantity: 10 });
    h.trade(T0 + SEC, 100, 1_000, 'BUYER');
    expect(h.fills('b1')).toHaveLength(0);
    h.trade(T0 + 2 * SEC, 100, 105, 'NONE');
    expect(h.filledQty('b1')).toBe(5);
  });

  it('advances the queue when the displayed size shrinks below it (cancels ahead of us)', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 80);
    h.submit({ id: 'b1', price: 100, quantity: 10 });
    h.quote(T0 + SEC, 100, 40, 100.05, 80); // 460 canceled: at most 40 can be ahead now
    h.quote(T0 + 2 * SEC, 100, 900, 100.05, 80); // others join behind us
    h.trade(T0 + 3 * SEC, 100, 45, 'SELLER');
    expect(h.filledQty('b1')).toBe(5);
  });

  it('fills a resting order in full when the market trades through its price', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 5_000, 100.05, 80);
    h.submit({ id: 'b1', price: 100, quantity: 30 });
    h.trade(T0 + SEC, 99.95, 1, 'SELLER');
    expect(h.fills('b1').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100, 30, 'MAKER']]);
  });

  it('fills a resting order at its own price when the opposite quote comes through it', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 5_000, 100.1, 80);
    h.submit({ id: 'b1', price: 100, quantity: 30 });
    h.quote(T0 + SEC, 99.9, 100, 99.95, 12);
    expect(h.fills('b1').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100, 12, 'MAKER']]);
    h.quote(T0 + 2 * SEC, 99.9, 100, 100, 50);
    expect(h.filledQty('b1')).toBe(30);
  });

  it('an order better than the best bid is first in its queue', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 5_000, 100.1, 80);
    h.submit({ id: 'b1', price: 100.05, quantity: 10 });
    h.trade(T0 + SEC, 100.05, 4, 'SELLER');
    expect(h.filledQty('b1')).toBe(4);
  });

  it('a marketable limit takes at the better price, then rests its remainder', async () => {
    const h = await Harness.create({ mode: 'L1', l1WalkLevels: 0 });
    h.quote(T0, 100, 500, 100.05, 8);
    h.submit({ id: 'b1', price: 100.1, quantity: 10 });
    expect(h.fills('b1').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100.05, 8, 'TAKER']]);
    expect(h.report('b1')).toMatchObject({ status: 'PARTIALLY_FILLED', price: 100.1 });
    h.trade(T0 + SEC, 100.1, 1, 'SELLER'); // it is alone at 100.10 (better than the bid)
    expect(h.filledQty('b1')).toBe(9);
  });

  it('triggers a buy stop on a trade at its trigger and fills it as a market order', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 80);
    h.submit({ id: 's1', type: 'STOP', trigger: 100.5, quantity: 10 });
    h.trade(T0 + SEC, 100.45, 10, 'BUYER');
    expect(h.updates('s1')).toHaveLength(0);
    h.quote(T0 + 2 * SEC, 100.45, 10, 100.55, 100);
    h.trade(T0 + 3 * SEC, 100.5, 10, 'BUYER');
    expect(h.updates('s1').map((u) => u.status)).toEqual(['TRIGGERED']);
    expect(h.fills('s1').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[100.55, 10, 'TAKER']]);
  });

  it('triggers a sell stop when the ask falls to its trigger', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 80);
    h.submit({ id: 's1', side: 'SELL', type: 'STOP', trigger: 99.5, quantity: 10 });
    h.quote(T0 + SEC, 99.45, 300, 99.5, 80);
    expect(h.fills('s1').map((f) => [f.price, f.quantity])).toEqual([[99.45, 10]]);
  });

  it('turns a triggered stop-limit into a resting limit when it cannot take', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 80);
    h.submit({ id: 's1', type: 'STOP_LIMIT', trigger: 100.5, price: 100.5, quantity: 10 });
    h.quote(T0 + SEC, 100.5, 200, 100.6, 80); // bid at the trigger: triggered, ask above the limit
    expect(h.report('s1')).toMatchObject({ status: 'TRIGGERED' });
    expect(h.fills('s1')).toHaveLength(0);
    h.trade(T0 + 2 * SEC, 100.5, 210, 'SELLER'); // 200 ahead (the bid it joined), then us
    expect(h.filledQty('s1')).toBe(10);
  });

  it('IOC takes what is there and cancels the rest; FOK fills in full or not at all', async () => {
    const h = await Harness.create({ mode: 'L1', l1WalkLevels: 0 });
    h.quote(T0, 100, 500, 100.05, 8);
    h.submit({ id: 'ioc', type: 'LIMIT', tif: 'IOC', price: 100.05, quantity: 10 });
    expect(h.filledQty('ioc')).toBe(8);
    expect(h.updates('ioc').map((u) => [u.status, u.filledQuantity])).toEqual([['CANCELED', 8]]);
    h.quote(T0 + SEC, 100, 500, 100.05, 8);
    h.submit({ id: 'fok', type: 'LIMIT', tif: 'FOK', price: 100.05, quantity: 10 });
    expect(h.fills('fok')).toHaveLength(0);
    expect(h.updates('fok').map((u) => u.status)).toEqual(['CANCELED']);
    h.submit({ id: 'fok2', type: 'MARKET', tif: 'FOK', quantity: 8 });
    expect(h.filledQty('fok2')).toBe(8);
  });

  it('rejects a post-only order that would take, accepts one that rests', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 80);
    h.submit({ id: 'p1', price: 100.05, postOnly: true });
    expect(h.rejectReason('p1')).toMatch(/post-only/);
    h.submit({ id: 'p2', price: 100, postOnly: true });
    expect(h.status('p2')).toBe('ACCEPTED');
    h.modify({ id: 'p2', price: 100.1, postOnly: true });
    expect(h.rejectReason('p2', 'MODIFY')).toMatch(/post-only/);
  });

  it('modify: a smaller quantity keeps queue priority, a new price or larger quantity loses it', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 100, 100.05, 80);
    h.submit({ id: 'a', price: 100, quantity: 10 });
    h.quote(T0 + 1, 100, 300, 100.05, 80); // 200 joined behind a
    h.modify({ id: 'a', price: 100, quantity: 8 });
    h.trade(T0 + SEC, 100, 104, 'SELLER');
    expect(h.filledQty('a')).toBe(4); // still 100 ahead

    const g = await Harness.create({ mode: 'L1' });
    g.quote(T0, 100, 100, 100.05, 80);
    g.submit({ id: 'a', price: 100, quantity: 10 });
    g.quote(T0 + 1, 100, 300, 100.05, 80);
    g.modify({ id: 'a', price: 100, quantity: 12 }); // up: back of the queue, behind 300
    g.trade(T0 + SEC, 100, 304, 'SELLER');
    expect(g.filledQty('a')).toBe(4);
    g.modify({ id: 'a', price: 99.95, quantity: 8 }); // new price: queue unknown (not displayed)
    expect(g.acks('a').map((x) => [x.action, x.accepted])).toEqual([
      ['SUBMIT', true],
      ['MODIFY', true],
      ['MODIFY', true],
    ]);
    g.trade(T0 + 2 * SEC, 99.95, 1_000, 'SELLER');
    expect(g.filledQty('a')).toBe(4);
    g.quote(T0 + 3 * SEC, 99.95, 50, 100, 80); // the level is displayed: 50 ahead
    g.trade(T0 + 4 * SEC, 99.95, 52, 'SELLER');
    expect(g.filledQty('a')).toBe(6);
  });

  it('cancels, and rejects cancels and modifies of closed or unknown orders', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 100, 100.05, 80);
    h.submit({ id: 'a', price: 100 });
    h.cancel({ id: 'a', price: 100 });
    expect(h.acks('a').map((x) => [x.action, x.accepted])).toEqual([
      ['SUBMIT', true],
      ['CANCEL', true],
    ]);
    expect(h.status('a')).toBe('CANCELED');
    h.cancel({ id: 'a', price: 100 });
    expect(h.rejectReason('a', 'CANCEL')).toBe('order is CANCELED');
    h.modify({ id: 'a', price: 100.05 });
    expect(h.rejectReason('a', 'MODIFY')).toBe('order is CANCELED');
    h.cancel({ id: 'zz', price: 100 });
    expect(h.rejectReason('zz', 'CANCEL')).toBe('unknown order zz');
    h.submit({ id: 'm', type: 'MARKET', quantity: 1 });
    h.modify({ id: 'm', type: 'MARKET', quantity: 2 });
    expect(h.rejectReason('m', 'MODIFY')).toBe('order is FILLED');
  });

  it('expires DAY orders at the session end and keeps GTC ones', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 100, 100.05, 80);
    h.submit({ id: 'day', price: 99, tif: 'DAY' });
    h.submit({ id: 'gtc', price: 99, tif: 'GTC' });
    h.at(NSE_CLOSE - 1);
    expect(h.status('day')).toBe('ACCEPTED');
    h.at(NSE_CLOSE);
    expect(h.updates('day').map((u) => [u.status, u.tsEvent])).toEqual([['EXPIRED', NSE_CLOSE]]);
    expect(h.status('gtc')).toBe('ACCEPTED');
  });

  it('rejects invalid prices and quantities, duplicates, unknown instruments and band breaches', async () => {
    const h = await Harness.create({
      mode: 'L1',
      instruments: [
        {
          instrument: equity({ maxQuantity: 1_000, minQuantity: 2 }),
          circuit: { percent: 10, reference: 100 },
        },
      ],
    });
    h.quote(T0, 100, 100, 100.05, 80);
    h.submit({ id: 'tick', price: 100.03 });
    h.submit({ id: 'trig', type: 'STOP', trigger: 101.01 });
    h.submit({ id: 'lot', price: 100, quantity: 2.5 });
    h.submit({ id: 'min', price: 100, quantity: 1 });
    h.submit({ id: 'max', price: 100, quantity: 1_001 });
    h.submit({ id: 'band', price: 110.05 });
    h.submit({ id: 'band2', price: 89.95 });
    h.submit({ id: 'ok', price: 90 });
    h.submit({ id: 'ok', price: 100 });
    h.submit({ id: 'stop', type: 'STOP', trigger: 100 });
    h.submit({ id: 'ro', side: 'SELL', price: 100.5, reduceOnly: true });
    h.venue.submit({ ...h.intent({ id: 'unk', price: 1 }), instrumentId: 'TCS.NSE' });
    expect(h.rejectReason('tick')).toBe('price 100.03 is not a multiple of the tick size 0.05');
    expect(h.rejectReason('trig')).toBe('trigger price 101.01 is not a multiple of the tick size 0.05');
    expect(h.rejectReason('lot')).toBe('quantity 2.5 is not a positive multiple of the lot size 1');
    expect(h.rejectReason('min')).toBe('quantity 1 is below the minimum 2');
    expect(h.rejectReason('max')).toBe('quantity 1001 is above the maximum (freeze) quantity 1000');
    expect(h.rejectReason('band')).toBe('price 110.05 is outside the circuit band [90, 110] (±10% of 100)');
    expect(h.rejectReason('band2')).toMatch(/outside the circuit band/);
    expect(h.status('ok')).toBe('ACCEPTED');
    expect(h.acks('ok')[1]).toMatchObject({ accepted: false, reason: 'duplicate client order id ok' });
    expect(h.rejectReason('stop')).toMatch(/stop would trigger immediately/);
    expect(h.rejectReason('ro')).toMatch(/reduce-only SELL would increase the position/);
    expect(h.rejectReason('unk')).toBe('unknown instrument TCS.NSE');
    expect(h.venue.stats.rejected).toBe(11);
  });

  it('rejects malformed modifies and submits, saying why', async () => {
    const h = await Harness.create({ mode: 'L1', instruments: [equity({ minNotional: 500 })] });
    h.quote(T0, 100, 4, 100.05, 80);
    h.submit({ id: 'small', price: 99, quantity: 5 });
    h.submit({ id: 'noprice', type: 'LIMIT', quantity: 10 });
    h.submit({ id: 'mktprice', type: 'MARKET', price: 100, quantity: 10 });
    h.submit({ id: 'notrig', type: 'STOP', quantity: 10 });
    h.submit({ id: 'po', type: 'LIMIT', tif: 'IOC', price: 99, postOnly: true, quantity: 10 });
    expect(h.rejectReason('small')).toBe('notional 495 is below the minimum 500');
    expect(h.rejectReason('noprice')).toBe('LIMIT needs a limit price');
    expect(h.rejectReason('mktprice')).toBe('MARKET takes no limit price');
    expect(h.rejectReason('notrig')).toBe('STOP needs a trigger price');
    expect(h.rejectReason('po')).toBe('post-only needs a LIMIT order that may rest (not IOC or FOK)');

    h.submit({ id: 'b', price: 100, quantity: 10 });
    h.trade(T0 + SEC, 100, 10, 'SELLER'); // 4 ahead, 6 for us
    expect(h.filledQty('b')).toBe(6);
    h.modify({ id: 'b', side: 'SELL', price: 100, quantity: 10 });
    h.modify({ id: 'b', type: 'STOP_LIMIT', price: 100, trigger: 101, quantity: 10 });
    h.modify({ id: 'b', price: 100, quantity: 6 });
    h.modify({ id: 'b', price: 100.02, quantity: 10 });
    const reasons = h
      .acks('b')
      .filter((a) => a.action === 'MODIFY')
      .map((a) => [a.accepted, a.reason]);
    expect(reasons).toEqual([
      [false, 'a modify cannot change the instrument, side, order type or time in force'],
      [false, 'a modify cannot change the instrument, side, order type or time in force'],
      [false, 'quantity 6 must exceed the filled quantity 6'],
      [false, 'price 100.02 is not a multiple of the tick size 0.05'],
    ]);
    expect(h.report('b')).toMatchObject({ status: 'PARTIALLY_FILLED', quantity: 10, price: 100 });

    h.submit({ id: 'stop', type: 'STOP', trigger: 100.5, quantity: 10 });
    h.modify({ id: 'stop', type: 'STOP', trigger: 100, quantity: 10 });
    expect(h.rejectReason('stop', 'MODIFY')).toMatch(/stop would trigger immediately/);
  });

  it('caps reduce-only fills at the position and cancels the remainder', async () => {
    const h = await Harness.create({
      mode: 'L1',
      instruments: [{ instrument: equity(), initialPosition: 5 }],
    });
    h.quote(T0, 100, 100, 100.05, 80);
    h.submit({ id: 'ro', side: 'SELL', type: 'MARKET', quantity: 10, reduceOnly: true });
    expect(h.filledQty('ro')).toBe(5);
    expect(h.updates('ro').map((u) => [u.status, u.reason])).toEqual([
      ['CANCELED', 'reduce-only: no position left to reduce'],
    ]);
    expect(h.venue.position('RELIANCE.NSE')).toBe(0);
  });

  it('handles snapshot ticks: bid/ask as a quote, rises in cumulative volume as trades', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.tick(T0, { lastPrice: 100, volume: 10_000, bidPrice: 100, bidSize: 50, askPrice: 100.05, askSize: 60 });
    h.submit({ id: 'b', price: 100, quantity: 10 });
    h.tick(T0 + SEC, {
      lastPrice: 100,
      volume: 10_040,
      bidPrice: 100,
      bidSize: 10,
      askPrice: 100.05,
      askSize: 60,
    });
    expect(h.fills('b')).toHaveLength(0);
    h.tick(T0 + 2 * SEC, { lastPrice: 100, volume: 10_055 });
    expect(h.filledQty('b')).toBe(5);
    h.tick(T0 + 3 * SEC, { lastPrice: 99.9 });
    expect(h.filledQty('b')).toBe(10);
  });

  it('without quotes, market orders fill at the last trade price', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.submit({ id: 'early', type: 'MARKET', quantity: 3 });
    expect(h.fills('early')).toHaveLength(0);
    h.trade(T0, 101.25, 1, 'BUYER');
    expect(h.fills('early').map((f) => [f.price, f.quantity])).toEqual([[101.25, 3]]);
    h.submit({ id: 'late', type: 'MARKET', quantity: 100 });
    expect(h.filledQty('late')).toBe(100);
  });

  it('lets orders in flight see the market as it is when they arrive', async () => {
    const h = await Harness.create({
      mode: 'L1',
      latencyModel: new FixedLatencyModel({ inboundUs: 1 * MS, ackUs: 2 * MS, fillUs: 3 * MS }),
    });
    h.quote(T0, 100, 500, 100.05, 50);
    h.submit({ id: 'm', type: 'MARKET', quantity: 10 });
    expect(h.events).toHaveLength(1);
    h.quote(T0 + 500, 100.2, 500, 100.25, 50); // the market moves while the order is in flight
    h.at(T0 + 1 * MS + 2 * MS - 1);
    expect(h.acks('m')).toHaveLength(0);
    h.at(T0 + 3 * MS);
    expect(h.acks('m')).toMatchObject([{ tsEvent: T0 + MS, tsInit: T0 + 3 * MS }]);
    expect(h.fills('m')).toHaveLength(0);
    h.at(T0 + 4 * MS);
    expect(h.fills('m')).toMatchObject([
      { price: 100.25, decisionPrice: 100.05, arrivalPrice: 100.25, tsEvent: T0 + MS, tsInit: T0 + 4 * MS },
    ]);
  });

  it('keeps a cancel behind its submit and reports in the order the venue produced them', async () => {
    const h = await Harness.create({
      mode: 'L1',
      latencyModel: new FixedLatencyModel({ inboundUs: 5 * MS, ackUs: 1 * MS, fillUs: 0 }),
    });
    h.quote(T0, 100, 500, 100.05, 50);
    h.submit({ id: 'a', price: 100 });
    h.cancel({ id: 'a', price: 100 });
    h.at(T0 + 10 * MS);
    expect(h.acks('a').map((x) => [x.action, x.accepted])).toEqual([
      ['SUBMIT', true],
      ['CANCEL', true],
    ]);
  });

  it('confirms every order canceled by cancelAll, filtered by instrument and side', async () => {
    const h = await Harness.create({ mode: 'L1', instruments: [equity(), btcPerp()] });
    h.quote(T0, 100, 500, 100.05, 50);
    h.submit({ id: 'b', price: 100 }).submit({ id: 's', side: 'SELL', price: 101 });
    h.venue.cancelAll({ side: 'SELL' });
    expect(h.updates('s').map((u) => [u.status, u.reason])).toEqual([['CANCELED', 'canceled by cancelAll']]);
    expect(h.status('b')).toBe('ACCEPTED');
    h.venue.cancelAll();
    expect(h.status('b')).toBe('CANCELED');
  });

  it('charges fees per fill with the per-order brokerage cap, itemised in fillDetail and onFill', async () => {
    const seen: FeeBreakdown[] = [];
    const h = await Harness.create({
      mode: 'L1',
      l1Overflow: 'wait',
      feeModel: new ZerodhaFeeModel({ equityProduct: 'intraday' }),
      onFill: (_fill, fees) => seen.push(fees),
    });
    h.quote(T0, 2945.3, 500, 2945.35, 60);
    h.submit({ id: 'm', type: 'MARKET', quantity: 100 });
    h.quote(T0 + SEC, 2945.35, 500, 2945.4, 100);
    const fills = h.fills('m');
    expect(fills.map((f) => [f.price, f.quantity, f.feeCurrency])).toEqual([
      [2945.35, 60, 'INR'],
      [2945.4, 40, 'INR'],
    ]);
    const details = fills.map((f) => h.venue.fillDetail(f.tradeId)!.fees);
    expect(details).toEqual(seen);
    // One executed order: ₹20 brokerage in all (min(0.03% × 176,721, 20) on the first fill, 0 after).
    expect(details.map((d) => feeItemAmount(d, 'brokerage'))).toEqual([20, 0]);
    expect(fills.map((f) => f.fee)).toEqual(details.map((d) => d.total));
    // Stamp duty 0.003% of 176,721 = 5.30163 → 5.30 and of 117,816 = 3.53448 → 3.53.
    expect(details.map((d) => feeItemAmount(d, 'stamp'))).toEqual([5.3, 3.53]);
  });

  it('keeps the latest fills within the retention: details by trade id, reports in order', async () => {
    const h = await Harness.create({ mode: 'L1', retention: 3 });
    h.quote(T0, 100, 500, 100.05, 500);
    for (let i = 1; i <= 8; i++) h.submit({ id: `m${i}`, type: 'MARKET', quantity: 1 });
    const ids = Array.from({ length: 8 }, (_, i) => h.fills(`m${i + 1}`)[0]!.tradeId);
    // Trimmed back to 3 when 6 are held: after 8 fills, the last 5 are still there.
    const kept = ids.filter((id) => h.venue.fillDetail(id) !== undefined);
    expect(kept).toEqual(ids.slice(3));
    for (const id of kept) expect(h.venue.fillDetail(id)!.fill.tradeId).toBe(id);
    expect((await h.venue.fillReports()).map((f) => f.tradeId)).toEqual(ids.slice(3));
    // Only ids the venue issued are found: not another venue's, not the same number spelt otherwise.
    const last = ids[7]!;
    const prefix = last.slice(0, last.lastIndexOf('T') + 1);
    expect(h.venue.fillDetail(`${prefix}0${last.slice(prefix.length)}`)).toBeUndefined();
    expect(h.venue.fillDetail(`other-${last}`)).toBeUndefined();
    expect(h.venue.fillDetail(`${prefix}999`)).toBeUndefined();
    expect(h.venue.fillDetail('')).toBeUndefined();
  });

  it('checks a circuit band around the previous session close when no reference is fixed', async () => {
    const h = await Harness.create({
      mode: 'L1',
      instruments: [{ instrument: equity(), circuit: { percent: 10 } }],
    });
    h.quote(T0, 99.95, 100, 100.05, 100);
    h.submit({ id: 'first-day', side: 'SELL', price: 150 }); // no previous session yet: nothing to check
    expect(h.status('first-day')).toBe('ACCEPTED');
    h.trade(NSE_CLOSE - SEC, 100, 1, 'NONE');
    const nextOpen = NSE_CLOSE + 17 * 3_600 * SEC + 45 * 60 * SEC; // 09:15 IST next day
    h.quote(nextOpen, 104.95, 100, 105.05, 100);
    h.submit({ id: 'inside', side: 'SELL', price: 110 });
    h.submit({ id: 'outside', side: 'SELL', price: 110.05 });
    expect(h.status('inside')).toBe('ACCEPTED');
    expect(h.rejectReason('outside')).toBe(
      'price 110.05 is outside the circuit band [90, 110] (±10% of 100)',
    );
  });

  it('slips taking fills by the spread or by volatility', async () => {
    const h = await Harness.create({ mode: 'L1', slippageModel: new SpreadProportionalSlippage(1) });
    h.quote(T0, 100, 500, 100.1, 500); // spread 2 ticks
    h.submit({ id: 'm', type: 'MARKET', quantity: 1 });
    h.submit({ id: 'l', price: 100.15, quantity: 1 });
    expect(h.fills('m')[0]).toMatchObject({ price: 100.2, arrivalPrice: 100.1 });
    expect(h.fills('l')[0]!.price).toBe(100.15); // never past the limit

    const v = await Harness.create({ mode: 'L1', slippageModel: new VolatilityProportionalSlippage(1, 7) });
    v.quote(T0, 100, 500, 100.05, 500);
    v.submit({ id: 'a', type: 'MARKET', quantity: 1 }); // one price seen: the fallback, 7 ticks
    expect(v.fills('a')[0]!.price).toBe(100.4);
    v.quote(T0 + SEC, 101, 500, 101.05, 500); // a 1% move: σ ≈ 0.0099, × 101.025 ≈ 1.0 = 20 ticks
    v.submit({ id: 'b', type: 'MARKET', quantity: 1 });
    expect(v.fills('b')[0]!.price).toBe(102.05);
  });

  it('throws typed errors for misuse and malformed market data', async () => {
    const h = await Harness.create({ mode: 'L1' });
    expect(() => h.venue.submit(h.intent({ id: 'x' }, 'CANCEL'))).toThrow(SimulatedVenueError);
    expect(() => h.quote(T0, Number.NaN, 1, 100, 1)).toThrow(
      /quote RELIANCE.NSE @ .* bidPrice: expected a finite number/,
    );
    expect(() => h.trade(T0, 100, -1)).toThrow(/size: expected a size >= 0/);
    await h.venue.disconnect();
    expect(h.events.at(-1)).toMatchObject({ kind: 'health', code: 'DISCONNECTED' });
    try {
      h.submit({ id: 'late' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SimulatedVenueError);
      expect((err as SimulatedVenueError).code).toBe('GATEWAY_NOT_CONNECTED');
    }
  });

  it('ignores events of other kinds and instruments, counting them', async () => {
    const h = await Harness.create({ mode: 'L1' });
    h.quote(T0, 100, 500, 100.05, 50, 'TCS.NSE');
    h.depth(T0, [[100, 1]], [[101, 1]]);
    expect(h.venue.stats).toMatchObject({ unknownInstrumentEvents: 1, ignoredEvents: 1, marketEvents: 0 });
  });
});

describe('malformed L1 market data', () => {
  // The checks run inline on the valid path; a bad field still gets a typed error that names it.
  const bad = (fn: () => unknown, field: string) => {
    let thrown: unknown;
    try {
      fn();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SimulatedVenueError);
    expect((thrown as SimulatedVenueError).code).toBe('MARKET_DATA_INVALID');
    expect((thrown as Error).message).toContain(field);
  };

  it('names the bad field of a quote, trade or tick, and keeps matching afterwards', async () => {
    const h = await Harness.create({ mode: 'L1' });
    const p = 2945;
    bad(() => h.quote(T0 + 1, Number.NaN, 10, p, 10), 'bidPrice');
    bad(() => h.quote(T0 + 2, p, 10, Number.POSITIVE_INFINITY, 10), 'askPrice');
    bad(() => h.quote(T0 + 3, p, -1, p + 0.05, 10), 'bidSize');
    bad(() => h.quote(T0 + 4, p, 10, p + 0.05, Number.NaN), 'askSize');
    bad(() => h.trade(T0 + 5, Number.NaN, 1), 'price');
    bad(() => h.trade(T0 + 6, p, -2), 'size');
    bad(() => h.tick(T0 + 7, { lastPrice: Number.NaN }), 'lastPrice');
    bad(() => h.tick(T0 + 8, { lastPrice: p, bidPrice: p, askPrice: p + 0.05, bidSize: -1 }), 'bidSize');
    bad(
      () => h.tick(T0 + 9, { lastPrice: p, bidPrice: p, askPrice: p + 0.05, askSize: Number.NaN }),
      'askSize',
    );
    bad(() => h.tick(T0 + 10, { lastPrice: p, volume: -5 }), 'volume');
    bad(() => h.tick(T0 + 11, { lastPrice: p, lastSize: Number.NaN }), 'lastSize');
    // Sizes a tick leaves out are unlimited, not invalid; valid data after the errors still matches.
    h.tick(T0 + 12, { lastPrice: p, bidPrice: p, askPrice: p + 0.05 });
    h.quote(T0 + 13, p, 10, p + 0.05, 10);
    expect(h.venue.stats.marketEvents).toBe(2);
  });
});
