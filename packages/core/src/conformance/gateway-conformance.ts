import type { ExecutionEvent, ExecutionGateway } from '../execution/index.js';
import type { FillEvent, OrderAck, OrderIntent, OrderUpdate, SystemHealthEvent } from '../schemas/index.js';
import { CaseAsserts, type ConformanceCase, check, withFixture } from './conformance-case.js';

/** One fresh venue, its gateway and the levers a conformance case pulls on it. */
export interface GatewayFixture {
  /** The gateway under test, not connected yet. */
  readonly gateway: ExecutionGateway;
  /** An instrument the venue trades. */
  readonly instrumentId: string;
  /** An order quantity the venue accepts for it (whole lots, above any minimum). */
  readonly quantity: number;
  /** The venue's tick size for it: resting orders are placed whole ticks away from the market. */
  readonly tickSize: number;
  /**
   * Sets the venue's market for the instrument: marketable orders fill at `ask` (buys) or `bid`
   * (sells) for at least `size`, orders priced away from it rest.
   */
  setMarket(bid: number, ask: number, size: number): void | Promise<void>;
  /**
   * Lets the venue process everything in flight and deliver the outcomes through the sink: advance
   * a simulated clock, flush a fake server's queue, await a round trip.
   */
  settle(): Promise<void>;
  /** The venue's current time in epoch µs, stamped on the intents; a fixed time when omitted. */
  nowUs?(): number;
  /** Releases what the fixture holds, after each case. */
  dispose?(): Promise<void>;
}

/** What the gateway conformance suite needs: a factory of fresh fixtures, one per case. */
export interface GatewayConformanceHarness {
  /** Builds a fresh venue and gateway for one case. */
  create(): GatewayFixture | Promise<GatewayFixture>;
  /** The middle of the market the cases quote around (a multiple of the tick size); default 100. */
  readonly referencePrice?: number;
}

const STRATEGY = 'conformance';
const FIXED_TIME_US = 1_732_000_000_000_000;

/** A connected fixture that records everything its gateway reports. */
class Session {
  readonly events: ExecutionEvent[] = [];
  #seq = 0;

  readonly fixture: GatewayFixture;
  // Declared with explicit types: TypeScript only narrows through `t.check` assertions then.
  readonly t: CaseAsserts;
  readonly mid: number;

  constructor(fixture: GatewayFixture, t: CaseAsserts, mid: number) {
    this.fixture = fixture;
    this.t = t;
    this.mid = mid;
  }

  async open(): Promise<void> {
    const { fixture, mid } = this;
    await fixture.gateway.connect((event) => this.events.push(event));
    const spread = fixture.tickSize;
    await fixture.setMarket(mid - spread, mid + spread, fixture.quantity * 100);
    await fixture.settle();
  }

  now(): number {
    return this.fixture.nowUs?.() ?? FIXED_TIME_US;
  }

  nextId(): string {
    this.#seq += 1;
    return `cf-${this.#seq}`;
  }

  intent(fields: Partial<OrderIntent> & Pick<OrderIntent, 'action' | 'clientOrderId'>): OrderIntent {
    const now = this.now();
    const base: OrderIntent = {
      kind: 'orderIntent',
      v: 1,
      tsEvent: now,
      tsInit: now,
      action: fields.action,
      clientOrderId: fields.clientOrderId,
      strategyId: STRATEGY,
      instrumentId: this.fixture.instrumentId,
      side: 'BUY',
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      quantity: this.fixture.quantity,
      reduceOnly: false,
      postOnly: false,
    };
    return { ...base, ...fields };
  }

  /** A buy limit order resting `ticks` below the bid; returns its intent. */
  restingBuy(ticks = 10): OrderIntent {
    const price = roundToTick(this.mid - ticks * this.fixture.tickSize, this.fixture.tickSize);
    const intent = this.intent({ action: 'SUBMIT', clientOrderId: this.nextId(), price });
    this.fixture.gateway.submit(intent);
    return intent;
  }

  acks(clientOrderId: string, action?: OrderAck['action']): OrderAck[] {
    return this.events.filter(
      (e): e is OrderAck =>
        e.kind === 'orderAck' &&
        e.clientOrderId === clientOrderId &&
        (action === undefined || e.action === action),
    );
  }

  updates(clientOrderId: string): OrderUpdate[] {
    return this.events.filter(
      (e): e is OrderUpdate => e.kind === 'orderUpdate' && e.clientOrderId === clientOrderId,
    );
  }

  fills(clientOrderId: string): FillEvent[] {
    return this.events.filter((e): e is FillEvent => e.kind === 'fill' && e.clientOrderId === clientOrderId);
  }

  health(code: SystemHealthEvent['code']): SystemHealthEvent[] {
    return this.events.filter((e): e is SystemHealthEvent => e.kind === 'health' && e.code === code);
  }

  /** Expects exactly one ack of `action` for the order, accepted or not as `accepted` says. */
  expectAck(clientOrderId: string, action: OrderAck['action'], accepted: boolean): OrderAck {
    const acks = this.acks(clientOrderId, action);
    check(
      this.t,
      acks.length === 1,
      `expected one ${action} ack for ${clientOrderId}, got ${acks.length} (events: ${this.describe()})`,
    );
    const ack = acks[0] as OrderAck;
    check(
      this.t,
      ack.accepted === accepted,
      `expected the ${action} ack for ${clientOrderId} to have accepted: ${accepted}, got ${ack.accepted}${ack.reason === undefined ? '' : ` (${ack.reason})`}`,
    );
    return ack;
  }

  /** True when the sink confirmed the order canceled: an accepted CANCEL ack or a CANCELED update. */
  isCanceled(clientOrderId: string): boolean {
    return (
      this.acks(clientOrderId, 'CANCEL').some((a) => a.accepted) ||
      this.lastStatus(clientOrderId) === 'CANCELED'
    );
  }

  /** The status of the order's last update, if it had any. */
  lastStatus(clientOrderId: string): string | undefined {
    return this.updates(clientOrderId).at(-1)?.status;
  }

  describe(): string {
    return this.events
      .map((e) =>
        e.kind === 'health' ? `health:${e.code}` : `${e.kind}:${'clientOrderId' in e ? e.clientOrderId : ''}`,
      )
      .join(', ');
  }
}

function roundToTick(price: number, tick: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(tick)) + 2);
  return Number((Math.round(price / tick) * tick).toFixed(decimals));
}

/**
 * The conformance cases of the {@link ExecutionGateway} contract: connection health, acks for
 * submit, modify and cancel, rejections through the sink instead of exceptions, fills that add up,
 * cancel-all and reconciliation reports. Every venue adapter, and the simulated venue, runs them;
 * each case builds a fresh fixture through the harness.
 *
 * @example
 * ```ts
 * import { gatewayConformanceCases } from '@quantkubera/core/conformance';
 * import { describe, it } from 'vitest';
 *
 * describe('MyVenue gateway conformance', () => {
 *   for (const c of gatewayConformanceCases({ create: () => createFixture() })) it(c.name, c.run);
 * });
 * ```
 */
export function gatewayConformanceCases(harness: GatewayConformanceHarness): ConformanceCase[] {
  const mid = harness.referencePrice ?? 100;
  const define = (name: string, body: (s: Session) => Promise<void>): ConformanceCase => {
    const title = `gateway: ${name}`;
    return {
      name: title,
      run: () =>
        withFixture(
          () => harness.create(),
          async (fixture) => {
            const session = new Session(fixture, new CaseAsserts(title), mid);
            await session.open();
            await body(session);
            session.t.canonical(session.events);
          },
        ),
    };
  };

  return [
    define('connect reports CONNECTED and disconnect reports DISCONNECTED', async (s) => {
      check(
        s.t,
        s.health('CONNECTED').length >= 1,
        `expected a CONNECTED health event after connect, got: ${s.describe()}`,
      );
      await s.fixture.gateway.disconnect();
      check(
        s.t,
        s.health('DISCONNECTED').length >= 1,
        `expected a DISCONNECTED health event after disconnect, got: ${s.describe()}`,
      );
      const after = s.events.length;
      await s.fixture.settle();
      check(s.t, s.events.length === after, 'expected no event after disconnect() settled');
    }),

    define('a resting limit order is acknowledged and reported open', async (s) => {
      const before = s.events.length;
      const intent = s.restingBuy();
      await s.fixture.settle();
      check(s.t, s.events.length > before, 'expected the submit to produce events');
      const ack = s.expectAck(intent.clientOrderId, 'SUBMIT', true);
      check(
        s.t,
        ack.venueOrderId !== undefined,
        'expected the accepted SUBMIT ack to carry the venue order id',
      );
      check(
        s.t,
        s.fills(intent.clientOrderId).length === 0,
        'expected no fill for an order priced below the bid',
      );
      const reports = await s.fixture.gateway.orderStatusReports({ openOnly: true });
      const report = reports.find((r) => r.clientOrderId === intent.clientOrderId);
      check(s.t, report !== undefined, `expected an open order report for ${intent.clientOrderId}`);
      check(
        s.t,
        report.venueOrderId === ack.venueOrderId,
        'expected the report and the ack to agree on the venue order id',
      );
      check(
        s.t,
        report.status === 'ACCEPTED',
        `expected the report's status to be ACCEPTED, got ${report.status}`,
      );
      check(
        s.t,
        report.quantity === intent.quantity,
        `expected quantity ${intent.quantity}, got ${report.quantity}`,
      );
      check(s.t, report.filledQuantity === 0, `expected filledQuantity 0, got ${report.filledQuantity}`);
      check(s.t, report.price === intent.price, `expected price ${intent.price}, got ${report.price}`);
      check(
        s.t,
        report.side === 'BUY' && report.instrumentId === intent.instrumentId,
        'expected the side and instrument sent',
      );
    }),

    define('a marketable order fills completely, ack first, and the fills are reported', async (s) => {
      const intent = s.intent({
        action: 'SUBMIT',
        clientOrderId: s.nextId(),
        orderType: 'MARKET',
        timeInForce: 'IOC',
      });
      s.fixture.gateway.submit(intent);
      await s.fixture.settle();
      const ack = s.expectAck(intent.clientOrderId, 'SUBMIT', true);
      const fills = s.fills(intent.clientOrderId);
      check(s.t, fills.length >= 1, `expected at least one fill, got none (events: ${s.describe()})`);
      const filled = fills.reduce((sum, f) => sum + f.quantity, 0);
      check(
        s.t,
        Math.abs(filled - intent.quantity) < 1e-9,
        `expected fills to add up to ${intent.quantity}, got ${filled}`,
      );
      check(
        s.t,
        s.events.indexOf(ack) < s.events.indexOf(fills[0] as FillEvent),
        'expected the SUBMIT ack before the first fill',
      );
      for (const f of fills) {
        check(
          s.t,
          f.side === 'BUY' && f.instrumentId === intent.instrumentId,
          'expected fills on the side and instrument sent',
        );
        check(s.t, f.venueOrderId === ack.venueOrderId, 'expected fills to carry the acked venue order id');
      }
      // Order updates are optional for fills (the order manager derives FILLED from them); when a
      // gateway sends them, the last one must agree.
      const last = s.updates(intent.clientOrderId).at(-1);
      check(
        s.t,
        last === undefined ||
          (last.status === 'FILLED' && Math.abs(last.filledQuantity - intent.quantity) < 1e-9),
        `expected the last update, if any, to be FILLED with ${intent.quantity}, got ${last?.status} ${last?.filledQuantity}`,
      );
      const report = (await s.fixture.gateway.orderStatusReports({ instrumentId: intent.instrumentId })).find(
        (r) => r.clientOrderId === intent.clientOrderId,
      );
      check(s.t, report !== undefined, `expected an order report for the filled ${intent.clientOrderId}`);
      check(
        s.t,
        report.status === 'FILLED',
        `expected the report's status to be FILLED, got ${report.status}`,
      );
      check(
        s.t,
        Math.abs(report.filledQuantity - intent.quantity) < 1e-9 && report.avgFillPrice > 0,
        `expected the report to show ${intent.quantity} filled at a price, got ${report.filledQuantity} at ${report.avgFillPrice}`,
      );
      const reported = await s.fixture.gateway.fillReports({ instrumentId: intent.instrumentId });
      for (const f of fills) {
        check(
          s.t,
          reported.some((r) => r.tradeId === f.tradeId && r.clientOrderId === f.clientOrderId),
          `expected fillReports to include trade ${f.tradeId}`,
        );
      }
      const open = await s.fixture.gateway.orderStatusReports({ openOnly: true });
      check(
        s.t,
        !open.some((r) => r.clientOrderId === intent.clientOrderId),
        'expected a filled order not to be reported open',
      );
    }),

    define('cancel of an open order is confirmed by an accepted ack and a CANCELED update', async (s) => {
      const intent = s.restingBuy();
      await s.fixture.settle();
      s.expectAck(intent.clientOrderId, 'SUBMIT', true);
      s.fixture.gateway.cancel({ ...intent, action: 'CANCEL', tsEvent: s.now(), tsInit: s.now() });
      await s.fixture.settle();
      s.expectAck(intent.clientOrderId, 'CANCEL', true);
      const last = s.lastStatus(intent.clientOrderId);
      check(
        s.t,
        last === undefined || last === 'CANCELED',
        `expected the last update, if any, to be CANCELED, got ${last}`,
      );
      const report = (await s.fixture.gateway.orderStatusReports({ instrumentId: intent.instrumentId })).find(
        (r) => r.clientOrderId === intent.clientOrderId,
      );
      check(
        s.t,
        report === undefined || report.status === 'CANCELED',
        `expected a canceled order to be reported CANCELED (or no longer reported), got ${report?.status}`,
      );
      const open = await s.fixture.gateway.orderStatusReports({ openOnly: true });
      check(
        s.t,
        !open.some((r) => r.clientOrderId === intent.clientOrderId),
        'expected a canceled order not to be reported open',
      );
    }),

    define('cancel of an unknown order is rejected through the sink, not thrown', async (s) => {
      const intent = s.intent({ action: 'CANCEL', clientOrderId: 'cf-never-sent', price: s.mid });
      try {
        s.fixture.gateway.cancel(intent);
      } catch (cause) {
        check(s.t, false, `expected cancel() not to throw for an unknown order, it threw ${String(cause)}`);
      }
      await s.fixture.settle();
      s.expectAck(intent.clientOrderId, 'CANCEL', false);
    }),

    define('modify moves an open order to its new price', async (s) => {
      const intent = s.restingBuy(10);
      await s.fixture.settle();
      s.expectAck(intent.clientOrderId, 'SUBMIT', true);
      const price = roundToTick(s.mid - 20 * s.fixture.tickSize, s.fixture.tickSize);
      s.fixture.gateway.modify({ ...intent, action: 'MODIFY', price, tsEvent: s.now(), tsInit: s.now() });
      await s.fixture.settle();
      s.expectAck(intent.clientOrderId, 'MODIFY', true);
      const report = (await s.fixture.gateway.orderStatusReports({ openOnly: true })).find(
        (r) => r.clientOrderId === intent.clientOrderId,
      );
      check(s.t, report !== undefined, 'expected the modified order to be still open');
      check(
        s.t,
        report.price === price,
        `expected the report's price to be ${price} after modify, got ${report.price}`,
      );
    }),

    define('cancelAll cancels every open order of the instrument', async (s) => {
      const first = s.restingBuy(10);
      const second = s.restingBuy(12);
      await s.fixture.settle();
      s.expectAck(first.clientOrderId, 'SUBMIT', true);
      s.expectAck(second.clientOrderId, 'SUBMIT', true);
      s.fixture.gateway.cancelAll({ instrumentId: s.fixture.instrumentId });
      await s.fixture.settle();
      for (const id of [first.clientOrderId, second.clientOrderId]) {
        check(
          s.t,
          s.isCanceled(id),
          `expected ${id} to be confirmed canceled through the sink (events: ${s.describe()})`,
        );
      }
      const open = await s.fixture.gateway.orderStatusReports({
        openOnly: true,
        instrumentId: s.fixture.instrumentId,
      });
      check(s.t, open.length === 0, `expected no open order after cancelAll, got ${open.length}`);
    }),

    define('reports honour their query', async (s) => {
      const intent = s.restingBuy();
      await s.fixture.settle();
      s.expectAck(intent.clientOrderId, 'SUBMIT', true);
      const other = await s.fixture.gateway.orderStatusReports({ instrumentId: 'NOSUCH.NOWHERE' });
      check(s.t, other.length === 0, `expected no report for another instrument, got ${other.length}`);
      const mine = await s.fixture.gateway.orderStatusReports({ instrumentId: intent.instrumentId });
      check(
        s.t,
        mine.some((r) => r.clientOrderId === intent.clientOrderId),
        'expected the order in its instrument query',
      );
      const fills = await s.fixture.gateway.fillReports({ instrumentId: 'NOSUCH.NOWHERE' });
      check(s.t, fills.length === 0, `expected no fill report for another instrument, got ${fills.length}`);
    }),
  ];
}
