import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { RecordingGateway } from '../execution/index.js';
import type { OrderIntent, RiskReason } from '../schemas/index.js';
import { RiskEventSchema } from '../schemas/index.js';
import {
  BTC_SPOT,
  fill,
  intent,
  NIFTY_CE,
  NIFTY_FUT,
  RELIANCE,
  type Rig,
  rig,
} from './fixtures.test-support.js';
import { RiskEngine } from './risk-engine.js';
import type { RiskLimitsInput } from './risk-limits.js';

function marked(limits: RiskLimitsInput = {}): Rig {
  const r = rig(limits);
  r.portfolio.mark(RELIANCE.id, 2945.35);
  r.portfolio.mark(NIFTY_FUT.id, 24_000);
  r.portfolio.mark(NIFTY_CE.id, 150);
  r.portfolio.mark(BTC_SPOT.id, 97_000);
  return r;
}

let seq = 0;
const id = (): string => `t-${++seq}`;

/** Submits and returns the decision's reason. */
function submit(r: Rig, over: Partial<OrderIntent> = {}): RiskReason {
  return r.risk.submit(intent({ clientOrderId: id(), ...over })).reason;
}

/** Fills an order straight into the portfolio (a position to reduce). */
function position(r: Rig, instrumentId: string, side: 'BUY' | 'SELL', quantity: number, price: number): void {
  r.portfolio.applyFill(fill({ clientOrderId: id(), tradeId: id(), instrumentId, side, quantity, price }));
}

describe('RiskEngine pre-trade checks', () => {
  it('approves a sound order, sends it, and emits a valid APPROVED event', () => {
    const r = marked({ maxOrderQuantity: 100, priceBandBps: 100 });
    const event = r.risk.submit(intent({ clientOrderId: 'ok-1' }));
    expect(event).toMatchObject({ decision: 'APPROVED', reason: 'OK', scope: 'STRATEGY', strategyId: 's1' });
    expect(RiskEventSchema.parse(event)).toEqual(event);
    expect(r.gateway.requests).toEqual([
      { method: 'submit', intent: expect.objectContaining({ clientOrderId: 'ok-1' }) },
    ]);
    expect(r.orders.get('ok-1')?.status).toBe('SUBMITTED');
    expect(r.riskEvents).toEqual([event]);
    expect(r.risk.stats).toMatchObject({ approved: 1, denied: 0 });
  });

  it('denies, records DENIED on the order, sends nothing, and says why with value and limit', () => {
    const r = marked({ maxOrderQuantity: 10 });
    const event = r.risk.submit(intent({ clientOrderId: 'big', quantity: 11 }));
    expect(event).toMatchObject({ decision: 'DENIED', reason: 'MAX_ORDER_QUANTITY', value: 11, limit: 10 });
    expect(RiskEventSchema.parse(event)).toEqual(event);
    expect(r.orders.get('big')?.status).toBe('DENIED');
    expect(r.updates.at(-1)).toMatchObject({
      status: 'DENIED',
      reason: expect.stringContaining('MAX_ORDER_QUANTITY'),
    });
    expect(r.gateway.requests).toEqual([]);
  });

  it('INSTRUMENT_NOT_TRADABLE: unknown, disabled by limits or at runtime, and expired instruments', () => {
    const r = marked({ instruments: { [BTC_SPOT.id]: { tradable: false } } });
    expect(submit(r, { instrumentId: 'NOPE.NSE' })).toBe('INSTRUMENT_NOT_TRADABLE');
    expect(submit(r, { instrumentId: BTC_SPOT.id, quantity: 0.001, price: 97_000 })).toBe(
      'INSTRUMENT_NOT_TRADABLE',
    );
    r.risk.setTradable(RELIANCE.id, false);
    expect(submit(r)).toBe('INSTRUMENT_NOT_TRADABLE');
    r.risk.setTradable(RELIANCE.id, true);
    expect(submit(r)).toBe('OK');
    r.clock.advanceTo(NIFTY_FUT.expiry);
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 25, price: 24_000 })).toBe(
      'INSTRUMENT_NOT_TRADABLE',
    );
  });

  it('INVALID_ORDER: lot and tick multiples, price fields, venue minimum notional, post-only rules', () => {
    const r = marked();
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 30, price: 24_000 })).toBe('INVALID_ORDER');
    expect(submit(r, { price: 2945.33 })).toBe('INVALID_ORDER');
    expect(submit(r, { orderType: 'STOP', triggerPrice: undefined })).toBe('INVALID_ORDER');
    expect(submit(r, { orderType: 'MARKET', price: 2945 })).toBe('OK'); // fixture drops the price for MARKET
    expect(submit(r, { instrumentId: BTC_SPOT.id, quantity: 0.00001, price: 97_000 })).toBe('INVALID_ORDER');
    expect(submit(r, { postOnly: true, timeInForce: 'IOC' })).toBe('INVALID_ORDER');
    expect(submit(r, { action: 'MODIFY' })).toBe('INVALID_ORDER');
    expect(r.risk.submit(intent({ clientOrderId: 'x', quantity: 1.5 })).message).toMatch(/lot size|decimals/);
  });

  it('PRICE_BAND: limit prices far from the last price, or no last price at all', () => {
    const r = marked({ priceBandBps: 100 });
    expect(submit(r, { price: 2974.8 })).toBe('OK'); // within 1% of 2945.35
    expect(submit(r, { price: 2974.85 })).toBe('PRICE_BAND');
    expect(submit(r, { price: 2915.9 })).toBe('OK');
    expect(submit(r, { price: 2915.85 })).toBe('PRICE_BAND');
    expect(submit(r, { orderType: 'STOP', triggerPrice: 2500 })).toBe('OK'); // triggers are not banded
    const bare = rig({ priceBandBps: 100 });
    expect(bare.risk.submit(intent({ clientOrderId: 'p' })).reason).toBe('PRICE_BAND');
    expect(bare.risk.submit(intent({ clientOrderId: 'q', orderType: 'MARKET' })).reason).toBe('PRICE_BAND');
  });

  it('MAX_ORDER_QUANTITY: account limit, per-instrument override and the venue freeze quantity', () => {
    const r = marked({ maxOrderQuantity: 1_000, instruments: { [RELIANCE.id]: { maxOrderQuantity: 5 } } });
    expect(submit(r, { quantity: 5 })).toBe('OK');
    expect(submit(r, { quantity: 6 })).toBe('MAX_ORDER_QUANTITY');
    // NIFTY futures: limit 1,000 but freeze quantity 1,800 → 1,000 applies; lot 25.
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 1_000, price: 24_000 })).toBe('OK');
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 1_025, price: 24_000 })).toBe(
      'MAX_ORDER_QUANTITY',
    );
    const venueOnly = marked();
    expect(submit(venueOnly, { instrumentId: NIFTY_FUT.id, quantity: 1_825, price: 24_000 })).toBe(
      'MAX_ORDER_QUANTITY',
    );
  });

  it('MAX_ORDER_NOTIONAL: in the base currency, converting USDT at its rate', () => {
    const r = marked({ maxOrderNotional: 100_000 });
    expect(submit(r, { quantity: 33 })).toBe('OK'); // 97,196.55 INR
    expect(submit(r, { quantity: 34 })).toBe('MAX_ORDER_NOTIONAL');
    // 0.0122 BTC × 97,000 USDT × 84 = 99,410 INR; 0.0123 → 100,224.84 INR
    expect(submit(r, { instrumentId: BTC_SPOT.id, quantity: 0.0122, price: 97_000 })).toBe('OK');
    expect(submit(r, { instrumentId: BTC_SPOT.id, quantity: 0.0123, price: 97_000 })).toBe(
      'MAX_ORDER_NOTIONAL',
    );
  });

  it('MAX_POSITION: counts the position and open orders on the same side; reducing orders pass', () => {
    const r = marked({ maxPosition: 100 });
    position(r, RELIANCE.id, 'BUY', 60, 2945.35);
    expect(submit(r, { quantity: 30 })).toBe('OK'); // 60 + 30 open
    expect(submit(r, { quantity: 11 })).toBe('MAX_POSITION'); // 60 + 30 + 11
    expect(submit(r, { quantity: 10 })).toBe('OK');
    expect(submit(r, { side: 'SELL', quantity: 60 })).toBe('OK'); // reduces
    expect(submit(r, { side: 'SELL', quantity: 161 })).toBe('MAX_POSITION'); // 60 − 60 open − 161
  });

  it('MAX_GROSS_EXPOSURE: current gross plus the order, unless it reduces', () => {
    const r = marked({ maxGrossExposure: 1_000_000 });
    position(r, NIFTY_FUT.id, 'BUY', 25, 24_000); // 600,000
    expect(submit(r, { quantity: 135 })).toBe('OK'); // + 397,622.25
    expect(submit(r, { quantity: 136 })).toBe('MAX_GROSS_EXPOSURE');
    expect(submit(r, { instrumentId: NIFTY_FUT.id, side: 'SELL', quantity: 25, price: 24_000 })).toBe('OK');
  });

  it('MAX_LEVERAGE: gross after the order over equity', () => {
    const r = marked({ maxLeverage: 1 });
    // Equity: 10,000,000 INR + 100,000 USDT × 84 = 18,400,000.
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 750, price: 24_000 })).toBe('OK'); // 18,000,000
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 775, price: 24_000 })).toBe('MAX_LEVERAGE');
  });

  it('INSUFFICIENT_MARGIN: the approximate order margin against free margin', () => {
    const r = marked({ requireMargin: true });
    // Free margin = equity 18,400,000 INR. Futures at 15%: 1,800 × 24,000 × 0.15 = 6,480,000.
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 1_800, price: 24_000 })).toBe('OK');
    // Cash buys are charged in full: 6,000 × 2,945.35 = 17,672,100 fits, 6,300 does not.
    expect(submit(r, { quantity: 6_000 })).toBe('OK');
    expect(submit(r, { quantity: 6_300 })).toBe('INSUFFICIENT_MARGIN');
    // Short options: 0.15 × 24,000 (strike as underlying) × 5,000 + premium 750,000 = 18,750,000.
    expect(submit(r, { instrumentId: NIFTY_CE.id, side: 'SELL', quantity: 4_500, price: 150 })).toBe('OK');
    expect(submit(r, { instrumentId: NIFTY_CE.id, side: 'SELL', quantity: 5_000, price: 150 })).toBe(
      'INSUFFICIENT_MARGIN',
    );
  });

  it('MAX_OPEN_ORDERS: overall and per strategy; closed orders free the slot', () => {
    const r = marked({ maxOpenOrders: 3, maxOpenOrdersPerStrategy: 2 });
    expect(submit(r)).toBe('OK');
    expect(submit(r)).toBe('OK');
    expect(submit(r)).toBe('MAX_OPEN_ORDERS'); // s1 has 2
    expect(submit(r, { strategyId: 's2' })).toBe('OK');
    expect(submit(r, { strategyId: 's3' })).toBe('MAX_OPEN_ORDERS'); // 3 overall
    const first = r.orders.openOrders('s1')[0]!;
    r.orders.applyAck({
      kind: 'orderAck',
      v: 1,
      tsEvent: r.clock.nowUs(),
      tsInit: r.clock.nowUs(),
      action: 'SUBMIT',
      clientOrderId: first.clientOrderId,
      strategyId: 's1',
      instrumentId: RELIANCE.id,
      accepted: false,
    });
    expect(submit(r)).toBe('OK');
  });

  it('ORDER_RATE: token buckets per strategy and overall, refilled on clock time; denials do not consume', () => {
    const r = marked({
      strategyOrderRate: { capacity: 2, perSecond: 1 },
      orderRate: { capacity: 3, perSecond: 1 },
    });
    expect([submit(r), submit(r), submit(r)]).toEqual(['OK', 'OK', 'ORDER_RATE']);
    expect(submit(r, { strategyId: 's2' })).toBe('OK');
    expect(submit(r, { strategyId: 's2' })).toBe('ORDER_RATE'); // global bucket empty; s2's token refunded
    expect(submit(r, { quantity: 0.5 })).toBe('INVALID_ORDER'); // not throttled, and consumes nothing
    r.clock.advanceBy(1_000_000);
    expect(submit(r, { strategyId: 's2' })).toBe('OK');
    r.clock.advanceBy(1_000_000);
    expect(submit(r)).toBe('OK');
  });

  it('REDUCE_ONLY: must shrink the position without flipping it', () => {
    const r = marked();
    expect(submit(r, { reduceOnly: true, side: 'SELL' })).toBe('REDUCE_ONLY'); // flat
    position(r, RELIANCE.id, 'BUY', 10, 2945.35);
    expect(submit(r, { reduceOnly: true, side: 'BUY' })).toBe('REDUCE_ONLY');
    expect(submit(r, { reduceOnly: true, side: 'SELL', quantity: 11 })).toBe('REDUCE_ONLY');
    expect(submit(r, { reduceOnly: true, side: 'SELL', quantity: 10 })).toBe('OK');
  });

  it('REDUCING: only position-reducing orders pass; HALTED: nothing but cancels', () => {
    const r = marked();
    position(r, RELIANCE.id, 'BUY', 10, 2945.35);
    r.risk.reduce({ strategyId: 's1' });
    expect(r.risk.tradingState('s1')).toBe('REDUCING');
    expect(submit(r)).toBe('TRADING_REDUCING');
    expect(submit(r, { side: 'SELL', quantity: 4 })).toBe('OK');
    expect(submit(r, { strategyId: 's2' })).toBe('OK'); // other strategies unaffected
    r.risk.halt();
    expect(submit(r, { side: 'SELL', quantity: 4 })).toBe('TRADING_HALTED');
    expect(r.risk.tradingState('s2')).toBe('HALTED');
  });

  it('checks modifies: new values, quantity increase, state; denied modifies leave the order alone', () => {
    const r = marked({ maxOrderQuantity: 20, maxPosition: 25 });
    r.risk.submit(intent({ clientOrderId: 'm-1', quantity: 10 }));
    r.orders.applyAck({
      kind: 'orderAck',
      v: 1,
      tsEvent: r.clock.nowUs(),
      tsInit: r.clock.nowUs(),
      action: 'SUBMIT',
      clientOrderId: 'm-1',
      strategyId: 's1',
      instrumentId: RELIANCE.id,
      accepted: true,
      venueOrderId: 'V',
    });
    const modify = (over: Partial<OrderIntent>) =>
      r.risk.modify(intent({ clientOrderId: 'm-1', action: 'MODIFY', quantity: 10, ...over })).reason;
    expect(modify({ quantity: 21 })).toBe('MAX_ORDER_QUANTITY');
    expect(modify({ quantity: 15, price: 2946 })).toBe('OK');
    expect(r.orders.get('m-1')?.status).toBe('PENDING_UPDATE');
    expect(modify({ quantity: 16 })).toBe('INVALID_ORDER'); // a modify is already pending
    expect(r.risk.modify(intent({ clientOrderId: 'nope', action: 'MODIFY' })).reason).toBe('INVALID_ORDER');
    expect(r.risk.modify(intent({ clientOrderId: 'm-1' })).reason).toBe('INVALID_ORDER'); // a SUBMIT intent
    expect(r.gateway.requests.map((q) => q.method)).toEqual(['submit', 'modify']);
  });

  it('cancels always pass: when halted, over the rate, unknown or already closed', () => {
    const r = marked({ orderRate: { capacity: 1, perSecond: 0.001 } });
    r.risk.submit(intent({ clientOrderId: 'c-1' }));
    r.risk.halt({ strategyId: 's1' });
    const again = r.risk.cancel('c-1'); // already PENDING_CANCEL from the halt: sent again
    expect(again).toMatchObject({ decision: 'APPROVED', reason: 'CANCEL_ALWAYS_ALLOWED' });
    expect(r.risk.cancel('ghost')).toMatchObject({ decision: 'APPROVED', reason: 'CANCEL_ALWAYS_ALLOWED' });
    const external = intent({ clientOrderId: 'placed-elsewhere', action: 'CANCEL' });
    expect(r.risk.cancel(external).decision).toBe('APPROVED');
    expect(r.risk.check(external).reason).toBe('CANCEL_ALWAYS_ALLOWED');
    r.risk.submit(intent({ clientOrderId: 'c-2', strategyId: 's2' })); // throttled
    expect(r.orders.get('c-2')?.status).toBe('DENIED');
    expect(r.risk.cancel('c-2').message).toMatch(/is DENIED: nothing to cancel/);
    expect(
      r.gateway.requests.map((q) => `${q.method}:${'intent' in q ? q.intent.clientOrderId : ''}`),
    ).toEqual(['submit:c-1', 'cancel:c-1', 'cancel:c-1', 'cancel:placed-elsewhere']);
    for (const e of r.riskEvents) expect(RiskEventSchema.safeParse(e).success).toBe(true);
  });

  it('contains a throwing gateway: the order is rejected locally and the error reported', () => {
    const r = marked();
    const errors: unknown[] = [];
    class BrokenGateway extends RecordingGateway {
      override submit(): void {
        throw new Error('socket closed');
      }
    }
    const risk = new RiskEngine({
      clock: r.clock,
      instruments: r.instruments,
      orders: r.orders,
      portfolio: r.portfolio,
      gateway: new BrokenGateway('broken'),
      onError: (e: unknown) => errors.push(e),
    });
    expect(risk.submit(intent({ clientOrderId: 'g-1' })).decision).toBe('APPROVED');
    expect(r.orders.get('g-1')).toMatchObject({
      status: 'REJECTED',
      reason: expect.stringContaining('socket closed'),
    });
    expect(errors).toHaveLength(1);
  });

  it('validates its limits', () => {
    expect(() => rig({ maxDrawdown: 2 })).toThrow(ValidationError);
    expect(() =>
      rig({ circuitBreakers: { latency: { thresholdUs: 0, count: 1, windowUs: 1, action: 'HALTED' } } }),
    ).toThrow(/circuitBreakers\.latency\.thresholdUs/);
  });
});

describe('RiskEngine strategy capital', () => {
  // s1 has 100,000 INR of capital, s2 has none of its own (not checked).
  const capital = (strategyId: string): number | undefined => (strategyId === 's1' ? 100_000 : undefined);
  function budgeted(use = 1): Rig {
    const r = rig({ maxStrategyCapitalUse: use }, capital);
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.portfolio.mark(NIFTY_FUT.id, 24_000);
    return r;
  }

  it('commits positions at their marks, open orders and the new order against the budget', () => {
    const r = budgeted();
    // 30 shares ≈ 88,360: fits in 100,000.
    expect(submit(r, { quantity: 30 })).toBe('OK');
    // With those 30 resting, 4 more (≈ 11,781) would not.
    const event = r.risk.submit(intent({ clientOrderId: id(), quantity: 4 }));
    expect(event).toMatchObject({ decision: 'DENIED', reason: 'INSUFFICIENT_MARGIN', limit: 100_000 });
    expect(event.message).toMatch(/strategy s1 would commit .* of its capital 100000/);
    expect(event.value).toBeCloseTo(34 * 2945.35, 6);
    // 3 more fit (33 × 2945.35 = 97,196.55).
    expect(submit(r, { quantity: 3 })).toBe('OK');
  });

  it('counts a filled position at its mark, and lets the strategy close it', () => {
    const r = budgeted();
    position(r, RELIANCE.id, 'BUY', 30, 2945.35);
    expect(r.portfolio.strategyQuantity('s1', RELIANCE.id)).toBe(30);
    expect(submit(r, { quantity: 4 })).toBe('INSUFFICIENT_MARGIN');
    // The mark falls: the same position commits less, and 4 more fit.
    r.portfolio.mark(RELIANCE.id, 2500);
    expect(submit(r, { quantity: 4, price: 2500 })).toBe('OK');
    // Selling what it holds needs no budget, even past the limit.
    expect(submit(r, { side: 'SELL', quantity: 30, price: 2500 })).toBe('OK');
  });

  it('charges derivatives their margin, not their notional, and scales with the limit', () => {
    // One NIFTY lot (25 × 24,000 = 600,000 notional) needs 15% = 90,000 of margin.
    const r = budgeted();
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 25, price: 24_000 })).toBe('OK');
    expect(submit(r, { instrumentId: NIFTY_FUT.id, quantity: 25, price: 24_000 })).toBe(
      'INSUFFICIENT_MARGIN',
    );
    const half = budgeted(0.5);
    expect(submit(half, { instrumentId: NIFTY_FUT.id, quantity: 25, price: 24_000 })).toBe(
      'INSUFFICIENT_MARGIN',
    );
  });

  it('leaves strategies without capital, and engines without the limit, unchecked', () => {
    const r = budgeted();
    expect(submit(r, { strategyId: 's2', quantity: 300 })).toBe('OK');
    const unlimited = rig({}, capital);
    unlimited.portfolio.mark(RELIANCE.id, 2945.35);
    expect(submit(unlimited, { quantity: 300 })).toBe('OK');
  });
});
