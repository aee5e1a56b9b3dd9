import { describe, expect, it } from 'vitest';
import { MICROS_PER_DAY, MICROS_PER_MILLI, MICROS_PER_SECOND } from '../clock/index.js';
import type { HealthCode, RiskEventSchema } from '../schemas/index.js';
import { ack, BTC_SPOT, fill, intent, NIFTY_FUT, RELIANCE, type Rig, rig } from './fixtures.test-support.js';
import { RiskEngine } from './risk-engine.js';

type Risk = ReturnType<(typeof RiskEventSchema)['parse']>;

function health(r: Rig, code: HealthCode, value?: number): void {
  const now = r.clock.nowUs();
  r.risk.observe({
    kind: 'health',
    v: 1,
    tsEvent: now,
    tsInit: now,
    component: 'gateway:recording',
    status: code === 'DISCONNECTED' ? 'DOWN' : 'UP',
    code,
    message: '',
    ...(value === undefined ? {} : { value }),
  });
}

const transitions = (events: readonly Risk[]): string[][] =>
  events
    .filter((e) => e.decision !== 'APPROVED' && e.decision !== 'DENIED')
    .map((e) => [e.decision, e.reason, e.tradingState]);

describe('circuit breakers', () => {
  it('latency: trips after N slow acks within the window, not for isolated ones', () => {
    const r = rig({
      circuitBreakers: {
        latency: {
          thresholdUs: 50 * MICROS_PER_MILLI,
          count: 3,
          windowUs: 10 * MICROS_PER_SECOND,
          action: 'REDUCING',
        },
      },
    });
    r.portfolio.mark(RELIANCE.id, 2945.35);
    const slowAck = (id: string, delayUs: number): void => {
      r.risk.submit(intent({ clientOrderId: id }));
      r.clock.advanceBy(delayUs);
      r.risk.observe(ack({ clientOrderId: id, tsInit: r.clock.nowUs() }));
    };
    slowAck('a', 80_000);
    r.clock.advanceBy(20 * MICROS_PER_SECOND);
    slowAck('b', 80_000);
    slowAck('c', 10_000); // fast
    slowAck('d', 60_000);
    expect(r.risk.tradingState()).toBe('ACTIVE'); // a has left the window
    slowAck('e', 70_000);
    expect(r.risk.tradingState()).toBe('REDUCING');
    expect(transitions(r.riskEvents)).toEqual([
      ['BREACHED', 'CIRCUIT_LATENCY', 'ACTIVE'],
      ['STATE_CHANGED', 'CIRCUIT_LATENCY', 'REDUCING'],
    ]);
    // Health events can report latency too; a breaker never loosens the state.
    health(r, 'LATENCY', 90_000);
    expect(r.risk.tradingState()).toBe('REDUCING');
  });

  it('disconnect: trips when still down after the grace period (virtual time), not after a quick reconnect', () => {
    const r = rig({ circuitBreakers: { disconnect: { graceUs: 5 * MICROS_PER_SECOND, action: 'HALTED' } } });
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.risk.submit(intent({ clientOrderId: 'open' }));
    health(r, 'DISCONNECTED');
    r.clock.advanceBy(4 * MICROS_PER_SECOND);
    health(r, 'CONNECTED');
    r.clock.advanceBy(10 * MICROS_PER_SECOND);
    expect(r.risk.tradingState()).toBe('ACTIVE');
    expect(r.clock.pendingCount).toBe(0);
    health(r, 'DISCONNECTED');
    health(r, 'DISCONNECTED'); // repeated reports do not restart the grace period
    r.clock.advanceBy(5 * MICROS_PER_SECOND);
    expect(r.risk.tradingState()).toBe('HALTED');
    expect(
      r.riskEvents.find((e) => e.reason === 'CIRCUIT_DISCONNECT' && e.decision === 'BREACHED'),
    ).toMatchObject({
      value: 5 * MICROS_PER_SECOND,
      limit: 5 * MICROS_PER_SECOND,
    });
    expect(r.gateway.requests.map((q) => q.method)).toEqual(['submit', 'cancel', 'cancelAll']);
  });

  it('disconnect with no grace trips at once', () => {
    const r = rig({ circuitBreakers: { disconnect: { graceUs: 0, action: 'REDUCING' } } });
    health(r, 'DISCONNECTED');
    expect(r.risk.tradingState()).toBe('REDUCING');
  });

  it('reject storm: N venue rejects within the window halt trading', () => {
    const r = rig({
      circuitBreakers: { rejectStorm: { count: 3, windowUs: MICROS_PER_SECOND, action: 'HALTED' } },
    });
    r.portfolio.mark(RELIANCE.id, 2945.35);
    for (const id of ['r1', 'r2']) {
      r.risk.submit(intent({ clientOrderId: id }));
      r.risk.observe(ack({ clientOrderId: id, accepted: false, reason: 'margin' }));
      r.clock.advanceBy(600_000);
    }
    r.risk.submit(intent({ clientOrderId: 'r3' }));
    r.risk.observe(ack({ clientOrderId: 'r3', accepted: false }));
    expect(r.risk.tradingState()).toBe('ACTIVE'); // r1 is 1.2 s old
    r.clock.advanceBy(100_000);
    r.risk.observe(ack({ clientOrderId: 'r3', accepted: false }));
    expect(r.risk.tradingState()).toBe('HALTED');
    expect(transitions(r.riskEvents)[0]).toEqual(['BREACHED', 'CIRCUIT_REJECT_STORM', 'ACTIVE']);
  });
});

describe('post-trade monitors', () => {
  it('max drawdown from peak equity halts and cancels; re-arming resets the peak', () => {
    const r = rig({ maxDrawdown: 0.05 }); // equity 18,400,000 INR
    r.portfolio.applyFill(
      fill({ clientOrderId: 'p', tradeId: 't', instrumentId: NIFTY_FUT.id, price: 24_000, quantity: 1_000 }),
    );
    r.portfolio.mark(NIFTY_FUT.id, 24_000);
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.risk.monitor();
    r.portfolio.mark(NIFTY_FUT.id, 24_500); // peak 18,900,000
    r.risk.monitor();
    r.risk.submit(intent({ clientOrderId: 'resting' }));
    r.portfolio.mark(NIFTY_FUT.id, 23_610); // 18,010,000: 4.71% down
    r.risk.monitor();
    expect(r.risk.tradingState()).toBe('ACTIVE');
    r.portfolio.mark(NIFTY_FUT.id, 23_550); // 17,950,000: 5.03% down
    r.risk.monitor();
    expect(r.risk.tradingState()).toBe('HALTED');
    const breach = r.riskEvents.find((e) => e.decision === 'BREACHED');
    expect(breach).toMatchObject({ reason: 'MAX_DRAWDOWN', limit: 0.05 });
    expect(breach?.value).toBeCloseTo(950_000 / 18_900_000, 12);
    expect(r.gateway.requests.map((q) => q.method)).toEqual(['submit', 'cancel', 'cancelAll']);
    r.risk.monitor(); // no repeated breach while halted
    expect(r.riskEvents.filter((e) => e.decision === 'BREACHED')).toHaveLength(1);
    r.risk.rearm();
    r.risk.monitor();
    expect(r.risk.tradingState()).toBe('ACTIVE');
  });

  it('daily loss limit: measured from the trading day’s first equity (IST day), reset the next day', () => {
    const ist = 19_800_000_000;
    const r = rig({
      dailyLossLimit: 100_000,
      tradingDayOffsetUs: ist,
      monitorAction: { action: 'REDUCING' },
    });
    r.portfolio.applyFill(
      fill({ clientOrderId: 'p', tradeId: 't', instrumentId: NIFTY_FUT.id, price: 24_000, quantity: 500 }),
    );
    r.risk.monitor(); // day start: 18,400,000
    r.portfolio.mark(NIFTY_FUT.id, 23_900); // −50,000
    r.risk.monitor();
    expect(r.risk.tradingState()).toBe('ACTIVE');
    // Next IST day: the loss so far no longer counts.
    const nextDay = (Math.floor((r.clock.nowUs() + ist) / MICROS_PER_DAY) + 1) * MICROS_PER_DAY - ist;
    r.clock.advanceTo(nextDay);
    r.portfolio.mark(NIFTY_FUT.id, 23_800); // −100,000 since yesterday's start, but a new day begins here
    r.risk.monitor();
    r.portfolio.mark(NIFTY_FUT.id, 23_650); // −75,000 today
    r.risk.monitor();
    expect(r.risk.tradingState()).toBe('ACTIVE');
    r.portfolio.mark(NIFTY_FUT.id, 23_599.95); // −100,025 today
    r.risk.monitor();
    expect(r.risk.tradingState()).toBe('REDUCING');
    expect(r.riskEvents.find((e) => e.decision === 'BREACHED')).toMatchObject({
      reason: 'DAILY_LOSS_LIMIT',
      limit: 100_000,
    });
  });

  it('reports once, instead of guessing, when the account cannot be valued', () => {
    const r = rig({ maxDrawdown: 0.1 });
    const errors: string[] = [];
    const risk = new RiskEngine({
      clock: r.clock,
      instruments: r.instruments,
      orders: r.orders,
      portfolio: r.portfolio,
      gateway: r.gateway,
      limits: { maxDrawdown: 0.1 },
      onError: (e) => errors.push(e.message),
    });
    r.portfolio.applyFill(
      fill({
        clientOrderId: 'b',
        tradeId: 't',
        instrumentId: BTC_SPOT.id,
        price: 97_000,
        quantity: 0.01,
        fee: 0.00001,
        feeCurrency: 'BTC',
      }),
    );
    risk.monitor();
    risk.monitor();
    expect(errors).toEqual(['BTC: no exchange rate: drawdown and daily loss are not monitored']);
    expect(risk.tradingState()).toBe('ACTIVE');
  });
});
