import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { arbitraryEvent } from '../testing/arbitraries.js';
import { EVENT_KINDS, EVENT_SCHEMAS, type EventOf, parseEvent, parseEventOf } from './event.js';

function issuePaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map((i) => i.pathString);
  }
  throw new Error('expected a ValidationError');
}

const limitOrder: EventOf<'orderIntent'> = {
  kind: 'orderIntent',
  v: 1,
  tsEvent: 1_700_000_000_000_000,
  tsInit: 1_700_000_000_000_001,
  action: 'SUBMIT',
  clientOrderId: 'momo-1',
  strategyId: 'momo',
  instrumentId: 'NIFTY24NOV24000CE.NFO',
  side: 'BUY',
  orderType: 'LIMIT',
  timeInForce: 'DAY',
  quantity: 75,
  price: 120.5,
  reduceOnly: false,
  postOnly: false,
};

describe('valid records pass', () => {
  for (const kind of EVENT_KINDS) {
    it(`generated ${kind} events pass both the kind schema and the union`, () => {
      fc.assert(
        fc.property(arbitraryEvent(kind), (event) => {
          expect(parseEventOf(kind, event)).toEqual(event);
          expect(parseEvent(event)).toEqual(event);
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('each invalid field is rejected with its path', () => {
  for (const kind of EVENT_KINDS) {
    it(`${kind}: every field set to a wrong type`, () => {
      const sample = fc.sample(arbitraryEvent(kind), { numRuns: 1, seed: 42 })[0]!;
      for (const field of Object.keys(EVENT_SCHEMAS[kind].shape)) {
        const bad = { ...sample, [field]: Symbol('bad') };
        const paths = issuePaths(() => parseEventOf(kind, bad, 'test'));
        expect(paths).toContain(field);
      }
    });
  }

  it('names nested paths inside groups and records', () => {
    const depth: EventOf<'depth'> = {
      kind: 'depth',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      instrumentId: 'BTCUSDT.BINANCE',
      snapshot: true,
      sequence: 1,
      bids: [
        { price: 100, size: 1, orders: 0 },
        { price: 99, size: -1, orders: 0 },
      ],
      asks: [],
    };
    expect(issuePaths(() => parseEvent(depth))).toEqual(['bids[1].size']);
    const instrument = {
      kind: 'instrument',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      instrument: {
        type: 'option',
        id: 'NIFTY24NOV24000CE.NFO',
        symbol: 'NIFTY24NOV24000CE',
        venue: 'NFO',
        venueSymbol: 'NIFTY24NOV24000CE',
        quoteCurrency: 'INR',
        tickSize: 0.05,
        lotSize: 75,
        multiplier: 1,
        pricePrecision: 2,
        sizePrecision: 0,
        underlying: 'NIFTY',
        settlementCurrency: 'INR',
        expiry: 1_732_701_600_000_000,
        strike: -24_000,
        right: 'CALL',
        exerciseStyle: 'EUROPEAN',
      },
    };
    expect(issuePaths(() => parseEvent(instrument))).toEqual(['instrument.strike']);
  });

  it('reports where the record came from', () => {
    expect(() => parseEvent({ kind: 'trade' }, 'ticks.csv:42')).toThrow(/\(ticks\.csv:42\)/);
  });

  it('rejects an unknown kind at the discriminant', () => {
    expect(issuePaths(() => parseEvent({ kind: 'gossip', v: 1 }))).toEqual(['kind']);
  });
});

describe('cross-field rules', () => {
  it('orders: price and trigger by type, post-only only for resting limits', () => {
    expect(parseEvent(limitOrder)).toEqual(limitOrder);
    const { price: _, ...noPrice } = limitOrder;
    expect(issuePaths(() => parseEvent(noPrice))).toEqual(['price']);
    expect(issuePaths(() => parseEvent({ ...limitOrder, orderType: 'MARKET' }))).toEqual(['price']);
    expect(issuePaths(() => parseEvent({ ...limitOrder, orderType: 'STOP_LIMIT' }))).toEqual([
      'triggerPrice',
    ]);
    expect(issuePaths(() => parseEvent({ ...limitOrder, postOnly: true, timeInForce: 'IOC' }))).toEqual([
      'postOnly',
    ]);
    expect(issuePaths(() => parseEvent({ ...limitOrder, quantity: 0 }))).toEqual(['quantity']);
    expect(issuePaths(() => parseEvent({ ...limitOrder, clientOrderId: 'has space' }))).toEqual([
      'clientOrderId',
    ]);
  });

  it('bars: OHLC consistency and open before close', () => {
    const bar: EventOf<'bar'> = {
      kind: 'bar',
      v: 1,
      tsEvent: 1_700_000_060_000_000,
      tsInit: 1_700_000_060_000_100,
      instrumentId: 'RELIANCE.NSE',
      timeframe: '1m',
      source: 'TRADE',
      tsOpen: 1_700_000_000_000_000,
      open: 10,
      high: 12,
      low: 9,
      close: 11,
      volume: 100,
      count: 7,
      revision: 0,
    };
    expect(parseEvent(bar)).toEqual(bar);
    expect(issuePaths(() => parseEvent({ ...bar, high: 10.5 }))).toEqual(['high']);
    expect(issuePaths(() => parseEvent({ ...bar, low: 10.5 }))).toEqual(['low']);
    expect(issuePaths(() => parseEvent({ ...bar, tsOpen: bar.tsEvent + 1 }))).toEqual(['tsOpen']);
    expect(issuePaths(() => parseEvent({ ...bar, timeframe: '1M' }))).toEqual(['timeframe']);
  });

  it('numbers: no NaN, no infinity, timestamps are safe integers', () => {
    const quote = {
      kind: 'quote',
      v: 1,
      tsEvent: 5,
      tsInit: 5,
      instrumentId: 'ETHUSDT.BINANCE',
      bidPrice: 1,
      bidSize: 1,
      askPrice: 2,
      askSize: 1,
    };
    expect(issuePaths(() => parseEvent({ ...quote, bidPrice: Number.NaN }))).toEqual(['bidPrice']);
    expect(issuePaths(() => parseEvent({ ...quote, askPrice: Number.POSITIVE_INFINITY }))).toEqual([
      'askPrice',
    ]);
    expect(issuePaths(() => parseEvent({ ...quote, tsEvent: 1.5 }))).toEqual(['tsEvent']);
    expect(issuePaths(() => parseEvent({ ...quote, tsInit: -1 }))).toEqual(['tsInit']);
    expect(new Set(issuePaths(() => parseEvent({ ...quote, tsInit: 2 ** 53 })))).toEqual(new Set(['tsInit']));
  });

  it('risk events scoped to a strategy name it', () => {
    const risk = {
      kind: 'risk',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      scope: 'STRATEGY',
      decision: 'DENIED',
      reason: 'MAX_POSITION',
      tradingState: 'ACTIVE',
      message: 'position limit',
    };
    expect(issuePaths(() => parseEvent(risk))).toEqual(['strategyId']);
    expect(parseEvent({ ...risk, strategyId: 'momo' })).toMatchObject({ strategyId: 'momo' });
  });

  it('instrument ids must match symbol and venue', () => {
    const equity = {
      kind: 'instrument',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      instrument: {
        type: 'equity',
        id: 'M&M.NSE',
        symbol: 'M&M',
        venue: 'NSE',
        venueSymbol: 'M&M',
        quoteCurrency: 'INR',
        tickSize: 0.05,
        lotSize: 1,
        multiplier: 1,
        pricePrecision: 2,
        sizePrecision: 0,
        isin: 'INE101A01026',
      },
    };
    expect(parseEvent(equity)).toEqual(equity);
    expect(
      issuePaths(() => parseEvent({ ...equity, instrument: { ...equity.instrument, id: 'M&M.BSE' } })),
    ).toEqual(['instrument.id']);
  });
});
