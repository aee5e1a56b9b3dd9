import type { UnixMicros } from '../clock/index.js';
import { InvalidStateTransitionError, OrderError } from '../errors/index.js';
import { pow10, toUnits } from '../portfolio/fixed-point.js';
import type {
  OrderAction,
  OrderIntent,
  OrderStatus,
  OrderType,
  OrderUpdate,
  Side,
  TimeInForce,
} from '../schemas/index.js';
import {
  isOpenStatus,
  isTerminalStatus,
  ORDER_TRANSITIONS,
  type OrderEventType,
  RESUME,
  resumeStatus,
} from './order-transitions.js';

/** The instrument precisions an order needs to count quantities and prices exactly. */
export interface OrderPrecision {
  /** Decimal places in prices. */
  readonly pricePrecision: number;
  /** Decimal places in quantities. */
  readonly sizePrecision: number;
}

/** New values requested by a modify: the new quantity, and the new limit and trigger prices if any. */
export interface OrderAmendment {
  /** The new total quantity (filled quantity included). */
  readonly quantity: number;
  /** The new limit price (LIMIT, STOP_LIMIT). */
  readonly price?: number | undefined;
  /** The new trigger price (STOP, STOP_LIMIT). */
  readonly triggerPrice?: number | undefined;
}

/**
 * One order and its life: the fields it was submitted with, its state in the order state
 * machine and its fills. Every method is one event of {@link ORDER_TRANSITIONS}; a method whose
 * event is not allowed in the current state throws `InvalidStateTransitionError` and changes
 * nothing. Each returns true when it changed what an `OrderUpdate` shows (state, quantities,
 * prices, venue id, reason), false for an absorbed duplicate or late message. Quantities are
 * counted in integer units of the instrument's size precision, so `filledQuantity` can never
 * drift past `quantity`.
 *
 * Usually owned by an `OrderManager`, which maps venue acks and fills onto these methods.
 *
 * @example
 * ```ts
 * const order = new Order(intent, instrument, clock.nowUs());
 * order.submit(t1);
 * order.accept('8812', t2);
 * order.fill('t-1', 2945.35, 5, t3); // PARTIALLY_FILLED or FILLED
 * ```
 */
export class Order {
  /** Client order id, unique per run. */
  readonly clientOrderId: string;
  /** The strategy that owns the order. */
  readonly strategyId: string;
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** BUY or SELL. */
  readonly side: Side;
  /** MARKET, LIMIT, STOP or STOP_LIMIT. */
  readonly orderType: OrderType;
  /** DAY, GTC, IOC or FOK. */
  readonly timeInForce: TimeInForce;
  /** Only ever reduces the position. */
  readonly reduceOnly: boolean;
  /** Rejected rather than taking liquidity. */
  readonly postOnly: boolean;
  /** Free-form tag from the intent. */
  readonly tag: string | undefined;
  /** When the order was created (local clock). */
  readonly tsCreated: UnixMicros;

  #status: OrderStatus = 'INITIALIZED';
  #venueOrderId: string | undefined;
  #price: number | undefined;
  #triggerPrice: number | undefined;
  #quantityUnits = 0;
  #filledUnits = 0;
  /** Σ priceUnits × quantityUnits over fills: the exact fill notional, for the average price. */
  #fillValue = 0n;
  #accepted = false;
  #triggered = false;
  #cancelPending = false;
  #amendment:
    | { quantityUnits: number; price: number | undefined; triggerPrice: number | undefined }
    | undefined;
  /**
   * Trade ids applied, for duplicate detection: the first in a field, the rest in a set made at
   * the second fill (most orders fill once, and a set per order cost ~150 bytes).
   */
  #firstTradeId: string | undefined;
  #tradeIds: Set<string> | undefined;
  #reason: string | undefined;
  #tsSubmitted: UnixMicros | undefined;
  #tsLast: UnixMicros = 0;
  readonly #sizeScale: number;
  readonly #sizePrecision: number;
  readonly #pricePrecision: number;
  readonly #priceScale: number;

  /**
   * Creates an order in INITIALIZED from a SUBMIT intent.
   *
   * @throws OrderError `ORDER_INVALID` if the quantity has more decimals than the size precision.
   */
  constructor(intent: OrderIntent, precision: OrderPrecision, tsCreated: UnixMicros) {
    this.clientOrderId = intent.clientOrderId;
    this.strategyId = intent.strategyId;
    this.instrumentId = intent.instrumentId;
    this.side = intent.side;
    this.orderType = intent.orderType;
    this.timeInForce = intent.timeInForce;
    this.reduceOnly = intent.reduceOnly;
    this.postOnly = intent.postOnly;
    this.tag = intent.tag;
    this.tsCreated = tsCreated;
    this.#tsLast = tsCreated;
    this.#price = intent.price;
    this.#triggerPrice = intent.triggerPrice;
    this.#sizeScale = pow10(precision.sizePrecision);
    this.#sizePrecision = precision.sizePrecision;
    this.#pricePrecision = precision.pricePrecision;
    this.#priceScale = pow10(precision.pricePrecision);
    this.#quantityUnits = this.#units(intent.quantity, 'quantity');
    if (this.#quantityUnits <= 0) {
      throw new OrderError(
        'ORDER_INVALID',
        this.clientOrderId,
        `quantity must be positive, got ${intent.quantity}`,
      );
    }
  }

  /** The current state. */
  get status(): OrderStatus {
    return this.#status;
  }
  /** The venue's id, once known (from the ack or a fill). */
  get venueOrderId(): string | undefined {
    return this.#venueOrderId;
  }
  /** The order quantity (after any acknowledged modify). */
  get quantity(): number {
    return this.#quantityUnits / this.#sizeScale;
  }
  /** The cumulative filled quantity; never more than `quantity`. */
  get filledQuantity(): number {
    return this.#filledUnits / this.#sizeScale;
  }
  /** Quantity still to fill: 0 once the order is closed. */
  get leavesQuantity(): number {
    return isOpenStatus(this.#status) ? (this.#quantityUnits - this.#filledUnits) / this.#sizeScale : 0;
  }
  /** `quantity` in integer units of the size precision. */
  get quantityUnits(): number {
    return this.#quantityUnits;
  }
  /** `filledQuantity` in integer units of the size precision. */
  get filledUnits(): number {
    return this.#filledUnits;
  }
  /** Volume-weighted average fill price; 0 before the first fill. */
  get avgFillPrice(): number {
    if (this.#filledUnits === 0) return 0;
    return Number(this.#fillValue) / this.#filledUnits / this.#priceScale;
  }
  /** The limit price (LIMIT, STOP_LIMIT). */
  get price(): number | undefined {
    return this.#price;
  }
  /** The trigger price (STOP, STOP_LIMIT). */
  get triggerPrice(): number | undefined {
    return this.#triggerPrice;
  }
  /** The venue has acknowledged the order, or acted on it (which implies it). */
  get accepted(): boolean {
    return this.#accepted;
  }
  /** A stop order's trigger has fired. */
  get triggered(): boolean {
    return this.#triggered;
  }
  /** A cancel request is in flight. */
  get cancelPending(): boolean {
    return this.#cancelPending;
  }
  /** A modify request is in flight (its values, until the venue answers). */
  get pendingAmendment(): OrderAmendment | undefined {
    const a = this.#amendment;
    if (a === undefined) return undefined;
    return { quantity: a.quantityUnits / this.#sizeScale, price: a.price, triggerPrice: a.triggerPrice };
  }
  /** Why the order was last denied, rejected, canceled or expired, or a request refused. */
  get reason(): string | undefined {
    return this.#reason;
  }
  /** When SUBMIT happened (local clock), for ack latency. */
  get tsSubmitted(): UnixMicros | undefined {
    return this.#tsSubmitted;
  }
  /** Time of the last event applied. */
  get tsLastEvent(): UnixMicros {
    return this.#tsLast;
  }
  /** True while the order may still fill (see `isOpenStatus`). */
  get isOpen(): boolean {
    return isOpenStatus(this.#status);
  }
  /** True in a terminal state. */
  get isClosed(): boolean {
    return isTerminalStatus(this.#status);
  }

  /** Pre-trade risk refused the order. */
  deny(reason: string, ts: UnixMicros): boolean {
    const to = this.#target('DENY');
    this.#reason = reason;
    return this.#move(to, ts);
  }

  /** The order was handed to the gateway. */
  submit(ts: UnixMicros): boolean {
    const to = this.#target('SUBMIT');
    this.#tsSubmitted = ts;
    return this.#move(to, ts);
  }

  /** The venue accepted the order; `venueOrderId` when it assigned one. */
  accept(venueOrderId: string | undefined, ts: UnixMicros): boolean {
    const to = this.#target('ACCEPT');
    let changed = false;
    if (venueOrderId !== undefined && venueOrderId !== this.#venueOrderId) {
      this.#venueOrderId = venueOrderId;
      changed = true;
    }
    this.#accepted = true;
    return this.#move(to, ts) || changed;
  }

  /** The venue rejected the submission. */
  reject(reason: string, ts: UnixMicros): boolean {
    const to = this.#target('REJECT');
    if (to === this.#status) return false;
    this.#reason = reason;
    this.#cancelPending = false;
    this.#amendment = undefined;
    return this.#move(to, ts);
  }

  /**
   * A modify was sent with these new values.
   *
   * @throws OrderError `ORDER_INVALID` if the new quantity is not above the filled quantity, or a
   * price is given that the order type does not use.
   */
  requestUpdate(amendment: OrderAmendment, ts: UnixMicros): boolean {
    const to = this.#target('REQUEST_UPDATE');
    const quantityUnits = this.#units(amendment.quantity, 'modify quantity');
    if (quantityUnits <= this.#filledUnits) {
      throw new OrderError(
        'ORDER_INVALID',
        this.clientOrderId,
        `modify quantity ${amendment.quantity} must exceed the filled quantity ${this.filledQuantity}`,
      );
    }
    const usesPrice = this.orderType === 'LIMIT' || this.orderType === 'STOP_LIMIT';
    const usesTrigger = this.orderType === 'STOP' || this.orderType === 'STOP_LIMIT';
    if (
      (amendment.price !== undefined && !usesPrice) ||
      (amendment.triggerPrice !== undefined && !usesTrigger)
    ) {
      throw new OrderError(
        'ORDER_INVALID',
        this.clientOrderId,
        `a ${this.orderType} order cannot modify that price`,
      );
    }
    this.#amendment = {
      quantityUnits,
      price: amendment.price ?? this.#price,
      triggerPrice: amendment.triggerPrice ?? this.#triggerPrice,
    };
    return this.#move(to, ts);
  }

  /**
   * The venue applied the pending modify. With no modify pending (a late or duplicate answer) the
   * values are unchanged.
   */
  update(ts: UnixMicros): boolean {
    const to = this.#target('UPDATE');
    const a = this.#amendment;
    let changed = false;
    if (a !== undefined && to === RESUME) {
      // A fill may have raced the modify: never let the quantity fall below what has filled.
      this.#quantityUnits = Math.max(a.quantityUnits, this.#filledUnits);
      this.#price = a.price;
      this.#triggerPrice = a.triggerPrice;
      this.#amendment = undefined;
      changed = true;
    }
    return this.#move(this.#resolve(to), ts) || changed;
  }

  /** The venue refused the pending modify; the order keeps its values. */
  rejectUpdate(reason: string, ts: UnixMicros): boolean {
    const to = this.#target('REJECT_UPDATE');
    if (to !== RESUME) return this.#move(to, ts);
    this.#amendment = undefined;
    this.#reason = reason;
    this.#move(this.#resolve(to), ts);
    return true;
  }

  /** A cancel was sent. Repeating it while one is pending is allowed (cancels always pass). */
  requestCancel(ts: UnixMicros): boolean {
    const to = this.#target('REQUEST_CANCEL');
    if (this.#cancelPending) return false;
    this.#cancelPending = true;
    return this.#move(to, ts);
  }

  /** The venue refused the cancel; the order is working again. */
  rejectCancel(reason: string, ts: UnixMicros): boolean {
    const to = this.#target('REJECT_CANCEL');
    if (to !== RESUME) return this.#move(to, ts);
    this.#cancelPending = false;
    this.#reason = reason;
    this.#move(this.#resolve(to), ts);
    return true;
  }

  /** The venue canceled the order (on request, or on its own). */
  cancel(reason: string | undefined, ts: UnixMicros): boolean {
    const to = this.#target('CANCEL');
    if (to === this.#status) return false;
    this.#closeWith(reason);
    return this.#move(to, ts);
  }

  /** The venue expired the order (DAY at session end, IOC/FOK not filled, GTD). */
  expire(reason: string | undefined, ts: UnixMicros): boolean {
    const to = this.#target('EXPIRE');
    if (to === this.#status) return false;
    this.#closeWith(reason);
    return this.#move(to, ts);
  }

  /** A stop order's trigger fired at the venue. */
  trigger(ts: UnixMicros): boolean {
    const to = this.#target('TRIGGER');
    this.#triggered = true;
    this.#accepted = true;
    return this.#move(to, ts);
  }

  /**
   * Applies one execution. A repeated `tradeId` is an absorbed duplicate (returns false).
   *
   * @throws OrderError `ORDER_OVERFILL` if it would fill more than the quantity;
   * AccountingError `PRECISION_EXCEEDED` if price or quantity exceed the instrument precision.
   */
  fill(tradeId: string, price: number, quantity: number, ts: UnixMicros): boolean {
    if (this.hasTrade(tradeId)) return false;
    const units = this.#units(quantity, 'fill quantity');
    const priceUnits = toUnits(price, this.#pricePrecision, 'fill price', this.instrumentId);
    const filled = this.#filledUnits + units;
    if (units <= 0 || filled > this.#quantityUnits) {
      throw new OrderError(
        'ORDER_OVERFILL',
        this.clientOrderId,
        `fill ${tradeId} of ${quantity} would take the filled quantity to ${filled / this.#sizeScale}, above ${this.quantity}`,
      );
    }
    const complete = filled === this.#quantityUnits;
    const to = this.#target(complete ? 'FILL_COMPLETE' : 'FILL_PARTIAL');
    this.#filledUnits = filled;
    this.#fillValue += BigInt(priceUnits) * BigInt(units);
    if (this.#firstTradeId === undefined) {
      this.#firstTradeId = tradeId;
    } else {
      this.#tradeIds ??= new Set();
      this.#tradeIds.add(tradeId);
    }
    this.#accepted = true;
    if (complete) {
      this.#cancelPending = false;
      this.#amendment = undefined;
    }
    this.#move(to, ts);
    return true;
  }

  /**
   * Records the venue's id learnt from a fill or status report (no state change). Returns true if
   * it was new.
   */
  recordVenueOrderId(venueOrderId: string): boolean {
    if (venueOrderId === this.#venueOrderId) return false;
    this.#venueOrderId = venueOrderId;
    return true;
  }

  /** True when `tradeId` has already been applied to this order. */
  hasTrade(tradeId: string): boolean {
    return tradeId === this.#firstTradeId || this.#tradeIds?.has(tradeId) === true;
  }

  /**
   * The order as an intent of `action`: for CANCEL, the request a gateway needs; for SUBMIT, the
   * original order (current values).
   */
  toIntent(action: OrderAction, tsEvent: UnixMicros, tsInit: UnixMicros): OrderIntent {
    const intent: OrderIntent = {
      kind: 'orderIntent',
      v: 1,
      tsEvent,
      tsInit,
      action,
      clientOrderId: this.clientOrderId,
      strategyId: this.strategyId,
      instrumentId: this.instrumentId,
      side: this.side,
      orderType: this.orderType,
      timeInForce: this.timeInForce,
      quantity: this.quantity,
      reduceOnly: this.reduceOnly,
      postOnly: this.postOnly,
    };
    if (this.#price !== undefined) intent.price = this.#price;
    if (this.#triggerPrice !== undefined) intent.triggerPrice = this.#triggerPrice;
    if (this.tag !== undefined) intent.tag = this.tag;
    return intent;
  }

  /** The order's current state as an `OrderUpdate` event. */
  toUpdate(tsEvent: UnixMicros, tsInit: UnixMicros): OrderUpdate {
    const update: OrderUpdate = {
      kind: 'orderUpdate',
      v: 1,
      tsEvent,
      tsInit,
      clientOrderId: this.clientOrderId,
      strategyId: this.strategyId,
      instrumentId: this.instrumentId,
      status: this.#status,
      side: this.side,
      orderType: this.orderType,
      timeInForce: this.timeInForce,
      quantity: this.quantity,
      filledQuantity: this.filledQuantity,
      avgFillPrice: this.avgFillPrice,
    };
    if (this.#venueOrderId !== undefined) update.venueOrderId = this.#venueOrderId;
    if (this.#price !== undefined) update.price = this.#price;
    if (this.#triggerPrice !== undefined) update.triggerPrice = this.#triggerPrice;
    if (this.#reason !== undefined) update.reason = this.#reason;
    return update;
  }

  /** Looks up the table, throwing before anything changes. */
  #target(event: OrderEventType): OrderStatus | typeof RESUME {
    const to = ORDER_TRANSITIONS[this.#status][event];
    if (to === undefined) throw new InvalidStateTransitionError(this.clientOrderId, this.#status, event);
    return to;
  }

  #resolve(to: OrderStatus | typeof RESUME): OrderStatus {
    if (to !== RESUME) return to;
    return resumeStatus({
      complete: this.#filledUnits >= this.#quantityUnits,
      cancelPending: this.#cancelPending,
      updatePending: this.#amendment !== undefined,
      partiallyFilled: this.#filledUnits > 0,
      triggered: this.#triggered,
      accepted: this.#accepted,
    });
  }

  #move(to: OrderStatus | typeof RESUME, ts: UnixMicros): boolean {
    const next = this.#resolve(to);
    if (ts > this.#tsLast) this.#tsLast = ts;
    if (next === this.#status) return false;
    this.#status = next;
    return true;
  }

  #closeWith(reason: string | undefined): void {
    if (reason !== undefined) this.#reason = reason;
    this.#cancelPending = false;
    this.#amendment = undefined;
  }

  /** Counts a positive quantity in integer units of the size precision. */
  #units(quantity: number, what: string): number {
    if (!(quantity > 0) || !Number.isFinite(quantity)) {
      throw new OrderError(
        'ORDER_INVALID',
        this.clientOrderId,
        `${what} must be a positive number, got ${quantity}`,
      );
    }
    const decimals = this.#sizePrecision;
    try {
      return toUnits(quantity, decimals, what, this.instrumentId);
    } catch (cause) {
      throw new OrderError(
        'ORDER_INVALID',
        this.clientOrderId,
        `${what} ${quantity} has more decimals than the instrument's size precision ${decimals}`,
        { cause },
      );
    }
  }
}
