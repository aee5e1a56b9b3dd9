import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock/index.js';
import { InvalidStateTransitionError, OrderError } from '../errors/index.js';
import { ack, fill, instrumentMap, intent, NIFTY_FUT, RELIANCE, T0 } from '../risk/fixtures.test-support.js';
import { type OrderUpdate, OrderUpdateSchema } from '../schemas/index.js';
import { OrderManager } from './order-manager.js';

function manager(): { orders: OrderManager; updates: OrderUpdate[]; clock: SimClock } {
  const clock = new SimClock(T0);
  const updates: OrderUpdate[] = [];
  const orders = new OrderManager({ clock, instruments: instrumentMap(), onUpdate: (u) => updates.push(u) });
  return { orders, updates, clock };
}

describe('OrderManager', () => {
  it('tracks an order from create to fill and emits valid updates', () => {
    const { orders, updates } = manager();
    orders.create(intent({ clientOrderId: 'a-1', quantity: 10 }));
    expect(orders.openCount()).toBe(0); // INITIALIZED is not yet at the venue
    orders.submitted('a-1');
    expect(orders.openCount()).toBe(1);
    expect(orders.applyAck(ack({ clientOrderId: 'a-1', venueOrderId: 'V1' }))).toBe('changed');
    expect(orders.getByVenueId('V1')?.clientOrderId).toBe('a-1');
    expect(orders.applyFill(fill({ clientOrderId: 'a-1', tradeId: 'T1', quantity: 4 }))).toBe('changed');
    expect(orders.openTotals(RELIANCE.id)).toMatchObject({ count: 1, buyQuantity: 6, sellQuantity: 0 });
    expect(orders.applyFill(fill({ clientOrderId: 'a-1', tradeId: 'T1', quantity: 4 }))).toBe('duplicate');
    expect(orders.applyFill(fill({ clientOrderId: 'a-1', tradeId: 'T2', quantity: 6 }))).toBe('changed');
    expect(orders.openCount()).toBe(0);
    expect(orders.openTotals(RELIANCE.id)).toMatchObject({ count: 0, buyQuantity: 0 });
    expect(updates.map((u) => u.status)).toEqual(['SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'FILLED']);
    for (const u of updates) expect(OrderUpdateSchema.safeParse(u).success).toBe(true);
    expect(orders.stats).toEqual({ created: 1, updates: 4, duplicateFills: 1, ignored: 0 });
  });

  it('finds orders by venue id when the venue echoes only its own id', () => {
    const { orders } = manager();
    orders.create(intent({ clientOrderId: 'a-1' }));
    orders.submitted('a-1');
    orders.applyAck(ack({ clientOrderId: 'a-1', venueOrderId: 'V9' }));
    expect(
      orders.applyStatus({
        ...orders.get('a-1')!.toUpdate(T0, T0),
        clientOrderId: 'unknown',
        status: 'CANCELED',
      }),
    ).toBe('changed');
    expect(orders.get('a-1')?.status).toBe('CANCELED');
  });

  it('maps MODIFY and CANCEL acks', () => {
    const { orders } = manager();
    orders.create(intent({ clientOrderId: 'a-1', quantity: 10 }));
    orders.submitted('a-1');
    orders.applyAck(ack({ clientOrderId: 'a-1' }));
    orders.requestModify(intent({ clientOrderId: 'a-1', action: 'MODIFY', quantity: 12, price: 2946 }));
    orders.applyAck(ack({ clientOrderId: 'a-1', action: 'MODIFY' }));
    expect(orders.get('a-1')).toMatchObject({ status: 'ACCEPTED', quantity: 12, price: 2946 });
    expect(orders.openTotals(RELIANCE.id).buyQuantity).toBe(12);
    orders.requestCancel('a-1');
    orders.applyAck(ack({ clientOrderId: 'a-1', action: 'CANCEL', accepted: false, reason: 'busy' }));
    expect(orders.get('a-1')?.status).toBe('ACCEPTED');
    orders.requestCancel('a-1');
    orders.applyAck(ack({ clientOrderId: 'a-1', action: 'CANCEL' }));
    expect(orders.get('a-1')?.status).toBe('CANCELED');
    expect(orders.applyAck(ack({ clientOrderId: 'a-1', action: 'CANCEL' }))).toBe('unchanged');
  });

  it('ignores venue statuses that only mirror fills, but records the venue id', () => {
    const { orders } = manager();
    orders.create(intent({ clientOrderId: 'a-1' }));
    orders.submitted('a-1');
    const update = orders.get('a-1')!.toUpdate(T0, T0);
    expect(orders.applyStatus({ ...update, status: 'PARTIALLY_FILLED' })).toBe('ignored');
    expect(orders.applyStatus({ ...update, status: 'FILLED', venueOrderId: 'V2' })).toBe('changed');
    expect(orders.get('a-1')?.venueOrderId).toBe('V2');
    expect(orders.applyStatus({ ...update, status: 'TRIGGERED' })).toBe('changed');
    expect(orders.stats.ignored).toBe(1);
  });

  it('refuses unknown, duplicate, mismatched and invalid requests with typed errors', () => {
    const { orders } = manager();
    orders.create(intent({ clientOrderId: 'a-1' }));
    expect(() => orders.create(intent({ clientOrderId: 'a-1' }))).toThrow(OrderError);
    expect(() => orders.create(intent({ clientOrderId: 'a-2', instrumentId: 'NOPE.NSE' }))).toThrow(
      /unknown instrument/,
    );
    expect(() => orders.create(intent({ clientOrderId: 'a-3', action: 'CANCEL' }))).toThrow(/SUBMIT/);
    expect(() => orders.applyAck(ack({ clientOrderId: 'zz', venueOrderId: 'nope' }))).toThrow(/not tracked/);
    expect(() => orders.applyAck(ack({ clientOrderId: 'a-1' }))).toThrow(InvalidStateTransitionError);
    orders.submitted('a-1');
    expect(() => orders.applyFill(fill({ clientOrderId: 'a-1', tradeId: 'T', side: 'SELL' }))).toThrow(
      /the order is BUY/,
    );
    expect(() =>
      orders.requestModify(intent({ clientOrderId: 'a-1', action: 'MODIFY', instrumentId: NIFTY_FUT.id })),
    ).toThrow(/cannot change the instrument/);
    expect(orders.get('a-1')?.status).toBe('SUBMITTED');
  });

  it('purges closed orders older than a cut-off', () => {
    const { orders, clock } = manager();
    orders.create(intent({ clientOrderId: 'a-1' }));
    orders.deny('a-1', 'risk');
    orders.create(intent({ clientOrderId: 'a-2' }));
    orders.submitted('a-2');
    clock.advanceBy(10);
    expect(orders.purge(clock.nowUs())).toBe(1);
    expect(orders.get('a-1')).toBeUndefined();
    expect(orders.get('a-2')?.status).toBe('SUBMITTED');
  });

  it('keeps the most recently closed orders within retainClosed, and every open order', () => {
    const clock = new SimClock(T0);
    const orders = new OrderManager({ clock, instruments: instrumentMap(), retainClosed: 2 });
    const open = (id: string, venueId: string) => {
      orders.create(intent({ clientOrderId: id, quantity: 10 }));
      orders.submitted(id);
      orders.applyAck(ack({ clientOrderId: id, venueOrderId: venueId }));
    };
    open('o-1', 'V1');
    open('o-2', 'V2');
    open('keep', 'VK');
    orders.create(intent({ clientOrderId: 'd-1' }));
    orders.deny('d-1', 'risk'); // closed without ever opening: counts as closed
    orders.applyFill(fill({ clientOrderId: 'o-1', tradeId: 'T1', quantity: 10 }));
    expect(orders.get('d-1')?.status).toBe('DENIED');
    orders.applyFill(fill({ clientOrderId: 'o-2', tradeId: 'T2', quantity: 10 }));
    // Three closed (d-1, o-1, o-2): the first to close is forgotten, by both ids.
    expect(orders.get('d-1')).toBeUndefined();
    expect(orders.get('o-1')?.status).toBe('FILLED');
    expect(orders.get('o-2')?.status).toBe('FILLED');
    expect(orders.get('keep')?.status).toBe('ACCEPTED');
    open('o-3', 'V3');
    orders.applyFill(fill({ clientOrderId: 'o-3', tradeId: 'T3', quantity: 10 }));
    expect(orders.get('o-1')).toBeUndefined();
    expect(orders.getByVenueId('V1')).toBeUndefined();
    expect(orders.getByVenueId('V2')?.clientOrderId).toBe('o-2');
    expect([...orders.orders()].map((o) => o.clientOrderId)).toEqual(['o-2', 'keep', 'o-3']);
    // A late message for a forgotten order is an error, not a silent change.
    expect(() => orders.applyFill(fill({ clientOrderId: 'o-1', tradeId: 'T1', quantity: 10 }))).toThrow(
      /not tracked/,
    );
    expect(orders.openCount()).toBe(1);
  });

  it('refuses a retention that is not a whole number', () => {
    const clock = new SimClock(T0);
    for (const retainClosed of [-1, 1.5, Number.NaN]) {
      expect(() => new OrderManager({ clock, instruments: instrumentMap(), retainClosed })).toThrow(
        /retainClosed/,
      );
    }
  });

  it('keeps open totals equal to a recount over random request/answer sequences', () => {
    const step = fc.record({
      order: fc.integer({ min: 0, max: 5 }),
      what: fc.constantFrom('submit', 'ack', 'reject', 'fill', 'cancel', 'cancelAck', 'modify', 'modifyAck'),
      qty: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { orders } = manager();
        let trade = 0;
        for (const s of steps) {
          const id = `p-${s.order}`;
          const side = s.order % 2 === 0 ? 'BUY' : 'SELL';
          try {
            switch (s.what) {
              case 'submit':
                orders.create(intent({ clientOrderId: id, side, quantity: 4 + s.order }));
                orders.submitted(id);
                break;
              case 'ack':
                orders.applyAck(ack({ clientOrderId: id }));
                break;
              case 'reject':
                orders.applyAck(ack({ clientOrderId: id, accepted: false }));
                break;
              case 'fill':
                orders.applyFill(fill({ clientOrderId: id, side, tradeId: `t${trade++}`, quantity: s.qty }));
                break;
              case 'cancel':
                orders.requestCancel(id);
                break;
              case 'cancelAck':
                orders.applyAck(ack({ clientOrderId: id, action: 'CANCEL' }));
                break;
              case 'modify':
                orders.requestModify(
                  intent({ clientOrderId: id, action: 'MODIFY', side, quantity: 6 + s.qty }),
                );
                break;
              case 'modifyAck':
                orders.applyAck(ack({ clientOrderId: id, action: 'MODIFY' }));
                break;
            }
          } catch (err) {
            if (!(err instanceof OrderError) && !(err instanceof InvalidStateTransitionError)) throw err;
          }
        }
        const open = [...orders.orders()].filter((o) => o.isOpen);
        const totals = orders.openTotals(RELIANCE.id);
        expect(orders.openCount()).toBe(open.length);
        expect(orders.openCount('s1')).toBe(open.length);
        expect(totals.count).toBe(open.length);
        const leaves = (side: string) =>
          open.filter((o) => o.side === side).reduce((sum, o) => sum + o.quantity - o.filledQuantity, 0);
        expect(totals.buyQuantity).toBe(leaves('BUY'));
        expect(totals.sellQuantity).toBe(leaves('SELL'));
        expect(orders.openOrders().map((o) => o.clientOrderId)).toEqual(open.map((o) => o.clientOrderId));
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
