import { describe, expect, it } from 'vitest';
import { AccountingError, InvalidStateTransitionError, OrderError } from '../errors/index.js';
import { BTC_SPOT, intent, RELIANCE } from '../risk/fixtures.test-support.js';
import { OrderUpdateSchema } from '../schemas/index.js';
import { Order } from './order.js';

function working(quantity = 10): Order {
  const order = new Order(intent({ clientOrderId: 'o-1', quantity }), RELIANCE, 1);
  order.submit(2);
  order.accept('v-1', 3);
  return order;
}

describe('Order', () => {
  it('walks the happy path and reports a valid OrderUpdate', () => {
    const order = working();
    expect(order.status).toBe('ACCEPTED');
    expect(order.fill('t1', 2945.35, 4, 4)).toBe(true);
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(order.fill('t2', 2945.45, 6, 5)).toBe(true);
    expect(order.status).toBe('FILLED');
    expect(order.filledQuantity).toBe(10);
    // (4 × 2945.35 + 6 × 2945.45) / 10, exactly
    expect(order.avgFillPrice).toBe(2945.41);
    const update = order.toUpdate(5, 6);
    expect(OrderUpdateSchema.parse(update)).toEqual(update);
    expect(update).toMatchObject({ status: 'FILLED', venueOrderId: 'v-1', filledQuantity: 10 });
  });

  it('counts quantities exactly at the size precision (no float drift)', () => {
    const order = new Order(
      intent({ clientOrderId: 'b-1', instrumentId: BTC_SPOT.id, quantity: 0.3, price: 97000 }),
      BTC_SPOT,
      1,
    );
    order.submit(2);
    order.fill('t1', 97000, 0.1, 3);
    order.fill('t2', 97000, 0.2, 4); // 0.1 + 0.2 !== 0.3 in doubles, but 10000 + 20000 units === 30000
    expect(order.status).toBe('FILLED');
    expect(order.filledQuantity).toBe(0.3);
  });

  it('implied acceptance: fills and cancels may arrive before the ack; the late ack is absorbed', () => {
    const order = new Order(intent({ clientOrderId: 'o-2', quantity: 5 }), RELIANCE, 1);
    order.submit(2);
    order.fill('t1', 2945.35, 5, 3);
    expect(order.status).toBe('FILLED');
    expect(order.accept('v-2', 4)).toBe(true); // learns the venue id
    expect(order.status).toBe('FILLED');
    expect(order.accept('v-2', 5)).toBe(false);
  });

  it('cancel before ack, then the submission is rejected', () => {
    const order = new Order(intent({ clientOrderId: 'o-3' }), RELIANCE, 1);
    order.submit(2);
    order.requestCancel(3);
    expect(order.status).toBe('PENDING_CANCEL');
    order.reject('insufficient funds', 4);
    expect(order.status).toBe('REJECTED');
    expect(order.reason).toBe('insufficient funds');
  });

  it('fill after a cancel request: partial keeps PENDING_CANCEL, then the cancel lands with the fill kept', () => {
    const order = working(10);
    order.requestCancel(4);
    order.fill('t1', 2945.35, 3, 5);
    expect(order.status).toBe('PENDING_CANCEL');
    order.cancel('user', 6);
    expect(order.status).toBe('CANCELED');
    expect(order.filledQuantity).toBe(3);
  });

  it('fill after a cancel request that completes the order: FILLED, and the late cancel reject is absorbed', () => {
    const order = working(10);
    order.requestCancel(4);
    order.fill('t1', 2945.35, 10, 5);
    expect(order.status).toBe('FILLED');
    expect(order.rejectCancel('too late to cancel', 6)).toBe(false);
    expect(order.status).toBe('FILLED');
    expect(() => order.cancel(undefined, 7)).toThrow(InvalidStateTransitionError);
  });

  it('cancel rejected: the order resumes its working state', () => {
    const order = working(10);
    order.fill('t1', 2945.35, 2, 4);
    order.requestCancel(5);
    order.rejectCancel('unknown order', 6);
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(order.cancelPending).toBe(false);
  });

  it('update racing a fill: fills during PENDING_UPDATE are kept and the update applies', () => {
    const order = working(10);
    order.requestUpdate({ quantity: 20, price: 2946 }, 4);
    expect(order.status).toBe('PENDING_UPDATE');
    order.fill('t1', 2945.35, 6, 5);
    expect(order.status).toBe('PENDING_UPDATE');
    order.update(6);
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(order.quantity).toBe(20);
    expect(order.price).toBe(2946);
  });

  it('update racing a fill: a reduction to what already filled resolves to FILLED', () => {
    const order = working(10);
    order.requestUpdate({ quantity: 6 }, 4);
    order.fill('t1', 2945.35, 6, 5); // the venue filled 6 before applying the reduction
    expect(order.status).toBe('PENDING_UPDATE');
    order.update(6);
    expect(order.status).toBe('FILLED');
    expect(order.quantity).toBe(6);
  });

  it('a completing fill during PENDING_UPDATE wins; the late update is absorbed without applying', () => {
    const order = working(10);
    order.requestUpdate({ quantity: 15 }, 4);
    order.fill('t1', 2945.35, 10, 5);
    expect(order.status).toBe('FILLED');
    expect(order.update(6)).toBe(false);
    expect(order.quantity).toBe(10);
  });

  it('modify rejected: the order keeps its values', () => {
    const order = working(10);
    order.requestUpdate({ quantity: 12, price: 2950 }, 4);
    order.rejectUpdate('price out of band', 5);
    expect(order.status).toBe('ACCEPTED');
    expect(order.quantity).toBe(10);
    expect(order.price).toBe(2945.35);
  });

  it('cancel while a modify is pending, then the modify answer arrives', () => {
    const order = working(10);
    order.requestUpdate({ quantity: 12 }, 4);
    order.requestCancel(5);
    expect(order.status).toBe('PENDING_CANCEL');
    order.update(6);
    expect(order.status).toBe('PENDING_CANCEL');
    expect(order.quantity).toBe(12);
    order.rejectCancel('no', 7);
    expect(order.status).toBe('ACCEPTED');
  });

  it('late fill after CANCELED: partial stays CANCELED, completing moves to FILLED', () => {
    const partial = working(10);
    partial.cancel(undefined, 4);
    expect(partial.fill('t1', 2945.35, 4, 5)).toBe(true);
    expect(partial.status).toBe('CANCELED');
    expect(partial.filledQuantity).toBe(4);
    expect(partial.leavesQuantity).toBe(0);

    const complete = working(10);
    complete.expire('DAY', 4);
    complete.fill('t1', 2945.35, 10, 5);
    expect(complete.status).toBe('FILLED');
  });

  it('stop orders trigger, then fill', () => {
    const order = new Order(
      intent({
        clientOrderId: 's-1',
        orderType: 'STOP_LIMIT',
        price: 2900,
        triggerPrice: 2905,
        side: 'SELL',
      }),
      RELIANCE,
      1,
    );
    order.submit(2);
    order.accept('v', 3);
    order.trigger(4);
    expect(order.status).toBe('TRIGGERED');
    expect(order.trigger(5)).toBe(false);
    order.requestCancel(6);
    order.rejectCancel('x', 7);
    expect(order.status).toBe('TRIGGERED');
  });

  it('absorbs duplicate fills by trade id', () => {
    const order = working(10);
    expect(order.fill('t1', 2945.35, 4, 4)).toBe(true);
    expect(order.fill('t1', 2945.35, 4, 5)).toBe(false);
    expect(order.filledQuantity).toBe(4);
    // The first trade id and later ones are remembered apart: each is still absorbed.
    expect(order.fill('t2', 2945.35, 3, 6)).toBe(true);
    expect(order.fill('t3', 2945.35, 1, 7)).toBe(true);
    for (const id of ['t1', 't2', 't3']) {
      expect(order.hasTrade(id)).toBe(true);
      expect(order.fill(id, 2945.35, 1, 8)).toBe(false);
    }
    expect(order.hasTrade('t4')).toBe(false);
    expect(order.filledQuantity).toBe(8);
  });

  it('refuses an overfill and changes nothing', () => {
    const order = working(10);
    order.fill('t1', 2945.35, 8, 4);
    expect(() => order.fill('t2', 2945.35, 3, 5)).toThrow(OrderError);
    try {
      order.fill('t2', 2945.35, 3, 5);
    } catch (err) {
      expect((err as OrderError).code).toBe('ORDER_OVERFILL');
    }
    expect(order.filledQuantity).toBe(8);
    expect(order.status).toBe('PARTIALLY_FILLED');
  });

  it('refuses quantities and prices finer than the instrument precision', () => {
    expect(() => new Order(intent({ clientOrderId: 'x', quantity: 1.5 }), RELIANCE, 1)).toThrow(OrderError);
    const order = working(10);
    expect(() => order.fill('t1', 2945.355, 1, 4)).toThrow(AccountingError);
    expect(() => order.fill('t1', 2945.35, 0.5, 4)).toThrow(OrderError);
    expect(order.filledQuantity).toBe(0);
  });

  it('refuses a modify at or below the filled quantity, or of a price the type does not use', () => {
    const order = working(10);
    order.fill('t1', 2945.35, 4, 4);
    expect(() => order.requestUpdate({ quantity: 4 }, 5)).toThrow(/must exceed the filled quantity/);
    const market = new Order(intent({ clientOrderId: 'm', orderType: 'MARKET' }), RELIANCE, 1);
    market.submit(2);
    market.accept(undefined, 3);
    expect(() => market.requestUpdate({ quantity: 2, price: 100 }, 4)).toThrow(/cannot modify that price/);
    expect(market.status).toBe('ACCEPTED');
  });

  it('builds a cancel intent from its own fields', () => {
    const order = working(10);
    const cancel = order.toIntent('CANCEL', 9, 9);
    expect(cancel).toMatchObject({ action: 'CANCEL', clientOrderId: 'o-1', quantity: 10, price: 2945.35 });
  });
});
