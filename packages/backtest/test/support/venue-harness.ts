import {
  type AggressorSide,
  type BarEvent,
  type DepthEvent,
  type EquityInstrument,
  type ExecutionEvent,
  type FillEvent,
  type Instrument,
  microsFromDate,
  type OptionInstrument,
  type OrderAck,
  type OrderIntent,
  type OrderStatusReport,
  type OrderType,
  type OrderUpdate,
  type PerpetualInstrument,
  parseEvent,
  type QuoteEvent,
  type Side,
  SimClock,
  type TickEvent,
  type TimeInForce,
  type TradeEvent,
} from '@quantkubera/core';
import { RELIANCE } from '@quantkubera/core/testing';
import { SimulatedVenue, type SimulatedVenueOptions } from '../../src/venue/index.js';

/** Monday 2024-11-04 09:30 IST (04:00 UTC), inside the NSE session. */
export const T0 = microsFromDate('2024-11-04T04:00:00Z');
/** NSE close on that day: 15:30 IST. */
export const NSE_CLOSE = microsFromDate('2024-11-04T10:00:00Z');
/** One millisecond, one second, one minute in µs. */
export const MS = 1_000;
export const SEC = 1_000_000;
export const MIN = 60_000_000;

/** RELIANCE on NSE: tick 0.05, lot 1. */
export function equity(overrides: Partial<EquityInstrument> = {}): EquityInstrument {
  return { ...RELIANCE, ...overrides };
}

/** A NIFTY call on NFO: tick 0.05, lot 75. */
export function niftyCall(): OptionInstrument {
  return {
    type: 'option',
    id: 'NIFTY24N2124000CE.NFO',
    symbol: 'NIFTY24N2124000CE',
    venue: 'NFO',
    venueSymbol: 'NIFTY24N2124000CE',
    quoteCurrency: 'INR',
    tickSize: 0.05,
    lotSize: 75,
    multiplier: 1,
    pricePrecision: 2,
    sizePrecision: 0,
    underlying: 'NIFTY',
    settlementCurrency: 'INR',
    expiry: microsFromDate('2024-11-21T10:00:00Z'),
    strike: 24_000,
    right: 'CALL',
    exerciseStyle: 'EUROPEAN',
  };
}

/** BTCUSDT USD-M perpetual on Binance: tick 0.1, lot 0.001. */
export function btcPerp(): PerpetualInstrument {
  return {
    type: 'perpetual',
    id: 'BTCUSDT.BINANCE',
    symbol: 'BTCUSDT',
    venue: 'BINANCE',
    venueSymbol: 'BTCUSDT',
    quoteCurrency: 'USDT',
    tickSize: 0.1,
    lotSize: 0.001,
    multiplier: 1,
    pricePrecision: 1,
    sizePrecision: 3,
    baseCurrency: 'BTC',
    settlementCurrency: 'USDT',
    isInverse: false,
  };
}

/** What a test order needs; the rest of the intent is filled in. */
export interface OrderSpec {
  readonly id: string;
  readonly side?: Side;
  readonly type?: OrderType;
  readonly tif?: TimeInForce;
  readonly quantity?: number;
  readonly price?: number | undefined;
  readonly trigger?: number | undefined;
  readonly reduceOnly?: boolean;
  readonly postOnly?: boolean;
}

/** Options of a harness: venue options without the clock. */
export type HarnessOptions = Omit<SimulatedVenueOptions, 'clock' | 'instruments'> & {
  readonly instruments?: SimulatedVenueOptions['instruments'];
  readonly start?: number;
};

/**
 * Drives a SimulatedVenue the way a kernel does: advance the SimClock to each event's time, feed
 * the venue, then let the test act. Every event the venue emits is validated against the
 * canonical schemas and recorded.
 */
export class Harness {
  readonly clock: SimClock;
  readonly venue: SimulatedVenue;
  readonly events: ExecutionEvent[] = [];
  readonly instrument: Instrument;
  /** Called with each event after it is recorded (for strategies reacting to fills). */
  onEvent: ((event: ExecutionEvent) => void) | undefined;

  private constructor(options: HarnessOptions) {
    this.clock = new SimClock(options.start ?? T0 - MIN);
    const instruments = options.instruments ?? [equity()];
    const first = instruments[0]!;
    this.instrument = 'instrument' in first ? first.instrument : first;
    this.venue = new SimulatedVenue({ ...options, clock: this.clock, instruments });
  }

  static async create(options: HarnessOptions): Promise<Harness> {
    const h = new Harness(options);
    await h.venue.connect((event) => {
      parseEvent(event);
      h.events.push(event);
      h.onEvent?.(event);
    });
    return h;
  }

  /** Advances the clock to `t` (firing due alarms: arrivals, deliveries, expiries). */
  at(t: number): this {
    if (t > this.clock.nowUs()) this.clock.advanceTo(t);
    return this;
  }

  quote(
    t: number,
    bid: number,
    bidSize: number,
    ask: number,
    askSize: number,
    instrumentId = this.instrument.id,
  ): this {
    this.at(t);
    const e: QuoteEvent = {
      kind: 'quote',
      v: 1,
      tsEvent: t,
      tsInit: t,
      instrumentId,
      bidPrice: bid,
      bidSize,
      askPrice: ask,
      askSize,
    };
    this.venue.onMarketData(e);
    return this;
  }

  trade(
    t: number,
    price: number,
    size: number,
    aggressor: AggressorSide = 'SELLER',
    instrumentId = this.instrument.id,
  ): this {
    this.at(t);
    const e: TradeEvent = {
      kind: 'trade',
      v: 1,
      tsEvent: t,
      tsInit: t,
      instrumentId,
      price,
      size,
      aggressor,
      tradeId: `m${t}`,
    };
    this.venue.onMarketData(e);
    return this;
  }

  tick(t: number, fields: Partial<TickEvent> & { lastPrice: number }): this {
    this.at(t);
    const e: TickEvent = {
      kind: 'tick',
      v: 1,
      tsEvent: t,
      tsInit: t,
      instrumentId: this.instrument.id,
      ...fields,
    };
    this.venue.onMarketData(e);
    return this;
  }

  depth(t: number, bids: [number, number][], asks: [number, number][], snapshot = true): this {
    this.at(t);
    const e: DepthEvent = {
      kind: 'depth',
      v: 1,
      tsEvent: t,
      tsInit: t,
      instrumentId: this.instrument.id,
      snapshot,
      sequence: 0,
      bids: bids.map(([price, size]) => ({ price, size, orders: 0 })),
      asks: asks.map(([price, size]) => ({ price, size, orders: 0 })),
    };
    this.venue.onMarketData(e);
    return this;
  }

  /** A bar [tsOpen, tsOpen + span): delivered at its close. */
  bar(
    tsOpen: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume = 1_000,
    span = MIN,
  ): BarEvent {
    const e: BarEvent = {
      kind: 'bar',
      v: 1,
      tsEvent: tsOpen + span,
      tsInit: tsOpen + span,
      instrumentId: this.instrument.id,
      timeframe: '1m',
      source: 'TRADE',
      tsOpen,
      open,
      high,
      low,
      close,
      volume,
      count: 10,
      revision: 0,
    };
    this.at(e.tsEvent);
    this.venue.onMarketData(e);
    return e;
  }

  intent(spec: OrderSpec, action: OrderIntent['action'] = 'SUBMIT'): OrderIntent {
    const type = spec.type ?? 'LIMIT';
    const now = this.clock.nowUs();
    return {
      kind: 'orderIntent',
      v: 1,
      tsEvent: now,
      tsInit: now,
      action,
      clientOrderId: spec.id,
      strategyId: 's1',
      instrumentId: this.instrument.id,
      side: spec.side ?? 'BUY',
      orderType: type,
      timeInForce: spec.tif ?? 'GTC',
      quantity: spec.quantity ?? 10,
      ...(spec.price === undefined ? {} : { price: spec.price }),
      ...(spec.trigger === undefined ? {} : { triggerPrice: spec.trigger }),
      reduceOnly: spec.reduceOnly ?? false,
      postOnly: spec.postOnly ?? false,
    };
  }

  submit(spec: OrderSpec): this {
    this.venue.submit(this.intent(spec));
    return this;
  }

  modify(spec: OrderSpec): this {
    this.venue.modify(this.intent(spec, 'MODIFY'));
    return this;
  }

  cancel(spec: OrderSpec): this {
    this.venue.cancel(this.intent(spec, 'CANCEL'));
    return this;
  }

  fills(id?: string): FillEvent[] {
    return this.events.filter(
      (e): e is FillEvent => e.kind === 'fill' && (id === undefined || e.clientOrderId === id),
    );
  }

  filledQty(id: string): number {
    return this.fills(id).reduce((s, f) => s + f.quantity, 0);
  }

  acks(id?: string): OrderAck[] {
    return this.events.filter(
      (e): e is OrderAck => e.kind === 'orderAck' && (id === undefined || e.clientOrderId === id),
    );
  }

  updates(id?: string): OrderUpdate[] {
    return this.events.filter(
      (e): e is OrderUpdate => e.kind === 'orderUpdate' && (id === undefined || e.clientOrderId === id),
    );
  }

  report(id: string): OrderStatusReport | undefined {
    return this.venue.orderReport(id);
  }

  status(id: string): string {
    const r = this.report(id);
    if (r !== undefined) return r.status;
    const ack = this.acks(id).find((a) => a.action === 'SUBMIT');
    return ack?.accepted === false ? 'REJECTED' : 'UNKNOWN';
  }

  rejectReason(id: string, action: OrderIntent['action'] = 'SUBMIT'): string | undefined {
    return this.acks(id).find((a) => a.action === action && !a.accepted)?.reason;
  }
}
