import type { UnixMicros } from '../clock/index.js';
import type {
  FillEvent,
  OrderAck,
  OrderIntent,
  OrderStatus,
  OrderType,
  OrderUpdate,
  Side,
  SystemHealthEvent,
  TimeInForce,
} from '../schemas/index.js';

/**
 * What a gateway reports back: acks to intents, order status pushes, fills, and the health of its
 * connection (CONNECTED, DISCONNECTED, LATENCY...), all canonical events.
 */
export type ExecutionEvent = OrderAck | OrderUpdate | FillEvent | SystemHealthEvent;

/** Receives every {@link ExecutionEvent} a gateway produces, in the order it learnt them. */
export type ExecutionEventSink = (event: ExecutionEvent) => void;

/** Which open orders {@link ExecutionGateway.cancelAll} cancels; omitted fields match everything. */
export interface CancelAllFilter {
  /** Only this instrument's orders. */
  readonly instrumentId?: string;
  /** Only this side's orders. */
  readonly side?: Side;
}

/** Narrows a reconciliation query; omitted fields match everything. */
export interface ReportQuery {
  /** Only this instrument. */
  readonly instrumentId?: string;
  /** Only orders still open at the venue (order reports). */
  readonly openOnly?: boolean;
  /** Only orders or fills updated at or after this time (epoch µs). */
  readonly sinceUs?: UnixMicros;
}

/**
 * The venue's view of one order, for reconciliation after a restart or a disconnect: what the
 * venue says its state, quantities and prices are now.
 */
export interface OrderStatusReport {
  /** The client order id, when the venue echoes it (orders placed elsewhere may have none). */
  readonly clientOrderId?: string;
  /** The venue's order id. */
  readonly venueOrderId: string;
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** BUY or SELL. */
  readonly side: Side;
  /** The order type as the venue reports it. */
  readonly orderType: OrderType;
  /** The time in force as the venue reports it. */
  readonly timeInForce: TimeInForce;
  /** The venue's status, mapped onto the canonical states (never INITIALIZED, DENIED or PENDING_*). */
  readonly status: OrderStatus;
  /** Order quantity. */
  readonly quantity: number;
  /** Cumulative filled quantity. */
  readonly filledQuantity: number;
  /** Average fill price; 0 before any fill. */
  readonly avgFillPrice: number;
  /** Limit price, when the order has one. */
  readonly price?: number;
  /** Trigger price, when the order has one. */
  readonly triggerPrice?: number;
  /** Reduce-only, when the venue reports it. */
  readonly reduceOnly?: boolean;
  /** When the venue last changed the order (epoch µs). */
  readonly tsLastUpdate: UnixMicros;
  /** When this process received the report (epoch µs). */
  readonly tsInit: UnixMicros;
}

/**
 * The execution port: what the kernel needs from a venue, implemented alike by the venue
 * adapters (Zerodha, Binance, CoinDCX) and by the simulated venue of backtest and paper mode.
 *
 * Contract:
 * - `submit`, `modify`, `cancel` and `cancelAll` are **synchronous and never wait** for the venue:
 *   the gateway queues the request and returns. Every outcome, including a network failure or a
 *   venue rejection, comes back later through the sink given to `connect` as an `OrderAck` (and
 *   then `OrderUpdate`s and `FillEvent`s). They throw only on a programming error (an intent with
 *   the wrong action); they never throw for venue or network trouble.
 * - Every intent has already passed the risk engine; a gateway does not re-check risk.
 * - Acks for one order are delivered in the order the venue produced them. A gateway may deliver
 *   an event synchronously from inside `submit` (the simulator does), so callers must have
 *   recorded the order as SUBMITTED before calling it.
 * - A CANCEL ack with `accepted: true` means the venue confirms the order is canceled.
 * - `orderStatusReports` and `fillReports` query the venue for reconciliation; they are the only
 *   asynchronous calls besides `connect` and `disconnect`.
 * - Connection state is reported as `SystemHealthEvent`s (CONNECTED, DISCONNECTED, RECONNECTING)
 *   through the same sink, which is what the risk engine's disconnect breaker watches.
 *
 * @example
 * ```ts
 * class PaperGateway implements ExecutionGateway {
 *   readonly id = 'paper';
 *   #sink: ExecutionEventSink = () => {};
 *   async connect(sink: ExecutionEventSink) { this.#sink = sink; }
 *   async disconnect() {}
 *   submit(intent: OrderIntent) { this.#sink(ackFor(intent)); }
 *   modify(intent: OrderIntent) { this.#sink(ackFor(intent)); }
 *   cancel(intent: OrderIntent) { this.#sink(ackFor(intent)); }
 *   cancelAll() {}
 *   async orderStatusReports() { return []; }
 *   async fillReports() { return []; }
 * }
 * ```
 */
export interface ExecutionGateway {
  /** Names the gateway in health events and logs (`zerodha`, `binance-usdm`, `sim`). */
  readonly id: string;
  /** Opens the venue session and starts delivering events to `sink`. */
  connect(sink: ExecutionEventSink): Promise<void>;
  /** Closes the session; no event is delivered after the returned promise settles. */
  disconnect(): Promise<void>;
  /** Sends a new order (an intent with action SUBMIT). */
  submit(intent: OrderIntent): void;
  /** Sends new quantity/prices for an open order (an intent with action MODIFY). */
  modify(intent: OrderIntent): void;
  /** Cancels one order (an intent with action CANCEL). */
  cancel(intent: OrderIntent): void;
  /**
   * Cancels every open order at the venue matching `filter`, including ones this process does
   * not know about. Each canceled order is confirmed through the sink.
   */
  cancelAll(filter?: CancelAllFilter): void;
  /** The venue's current view of orders, for reconciliation. */
  orderStatusReports(query?: ReportQuery): Promise<OrderStatusReport[]>;
  /** The venue's executions, for reconciliation (missed fills are replayed from these). */
  fillReports(query?: ReportQuery): Promise<FillEvent[]>;
}
