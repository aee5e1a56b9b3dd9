import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RecordingGateway } from '../execution/index.js';
import type { OrderIntent } from '../schemas/index.js';
import { BTC_SPOT, fill, intent, NIFTY_FUT, RELIANCE, rig } from './fixtures.test-support.js';
import { RiskEngine } from './risk-engine.js';

describe('kill switch', () => {
  it('once HALTED, nothing but cancels reaches the gateway, under a burst of concurrent submits', async () => {
    const r = rig();
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.portfolio.mark(NIFTY_FUT.id, 24_000);
    let n = 0;
    const submitOne = (strategyId: string): void => {
      const type = n % 4;
      const orderIntent: OrderIntent = intent({
        clientOrderId: `${strategyId}-${++n}`,
        strategyId,
        instrumentId: type === 3 ? NIFTY_FUT.id : RELIANCE.id,
        quantity: type === 3 ? 25 : 1,
        price: type === 3 ? 24_000 : 2945.35,
        orderType: type === 1 ? 'MARKET' : type === 2 ? 'STOP_LIMIT' : 'LIMIT',
        ...(type === 2 ? { triggerPrice: 2945 } : {}),
        reduceOnly: false,
      });
      r.risk.submit(orderIntent);
    };
    const burst: Promise<void>[] = [];
    for (const strategyId of ['alpha', 'beta', 'gamma']) {
      for (let i = 0; i < 200; i++) {
        // Interleave microtasks, macrotasks and promise chains, as strategy callbacks would.
        burst.push(Promise.resolve().then(() => submitOne(strategyId)));
        burst.push(nextMacrotask().then(() => submitOne(strategyId)));
        queueMicrotask(() => submitOne(strategyId));
        burst.push(
          Promise.resolve()
            .then(() => undefined)
            .then(() => submitOne(strategyId)),
        );
      }
    }
    let haltedAt = -1;
    // Halt from inside the burst: after the first microtasks ran, before the macrotasks.
    burst.push(
      Promise.resolve().then(() => {
        haltedAt = r.gateway.requests.length;
        r.risk.halt({ message: 'operator' });
      }),
    );
    await Promise.all(burst);
    // And a few more stragglers from timers after everything else.
    await nextMacrotask();
    submitOne('alpha');
    r.risk.modify(intent({ clientOrderId: 'alpha-1', strategyId: 'alpha', action: 'MODIFY', quantity: 2 }));

    expect(haltedAt).toBeGreaterThan(0);
    const before = r.gateway.requests.slice(0, haltedAt);
    const after = r.gateway.requests.slice(haltedAt);
    expect(before.every((q) => q.method === 'submit')).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((q) => q.method === 'cancel' || q.method === 'cancelAll')).toBe(true);
    // Every order that reached the venue before the halt got a cancel, and one cancelAll.
    const cancelled = new Set(after.flatMap((q) => (q.method === 'cancel' ? [q.intent.clientOrderId] : [])));
    expect(cancelled).toEqual(new Set(before.map((q) => ('intent' in q ? q.intent.clientOrderId : ''))));
    expect(after.filter((q) => q.method === 'cancelAll')).toHaveLength(1);
    expect(r.orders.openOrders().every((o) => o.status === 'PENDING_CANCEL')).toBe(true);
    // Every submit after the halt was denied with TRADING_HALTED, and recorded as such.
    const denied = r.riskEvents.filter((e) => e.decision === 'DENIED');
    expect(denied.length).toBe(n - haltedAt + 1); // + the modify
    expect(denied.every((e) => e.reason === 'TRADING_HALTED' && e.tradingState === 'HALTED')).toBe(true);
    expect(r.risk.tradingState()).toBe('HALTED');
  });

  it('is re-armed only explicitly', () => {
    const r = rig();
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.risk.halt();
    r.clock.advanceBy(3_600_000_000); // time alone does not re-arm
    r.risk.observeHealth({
      kind: 'health',
      v: 1,
      tsEvent: r.clock.nowUs(),
      tsInit: r.clock.nowUs(),
      component: 'gateway:recording',
      status: 'UP',
      code: 'CONNECTED',
      message: '',
    });
    r.risk.monitor();
    expect(r.risk.submit(intent({ clientOrderId: 'x-1' })).reason).toBe('TRADING_HALTED');
    r.risk.rearm({ strategyId: 's1' }); // a strategy re-arm does not lift a global halt
    expect(r.risk.submit(intent({ clientOrderId: 'x-2' })).reason).toBe('TRADING_HALTED');
    r.risk.rearm();
    expect(r.risk.submit(intent({ clientOrderId: 'x-3' })).reason).toBe('OK');
    const changes = r.riskEvents
      .filter((e) => e.decision === 'STATE_CHANGED')
      .map((e) => [e.scope, e.reason, e.tradingState]);
    expect(changes).toEqual([
      ['GLOBAL', 'KILL_SWITCH', 'HALTED'],
      ['STRATEGY', 'REARMED', 'HALTED'],
      ['GLOBAL', 'REARMED', 'ACTIVE'],
    ]);
  });

  it('halts one strategy: cancels only its orders, others keep trading', () => {
    const r = rig();
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.risk.submit(intent({ clientOrderId: 'a-1', strategyId: 'a' }));
    r.risk.submit(intent({ clientOrderId: 'b-1', strategyId: 'b' }));
    r.risk.halt({ strategyId: 'a' });
    expect(r.risk.tradingState()).toBe('ACTIVE');
    expect(r.risk.tradingState('a')).toBe('HALTED');
    expect(r.risk.submit(intent({ clientOrderId: 'a-2', strategyId: 'a' })).reason).toBe('TRADING_HALTED');
    expect(r.risk.submit(intent({ clientOrderId: 'b-2', strategyId: 'b' })).reason).toBe('OK');
    expect(
      r.gateway.requests.map((q) => `${q.method}:${'intent' in q ? q.intent.clientOrderId : '*'}`),
    ).toEqual(['submit:a-1', 'submit:b-1', 'cancel:a-1', 'submit:b-2']);
  });

  it('flattens with reduce-only market IOC orders, then blocks everything else', () => {
    const r = rig();
    r.portfolio.mark(RELIANCE.id, 2945.35);
    r.portfolio.applyFill(fill({ clientOrderId: 'p1', tradeId: 't1', quantity: 40, strategyId: 'a' }));
    r.portfolio.applyFill(
      fill({
        clientOrderId: 'p2',
        tradeId: 't2',
        instrumentId: BTC_SPOT.id,
        side: 'SELL',
        price: 97_000,
        quantity: 0.5,
      }),
    );
    r.risk.submit(intent({ clientOrderId: 'open-1', strategyId: 'a' }));
    r.risk.halt({ flatten: true });
    const flattening = r.gateway.requests.filter((q) => q.method === 'submit' && q.intent.tag === 'flatten');
    expect(flattening.map((q) => ('intent' in q ? q.intent : undefined))).toEqual([
      expect.objectContaining({
        clientOrderId: 'flatten-1',
        strategyId: 'risk',
        instrumentId: RELIANCE.id,
        side: 'SELL',
        quantity: 40,
        orderType: 'MARKET',
        timeInForce: 'IOC',
        reduceOnly: true,
      }),
      expect.objectContaining({
        clientOrderId: 'flatten-2',
        instrumentId: BTC_SPOT.id,
        side: 'BUY',
        quantity: 0.5,
      }),
    ]);
    expect(r.gateway.requests.map((q) => q.method)).toEqual([
      'submit',
      'cancel',
      'cancelAll',
      'submit',
      'submit',
    ]);
    expect(
      r.risk.submit(intent({ clientOrderId: 'late', strategyId: 'a', side: 'SELL', reduceOnly: true }))
        .reason,
    ).toBe('TRADING_HALTED');
  });

  it('a strategy halt flattens that strategy’s own net positions', () => {
    const r = rig();
    r.portfolio.applyFill(fill({ clientOrderId: 'p1', tradeId: 't1', quantity: 7, strategyId: 'a' }));
    r.portfolio.applyFill(fill({ clientOrderId: 'p2', tradeId: 't2', quantity: 5, strategyId: 'b' }));
    r.risk.halt({ strategyId: 'a', flatten: true });
    expect(r.gateway.requests).toEqual([
      {
        method: 'submit',
        intent: expect.objectContaining({ strategyId: 'a', side: 'SELL', quantity: 7, reduceOnly: true }),
      },
    ]);
  });

  it('denies submits made re-entrantly from inside the halt’s own gateway calls', () => {
    const r = rig();
    r.portfolio.mark(RELIANCE.id, 2945.35);
    let risk: RiskEngine | undefined;
    const reentrant: string[] = [];
    class Reentrant extends RecordingGateway {
      override cancel(i: OrderIntent): void {
        super.cancel(i);
        reentrant.push(risk!.submit(intent({ clientOrderId: `re-${i.clientOrderId}` })).reason);
      }
    }
    const gateway = new Reentrant();
    risk = new RiskEngine({
      clock: r.clock,
      instruments: r.instruments,
      orders: r.orders,
      portfolio: r.portfolio,
      gateway,
    });
    risk.submit(intent({ clientOrderId: 'o-1' }));
    risk.submit(intent({ clientOrderId: 'o-2' }));
    risk.halt();
    expect(reentrant).toEqual(['TRADING_HALTED', 'TRADING_HALTED']);
    expect(gateway.requests.map((q) => q.method)).toEqual([
      'submit',
      'submit',
      'cancel',
      'cancel',
      'cancelAll',
    ]);
  });
});
