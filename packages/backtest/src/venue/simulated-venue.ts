import {
  type CancelAllFilter,
  type CanonicalEvent,
  type Clock,
  type ExecutionEvent,
  type ExecutionEventSink,
  type ExecutionGateway,
  type FillEvent,
  type Instrument,
  type LiquiditySide,
  type OrderAck,
  type OrderAction,
  type OrderIntent,
  type OrderStatus,
  type OrderStatusReport,
  type OrderUpdate,
  type ReportQuery,
  Rng,
  type SessionCalendar,
  type SystemHealthEvent,
  type UnixMicros,
} from '@quantkubera/core';
import { type FeeBreakdown, type FeeModel, noFees } from '../fees/index.js';
import { queueFillModel } from '../fill-models/index.js';
import { type LatencyLeg, type LatencyModel, zeroLatency } from '../latency/index.js';
import { noSlippage } from '../slippage/index.js';
import { DelayQueue } from './delay-queue.js';
import { InstrumentSpec } from './instrument-spec.js';
import { checkIntrabarPath } from './intrabar-path.js';
import { type EngineHost, type MarketDataOutcome, MatchingEngine } from './matching-engine.js';
import { SimOrder } from './sim-order.js';
import { requireNumber, SimulatedVenueError } from './venue-error.js';
import {
  defaultCalendarFor,
  type SimulatedVenueInstrument,
  type SimulatedVenueOptions,
} from './venue-options.js';

/** What {@link SimulatedVenue.onMarketData} did with an event. */
export type MarketDataResult = MarketDataOutcome | 'ignored-kind' | 'unknown-instrument';

/** Counters of a {@link SimulatedVenue}; they only grow. */
export interface SimulatedVenueStats {
  /** Submit, modify, cancel and cancel-all requests received. */
  readonly requests: number;
  /** Requests the venue rejected (acks with `accepted: false`). */
  readonly rejected: number;
  /** Fills executed. */
  readonly fills: number;
  /** Market data events matched. */
  readonly marketEvents: number;
  /** Events ignored: not market data, the wrong kind for the mode, bar revisions, other timeframes, stale bars. */
  readonly ignoredEvents: number;
  /** Market data events for instruments this venue does not trade (ignored). */
  readonly unknownInstrumentEvents: number;
  /** Events delivered to the sink. */
  readonly delivered: number;
  /** Events produced while no sink was connected, or still in flight at `disconnect` (kept in the reports, not delivered). */
  readonly undelivered: number;
  /** Requests still in flight to the venue at `disconnect` (never processed). */
  readonly droppedRequests: number;
}

/** A fill and its itemised fees. */
export interface FillDetail {
  /** The fill as reported. */
  readonly fill: FillEvent;
  /** Its fees, itemised (`fill.fee` is their total). */
  readonly fees: FeeBreakdown;
}

/** A request in flight to the venue. */
class Request {
  constructor(
    readonly action: OrderAction | 'CANCEL_ALL',
    readonly intent: OrderIntent | undefined,
    readonly filter: CancelAllFilter | undefined,
    readonly submitUs: UnixMicros,
    readonly decisionPrice: number,
  ) {}
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,48}$/;

/**
 * The simulated venue of backtest and paper mode: an `ExecutionGateway` whose orders match
 * against recorded or live market data, per instrument, in price-time priority, with pluggable
 * fill, slippage, fee and latency models. Everything is driven by the market data given to
 * {@link SimulatedVenue.onMarketData} and by the clock; the same inputs and seed give the same
 * acks, updates and fills.
 *
 * Deliver each market data event to the venue before strategies see it (advance the `SimClock`
 * to the event's `tsEvent` first): decision prices are then what the strategy saw, and an order
 * placed while a bar closes can only fill on later bars. docs/simulated-venue.md describes every
 * convention.
 *
 * @example
 * ```ts
 * const clock = new SimClock(start);
 * const venue = new SimulatedVenue({
 *   clock, mode: 'L1', instruments: [reliance], seed: 42,
 *   feeModel: new ZerodhaFeeModel({ equityProduct: 'intraday' }),
 *   latencyModel: new FixedLatencyModel({ inboundUs: 500, ackUs: 500, fillUs: 600 }),
 * });
 * await venue.connect((e) => kernel.onExecution(e));
 * for (const event of events) {
 *   clock.advanceTo(event.tsEvent);
 *   venue.onMarketData(event);
 *   strategy.on(event); // may call venue.submit(intent)
 * }
 * ```
 */
export class SimulatedVenue implements ExecutionGateway {
  /** The gateway id. */
  readonly id: string;
  /** The mode every instrument is matched in. */
  readonly mode: SimulatedVenueOptions['mode'];
  readonly #clock: Clock;
  readonly #engines = new Map<string, MatchingEngine>();
  readonly #calendars = new Map<string, SessionCalendar>();
  readonly #fees: FeeModel;
  readonly #latency: LatencyModel;
  readonly #legRng: Record<LatencyLeg, Rng>;
  readonly #onFillHook: ((fill: FillEvent, fees: FeeBreakdown) => void) | undefined;
  readonly #retention: number;
  readonly #inbound: DelayQueue<Request>;
  readonly #outbound: DelayQueue<ExecutionEvent>;
  readonly #orders = new Map<string, SimOrder>();
  /** Open orders in acceptance order, so cancel-all and reports are deterministic. */
  readonly #open = new Set<SimOrder>();
  readonly #closed: string[] = [];
  #closedHead = 0;
  /**
   * The retained fills with their fees, in trade sequence order: entry i is trade
   * `#detailsBase + i`. An array indexed by the trade id's sequence rather than a map by trade id:
   * a map insert of a fresh string key cost ~0.5 µs per fill at a hundred thousand entries.
   */
  readonly #details: FillDetail[] = [];
  #detailsBase = 1;
  /** Open DAY orders, swept at their session's end. */
  #dayOrders: SimOrder[] = [];
  #expiryAlarmAt = Number.POSITIVE_INFINITY;
  #expiryAlarm: ReturnType<Clock['setAlarm']> | undefined;
  readonly #onExpiryAlarm = (): void => {
    this.#expiryAlarm = undefined;
    this.#expiryAlarmAt = Number.POSITIVE_INFINITY;
    this.#sweepExpiries();
    this.#flush();
  };
  #sink: ExecutionEventSink | undefined;
  #connected = false;
  #flushing = false;
  #seq = 0;
  #orderSeq = 0;
  #tradeSeq = 0;
  /** Trade ids are this prefix and the trade's sequence number (`fillDetail` reads them back). */
  readonly #tradePrefix: string;
  #requests = 0;
  #rejected = 0;
  #fillCount = 0;
  #marketEvents = 0;
  #ignored = 0;
  #unknown = 0;
  #delivered = 0;
  #undelivered = 0;
  #dropped = 0;

  /**
   * Builds the venue and one matching engine per instrument.
   *
   * @throws SimulatedVenueError `INVALID_ARGUMENT` for a bad option, an instrument whose tick or
   * lot size is off its precision, a duplicate instrument, or one the fee model cannot price.
   */
  constructor(options: SimulatedVenueOptions) {
    const id = options.id ?? 'sim';
    if (!ID_PATTERN.test(id)) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'SimulatedVenue id',
        `expected 1-48 of [A-Za-z0-9_-], got ${JSON.stringify(id)}`,
      );
    }
    if (options.mode !== 'L1' && options.mode !== 'L2' && options.mode !== 'BAR') {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'SimulatedVenue mode',
        `expected L1, L2 or BAR, got ${JSON.stringify(options.mode)}`,
      );
    }
    const overflow = options.l1Overflow ?? 'walk';
    if (overflow !== 'walk' && overflow !== 'wait') {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'SimulatedVenue l1Overflow',
        `expected walk or wait, got ${JSON.stringify(overflow)}`,
      );
    }
    const walkLevels = requireNumber('SimulatedVenue l1WalkLevels', options.l1WalkLevels ?? 5, 0, 1000);
    const halfLife = requireNumber('SimulatedVenue volatilityHalfLife', options.volatilityHalfLife ?? 20, 1);
    this.#retention = requireNumber('SimulatedVenue retention', options.retention ?? 100_000, 1);
    const barPath = checkIntrabarPath(options.barPath ?? 'nearest-extreme-first');
    this.id = id;
    this.#tradePrefix = `${id}-T`;
    this.mode = options.mode;
    this.#clock = options.clock;
    this.#fees = options.feeModel ?? noFees;
    this.#latency = options.latencyModel ?? zeroLatency;
    this.#onFillHook = options.onFill;
    const root = new Rng(options.seed ?? 0);
    this.#legRng = {
      inbound: root.fork('latency:inbound'),
      ack: root.fork('latency:ack'),
      fill: root.fork('latency:fill'),
    };
    const host: EngineHost = {
      fill: (order, lots, priceTicks, liquidity) => this.#onFill(order, lots, priceTicks, liquidity),
      triggered: (order) => {
        order.tsLastUpdate = this.#clock.nowUs();
        this.#emitUpdate(order);
      },
      finished: (order, status, reason) => this.#finish(order, status, reason),
      nextSeq: () => ++this.#seq,
    };
    for (const entry of options.instruments) {
      const config: SimulatedVenueInstrument = 'instrument' in entry ? entry : { instrument: entry };
      const instrument = config.instrument;
      if (this.#engines.has(instrument.id)) {
        throw new SimulatedVenueError(
          'INVALID_ARGUMENT',
          `SimulatedVenue instruments ${instrument.id}`,
          'listed twice',
        );
      }
      const spec = new InstrumentSpec(instrument);
      this.#fees.validate?.(instrument);
      if (config.circuit !== undefined) {
        requireNumber(`SimulatedVenue ${instrument.id} circuit percent`, config.circuit.percent, 0, 100);
        if (config.circuit.reference !== undefined) {
          requireNumber(
            `SimulatedVenue ${instrument.id} circuit reference`,
            config.circuit.reference,
            Number.MIN_VALUE,
          );
        }
      }
      let initialLots = 0;
      if (config.initialPosition !== undefined && config.initialPosition !== 0) {
        const q = Math.abs(config.initialPosition);
        if (!spec.isWholeLots(q)) {
          throw new SimulatedVenueError(
            'INVALID_ARGUMENT',
            `SimulatedVenue ${instrument.id} initialPosition`,
            `${config.initialPosition} is not a whole number of lots of ${instrument.lotSize}`,
          );
        }
        initialLots = Math.sign(config.initialPosition) * spec.lots(q);
      }
      const calendar = config.calendar ?? options.calendar ?? defaultCalendarFor(instrument);
      this.#calendars.set(instrument.id, calendar);
      this.#engines.set(
        instrument.id,
        new MatchingEngine({
          spec,
          mode: options.mode,
          host,
          fillModel: options.fillModel ?? queueFillModel,
          slippage: options.slippageModel ?? noSlippage,
          rng: root.fork(`fill:${instrument.id}`),
          l1Overflow: overflow,
          l1WalkLevels: Math.floor(walkLevels),
          barPath,
          barTimeframe: options.barTimeframe,
          circuit: config.circuit,
          calendar,
          initialPositionLots: initialLots,
          volatilityHalfLife: halfLife,
        }),
      );
    }
    this.#inbound = new DelayQueue<Request>(this.#clock, `${id}:inbound`, () => this.#onInboundDue());
    this.#outbound = new DelayQueue<ExecutionEvent>(this.#clock, `${id}:outbound`, () => this.#flush());
  }

  /** Counters (a snapshot). */
  get stats(): SimulatedVenueStats {
    return {
      requests: this.#requests,
      rejected: this.#rejected,
      fills: this.#fillCount,
      marketEvents: this.#marketEvents,
      ignoredEvents: this.#ignored,
      unknownInstrumentEvents: this.#unknown,
      delivered: this.#delivered,
      undelivered: this.#undelivered,
      droppedRequests: this.#dropped,
    };
  }

  /** True between `connect` and `disconnect`. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The instruments traded. */
  instruments(): Instrument[] {
    return [...this.#engines.values()].map((e) => e.spec.instrument);
  }

  /** Starts delivering events to `sink`, beginning with a CONNECTED health event. */
  async connect(sink: ExecutionEventSink): Promise<void> {
    this.#sink = sink;
    this.#connected = true;
    this.#deliver(this.#health('UP', 'CONNECTED', 'simulated venue connected'));
    this.#flush();
  }

  /**
   * Sends a DISCONNECTED health event and stops: events still in flight to the client and
   * requests still in flight to the venue are dropped (counted in the stats; fills stay in the
   * reports).
   */
  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#deliver(this.#health('DOWN', 'DISCONNECTED', 'simulated venue disconnected'));
    this.#connected = false;
    this.#sink = undefined;
    this.#undelivered += this.#outbound.clear();
    this.#dropped += this.#inbound.clear();
  }

  /** Sends a new order; the ack and fills come back through the sink. */
  submit(intent: OrderIntent): void {
    this.#request('SUBMIT', intent);
  }

  /** Sends new quantity and prices for an open order. */
  modify(intent: OrderIntent): void {
    this.#request('MODIFY', intent);
  }

  /** Cancels one order. */
  cancel(intent: OrderIntent): void {
    this.#request('CANCEL', intent);
  }

  /** Cancels every open order matching `filter`; each is confirmed by an `OrderUpdate` CANCELED. */
  cancelAll(filter?: CancelAllFilter): void {
    this.#checkConnected('cancelAll');
    this.#requests++;
    this.#send(new Request('CANCEL_ALL', undefined, filter, this.#clock.nowUs(), Number.NaN));
  }

  /**
   * Feeds one market data event to its instrument's matching engine (quotes, trades and ticks in
   * L1 mode, depth and trades in L2, bars in BAR mode). Requests and expiries due by now are
   * processed first, so the event meets the book as it is at its time.
   *
   * @throws SimulatedVenueError `MARKET_DATA_INVALID` for a non-finite price or a negative size.
   */
  onMarketData(event: CanonicalEvent): MarketDataResult {
    switch (event.kind) {
      case 'quote':
      case 'trade':
      case 'tick':
      case 'depth':
      case 'bar':
        break;
      default:
        this.#ignored++;
        return 'ignored-kind';
    }
    const engine = this.#engines.get(event.instrumentId);
    if (engine === undefined) {
      this.#unknown++;
      return 'unknown-instrument';
    }
    this.#catchUp();
    let outcome: MarketDataOutcome;
    switch (event.kind) {
      case 'quote':
        outcome = engine.onQuote(event);
        break;
      case 'trade':
        outcome = engine.onTrade(event);
        break;
      case 'tick':
        outcome = engine.onTick(event);
        break;
      case 'depth':
        outcome = engine.onDepth(event);
        break;
      case 'bar':
        outcome = engine.onBar(event);
        break;
    }
    if (outcome === 'matched') this.#marketEvents++;
    else this.#ignored++;
    this.#flush();
    return outcome;
  }

  /** The venue's net position in `instrumentId` (quantity; negative when short), from its fills. */
  position(instrumentId: string): number {
    const engine = this.#engines.get(instrumentId);
    return engine === undefined ? 0 : engine.spec.quantity(engine.positionLots);
  }

  /** The venue's view of one order, or undefined (unknown, rejected, or beyond the retention). */
  orderReport(clientOrderId: string): OrderStatusReport | undefined {
    const order = this.#orders.get(clientOrderId);
    return order === undefined || order.venueOrderId === '' ? undefined : this.#report(order);
  }

  /** A fill's itemised fees, by trade id (within the retention). */
  fillDetail(tradeId: string): FillDetail | undefined {
    const prefix = this.#tradePrefix;
    if (!tradeId.startsWith(prefix)) return undefined;
    const detail = this.#details[Number(tradeId.slice(prefix.length)) - this.#detailsBase];
    // The id must be the one issued, not merely the same number ("-T01", "-T1.0").
    return detail !== undefined && detail.fill.tradeId === tradeId ? detail : undefined;
  }

  /** The venue's orders (open first, then retained closed ones), filtered by `query`. */
  async orderStatusReports(query: ReportQuery = {}): Promise<OrderStatusReport[]> {
    const out: OrderStatusReport[] = [];
    const seen = new Set<SimOrder>();
    const add = (order: SimOrder): void => {
      if (seen.has(order) || order.venueOrderId === '') return;
      seen.add(order);
      if (query.instrumentId !== undefined && order.instrumentId !== query.instrumentId) return;
      if (query.openOnly === true && !order.isOpen) return;
      if (query.sinceUs !== undefined && order.tsLastUpdate < query.sinceUs) return;
      out.push(this.#report(order));
    };
    for (const order of this.#open) add(order);
    for (const order of this.#orders.values()) add(order);
    return out;
  }

  /** The venue's fills (within the retention), filtered by `query`. */
  async fillReports(query: ReportQuery = {}): Promise<FillEvent[]> {
    const out: FillEvent[] = [];
    for (const { fill: f } of this.#details) {
      if (
        (query.instrumentId === undefined || f.instrumentId === query.instrumentId) &&
        (query.sinceUs === undefined || f.tsEvent >= query.sinceUs)
      )
        out.push(f);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  #checkConnected(call: string): void {
    if (!this.#connected) {
      throw new SimulatedVenueError(
        'GATEWAY_NOT_CONNECTED',
        `SimulatedVenue ${this.id} ${call}`,
        'call connect() first',
      );
    }
  }

  #request(action: OrderAction, intent: OrderIntent): void {
    const call = action.toLowerCase();
    this.#checkConnected(call);
    if (intent.action !== action) {
      throw new SimulatedVenueError(
        'ORDER_INVALID',
        `SimulatedVenue ${this.id} ${call} ${intent.clientOrderId}`,
        `expected an intent with action ${action}, got ${intent.action}`,
      );
    }
    this.#requests++;
    const engine = this.#engines.get(intent.instrumentId);
    const decision =
      engine === undefined || action === 'CANCEL' ? Number.NaN : engine.referencePrice(intent.side);
    this.#send(new Request(action, intent, undefined, this.#clock.nowUs(), decision));
  }

  /** Sends a request over the inbound leg: processed now with zero delay and nothing ahead of it, else at its arrival time. */
  #send(request: Request): void {
    const now = this.#clock.nowUs();
    const at = now + this.#delay('inbound');
    if (this.#inbound.size === 0 && at <= now) {
      this.#arrive(request);
      this.#flush();
      return;
    }
    this.#inbound.push(at, request);
    this.#inbound.schedule();
  }

  #onInboundDue(): void {
    this.#catchUp();
    this.#flush();
  }

  /** Processes requests and expiries due by now (a live clock's timers may lag the data). */
  #catchUp(): void {
    // The usual market event: nothing in flight, no DAY order to expire, and no clock read (a
    // double returned from a call V8 does not inline is boxed).
    if (this.#inbound.size === 0 && this.#expiryAlarmAt === Number.POSITIVE_INFINITY) return;
    const now = this.#clock.nowUs();
    let request = this.#inbound.shiftDue(now);
    while (request !== undefined) {
      this.#arrive(request);
      request = this.#inbound.shiftDue(now);
    }
    this.#inbound.schedule();
    if (now >= this.#expiryAlarmAt) this.#sweepExpiries();
  }

  #arrive(request: Request): void {
    const intent = request.intent;
    switch (request.action) {
      case 'SUBMIT':
        this.#arriveSubmit(intent!, request);
        break;
      case 'MODIFY':
        this.#arriveModify(intent!, request);
        break;
      case 'CANCEL':
        this.#arriveCancel(intent!);
        break;
      case 'CANCEL_ALL':
        this.#arriveCancelAll(request.filter);
        break;
    }
  }

  /** Reason a SUBMIT's or MODIFY's fields are unacceptable on `spec`, or undefined. */
  #checkFields(intent: OrderIntent, spec: InstrumentSpec): string | undefined {
    const instrument = spec.instrument;
    const q = intent.quantity;
    if (!spec.isWholeLots(q))
      return `quantity ${q} is not a positive multiple of the lot size ${instrument.lotSize}`;
    if (instrument.minQuantity !== undefined && q < instrument.minQuantity) {
      return `quantity ${q} is below the minimum ${instrument.minQuantity}`;
    }
    if (instrument.maxQuantity !== undefined && q > instrument.maxQuantity) {
      return `quantity ${q} is above the maximum (freeze) quantity ${instrument.maxQuantity}`;
    }
    const type = intent.orderType;
    const needsPrice = type === 'LIMIT' || type === 'STOP_LIMIT';
    const needsTrigger = type === 'STOP' || type === 'STOP_LIMIT';
    if (needsPrice !== (intent.price !== undefined)) {
      return needsPrice ? `${type} needs a limit price` : `${type} takes no limit price`;
    }
    if (needsTrigger !== (intent.triggerPrice !== undefined)) {
      return needsTrigger ? `${type} needs a trigger price` : `${type} takes no trigger price`;
    }
    if (intent.price !== undefined && !spec.isOnTick(intent.price)) {
      return `price ${intent.price} is not a multiple of the tick size ${instrument.tickSize}`;
    }
    if (intent.triggerPrice !== undefined && !spec.isOnTick(intent.triggerPrice)) {
      return `trigger price ${intent.triggerPrice} is not a multiple of the tick size ${instrument.tickSize}`;
    }
    if (
      intent.postOnly &&
      (type !== 'LIMIT' || intent.timeInForce === 'IOC' || intent.timeInForce === 'FOK')
    ) {
      return 'post-only needs a LIMIT order that may rest (not IOC or FOK)';
    }
    if (instrument.minNotional !== undefined) {
      const price = intent.price ?? intent.triggerPrice;
      if (price !== undefined && Math.abs(price * q * instrument.multiplier) < instrument.minNotional) {
        return `notional ${price * q * instrument.multiplier} is below the minimum ${instrument.minNotional}`;
      }
    }
    return undefined;
  }

  #arriveSubmit(intent: OrderIntent, request: Request): void {
    const now = this.#clock.nowUs();
    if (this.#orders.has(intent.clientOrderId)) {
      this.#reject(intent, `duplicate client order id ${intent.clientOrderId}`);
      return;
    }
    const engine = this.#engines.get(intent.instrumentId);
    if (engine === undefined) {
      this.#reject(intent, `unknown instrument ${intent.instrumentId}`);
      return;
    }
    const spec = engine.spec;
    const fieldError = this.#checkFields(intent, spec);
    const order = new SimOrder(
      intent,
      intent.price === undefined ? Number.NaN : spec.ticks(intent.price),
      intent.triggerPrice === undefined ? Number.NaN : spec.ticks(intent.triggerPrice),
      fieldError === undefined ? spec.lots(intent.quantity) : 0,
      request.submitUs,
      request.decisionPrice,
    );
    order.arrivalUs = now;
    order.arrivalPrice = engine.referencePrice(intent.side);
    order.tsLastUpdate = now;
    order.seq = ++this.#seq;
    const reason = fieldError ?? engine.checkArrival(order);
    this.#orders.set(order.clientOrderId, order);
    if (reason !== undefined) {
      order.status = 'REJECTED';
      order.reason = reason;
      this.#retire(order);
      this.#reject(intent, reason);
      return;
    }
    order.venueOrderId = `${this.id}-${++this.#orderSeq}`;
    this.#open.add(order);
    if (order.timeInForce === 'DAY') this.#trackExpiry(order, now);
    this.#ack(intent, true, order.venueOrderId, undefined);
    engine.place(order);
  }

  #arriveModify(intent: OrderIntent, request: Request): void {
    const order = this.#orders.get(intent.clientOrderId);
    if (order === undefined || order.venueOrderId === '') {
      this.#reject(intent, `unknown order ${intent.clientOrderId}`);
      return;
    }
    if (!order.isOpen) {
      this.#reject(intent, `order is ${order.status}`, order.venueOrderId);
      return;
    }
    const engine = this.#engines.get(order.instrumentId)!;
    const spec = engine.spec;
    let reason: string | undefined;
    if (
      intent.instrumentId !== order.instrumentId ||
      intent.side !== order.side ||
      intent.orderType !== order.orderType ||
      intent.timeInForce !== order.timeInForce
    ) {
      reason = 'a modify cannot change the instrument, side, order type or time in force';
    } else if (order.isMarketable) {
      reason =
        order.orderType === 'MARKET'
          ? 'a market order cannot be modified'
          : 'a triggered stop cannot be modified';
    } else {
      reason = this.#checkFields(intent, spec);
    }
    const lots = reason === undefined ? spec.lots(intent.quantity) : 0;
    const priceTicks = intent.price === undefined ? Number.NaN : spec.ticks(intent.price);
    const triggerTicks = intent.triggerPrice === undefined ? Number.NaN : spec.ticks(intent.triggerPrice);
    if (reason === undefined && lots <= order.filledLots) {
      reason = `quantity ${intent.quantity} must exceed the filled quantity ${spec.quantity(order.filledLots)}`;
    }
    if (reason === undefined && order.triggered && triggerTicks !== order.triggerTicks) {
      reason = 'the trigger of a triggered stop-limit cannot change';
    }
    reason ??= engine.checkModify(order, priceTicks, triggerTicks);
    if (reason !== undefined) {
      this.#reject(intent, reason, order.venueOrderId);
      return;
    }
    const now = this.#clock.nowUs();
    if (priceTicks !== order.priceTicks && !(Number.isNaN(priceTicks) && Number.isNaN(order.priceTicks))) {
      // A new price is a new decision: attribute slippage from it.
      order.decisionPrice = request.decisionPrice;
      order.arrivalPrice = engine.referencePrice(order.side);
    }
    if (request.submitUs > order.eligibleFromUs) order.eligibleFromUs = request.submitUs;
    order.tsLastUpdate = now;
    this.#ack(intent, true, order.venueOrderId, undefined);
    engine.modify(order, lots, priceTicks, triggerTicks);
  }

  #arriveCancel(intent: OrderIntent): void {
    const order = this.#orders.get(intent.clientOrderId);
    if (order === undefined || order.venueOrderId === '') {
      this.#reject(intent, `unknown order ${intent.clientOrderId}`);
      return;
    }
    if (!order.isOpen) {
      this.#reject(intent, `order is ${order.status}`, order.venueOrderId);
      return;
    }
    this.#engines.get(order.instrumentId)!.remove(order);
    this.#close(order, 'CANCELED', 'canceled by request');
    this.#ack(intent, true, order.venueOrderId, undefined);
  }

  #arriveCancelAll(filter: CancelAllFilter | undefined): void {
    const chosen: SimOrder[] = [];
    for (const order of this.#open) {
      if (filter?.instrumentId !== undefined && order.instrumentId !== filter.instrumentId) continue;
      if (filter?.side !== undefined && order.side !== filter.side) continue;
      chosen.push(order);
    }
    for (const order of chosen) this.#finish(order, 'CANCELED', 'canceled by cancelAll');
  }

  // ---------------------------------------------------------------------------------------------
  // Engine callbacks and lifecycle

  #onFill(order: SimOrder, lots: number, priceTicks: number, liquidity: LiquiditySide): void {
    const engine = this.#engines.get(order.instrumentId)!;
    const spec = engine.spec;
    const now = this.#clock.nowUs();
    const price = spec.price(priceTicks);
    const quantity = spec.quantity(lots);
    const fees = this.#fees.charge({
      instrument: spec.instrument,
      side: order.side,
      price,
      quantity,
      liquidity,
      tsEvent: now,
      orderFillCount: order.fillCount - 1,
      orderCharges: order.charges,
    });
    if (fees.items.length > 0) {
      const charges = order.charges ?? {};
      for (const item of fees.items) charges[item.name] = (charges[item.name] ?? 0) + item.amount;
      order.charges = charges;
    }
    const at = this.#deliveryTime('fill');
    const fill: FillEvent = {
      kind: 'fill',
      v: 1,
      tsEvent: now,
      tsInit: at,
      clientOrderId: order.clientOrderId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      venueOrderId: order.venueOrderId,
      tradeId: `${this.#tradePrefix}${++this.#tradeSeq}`,
      side: order.side,
      price,
      quantity,
      fee: fees.total,
      feeCurrency: fees.currency,
      liquidity,
    };
    // Optional fields are added, not spread in: a spread builds a temporary object per fill.
    if (!Number.isNaN(order.decisionPrice)) fill.decisionPrice = order.decisionPrice;
    if (!Number.isNaN(order.arrivalPrice)) fill.arrivalPrice = order.arrivalPrice;
    this.#outbound.push(at, fill);
    this.#fillCount++;
    order.tsLastUpdate = now;
    this.#details.push({ fill, fees });
    if (this.#details.length >= 2 * this.#retention) {
      const excess = this.#details.length - this.#retention;
      this.#details.splice(0, excess);
      this.#detailsBase += excess;
    }
    if (order.status === 'FILLED') this.#retire(order);
    this.#onFillHook?.(fill, fees);
  }

  /** Ends an open order at the venue's initiative (engine cancel, cancel-all, expiry) and reports it. */
  #finish(order: SimOrder, status: 'CANCELED' | 'EXPIRED', reason: string): void {
    this.#engines.get(order.instrumentId)!.remove(order);
    this.#close(order, status, reason);
    this.#emitUpdate(order);
  }

  #close(order: SimOrder, status: OrderStatus, reason: string): void {
    order.status = status;
    order.reason = reason;
    order.tsLastUpdate = this.#clock.nowUs();
    this.#retire(order);
  }

  /** Moves a closed order out of the open set and into the retained history. */
  #retire(order: SimOrder): void {
    this.#open.delete(order);
    this.#closed.push(order.clientOrderId);
    const excess = this.#closed.length - this.#closedHead - this.#retention;
    for (let i = 0; i < excess; i++) {
      const id = this.#closed[this.#closedHead++]!;
      const old = this.#orders.get(id);
      if (old !== undefined && !old.isOpen) this.#orders.delete(id);
    }
    if (this.#closedHead > 4096 && this.#closedHead * 2 > this.#closed.length) {
      this.#closed.splice(0, this.#closedHead);
      this.#closedHead = 0;
    }
  }

  #trackExpiry(order: SimOrder, now: UnixMicros): void {
    const session = this.#calendars.get(order.instrumentId)!.nextSession(now);
    if (session === undefined) return;
    // A bar ending at the close belongs to the session: bar-mode DAY orders outlive it by 1 µs.
    order.expireAtUs = session.closeUs + (this.mode === 'BAR' ? 1 : 0);
    this.#dayOrders.push(order);
    if (order.expireAtUs < this.#expiryAlarmAt) this.#scheduleExpiry(order.expireAtUs);
  }

  #scheduleExpiry(atUs: UnixMicros): void {
    if (this.#expiryAlarm !== undefined) this.#clock.cancel(this.#expiryAlarm);
    this.#expiryAlarmAt = atUs;
    this.#expiryAlarm = this.#clock.setAlarm(atUs, this.#onExpiryAlarm, `${this.id}:expiry`);
  }

  /** Expires DAY orders whose session has ended; re-arms the alarm for the next expiry. */
  #sweepExpiries(): void {
    const now = this.#clock.nowUs();
    const keep: SimOrder[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const order of this.#dayOrders) {
      if (!order.isOpen) continue;
      if (order.expireAtUs <= now) this.#finish(order, 'EXPIRED', 'DAY order expired at the session end');
      else {
        keep.push(order);
        if (order.expireAtUs < next) next = order.expireAtUs;
      }
    }
    this.#dayOrders = keep;
    if (this.#expiryAlarm !== undefined) this.#clock.cancel(this.#expiryAlarm);
    this.#expiryAlarm = undefined;
    this.#expiryAlarmAt = Number.POSITIVE_INFINITY;
    if (next !== Number.POSITIVE_INFINITY) this.#scheduleExpiry(next);
  }

  // ---------------------------------------------------------------------------------------------
  // Outbound events

  #delay(leg: LatencyLeg): number {
    const d = this.#latency.delayUs(leg, this.#legRng[leg]);
    if (!(d >= 0) || !Number.isFinite(d)) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        `latency model ${this.#latency.name} ${leg}`,
        `returned ${d}, expected a finite delay >= 0`,
      );
    }
    return Math.round(d);
  }

  /** When an event produced now on `leg` reaches the client: after its delay, and never before the event ahead of it. */
  #deliveryTime(leg: LatencyLeg): UnixMicros {
    const at = this.#clock.nowUs() + this.#delay(leg);
    const last = this.#outbound.lastDueUs;
    return at > last ? at : last;
  }

  #ack(
    intent: OrderIntent,
    accepted: boolean,
    venueOrderId: string | undefined,
    reason: string | undefined,
  ): void {
    const at = this.#deliveryTime('ack');
    const ack: OrderAck = {
      kind: 'orderAck',
      v: 1,
      tsEvent: this.#clock.nowUs(),
      tsInit: at,
      action: intent.action,
      clientOrderId: intent.clientOrderId,
      strategyId: intent.strategyId,
      instrumentId: intent.instrumentId,
      accepted,
    };
    // Optional fields are added, not spread in: a spread builds a temporary object per ack.
    if (venueOrderId !== undefined) ack.venueOrderId = venueOrderId;
    if (reason !== undefined) ack.reason = reason;
    this.#outbound.push(at, ack);
  }

  #reject(intent: OrderIntent, reason: string, venueOrderId?: string): void {
    this.#rejected++;
    this.#ack(intent, false, venueOrderId, reason);
  }

  /** Reports the order's current state (TRIGGERED, CANCELED, EXPIRED) as an `OrderUpdate`. */
  #emitUpdate(order: SimOrder): void {
    const spec = this.#engines.get(order.instrumentId)!.spec;
    const at = this.#deliveryTime('ack');
    const update: OrderUpdate = {
      kind: 'orderUpdate',
      v: 1,
      tsEvent: this.#clock.nowUs(),
      tsInit: at,
      clientOrderId: order.clientOrderId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      status: order.status,
      side: order.side,
      orderType: order.orderType,
      timeInForce: order.timeInForce,
      quantity: spec.quantity(order.quantityLots),
      filledQuantity: spec.quantity(order.filledLots),
      avgFillPrice: this.#avgPrice(order, spec),
      venueOrderId: order.venueOrderId,
      ...(Number.isNaN(order.priceTicks) ? {} : { price: spec.price(order.priceTicks) }),
      ...(Number.isNaN(order.triggerTicks) ? {} : { triggerPrice: spec.price(order.triggerTicks) }),
      ...(order.reason === undefined || order.isOpen ? {} : { reason: order.reason }),
    };
    this.#outbound.push(at, update);
  }

  #avgPrice(order: SimOrder, spec: InstrumentSpec): number {
    if (order.filledLots === 0) return 0;
    return (order.fillValueTicks / order.filledLots) * spec.tickSize;
  }

  #health(
    status: SystemHealthEvent['status'],
    code: SystemHealthEvent['code'],
    message: string,
  ): SystemHealthEvent {
    const now = this.#clock.nowUs();
    return {
      kind: 'health',
      v: 1,
      tsEvent: now,
      tsInit: now,
      component: `gateway:${this.id}`,
      status,
      code,
      message,
    };
  }

  /** Delivers every outbound event due by now, in order; re-entrant calls from the sink queue behind. */
  #flush(): void {
    if (this.#flushing || this.#outbound.size === 0) return;
    this.#flushing = true;
    try {
      const now = this.#clock.nowUs();
      let event = this.#outbound.shiftDue(now);
      while (event !== undefined) {
        this.#deliver(event);
        event = this.#outbound.shiftDue(now);
      }
    } finally {
      this.#flushing = false;
      this.#outbound.schedule();
    }
  }

  #deliver(event: ExecutionEvent): void {
    const sink = this.#sink;
    if (sink === undefined) {
      this.#undelivered++;
      return;
    }
    this.#delivered++;
    sink(event);
  }

  #report(order: SimOrder): OrderStatusReport {
    const spec = this.#engines.get(order.instrumentId)!.spec;
    return {
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      instrumentId: order.instrumentId,
      side: order.side,
      orderType: order.orderType,
      timeInForce: order.timeInForce,
      status: order.status,
      quantity: spec.quantity(order.quantityLots),
      filledQuantity: spec.quantity(order.filledLots),
      avgFillPrice: this.#avgPrice(order, spec),
      ...(Number.isNaN(order.priceTicks) ? {} : { price: spec.price(order.priceTicks) }),
      ...(Number.isNaN(order.triggerTicks) ? {} : { triggerPrice: spec.price(order.triggerTicks) }),
      reduceOnly: order.reduceOnly,
      tsLastUpdate: order.tsLastUpdate,
      tsInit: this.#clock.nowUs(),
    };
  }
}
