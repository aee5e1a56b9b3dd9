import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStateTransitionError, isQuantKuberaError, OrderError } from '../errors/index.js';
import { ORDER_STATUSES, ORDER_TYPES, type OrderIntent, type OrderStatus } from '../schemas/index.js';
import { Order } from './order.js';
import {
  ORDER_EVENT_TYPES,
  ORDER_TERMINAL_EXITS,
  ORDER_TRANSITIONS,
  type OrderEventType,
  RESUME,
  RESUME_STATUSES,
  TERMINAL_ORDER_STATUSES,
} from './order-transitions.js';

// Property tests of the order state machine over random event sequences, as the venue and the
// engine could produce them in any order: the machine must stay inside the documented table.

type Op =
  | { readonly type: Exclude<OrderEventType, 'FILL_PARTIAL' | 'FILL_COMPLETE' | 'REQUEST_UPDATE'> }
  | { readonly type: 'FILL'; readonly tradeId: string; readonly quantity: number }
  | { readonly type: 'REQUEST_UPDATE'; readonly quantity: number };

const plainEvents = ORDER_EVENT_TYPES.filter(
  (e): e is Exclude<OrderEventType, 'FILL_PARTIAL' | 'FILL_COMPLETE' | 'REQUEST_UPDATE'> =>
    e !== 'FILL_PARTIAL' && e !== 'FILL_COMPLETE' && e !== 'REQUEST_UPDATE',
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...plainEvents).map((type) => ({ type })) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('FILL' as const),
      // A small id space, so duplicate trade ids occur.
      tradeId: fc.integer({ min: 1, max: 12 }).map((n) => `t${n}`),
      quantity: fc.integer({ min: 1, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('REQUEST_UPDATE' as const),
      quantity: fc.integer({ min: 1, max: 30 }),
    }),
  },
);

const scenarioArb = fc.record({
  orderType: fc.constantFrom(...ORDER_TYPES),
  quantity: fc.integer({ min: 1, max: 20 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
});

function newOrder(orderType: (typeof ORDER_TYPES)[number], quantity: number): Order {
  const intent: OrderIntent = {
    kind: 'orderIntent',
    v: 1,
    tsEvent: 0,
    tsInit: 0,
    action: 'SUBMIT',
    clientOrderId: 'p-1',
    strategyId: 's1',
    instrumentId: 'X.NSE',
    side: 'BUY',
    orderType,
    timeInForce: 'GTC',
    quantity,
    reduceOnly: false,
    postOnly: false,
  };
  if (orderType === 'LIMIT' || orderType === 'STOP_LIMIT') intent.price = 100;
  if (orderType === 'STOP' || orderType === 'STOP_LIMIT') intent.triggerPrice = 101;
  return new Order(intent, { pricePrecision: 2, sizePrecision: 0 }, 0);
}

/** Applies one op; returns the table event it stood for. */
function apply(order: Order, op: Op, ts: number): OrderEventType {
  switch (op.type) {
    case 'FILL': {
      const event =
        order.filledUnits + op.quantity === order.quantityUnits ? 'FILL_COMPLETE' : 'FILL_PARTIAL';
      order.fill(op.tradeId, 100, op.quantity, ts);
      return event;
    }
    case 'REQUEST_UPDATE':
      order.requestUpdate({ quantity: op.quantity }, ts);
      return 'REQUEST_UPDATE';
    case 'DENY':
      order.deny('risk', ts);
      break;
    case 'SUBMIT':
      order.submit(ts);
      break;
    case 'ACCEPT':
      order.accept('v1', ts);
      break;
    case 'REJECT':
      order.reject('venue', ts);
      break;
    case 'UPDATE':
      order.update(ts);
      break;
    case 'REJECT_UPDATE':
      order.rejectUpdate('venue', ts);
      break;
    case 'REQUEST_CANCEL':
      order.requestCancel(ts);
      break;
    case 'REJECT_CANCEL':
      order.rejectCancel('venue', ts);
      break;
    case 'CANCEL':
      order.cancel(undefined, ts);
      break;
    case 'TRIGGER':
      order.trigger(ts);
      break;
    case 'EXPIRE':
      order.expire(undefined, ts);
      break;
  }
  return op.type;
}

const STATUS_SET: ReadonlySet<string> = new Set(ORDER_STATUSES);

/** A cheap assertion for the inner loop (expect() per step would dominate the run time). */
function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

interface Step {
  readonly status: OrderStatus;
  readonly filled: number;
  readonly quantity: number;
  readonly error: string | undefined;
}

function run(orderType: (typeof ORDER_TYPES)[number], quantity: number, ops: readonly Op[]): Step[] {
  const order = newOrder(orderType, quantity);
  const trace: Step[] = [];
  ops.forEach((op, i) => {
    const before = { status: order.status, filled: order.filledUnits, quantity: order.quantityUnits };
    const wasDuplicate = op.type === 'FILL' && order.hasTrade(op.tradeId);
    let error: string | undefined;
    let event: OrderEventType | undefined;
    try {
      event = apply(order, op, i + 1);
    } catch (err) {
      if (!(err instanceof InvalidStateTransitionError) && !(err instanceof OrderError)) throw err;
      error = err.code;
    }
    const after = { status: order.status, filled: order.filledUnits, quantity: order.quantityUnits };
    const where = `step ${i} ${JSON.stringify(op)} from ${before.status}`;
    // Only documented states, and filled never above quantity.
    check(STATUS_SET.has(after.status), `${where}: undocumented state ${after.status}`);
    check(after.filled <= after.quantity, `${where}: filled ${after.filled} > quantity ${after.quantity}`);
    check((after.filled === after.quantity) === (after.status === 'FILLED'), `${where}: FILLED iff complete`);
    if (error !== undefined || wasDuplicate) {
      // A refused or duplicate event changes nothing.
      check(
        after.status === before.status &&
          after.filled === before.filled &&
          after.quantity === before.quantity,
        `${where}: refused event changed the order`,
      );
      if (error === 'INVALID_STATE_TRANSITION') {
        const tried = op.type === 'FILL' ? undefined : op.type;
        check(
          tried === undefined || ORDER_TRANSITIONS[before.status][tried] === undefined,
          `${where}: refused an allowed event`,
        );
      }
    } else if (event !== undefined) {
      const target = ORDER_TRANSITIONS[before.status][event];
      check(target !== undefined, `${where}: took an event absent from the table`);
      if (target === RESUME)
        check(RESUME_STATUSES.has(after.status), `${where}: RESUME reached ${after.status}`);
      else check(after.status === target, `${where}: reached ${after.status}, table says ${target}`);
      if (TERMINAL_ORDER_STATUSES.has(before.status) && after.status !== before.status) {
        check(
          ORDER_TERMINAL_EXITS.some(
            (x) => x.from === before.status && x.event === event && x.to === after.status,
          ),
          `${where}: left terminal state to ${after.status}`,
        );
      }
    }
    trace.push({ ...after, error });
  });
  return trace;
}

describe('order state machine (property)', () => {
  it('stays inside the table over 10,000 random event sequences, and replays identically', () => {
    fc.assert(
      fc.property(scenarioArb, ({ orderType, quantity, ops }) => {
        const first = run(orderType, quantity, ops);
        const second = run(orderType, quantity, ops);
        expect(second).toEqual(first);
      }),
      { numRuns: 10_000, seed: 0x5eed },
    );
  });

  it('reaches every state from INITIALIZED', () => {
    const seen = new Set<OrderStatus>(['INITIALIZED']);
    const frontier: OrderStatus[] = ['INITIALIZED'];
    while (frontier.length > 0) {
      const status = frontier.pop()!;
      for (const target of Object.values(ORDER_TRANSITIONS[status])) {
        const targets = target === RESUME ? [...RESUME_STATUSES] : [target];
        for (const t of targets) {
          if (!seen.has(t)) {
            seen.add(t);
            frontier.push(t);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it('has a row for every state and only known targets', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const row of Object.values(ORDER_TRANSITIONS)) {
      for (const [event, target] of Object.entries(row)) {
        expect(ORDER_EVENT_TYPES).toContain(event);
        expect(target === RESUME || (ORDER_STATUSES as readonly string[]).includes(target)).toBe(true);
      }
    }
  });

  it('keeps terminal states absorbing except the documented exits', () => {
    for (const from of TERMINAL_ORDER_STATUSES) {
      for (const [event, to] of Object.entries(ORDER_TRANSITIONS[from])) {
        if (to === from) continue;
        expect(ORDER_TERMINAL_EXITS).toContainEqual({ from, event, to });
      }
    }
  });

  it('raises a typed error naming the order, state and event', () => {
    const order = newOrder('LIMIT', 5);
    const err = (() => {
      try {
        order.accept('v', 1);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InvalidStateTransitionError);
    expect(isQuantKuberaError(err) && err.code).toBe('INVALID_STATE_TRANSITION');
    expect((err as InvalidStateTransitionError).message).toBe(
      'order p-1: ACCEPT is not allowed in state INITIALIZED',
    );
    expect(order.status).toBe('INITIALIZED');
  });

  it('is the table docs/orders.md shows', () => {
    const doc = readFileSync(new URL('../../../../docs/orders.md', import.meta.url), 'utf8');
    const shown = /<!-- transitions:start -->\n([\s\S]*?)\n<!-- transitions:end -->/.exec(doc)?.[1];
    const header = ['state \\ event', ...ORDER_EVENT_TYPES];
    const rows = ORDER_STATUSES.map((s) => [
      s,
      ...ORDER_EVENT_TYPES.map((e) => ORDER_TRANSITIONS[s][e] ?? '·'),
    ]);
    const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
    expect(shown).toBe(table);
  });
});
