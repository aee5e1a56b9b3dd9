import { SimulatedVenue, type VenueMode } from '@quantkubera/backtest';
import {
  type BarEvent,
  type CanonicalEvent,
  type DepthEvent,
  type EquityInstrument,
  type OrderIntent,
  type QuoteEvent,
  SimClock,
  type TradeEvent,
} from '@quantkubera/core';
import * as hdr from 'hdr-histogram-js';
import { type BenchResult, type BenchSuite, consume, measureThroughput } from '../harness.js';

// 2024-11-04 04:00 UTC = 09:30 IST, a Monday inside the NSE session.
const T0 = 1_730_692_800_000_000;
const EVENTS = 100_000;
const RESTING = 200;
const TICK = 0.05;

const RELIANCE: EquityInstrument = {
  type: 'equity',
  id: 'RELIANCE.NSE',
  symbol: 'RELIANCE',
  venue: 'NSE',
  venueSymbol: 'RELIANCE',
  quoteCurrency: 'INR',
  tickSize: TICK,
  lotSize: 1,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 0,
};

const px = (ticks: number): number => Math.round(ticks * TICK * 100) / 100;
/** The mid oscillates between 2,000 and 2,007 ticks (100.00–100.35): orders further away never fill. */
const midAt = (i: number): number => 2_000 + (i % 8 < 4 ? i % 8 : 8 - (i % 8));

function intent(
  id: number,
  side: 'BUY' | 'SELL',
  type: 'LIMIT' | 'MARKET',
  price: number | undefined,
  quantity: number,
): OrderIntent {
  return {
    kind: 'orderIntent',
    v: 1,
    tsEvent: T0,
    tsInit: T0,
    action: 'SUBMIT',
    clientOrderId: `b${id}`,
    strategyId: 'bench',
    instrumentId: RELIANCE.id,
    side,
    orderType: type,
    timeInForce: 'GTC',
    quantity,
    ...(price === undefined ? {} : { price }),
    reduceOnly: false,
    postOnly: false,
  };
}

/** L1: alternating quotes and seller/buyer trades around the oscillating mid. */
function l1Events(): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const mid = midAt(i >> 1);
    const ts = T0 + 1_000 + i * 100;
    if (i % 2 === 0) {
      const q: QuoteEvent = {
        kind: 'quote',
        v: 1,
        tsEvent: ts,
        tsInit: ts,
        instrumentId: RELIANCE.id,
        bidPrice: px(mid),
        bidSize: 400 + (i % 97),
        askPrice: px(mid + 1),
        askSize: 400 + (i % 89),
      };
      out.push(q);
    } else {
      const buyer = i % 4 === 1;
      const t: TradeEvent = {
        kind: 'trade',
        v: 1,
        tsEvent: ts,
        tsInit: ts,
        instrumentId: RELIANCE.id,
        price: px(buyer ? mid + 1 : mid),
        size: 1 + (i % 13),
        aggressor: buyer ? 'BUYER' : 'SELLER',
        tradeId: String(i),
      };
      out.push(t);
    }
  }
  return out;
}

/** L2: a 20-level snapshot, then deltas touching two levels each, interleaved with trades. */
function l2Events(): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  const level = (price: number, size: number) => ({ price: px(price), size, orders: 0 });
  const snapshot: DepthEvent = {
    kind: 'depth',
    v: 1,
    tsEvent: T0 + 500,
    tsInit: T0 + 500,
    instrumentId: RELIANCE.id,
    snapshot: true,
    sequence: 1,
    bids: Array.from({ length: 20 }, (_, k) => level(2_000 - k, 500 + k * 10)),
    asks: Array.from({ length: 20 }, (_, k) => level(2_008 + k, 500 + k * 10)),
  };
  out.push(snapshot);
  for (let i = 0; i < EVENTS; i++) {
    const ts = T0 + 1_000 + i * 100;
    if (i % 3 === 2) {
      const t: TradeEvent = {
        kind: 'trade',
        v: 1,
        tsEvent: ts,
        tsInit: ts,
        instrumentId: RELIANCE.id,
        price: px(i % 2 === 0 ? 2_000 : 2_008),
        size: 1 + (i % 7),
        aggressor: i % 2 === 0 ? 'SELLER' : 'BUYER',
        tradeId: String(i),
      };
      out.push(t);
    } else {
      const k = i % 10;
      const d: DepthEvent = {
        kind: 'depth',
        v: 1,
        tsEvent: ts,
        tsInit: ts,
        instrumentId: RELIANCE.id,
        snapshot: false,
        sequence: i + 2,
        bids: [level(2_000 - k, 400 + (i % 200))],
        asks: [level(2_008 + k, 400 + (i % 150))],
      };
      out.push(d);
    }
  }
  return out;
}

/** Bars: 1-minute bars oscillating within the same band. */
function barEvents(): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < EVENTS / 10; i++) {
    const mid = midAt(i);
    const tsOpen = T0 + i * 60_000_000;
    const b: BarEvent = {
      kind: 'bar',
      v: 1,
      tsEvent: tsOpen + 60_000_000,
      tsInit: tsOpen + 60_000_000,
      instrumentId: RELIANCE.id,
      timeframe: '1m',
      source: 'TRADE',
      tsOpen,
      open: px(mid),
      high: px(mid + 2),
      low: px(mid - 1),
      close: px(mid + 1),
      volume: 10_000,
      count: 100,
      revision: 0,
    };
    out.push(b);
  }
  return out;
}

/**
 * A connected venue with `RESTING` GTC limits of 10: bids on the 20 ticks from 2,000 down, asks
 * on the 20 ticks from `askFrom` up, 5 per level. The levels nearest the market see queue updates
 * and fills; a filled order is replaced at the same price (a market maker re-quoting), so the book
 * keeps its size for the whole run.
 */
function venueWithBook(
  mode: VenueMode,
  start: number,
  askFrom: number,
): { venue: SimulatedVenue; clock: SimClock } {
  const clock = new SimClock(start);
  const venue = new SimulatedVenue({ clock, mode, instruments: [RELIANCE], seed: 1 });
  const prices = new Map<string, { side: 'BUY' | 'SELL'; price: number; filled: number }>();
  let next = 0;
  const place = (side: 'BUY' | 'SELL', price: number): void => {
    const order = intent(next++, side, 'LIMIT', price, 10);
    prices.set(order.clientOrderId, { side, price, filled: 0 });
    venue.submit(order);
  };
  // connect() sets the sink synchronously; the promise only signals completion.
  void venue.connect((e) => {
    consume(e.tsInit);
    if (e.kind !== 'fill') return;
    const o = prices.get(e.clientOrderId);
    if (o === undefined) return;
    o.filled += e.quantity;
    if (o.filled >= 10) {
      prices.delete(e.clientOrderId);
      place(o.side, o.price);
    }
  });
  for (let k = 0; k < RESTING / 2; k++) {
    place('BUY', px(2_000 - (k % 20)));
    place('SELL', px(askFrom + (k % 20)));
  }
  return { venue, clock };
}

function feed(mode: VenueMode, events: readonly CanonicalEvent[], askFrom: number): number {
  const { venue, clock } = venueWithBook(mode, T0, askFrom);
  for (const e of events) {
    if (e.tsEvent > clock.nowUs()) clock.advanceTo(e.tsEvent);
    venue.onMarketData(e);
  }
  consume(venue.stats.marketEvents);
  return venue.stats.fills;
}

function submitCancel(pairs: number): void {
  const { venue } = venueWithBook('L1', T0, 2_005);
  const quote: QuoteEvent = {
    kind: 'quote',
    v: 1,
    tsEvent: T0,
    tsInit: T0,
    instrumentId: RELIANCE.id,
    bidPrice: 100,
    bidSize: 500,
    askPrice: 100.05,
    askSize: 500,
  };
  venue.onMarketData(quote);
  for (let i = 0; i < pairs; i++) {
    const submit = intent(1_000 + i, i % 2 === 0 ? 'BUY' : 'SELL', 'LIMIT', i % 2 === 0 ? 99.5 : 100.5, 5);
    venue.submit(submit);
    venue.cancel({ ...submit, action: 'CANCEL' });
  }
  consume(venue.stats.requests);
}

/** Submit → ack + fill delivered, for a market order against a deep L1 quote, in nanoseconds. */
function marketOrderLatency(samples: number): hdr.Histogram {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const { venue } = venueWithBook('L1', T0, 2_005);
  let i = 0;
  for (let s = 0; s < samples; s++) {
    const quote: QuoteEvent = {
      kind: 'quote',
      v: 1,
      tsEvent: T0,
      tsInit: T0,
      instrumentId: RELIANCE.id,
      bidPrice: 100,
      bidSize: 1e9,
      askPrice: 100.05,
      askSize: 1e9,
    };
    venue.onMarketData(quote);
    const order = intent(10_000 + i++, s % 2 === 0 ? 'BUY' : 'SELL', 'MARKET', undefined, 1);
    const start = process.hrtime.bigint();
    venue.submit(order);
    histogram.recordValue(Number(process.hrtime.bigint() - start));
  }
  return histogram;
}

function run(): BenchResult[] {
  const l1 = l1Events();
  const l2 = l2Events();
  const bars = barEvents();
  const PAIRS = 20_000;
  const r = measureThroughput(
    {
      l1: { ops: l1.length, run: () => consume(feed('L1', l1, 2_005)) },
      l2: { ops: l2.length, run: () => consume(feed('L2', l2, 2_008)) },
      bar: { ops: bars.length, run: () => consume(feed('BAR', bars, 2_005)) },
      submit: { ops: 2 * PAIRS, run: () => submitCancel(PAIRS) },
    },
    { reps: 7, warmup: 2 },
  );
  marketOrderLatency(20_000); // warm-up
  const latency = marketOrderLatency(50_000);
  const us = (ns: number) => ns / 1_000;
  return [
    {
      name: `venue.l1.events-per-second.${RESTING}-resting`,
      value: r.l1!.median,
      unit: 'events/s',
      target: 1_000_000,
      spread: r.l1!.spread,
    },
    {
      name: `venue.l2.events-per-second.${RESTING}-resting`,
      value: r.l2!.median,
      unit: 'events/s',
      target: 500_000,
      spread: r.l2!.spread,
    },
    {
      name: `venue.bar.bars-per-second.${RESTING}-resting`,
      value: r.bar!.median,
      unit: 'bars/s',
      target: 100_000,
      spread: r.bar!.spread,
    },
    {
      name: `venue.l1.submit-cancel-requests-per-second.${RESTING}-resting`,
      value: r.submit!.median,
      unit: 'ops/s',
      target: 300_000,
      spread: r.submit!.spread,
    },
    {
      name: 'venue.l1.market-order-submit-to-fill.p50',
      value: us(latency.getValueAtPercentile(50)),
      unit: 'µs',
      target: 5,
      lowerIsBetter: true,
    },
    {
      name: 'venue.l1.market-order-submit-to-fill.p99',
      value: us(latency.getValueAtPercentile(99)),
      unit: 'µs',
      target: 20,
      lowerIsBetter: true,
    },
  ];
}

/** The simulated venue's matching engine: market data events/s in L1, L2 and bar mode with resting orders, order requests/s, and submit-to-fill latency. */
export const backtestVenueSuite: BenchSuite = {
  name: 'backtest-venue',
  run,
};
