import { type ExecutionEvent, OrderManager, Portfolio } from '@quantkubera/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZerodhaFeeModel } from '../src/fees/index.js';
import { ProbabilisticFillModel } from '../src/fill-models/index.js';
import { RandomLatencyModel } from '../src/latency/index.js';
import type { VenueMode } from '../src/venue/index.js';
import { equity, Harness, MIN, type OrderSpec, SEC, T0 } from './support/venue-harness.js';

/**
 * The venue against core's client side: every ack, update and fill the venue sends, in the order
 * it sends them, is a transition core's order state machine accepts, races included (cancels and
 * modifies in flight while fills happen), and the client's view ends equal to the venue's.
 */
type Action =
  | { readonly a: 'md'; readonly move: number; readonly size: number }
  | { readonly a: 'submit'; readonly spec: Omit<OrderSpec, 'id'> }
  | { readonly a: 'modify'; readonly pick: number; readonly qty: number; readonly offset: number }
  | { readonly a: 'cancel'; readonly pick: number }
  | { readonly a: 'wait'; readonly us: number };

const TICK = 0.05;
const px = (ticks: number) => Math.round(ticks * TICK * 100) / 100;

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      a: fc.constant('md' as const),
      move: fc.integer({ min: -2, max: 2 }),
      size: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      a: fc.constant('submit' as const),
      spec: fc.record({
        side: fc.constantFrom('BUY' as const, 'SELL' as const),
        type: fc.constantFrom('MARKET' as const, 'LIMIT' as const, 'STOP' as const, 'STOP_LIMIT' as const),
        tif: fc.constantFrom('DAY' as const, 'GTC' as const, 'IOC' as const, 'FOK' as const),
        quantity: fc.integer({ min: 1, max: 40 }),
        price: fc.integer({ min: -3, max: 3 }),
        trigger: fc.integer({ min: 1, max: 3 }),
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      a: fc.constant('modify' as const),
      pick: fc.nat(),
      qty: fc.integer({ min: 1, max: 40 }),
      offset: fc.integer({ min: -3, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ a: fc.constant('wait' as const), us: fc.integer({ min: 0, max: 4_000 }) }),
  },
);

async function play(mode: VenueMode, seed: number, actions: readonly Action[]): Promise<void> {
  const instrument = equity();
  const instruments = new Map([[instrument.id, instrument]]);
  const h = await Harness.create({
    mode,
    seed,
    fillModel: new ProbabilisticFillModel(0.6),
    feeModel: new ZerodhaFeeModel({ equityProduct: 'intraday' }),
    latencyModel: new RandomLatencyModel({
      inbound: { type: 'uniform', minUs: 100, maxUs: 2_000 },
      ack: { type: 'uniform', minUs: 100, maxUs: 2_000 },
      fill: { type: 'uniform', minUs: 100, maxUs: 2_000 },
    }),
  });
  const orders = new OrderManager({ clock: h.clock, instruments });
  const portfolio = new Portfolio({ clock: h.clock, instruments, baseCurrency: 'INR' });
  h.onEvent = (e: ExecutionEvent) => {
    if (e.kind === 'orderAck') orders.applyAck(e);
    else if (e.kind === 'orderUpdate') orders.applyStatus(e);
    else if (e.kind === 'fill') {
      orders.applyFill(e);
      portfolio.applyFill(e);
    }
  };
  let mid = 2_000;
  let t = T0;
  const ids: string[] = [];
  for (const act of actions) {
    switch (act.a) {
      case 'md':
        mid += act.move;
        if (mode === 'BAR') {
          const open = mid - act.move;
          h.bar(t, px(open), px(Math.max(open, mid) + 1), px(Math.min(open, mid) - 1), px(mid), act.size * 5);
          t += MIN;
        } else {
          t += SEC;
          if (mode === 'L1') h.quote(t, px(mid), act.size, px(mid + 1), 301 - act.size);
          else
            h.depth(
              t,
              [
                [px(mid), act.size],
                [px(mid - 1), 200],
              ],
              [
                [px(mid + 1), 301 - act.size],
                [px(mid + 2), 200],
              ],
            );
          h.trade(
            t + 1,
            px(act.size % 2 === 0 ? mid : mid + 1),
            act.size,
            act.size % 2 === 0 ? 'SELLER' : 'BUYER',
          );
        }
        break;
      case 'submit': {
        const s = act.spec;
        const sign = s.side === 'BUY' ? 1 : -1;
        const id = `c${ids.length}`;
        const spec: OrderSpec = {
          ...s,
          id,
          price: s.type === 'LIMIT' || s.type === 'STOP_LIMIT' ? px(mid + (s.price ?? 0)) : undefined,
          trigger:
            s.type === 'STOP' || s.type === 'STOP_LIMIT'
              ? px(mid + sign * ((s.trigger ?? 1) + 1))
              : undefined,
        };
        const intent = h.intent(spec);
        orders.create(intent);
        orders.submitted(id);
        ids.push(id);
        h.venue.submit(intent);
        break;
      }
      case 'modify': {
        const id = ids[act.pick % Math.max(1, ids.length)];
        const order = id === undefined ? undefined : orders.get(id);
        const modifiable = ['ACCEPTED', 'TRIGGERED', 'PARTIALLY_FILLED'];
        if (order === undefined || !modifiable.includes(order.status)) break;
        const quantity = order.filledQuantity + act.qty;
        const intent = h.intent(
          {
            id: order.clientOrderId,
            side: order.side,
            type: order.orderType,
            tif: order.timeInForce,
            quantity,
            price: order.price === undefined ? undefined : px(mid + act.offset),
            trigger: order.triggerPrice,
          },
          'MODIFY',
        );
        orders.requestModify(intent);
        h.venue.modify(intent);
        break;
      }
      case 'cancel': {
        const id = ids[act.pick % Math.max(1, ids.length)];
        const order = id === undefined ? undefined : orders.get(id);
        if (order === undefined || !order.isOpen) break;
        orders.requestCancel(order.clientOrderId);
        h.venue.cancel(h.intent({ id: order.clientOrderId, side: order.side }, 'CANCEL'));
        break;
      }
      case 'wait':
        t += act.us;
        h.at(t);
        break;
    }
  }
  h.at(t + 10 * SEC); // everything in flight arrives
  for (const id of ids) {
    const client = orders.get(id)!;
    const venue = h.report(id);
    if (venue === undefined) {
      expect(client.status).toBe('REJECTED');
      continue;
    }
    expect([client.status, client.filledQuantity, client.quantity]).toEqual([
      venue.status,
      venue.filledQuantity,
      venue.quantity,
    ]);
  }
  expect(portfolio.position(instrument.id)?.quantity ?? 0).toBe(h.venue.position(instrument.id));
}

describe('venue events drive core OrderManager and Portfolio without error', () => {
  for (const mode of ['L1', 'L2', 'BAR'] as const) {
    it(`${mode}: random flows with latency races end with the client's view equal to the venue's`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.array(action, { minLength: 5, maxLength: 70 }),
          (seed, actions) => play(mode, seed, actions),
        ),
        { numRuns: 120 },
      );
    });
  }
});
