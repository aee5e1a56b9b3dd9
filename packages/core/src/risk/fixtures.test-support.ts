// Shared fixtures for the orders, portfolio and risk tests (and the core-risk benchmark). The
// `.test-support` suffix keeps it out of the published package (`!dist/**/*.test.*`).
import { SimClock } from '../clock/index.js';
import { RecordingGateway } from '../execution/index.js';
import { OrderManager } from '../orders/index.js';
import { Portfolio } from '../portfolio/index.js';
import type {
  FillEvent,
  Instrument,
  OrderAck,
  OrderIntent,
  OrderUpdate,
  RiskEvent,
} from '../schemas/index.js';
import { BTC_SPOT, ETH_PERP, NIFTY_CE, NIFTY_FUT, RELIANCE, T0 } from '../testing/instruments.js';
import { RiskEngine } from './risk-engine.js';
import type { RiskLimitsInput } from './risk-limits.js';

export { BTC_SPOT, ETH_PERP, NIFTY_CE, NIFTY_FUT, RELIANCE, T0 } from '../testing/instruments.js';

/** Every fixture instrument, by id. */
export function instrumentMap(): Map<string, Instrument> {
  return new Map<string, Instrument>(
    [RELIANCE, NIFTY_FUT, NIFTY_CE, BTC_SPOT, ETH_PERP].map((i) => [i.id, i] as [string, Instrument]),
  );
}

/** A SUBMIT intent with defaults: LIMIT DAY BUY 1 RELIANCE @ 2945.35 for strategy `s1`. */
export function intent(over: Partial<OrderIntent> & { clientOrderId: string }): OrderIntent {
  const base: OrderIntent = {
    kind: 'orderIntent',
    v: 1,
    tsEvent: T0,
    tsInit: T0,
    action: 'SUBMIT',
    strategyId: 's1',
    instrumentId: RELIANCE.id,
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'DAY',
    quantity: 1,
    price: 2945.35,
    reduceOnly: false,
    postOnly: false,
    ...over,
  };
  if (base.orderType === 'MARKET' || base.orderType === 'STOP') delete base.price;
  return base;
}

/** A fill with defaults (no fee). */
export function fill(over: Partial<FillEvent> & { clientOrderId: string; tradeId: string }): FillEvent {
  return {
    kind: 'fill',
    v: 1,
    tsEvent: T0,
    tsInit: T0,
    strategyId: 's1',
    instrumentId: RELIANCE.id,
    venueOrderId: `v-${over.clientOrderId}`,
    side: 'BUY',
    price: 2945.35,
    quantity: 1,
    fee: 0,
    feeCurrency: 'INR',
    liquidity: 'TAKER',
    ...over,
  };
}

/** An ack with defaults (accepted SUBMIT). */
export function ack(over: Partial<OrderAck> & { clientOrderId: string }): OrderAck {
  return {
    kind: 'orderAck',
    v: 1,
    tsEvent: T0,
    tsInit: T0,
    action: 'SUBMIT',
    strategyId: 's1',
    instrumentId: RELIANCE.id,
    accepted: true,
    venueOrderId: `v-${over.clientOrderId}`,
    ...over,
  };
}

/** A wired engine set: SimClock, order manager, portfolio, recording gateway and risk engine. */
export interface Rig {
  readonly clock: SimClock;
  readonly instruments: Map<string, Instrument>;
  readonly orders: OrderManager;
  readonly portfolio: Portfolio;
  readonly gateway: RecordingGateway;
  readonly risk: RiskEngine;
  readonly riskEvents: RiskEvent[];
  readonly updates: OrderUpdate[];
}

/** Builds a {@link Rig} in INR with 10,000,000 INR and 100,000 USDT (1 USDT = 84 INR). */
export function rig(
  limits: RiskLimitsInput = {},
  strategyCapital?: (strategyId: string) => number | undefined,
): Rig {
  const clock = new SimClock(T0);
  const instruments = instrumentMap();
  const updates: OrderUpdate[] = [];
  const riskEvents: RiskEvent[] = [];
  const orders = new OrderManager({ clock, instruments, onUpdate: (u) => updates.push(u) });
  const portfolio = new Portfolio({ clock, instruments, baseCurrency: 'INR', rates: { USDT: 84 } });
  portfolio.deposit('INR', '10000000');
  portfolio.deposit('USDT', '100000');
  const gateway = new RecordingGateway();
  const risk = new RiskEngine({
    clock,
    instruments,
    orders,
    portfolio,
    gateway,
    limits,
    ...(strategyCapital === undefined ? {} : { strategyCapital }),
    onEvent: (e) => riskEvents.push(e),
    onError: (e) => {
      throw e;
    },
  });
  return { clock, instruments, orders, portfolio, gateway, risk, riskEvents, updates };
}
