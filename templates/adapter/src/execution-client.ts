import {
  type CancelAllFilter,
  type Clock,
  type ExecutionEvent,
  type ExecutionEventSink,
  type ExecutionGateway,
  type FillEvent,
  InvalidArgumentError,
  type OrderAck,
  type OrderIntent,
  type OrderStatusReport,
  QuantKuberaError,
  type ReportQuery,
} from '@quantkubera/core';
import { VENUE_CODE } from './constants.js';
import { healthEvent } from './health.js';
import type { RestClient, VenueResult } from './http/index.js';
import type { InstrumentProvider } from './instrument-provider.js';
import { parseFill, parseOrderReport, parseOrderStatus, toPlaceOrder } from './parse.js';
import type { OrderWire, StreamMessage } from './schemas/index.js';
import type { StreamClient } from './ws/index.js';

/** Options of an {@link ExecutionClient}. */
export interface ExecutionClientOptions {
  /** Names the gateway in health events and logs. */
  readonly id: string;
  /** The venue's REST API, for orders and reconciliation. */
  readonly rest: RestClient;
  /** The venue's private stream: order changes and executions. */
  readonly stream: StreamClient;
  /** Maps instrument ids and venue symbols. */
  readonly instruments: InstrumentProvider;
  /** Stamps events. */
  readonly clock: Clock;
}

/** Orders placed elsewhere (the venue's web UI) have no strategy: their fills are booked to this one. */
const EXTERNAL_STRATEGY = 'external';

/**
 * The venue as an {@link ExecutionGateway}: requests go out over REST in the order they were made,
 * acks come from the REST answers, executions and cancellations from the private stream.
 *
 * The stream can report a fill before the REST answer to its order arrives; such messages wait
 * until the order's ack has been delivered, so the kernel always sees the ack first.
 */
export class ExecutionClient implements ExecutionGateway {
  /** Names the gateway in health events. */
  readonly id: string;
  readonly #options: ExecutionClientOptions;
  /** The strategy of each order this process placed. */
  readonly #strategies = new Map<string, string>();
  /** Orders whose SUBMIT ack is not delivered yet, with the stream messages that came early. */
  readonly #early = new Map<string, StreamMessage[]>();
  /** Orders already reported closed, so a stream echo of our own cancel is not reported twice. */
  readonly #closed = new Set<string>();
  /** Serialises requests: the venue sees them in the order the kernel made them. */
  #queue: Promise<void> = Promise.resolve();
  #sink: ExecutionEventSink | undefined;

  constructor(options: ExecutionClientOptions) {
    this.id = options.id;
    this.#options = options;
  }

  /** Opens the private stream and reports CONNECTED. */
  async connect(sink: ExecutionEventSink): Promise<void> {
    this.#sink = sink;
    await this.#options.stream.open(
      (message) => this.#onMessage(message),
      (error) =>
        this.#emit(
          healthEvent(`gateway:${this.id}`, 'MALFORMED_MESSAGE', error.message.slice(0, 1024), this.#now()),
        ),
    );
    this.#emit(healthEvent(`gateway:${this.id}`, 'CONNECTED', `${VENUE_CODE} session open`, this.#now()));
  }

  /** Reports DISCONNECTED and closes the stream; answers still in flight are dropped. */
  async disconnect(): Promise<void> {
    if (this.#sink === undefined) return;
    this.#emit(
      healthEvent(`gateway:${this.id}`, 'DISCONNECTED', `${VENUE_CODE} session closed`, this.#now()),
    );
    this.#sink = undefined;
    await this.#options.stream.close();
  }

  /** Places a new order; the ack comes back through the sink. */
  submit(intent: OrderIntent): void {
    this.#check('submit', intent, 'SUBMIT');
    this.#strategies.set(intent.clientOrderId, intent.strategyId);
    this.#early.set(intent.clientOrderId, []);
    this.#enqueue(intent, async (symbol) => {
      const order = toPlaceOrder(intent, symbol);
      if (typeof order === 'string') return { ok: false, reason: order };
      return this.#options.rest.placeOrder(order);
    });
  }

  /** Changes an open order's price and quantity. */
  modify(intent: OrderIntent): void {
    this.#check('modify', intent, 'MODIFY');
    this.#enqueue(intent, () =>
      this.#options.rest.amendOrder(intent.clientOrderId, {
        qty: String(intent.quantity),
        ...(intent.price === undefined ? {} : { price: String(intent.price) }),
      }),
    );
  }

  /** Cancels one order; an accepted CANCEL ack confirms it is canceled. */
  cancel(intent: OrderIntent): void {
    this.#check('cancel', intent, 'CANCEL');
    this.#enqueue(intent, () => this.#options.rest.cancelOrder(intent.clientOrderId));
  }

  /** Cancels every matching open order at the venue; each is confirmed by a CANCELED update. */
  cancelAll(filter: CancelAllFilter = {}): void {
    this.#requireConnected('cancelAll');
    this.#queue = this.#queue.then(async () => {
      try {
        const symbol =
          filter.instrumentId === undefined
            ? undefined
            : this.#options.instruments.symbolOf(filter.instrumentId);
        const canceled = await this.#options.rest.cancelAll({
          ...(symbol === undefined ? {} : { symbol }),
          ...(filter.side === undefined ? {} : { side: filter.side === 'BUY' ? 'buy' : 'sell' }),
        });
        for (const order of canceled) this.#onOrder(order);
      } catch (cause) {
        this.#emit(
          healthEvent(
            `gateway:${this.id}`,
            'HANDLER_ERROR',
            `cancelAll failed: ${String(cause)}`,
            this.#now(),
          ),
        );
      }
    });
  }

  /** The venue's orders, for reconciliation. */
  async orderStatusReports(query: ReportQuery = {}): Promise<OrderStatusReport[]> {
    const now = this.#now();
    const reports: OrderStatusReport[] = [];
    for (const order of await this.#options.rest.orders()) {
      const instrumentId = this.#options.instruments.idOf(order.symbol);
      if (instrumentId === undefined) continue;
      const report = parseOrderReport(order, instrumentId, now);
      if (query.instrumentId !== undefined && report.instrumentId !== query.instrumentId) continue;
      if (query.openOnly === true && !OPEN.has(report.status)) continue;
      if (query.sinceUs !== undefined && report.tsLastUpdate < query.sinceUs) continue;
      reports.push(report);
    }
    return reports;
  }

  /** The venue's executions, for reconciliation. */
  async fillReports(query: ReportQuery = {}): Promise<FillEvent[]> {
    const now = this.#now();
    const fills: FillEvent[] = [];
    for (const trade of await this.#options.rest.trades()) {
      const instrumentId = this.#options.instruments.idOf(trade.symbol);
      if (instrumentId === undefined) continue;
      const fill = parseFill(trade, instrumentId, this.#strategyOf(trade.clientId), now);
      if (query.instrumentId !== undefined && fill.instrumentId !== query.instrumentId) continue;
      if (query.sinceUs !== undefined && fill.tsEvent < query.sinceUs) continue;
      fills.push(fill);
    }
    return fills;
  }

  #check(method: string, intent: OrderIntent, action: OrderIntent['action']): void {
    if (intent.action !== action)
      throw new InvalidArgumentError(`${method} intent.action`, intent.action, action);
    this.#requireConnected(method);
  }

  #requireConnected(method: string): void {
    if (this.#sink === undefined) {
      throw new QuantKuberaError('GATEWAY_NOT_CONNECTED', `${this.id}: ${method} called before connect()`);
    }
  }

  /** Sends one request after the ones before it; its answer, or its failure, becomes the ack. */
  #enqueue(intent: OrderIntent, send: (symbol: string) => Promise<VenueResult<OrderWire>>): void {
    this.#queue = this.#queue.then(async () => {
      let result: VenueResult<OrderWire>;
      try {
        result = await send(this.#options.instruments.symbolOf(intent.instrumentId));
      } catch (cause) {
        // No answer: the request may or may not have reached the venue. Reject it here and let
        // reconciliation (orderStatusReports) find an order that did get through.
        result = {
          ok: false,
          reason: `no answer from ${VENUE_CODE}: ${cause instanceof Error ? cause.message : String(cause)}`,
        };
      }
      this.#ack(intent, result);
    });
  }

  #ack(intent: OrderIntent, result: VenueResult<OrderWire>): void {
    const now = this.#now();
    const ack: OrderAck = {
      kind: 'orderAck',
      v: 1,
      tsEvent: result.ok ? result.value.updatedAt * 1_000 : now,
      tsInit: now,
      action: intent.action,
      clientOrderId: intent.clientOrderId,
      strategyId: intent.strategyId,
      instrumentId: intent.instrumentId,
      accepted: result.ok,
      ...(result.ok ? { venueOrderId: result.value.orderId } : { reason: result.reason.slice(0, 1024) }),
    };
    if (intent.action === 'CANCEL' && result.ok) this.#closed.add(intent.clientOrderId);
    this.#emit(ack);
    const early = this.#early.get(intent.clientOrderId);
    if (intent.action === 'SUBMIT' && early !== undefined) {
      this.#early.delete(intent.clientOrderId);
      for (const message of early) this.#onMessage(message);
    }
  }

  #onMessage(message: StreamMessage): void {
    if (message.channel !== 'orders' && message.channel !== 'fills') return;
    const clientId = message.channel === 'orders' ? message.order.clientId : message.fill.clientId;
    const early = this.#early.get(clientId);
    if (early !== undefined) {
      early.push(message);
      return;
    }
    if (message.channel === 'orders') {
      this.#onOrder(message.order);
      return;
    }
    const instrumentId = this.#options.instruments.idOf(message.fill.symbol);
    if (instrumentId !== undefined) {
      this.#emit(parseFill(message.fill, instrumentId, this.#strategyOf(clientId), this.#now()));
    }
  }

  /**
   * Reports a venue order change. Only closings that fills do not explain (canceled, expired,
   * rejected) become updates: the order manager derives fill states from the fills themselves.
   */
  #onOrder(order: OrderWire): void {
    const status = parseOrderStatus(order.status);
    if (status !== 'CANCELED' && status !== 'EXPIRED' && status !== 'REJECTED') return;
    if (this.#closed.has(order.clientId)) return;
    this.#closed.add(order.clientId);
    const instrumentId = this.#options.instruments.idOf(order.symbol);
    if (instrumentId === undefined) return;
    const report = parseOrderReport(order, instrumentId, this.#now());
    this.#emit({
      kind: 'orderUpdate',
      v: 1,
      tsEvent: report.tsLastUpdate,
      tsInit: report.tsInit,
      clientOrderId: order.clientId,
      strategyId: this.#strategyOf(order.clientId),
      instrumentId,
      status,
      side: report.side,
      orderType: report.orderType,
      timeInForce: report.timeInForce,
      quantity: report.quantity,
      filledQuantity: report.filledQuantity,
      avgFillPrice: report.avgFillPrice,
      venueOrderId: report.venueOrderId,
      ...(report.price === undefined ? {} : { price: report.price }),
    });
  }

  #strategyOf(clientId: string): string {
    return this.#strategies.get(clientId) ?? EXTERNAL_STRATEGY;
  }

  #emit(event: ExecutionEvent): void {
    this.#sink?.(event);
  }

  #now(): number {
    return this.#options.clock.nowUs();
  }
}

const OPEN = new Set(['ACCEPTED', 'PARTIALLY_FILLED']);
