import type { BarEvent } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import {
  bestCaseFillModel,
  ProbabilisticFillModel,
  VolumeParticipationFillModel,
} from '../src/fill-models/index.js';
import type { IntrabarPath } from '../src/venue/index.js';
import { equity, Harness, MIN, NSE_CLOSE, T0 } from './support/venue-harness.js';

describe('bar matching', () => {
  it('fills a market order placed while a bar closes at the next bar open, never in the closing bar', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'm', type: 'MARKET', quantity: 10 });
    expect(h.fills('m')).toHaveLength(0);
    h.bar(T0 + MIN, 102, 103, 101.5, 102.5);
    expect(h.fills('m')).toMatchObject([
      {
        price: 102,
        quantity: 10,
        liquidity: 'TAKER',
        decisionPrice: 100.5,
        arrivalPrice: 100.5,
        tsEvent: T0 + 2 * MIN,
      },
    ]);
  });

  it('does not let an order placed before the venue saw the closing bar fill in it (strategy-first delivery)', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    h.bar(T0, 100, 101, 99, 100.5);
    // The strategy handles the next bar's close before the venue does: the clock is at its close.
    h.at(T0 + 2 * MIN);
    h.submit({ id: 'b', price: 101.5, quantity: 10 });
    h.bar(T0 + MIN, 100.5, 103, 100, 102); // traded through 101.5, but it closed before the order
    expect(h.fills('b')).toHaveLength(0);
    h.bar(T0 + 2 * MIN, 102, 102.5, 101, 101.5);
    expect(h.fills('b').map((f) => [f.price, f.liquidity])).toEqual([[101.5, 'MAKER']]);
  });

  it('a limit touched by the low does not fill with the queue model, fills when traded through', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'b', price: 99.5, quantity: 10 });
    h.bar(T0 + MIN, 100.5, 101, 99.5, 100);
    expect(h.fills('b')).toHaveLength(0);
    h.bar(T0 + 2 * MIN, 100, 100.5, 99.45, 100);
    expect(h.fills('b').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[99.5, 10, 'MAKER']]);
  });

  it('best-case fills a touch; probabilistic fills a touch as its seeded coin says, the same way every run', async () => {
    const best = await Harness.create({ mode: 'BAR', fillModel: bestCaseFillModel });
    best.bar(T0, 100, 101, 99, 100.5);
    best.submit({ id: 'b', price: 99.5, quantity: 10 });
    best.bar(T0 + MIN, 100.5, 101, 99.5, 100);
    expect(best.filledQty('b')).toBe(10);

    const outcomes: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const h = await Harness.create({ mode: 'BAR', fillModel: new ProbabilisticFillModel(0.5), seed: 7 });
      h.bar(T0, 100, 101, 99, 100.5);
      for (let i = 0; i < 8; i++) h.submit({ id: `b${i}`, price: 99.5, quantity: 1 });
      h.bar(T0 + MIN, 100.5, 101, 99.5, 100);
      outcomes.push(Array.from({ length: 8 }, (_, i) => h.filledQty(`b${i}`)));
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]!.some((q) => q === 1)).toBe(true);
    expect(outcomes[0]!.some((q) => q === 0)).toBe(true);
  });

  it('a resting limit gapped through at the open fills at the open as a maker; a new one as a taker', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'rest', price: 99, quantity: 10 });
    h.bar(T0 + MIN, 100.5, 101, 99.5, 100);
    h.submit({ id: 'new', price: 99, quantity: 10 });
    h.bar(T0 + 2 * MIN, 98, 99, 97, 98.5);
    expect(h.fills('rest').map((f) => [f.price, f.liquidity])).toEqual([[98, 'MAKER']]);
    expect(h.fills('new').map((f) => [f.price, f.liquidity])).toEqual([[98, 'TAKER']]);
  });

  it('triggers stops inside the bar at the trigger price, or at the open when it gaps', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'intra', type: 'STOP', trigger: 101.5, quantity: 10 });
    h.submit({ id: 'gap', type: 'STOP', side: 'SELL', trigger: 100, quantity: 10 });
    h.bar(T0 + MIN, 99.5, 102, 99, 101);
    expect(h.fills('gap').map((f) => [f.price, f.liquidity])).toEqual([[99.5, 'TAKER']]);
    expect(h.fills('intra').map((f) => [f.price, f.liquidity])).toEqual([[101.5, 'TAKER']]);
    expect(h.updates('intra').map((u) => u.status)).toEqual(['TRIGGERED']);
  });

  it('follows the configured intrabar path for a stop-limit that needs the price to come back', async () => {
    const run = async (barPath: IntrabarPath) => {
      const h = await Harness.create({ mode: 'BAR', barPath });
      h.bar(T0, 104, 104.5, 103.5, 104);
      h.submit({ id: 'sl', type: 'STOP_LIMIT', trigger: 105, price: 103, quantity: 10 });
      h.bar(T0 + MIN, 104, 106, 102, 104);
      return h.fills('sl').map((f) => [f.price, f.liquidity]);
    };
    // High first: triggered at 105 on the way up, then the low (102) trades through 103.
    expect(await run('open-high-low-close')).toEqual([[103, 'MAKER']]);
    // Low first: nothing is triggered on the way down; the high triggers it; the close stays above 103.
    expect(await run('open-low-high-close')).toEqual([]);
  });

  it('orders a take-profit and a stop-loss inside one bar by the path convention', async () => {
    const run = async (barPath: IntrabarPath) => {
      const h = await Harness.create({
        mode: 'BAR',
        barPath,
        instruments: [{ instrument: equity(), initialPosition: 10 }],
      });
      h.bar(T0, 104, 104.5, 103.5, 104);
      h.submit({ id: 'tp', side: 'SELL', price: 107, quantity: 10, reduceOnly: true });
      h.submit({ id: 'sl', side: 'SELL', type: 'STOP', trigger: 101, quantity: 10, reduceOnly: true });
      h.bar(T0 + MIN, 104, 108, 100, 104);
      return [h.filledQty('tp'), h.filledQty('sl'), h.venue.position('RELIANCE.NSE')];
    };
    expect(await run('open-high-low-close')).toEqual([10, 0, 0]);
    expect(await run('open-low-high-close')).toEqual([0, 10, 0]);
    // 108 and 100 are both 4 from the open: on a tie the path ends toward the close (here at the
    // open), i.e. it goes down first unless the bar closed below its open.
    expect(await run('nearest-extreme-first')).toEqual([0, 10, 0]);
  });

  it('IOC/FOK limits are judged at the open of the first bar; FOK respects the volume cap', async () => {
    const h = await Harness.create({ mode: 'BAR', fillModel: new VolumeParticipationFillModel(0.1) });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'ioc', tif: 'IOC', price: 100, quantity: 10 });
    h.submit({ id: 'fok', type: 'MARKET', tif: 'FOK', quantity: 150 });
    h.submit({ id: 'fok2', type: 'MARKET', tif: 'FOK', quantity: 100 });
    h.bar(T0 + MIN, 100.5, 101, 99, 100, 1_000);
    expect(h.updates('ioc').map((u) => [u.status, u.reason])).toEqual([
      ['CANCELED', 'IOC: not marketable at the open'],
    ]);
    expect(h.updates('fok').map((u) => u.status)).toEqual(['CANCELED']);
    expect(h.filledQty('fok2')).toBe(100);
  });

  it('caps fills at a fraction of each bar volume and carries the rest to the next opens', async () => {
    const h = await Harness.create({ mode: 'BAR', fillModel: new VolumeParticipationFillModel(0.1) });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'm', type: 'MARKET', quantity: 250 });
    h.bar(T0 + MIN, 101, 102, 100, 101, 1_000);
    h.bar(T0 + 2 * MIN, 102, 103, 101, 102, 1_000);
    h.bar(T0 + 3 * MIN, 103, 104, 102, 103, 1_000);
    expect(h.fills('m').map((f) => [f.price, f.quantity])).toEqual([
      [101, 100],
      [102, 100],
      [103, 50],
    ]);
  });

  it('lets the last bar of the session fill a DAY order, then expires it', async () => {
    const h = await Harness.create({ mode: 'BAR', start: NSE_CLOSE - 3 * MIN });
    h.bar(NSE_CLOSE - 2 * MIN, 100, 101, 99, 100.5);
    h.submit({ id: 'day', price: 98, quantity: 10, tif: 'DAY' });
    h.submit({ id: 'day2', price: 99, quantity: 10, tif: 'DAY' });
    h.bar(NSE_CLOSE - MIN, 100, 100.5, 98.95, 99.5); // the session's last bar, ending at 15:30
    expect(h.filledQty('day2')).toBe(10);
    expect(h.status('day')).toBe('ACCEPTED');
    h.bar(NSE_CLOSE + 17 * 60 * MIN + 45 * MIN, 97, 98, 96, 97); // next morning 09:15 IST: too late
    expect(h.updates('day').map((u) => [u.status, u.tsEvent])).toEqual([['EXPIRED', NSE_CLOSE + 1]]);
    expect(h.fills('day')).toHaveLength(0);
  });

  it('cancels a post-only order the open would make take, and ignores revisions, other timeframes and stale bars', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    h.bar(T0, 100, 101, 99, 100.5);
    h.submit({ id: 'p', price: 100, postOnly: true, quantity: 1 });
    const next = h.bar(T0 + MIN, 99.5, 100.5, 99, 100);
    expect(h.updates('p').map((u) => [u.status, u.reason])).toEqual([
      ['CANCELED', 'post-only order would take liquidity at the open'],
    ]);
    expect(h.venue.onMarketData({ ...next, revision: 1 })).toBe('ignored-revision');
    expect(h.venue.onMarketData({ ...next, timeframe: '5m' })).toBe('ignored-timeframe');
    expect(h.venue.onMarketData({ ...next, revision: 0 })).toBe('ignored-stale');
  });

  it('rejects a malformed bar', async () => {
    const h = await Harness.create({ mode: 'BAR' });
    const bad: BarEvent = {
      kind: 'bar',
      v: 1,
      tsEvent: T0 + MIN,
      tsInit: T0 + MIN,
      instrumentId: 'RELIANCE.NSE',
      timeframe: '1m',
      source: 'TRADE',
      tsOpen: T0,
      open: 100,
      high: 99,
      low: 98,
      close: 100,
      volume: 1,
      count: 1,
      revision: 0,
    };
    h.at(T0 + MIN);
    expect(() => h.venue.onMarketData(bad)).toThrow(/do not bound/);
  });
});

describe('no look-ahead in bar mode', () => {
  /** Bars whose every up move happens inside the bar and is given back at the next open. */
  function sawtooth(n: number): [number, number, number, number][] {
    const bars: [number, number, number, number][] = [];
    for (let i = 0; i < n; i++) {
      const up = i % 2 === 0;
      bars.push(up ? [100, 105.5, 99.5, 105] : [100, 100.5, 99.5, 100]);
    }
    return bars;
  }

  for (const order of ['venue-first', 'strategy-first'] as const) {
    it(`a strategy that knows each bar's close cannot earn the in-bar move (${order} delivery)`, async () => {
      const h = await Harness.create({ mode: 'BAR' });
      const bars = sawtooth(40);
      let inBarMove = 0;
      let position = 0;
      let n = 0;
      for (let i = 0; i < bars.length; i++) {
        const [o, hi, lo, c] = bars[i]!;
        const tsOpen = T0 + i * MIN;
        const cheat = () => {
          // Reads the bar's close (it is the bar just closed) and buys whenever it closed up.
          if (c > o && position === 0) {
            h.submit({ id: `buy${n++}`, type: 'MARKET', quantity: 1 });
            position = 1;
            inBarMove += c - o;
          } else if (position === 1) {
            h.submit({ id: `sell${n++}`, side: 'SELL', type: 'MARKET', quantity: 1 });
            position = 0;
          }
        };
        if (order === 'venue-first') {
          h.bar(tsOpen, o, hi, lo, c);
          cheat();
        } else {
          h.at(tsOpen + MIN);
          cheat();
          h.bar(tsOpen, o, hi, lo, c);
        }
      }
      h.bar(T0 + bars.length * MIN, 100, 100.5, 99.5, 100);
      let cash = 0;
      for (const f of h.fills()) cash += (f.side === 'BUY' ? -1 : 1) * f.price * f.quantity;
      expect(inBarMove).toBeGreaterThan(90); // what a look-ahead fill at the close would have earned
      expect(h.fills().length).toBe(40);
      // Every fill happens at a later bar's open (100), so the round trips earn exactly nothing.
      expect(h.fills().every((f) => f.price === 100)).toBe(true);
      expect(cash).toBe(0);
    });
  }
});
