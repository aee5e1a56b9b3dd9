import type { Clock, UnixMicros } from '../clock/index.js';
import { InvalidArgumentError, OrderError } from '../errors/index.js';
import { pow10 } from '../portfolio/fixed-point.js';
import type { FillEvent, OrderAck, OrderIntent, OrderUpdate } from '../schemas/index.js';
import type { InstrumentSource } from './instrument-source.js';
import { Order } from './order.js';

/**
 * What applying a venue message did: `changed` the order (an `OrderUpdate` was emitted);
 * left it `unchanged` (a late or repeated message the state machine absorbs); was a `duplicate`
 * fill (same trade id, not applied twice); or was `ignored` because it carries nothing the state
 * machine uses (a venue status that only mirrors fills). Never silent: the caller sees which.
 */
export type ApplyOutcome = 'changed' | 'unchanged' | 'duplicate' | 'ignored';

/** Open orders of one instrument: how many, and the quantity still to fill on each side. */
export interface OpenOrderTotals {
  /** The instrument. */
  readonly instrumentId: string;
  /** Open orders (SUBMITTED through PENDING_CANCEL). */
  readonly count: number;
  /** Quantity left to fill on open BUY orders. */
  readonly buyQuantity: number;
  /** Quantity left to fill on open SELL orders. */
  readonly sellQuantity: number;
}

/** Counters of an {@link OrderManager}; they only grow. */
export interface OrderManagerStats {
  /** Orders created. */
  readonly created: number;
  /** `OrderUpdate` events emitted. */
  readonly updates: number;
  /** Fills ignored because their trade id was already applied. */
  readonly duplicateFills: number;
  /** Venue messages that carried nothing to apply. */
  readonly ignored: number;
}

/** Options for an {@link OrderManager}. */
export interface OrderManagerOptions {
  /** Time for local events (submit, deny, requests) and every update's `tsInit`. */
  readonly clock: Clock;
  /** Instrument definitions: their precisions count quantities and prices exactly. */
  readonly instruments: InstrumentSource;
  /** Receives an `OrderUpdate` after every transition that changed an order. */
  readonly onUpdate?: (update: OrderUpdate) => void;
  /**
   * How many closed orders (filled, canceled, rejected, expired, denied) stay tracked, the most
   * recently closed kept: an older one is forgotten (`get` no longer finds it, and a late venue
   * message for it is `ORDER_NOT_FOUND`). Keeps a long-running process's memory bounded; default
   * unlimited. Open orders are always tracked.
   */
  readonly retainClosed?: number;
}

class Totals implements OpenOrderTotals {
  count = 0;
  buyUnits = 0;
  sellUnits = 0;
  constructor(
    readonly instrumentId: string,
    private readonly sizeScale: number,
  ) {}
  get buyQuantity(): number {
    return this.buyUnits / this.sizeScale;
  }
  get sellQuantity(): number {
    return this.sellUnits / this.sizeScale;
  }
}

/** A mutable open-order count, shared with readers that keep a reference. */
interface Counter {
  count: number;
}

/** {@link openLeaves} of an order in a terminal state. */
const CLOSED = -2;

/** Quantity left in an open order, in size units; -1 before it is open, {@link CLOSED} after. */
function openLeaves(order: Order): number {
  if (order.isOpen) return order.quantityUnits - order.filledUnits;
  return order.isClosed ? CLOSED : -1;
}

/**
 * Tracks every order of a run by client order id and venue order id, drives each through the
 * order state machine from local decisions (create, deny, submit, modify and cancel requests)
 * and venue messages (acks, fills, status pushes), and emits an `OrderUpdate` for every change.
 * Keeps O(1) totals of open orders per instrument, per strategy and overall for the risk engine.
 *
 * Unknown orders, duplicate ids, overfills and transitions the table forbids throw typed errors
 * (`OrderError`, `InvalidStateTransitionError`) and change nothing; absorbed duplicates are
 * reported through the returned {@link ApplyOutcome} and the stats.
 *
 * @example
 * ```ts
 * const orders = new OrderManager({ clock, instruments, onUpdate: (u) => bus.publish(u) });
 * orders.create(intent);
 * orders.submitted(intent.clientOrderId);
 * gateway.submit(intent);
 * // later, from the gateway's event sink:
 * orders.applyAck(ack);
 * orders.applyFill(fill);
 * ```
 */
export class OrderManager {
  readonly #clock: Clock;
  readonly #instruments: InstrumentSource;
  readonly #onUpdate: ((update: OrderUpdate) => void) | undefined;
  readonly #orders = new Map<string, Order>();
  readonly #byVenueId = new Map<string, Order>();
  /** Open orders in creation order, so iteration (kill switch, reports) is deterministic. */
  readonly #open = new Set<Order>();
  readonly #totals = new Map<string, Totals>();
  readonly #strategyCounts = new Map<string, Counter>();
  readonly #retainClosed: number;
  /** Closed orders in the order they closed, from `#closedHead` on (when retention is limited). */
  readonly #closed: (Order | undefined)[] = [];
  #closedHead = 0;
  #created = 0;
  #updates = 0;
  #duplicateFills = 0;
  #ignored = 0;

  /** Creates an empty order manager; see {@link OrderManagerOptions}. */
  constructor(options: OrderManagerOptions) {
    this.#clock = options.clock;
    this.#instruments = options.instruments;
    this.#onUpdate = options.onUpdate;
    const retain = options.retainClosed ?? Number.POSITIVE_INFINITY;
    if (!(retain >= 0) || (Number.isFinite(retain) && !Number.isInteger(retain))) {
      throw new InvalidArgumentError('OrderManager retainClosed', retain, 'a whole number ≥ 0');
    }
    this.#retainClosed = retain;
  }

  /** Counters (a snapshot). */
  get stats(): OrderManagerStats {
    return {
      created: this.#created,
      updates: this.#updates,
      duplicateFills: this.#duplicateFills,
      ignored: this.#ignored,
    };
  }

  /** Number of open orders, overall or of one strategy. */
  openCount(strategyId?: string): number {
    if (strategyId === undefined) return this.#open.size;
    return this.#strategyCounts.get(strategyId)?.count ?? 0;
  }

  /**
   * The open-order totals of one instrument. The same live object is returned every time, so a
   * hot path can keep the reference.
   */
  openTotals(instrumentId: string, sizePrecision?: number): OpenOrderTotals {
    return this.#totalsFor(instrumentId, sizePrecision);
  }

  /** A live counter of one strategy's open orders (kept by reference on hot paths). */
  strategyCounter(strategyId: string): { readonly count: number } {
    return this.#counterFor(strategyId);
  }

  /** The order with this client order id, if tracked. */
  get(clientOrderId: string): Order | undefined {
    return this.#orders.get(clientOrderId);
  }

  /** The order with this venue order id, if tracked and known. */
  getByVenueId(venueOrderId: string): Order | undefined {
    return this.#byVenueId.get(venueOrderId);
  }

  /** Every tracked order (open, and closed until purged or beyond `retainClosed`), in creation order. */
  orders(): IterableIterator<Order> {
    return this.#orders.values();
  }

  /** Open orders, overall or of one strategy, in creation order (a copy: safe to cancel while iterating). */
  openOrders(strategyId?: string): Order[] {
    const out: Order[] = [];
    for (const order of this.#open)
      if (strategyId === undefined || order.strategyId === strategyId) out.push(order);
    return out;
  }

  /**
   * Creates an order in INITIALIZED from a SUBMIT intent and starts tracking it.
   *
   * @throws OrderError `ORDER_DUPLICATE` if the client order id is taken, `ORDER_INVALID` if the
   * intent is not a SUBMIT, the instrument is unknown or the quantity exceeds its precision.
   */
  create(intent: OrderIntent): Order {
    if (intent.action !== 'SUBMIT') {
      throw new OrderError(
        'ORDER_INVALID',
        intent.clientOrderId,
        `create needs a SUBMIT intent, got ${intent.action}`,
      );
    }
    if (this.#orders.has(intent.clientOrderId)) {
      throw new OrderError('ORDER_DUPLICATE', intent.clientOrderId, 'client order id already in use');
    }
    const instrument = this.#instruments.get(intent.instrumentId);
    if (instrument === undefined) {
      throw new OrderError(
        'ORDER_INVALID',
        intent.clientOrderId,
        `unknown instrument ${intent.instrumentId}`,
      );
    }
    const order = new Order(intent, instrument, this.#clock.nowUs());
    this.#totalsFor(intent.instrumentId, instrument.sizePrecision);
    this.#orders.set(order.clientOrderId, order);
    this.#created++;
    return order;
  }

  /** Pre-trade risk refused the order: INITIALIZED → DENIED. */
  deny(clientOrderId: string, reason: string): Order {
    const order = this.#require(clientOrderId);
    const before = openLeaves(order);
    const now = this.#clock.nowUs();
    this.#settle(order, before, order.deny(reason, now), now);
    return order;
  }

  /** The order was handed to the gateway: INITIALIZED → SUBMITTED. */
  submitted(clientOrderId: string): Order {
    const order = this.#require(clientOrderId);
    const before = openLeaves(order);
    const now = this.#clock.nowUs();
    this.#settle(order, before, order.submit(now), now);
    return order;
  }

  /**
   * A modify was sent: records the new values as pending (→ PENDING_UPDATE) until the venue
   * answers.
   *
   * @throws OrderError `ORDER_NOT_FOUND`, or `ORDER_INVALID` if the intent does not match the
   * order or its quantity is not above the filled quantity.
   */
  requestModify(intent: OrderIntent): Order {
    const order = this.#require(intent.clientOrderId);
    if (intent.instrumentId !== order.instrumentId || intent.side !== order.side) {
      throw new OrderError(
        'ORDER_INVALID',
        order.clientOrderId,
        'a modify cannot change the instrument or side',
      );
    }
    const before = openLeaves(order);
    const now = this.#clock.nowUs();
    const changed = order.requestUpdate(
      { quantity: intent.quantity, price: intent.price, triggerPrice: intent.triggerPrice },
      now,
    );
    this.#settle(order, before, changed, now);
    return order;
  }

  /** A cancel was sent: → PENDING_CANCEL (repeating it is allowed). */
  requestCancel(clientOrderId: string): Order {
    const order = this.#require(clientOrderId);
    const before = openLeaves(order);
    const now = this.#clock.nowUs();
    this.#settle(order, before, order.requestCancel(now), now);
    return order;
  }

  /**
   * Applies the venue's answer to a SUBMIT, MODIFY or CANCEL. A CANCEL ack with `accepted` means
   * the venue confirms the order is canceled.
   *
   * @throws OrderError `ORDER_NOT_FOUND`; InvalidStateTransitionError if the table forbids it.
   */
  applyAck(ack: OrderAck): ApplyOutcome {
    const order = this.#locate(ack.clientOrderId, ack.venueOrderId);
    const before = openLeaves(order);
    const venueIdBefore = order.venueOrderId;
    const ts = ack.tsEvent;
    const reason = ack.reason ?? 'rejected by venue';
    let changed: boolean;
    switch (ack.action) {
      case 'SUBMIT':
        changed = ack.accepted ? order.accept(ack.venueOrderId, ts) : order.reject(reason, ts);
        break;
      case 'MODIFY':
        changed = ack.accepted ? order.update(ts) : order.rejectUpdate(reason, ts);
        break;
      case 'CANCEL':
        changed = ack.accepted ? order.cancel(ack.reason, ts) : order.rejectCancel(reason, ts);
        break;
    }
    this.#indexVenueId(order, venueIdBefore);
    return this.#settle(order, before, changed, ts);
  }

  /**
   * Applies one execution to its order. Fills are the only source of filled quantity.
   *
   * @throws OrderError `ORDER_NOT_FOUND`, `ORDER_OVERFILL`, or `ORDER_INVALID` if the fill's
   * instrument or side differs from the order's; InvalidStateTransitionError if the table forbids it.
   */
  applyFill(fill: FillEvent): ApplyOutcome {
    const order = this.#locate(fill.clientOrderId, fill.venueOrderId);
    if (fill.instrumentId !== order.instrumentId || fill.side !== order.side) {
      throw new OrderError(
        'ORDER_INVALID',
        order.clientOrderId,
        `fill ${fill.tradeId} is ${fill.side} ${fill.instrumentId}, the order is ${order.side} ${order.instrumentId}`,
      );
    }
    if (order.hasTrade(fill.tradeId)) {
      this.#duplicateFills++;
      return 'duplicate';
    }
    const before = openLeaves(order);
    const venueIdBefore = order.venueOrderId;
    let changed = order.fill(fill.tradeId, fill.price, fill.quantity, fill.tsEvent);
    if (order.venueOrderId === undefined) changed = order.recordVenueOrderId(fill.venueOrderId) || changed;
    this.#indexVenueId(order, venueIdBefore);
    return this.#settle(order, before, changed, fill.tsEvent);
  }

  /**
   * Applies a status the venue pushed on its own (an adapter's order-update stream): ACCEPTED,
   * TRIGGERED, CANCELED, EXPIRED and REJECTED drive the state machine; PARTIALLY_FILLED and
   * FILLED only mirror fills, which arrive as `FillEvent`s, so they are `ignored` (their venue id
   * is still recorded); local-only states are `ignored`.
   *
   * @throws OrderError `ORDER_NOT_FOUND`; InvalidStateTransitionError if the table forbids it.
   */
  applyStatus(update: OrderUpdate): ApplyOutcome {
    const order = this.#locate(update.clientOrderId, update.venueOrderId);
    const before = openLeaves(order);
    const venueIdBefore = order.venueOrderId;
    const ts = update.tsEvent;
    let changed: boolean;
    switch (update.status) {
      case 'ACCEPTED':
        changed = order.accept(update.venueOrderId, ts);
        break;
      case 'TRIGGERED':
        changed = order.trigger(ts);
        break;
      case 'CANCELED':
        changed = order.cancel(update.reason, ts);
        break;
      case 'EXPIRED':
        changed = order.expire(update.reason, ts);
        break;
      case 'REJECTED':
        changed = order.reject(update.reason ?? 'rejected by venue', ts);
        break;
      default:
        if (update.venueOrderId !== undefined && order.venueOrderId === undefined) {
          order.recordVenueOrderId(update.venueOrderId);
          this.#indexVenueId(order, venueIdBefore);
          return this.#settle(order, before, true, ts);
        }
        this.#ignored++;
        return 'ignored';
    }
    this.#indexVenueId(order, venueIdBefore);
    return this.#settle(order, before, changed, ts);
  }

  /** Queues an order that just closed; forgets the oldest closed ones beyond the retention. */
  #retire(order: Order): void {
    this.#closed.push(order);
    while (this.#closed.length - this.#closedHead > this.#retainClosed) {
      const old = this.#closed[this.#closedHead]!;
      this.#closed[this.#closedHead++] = undefined;
      if (this.#orders.get(old.clientOrderId) === old) this.#orders.delete(old.clientOrderId);
      const venueOrderId = old.venueOrderId;
      if (venueOrderId !== undefined && this.#byVenueId.get(venueOrderId) === old)
        this.#byVenueId.delete(venueOrderId);
    }
    if (this.#closedHead > 4096 && this.#closedHead * 2 > this.#closed.length) {
      this.#closed.splice(0, this.#closedHead);
      this.#closedHead = 0;
    }
  }

  /** Stops tracking closed orders whose last event is before `beforeUs`; returns how many. */
  purge(beforeUs: UnixMicros): number {
    let removed = 0;
    for (const [id, order] of this.#orders) {
      if (order.isClosed && order.tsLastEvent < beforeUs) {
        this.#orders.delete(id);
        if (order.venueOrderId !== undefined) this.#byVenueId.delete(order.venueOrderId);
        removed++;
      }
    }
    return removed;
  }

  #require(clientOrderId: string): Order {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined) throw new OrderError('ORDER_NOT_FOUND', clientOrderId, 'not tracked');
    return order;
  }

  /** By client order id, else by venue order id (venues that echo only their own id). */
  #locate(clientOrderId: string, venueOrderId: string | undefined): Order {
    const order =
      this.#orders.get(clientOrderId) ??
      (venueOrderId === undefined ? undefined : this.#byVenueId.get(venueOrderId));
    if (order === undefined) {
      throw new OrderError(
        'ORDER_NOT_FOUND',
        clientOrderId,
        `not tracked (venue order id ${venueOrderId ?? 'none'})`,
      );
    }
    return order;
  }

  /**
   * Indexes the order by its venue id when a message gave it one (`before`: the id it had).
   * Only a change is indexed: a lookup of each message's id cost a map probe per ack and fill.
   */
  #indexVenueId(order: Order, before: string | undefined): void {
    const venueOrderId = order.venueOrderId;
    if (venueOrderId !== undefined && venueOrderId !== before) this.#byVenueId.set(venueOrderId, order);
  }

  #totalsFor(instrumentId: string, sizePrecision?: number): Totals {
    let totals = this.#totals.get(instrumentId);
    if (totals === undefined) {
      const precision = sizePrecision ?? this.#instruments.get(instrumentId)?.sizePrecision ?? 0;
      totals = new Totals(instrumentId, pow10(precision));
      this.#totals.set(instrumentId, totals);
    }
    return totals;
  }

  #counterFor(strategyId: string): Counter {
    let counter = this.#strategyCounts.get(strategyId);
    if (counter === undefined) {
      counter = { count: 0 };
      this.#strategyCounts.set(strategyId, counter);
    }
    return counter;
  }

  /** Re-totals open orders after a change and emits the update. */
  #settle(order: Order, before: number, changed: boolean, tsEvent: UnixMicros): ApplyOutcome {
    const after = openLeaves(order);
    if (after !== before) {
      if (after === CLOSED && this.#retainClosed !== Number.POSITIVE_INFINITY) this.#retire(order);
      const totals = this.#totalsFor(order.instrumentId);
      const wasOpen = before >= 0;
      const isOpen = after >= 0;
      const delta = (isOpen ? after : 0) - (wasOpen ? before : 0);
      if (order.side === 'BUY') totals.buyUnits += delta;
      else totals.sellUnits += delta;
      if (wasOpen !== isOpen) {
        const step = isOpen ? 1 : -1;
        totals.count += step;
        this.#counterFor(order.strategyId).count += step;
        if (isOpen) this.#open.add(order);
        else this.#open.delete(order);
      }
    }
    if (!changed) return 'unchanged';
    this.#updates++;
    if (this.#onUpdate !== undefined) this.#onUpdate(order.toUpdate(tsEvent, this.#clock.nowUs()));
    return 'changed';
  }
}
