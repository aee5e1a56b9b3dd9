import { inspect } from 'node:util';
import type { Clock, TimerHandle, UnixMicros } from '../clock/index.js';
import { MICROS_PER_DAY } from '../clock/index.js';
import { AccountingError, type QuantKuberaError, toQuantKuberaError } from '../errors/index.js';
import type { ExecutionEvent, ExecutionGateway } from '../execution/execution-gateway.js';
import { ClientOrderIdGenerator } from '../identifiers/index.js';
import type { InstrumentSource } from '../orders/instrument-source.js';
import type { Order } from '../orders/order.js';
import type { OpenOrderTotals, OrderManager } from '../orders/order-manager.js';
import { ORDER_TRANSITIONS } from '../orders/order-transitions.js';
import { orderMargin } from '../portfolio/margin-model.js';
import type { Portfolio, PositionView } from '../portfolio/portfolio.js';
import type {
  Instrument,
  OrderAck,
  OrderIntent,
  RiskDecision,
  RiskEvent,
  RiskReason,
  SystemHealthEvent,
  TradingState,
} from '../schemas/index.js';
import { parseRiskLimits, type RiskLimits, type RiskLimitsInput, type TripAction } from './risk-limits.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';
import { TokenBucket } from './token-bucket.js';

/** Options for a {@link RiskEngine}. */
export interface RiskEngineOptions {
  /** The run's clock: throttles, breaker windows, trading days and event times. */
  readonly clock: Clock;
  /** Instrument definitions (lot and tick size, limits, expiry). */
  readonly instruments: InstrumentSource;
  /** The order manager every order goes through. */
  readonly orders: OrderManager;
  /** The portfolio: positions, marks, exposure, equity. */
  readonly portfolio: Portfolio;
  /** Where approved requests go. A multi-venue run passes a gateway that routes by venue. */
  readonly gateway: ExecutionGateway;
  /** The limits; validated here (ValidationError on a bad one). */
  readonly limits?: RiskLimitsInput;
  /** Receives every `RiskEvent`: approvals, denials, state changes and breaches. */
  readonly onEvent?: (event: RiskEvent) => void;
  /** Receives errors the engine contained (a gateway that threw). Defaults to stderr. */
  readonly onError?: (error: QuantKuberaError) => void;
  /** Client order id prefix of the kill switch's flattening orders; default `flatten`. */
  readonly flattenIdPrefix?: string;
  /** Strategy id that owns flattening orders of a global halt; default `risk`. */
  readonly riskStrategyId?: string;
  /**
   * A strategy's allocated capital in the base currency, for the `maxStrategyCapitalUse` limit
   * (`undefined`: the strategy has no budget of its own and is not checked).
   */
  readonly strategyCapital?: (strategyId: string) => number | undefined;
}

/** Options of {@link RiskEngine.halt}. */
export interface HaltOptions {
  /** Halt one strategy; omitted, halt everything. */
  readonly strategyId?: string;
  /** Also close the positions in scope with reduce-only market orders. */
  readonly flatten?: boolean;
  /** The reason recorded (default `KILL_SWITCH`). */
  readonly reason?: RiskReason;
  /** Free text recorded with the event. */
  readonly message?: string;
}

/** Options of {@link RiskEngine.rearm} and {@link RiskEngine.reduce}. */
export interface TradingStateOptions {
  /** One strategy; omitted, the global state. */
  readonly strategyId?: string;
  /** Free text recorded with the event. */
  readonly message?: string;
}

/** Counters of a {@link RiskEngine}; they only grow. */
export interface RiskEngineStats {
  /** Submits and modifies approved. */
  readonly approved: number;
  /** Submits and modifies denied. */
  readonly denied: number;
  /** Cancels passed (always). */
  readonly cancels: number;
  /** Trading state changes. */
  readonly stateChanges: number;
}

const SEVERITY: Readonly<Record<TradingState, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
const APPROVED_MESSAGE = 'approved';

/** Per-instrument limits and live references, resolved once. */
class InstrumentRisk {
  tradable: boolean;
  readonly expiry: number;
  readonly maxOrderQuantity: number;
  readonly maxOrderNotional: number;
  readonly maxPosition: number;
  /** Price band as a fraction of the last price; Infinity when unchecked. */
  readonly band: number;

  constructor(
    readonly instrument: Instrument,
    readonly position: PositionView,
    readonly open: OpenOrderTotals,
    limits: RiskLimits,
  ) {
    const own = limits.instruments[instrument.id] ?? {};
    this.tradable = own.tradable ?? true;
    this.expiry =
      instrument.type === 'future' || instrument.type === 'option'
        ? instrument.expiry
        : Number.POSITIVE_INFINITY;
    this.maxOrderQuantity = Math.min(
      own.maxOrderQuantity ?? limits.maxOrderQuantity ?? Number.POSITIVE_INFINITY,
      instrument.maxQuantity ?? Number.POSITIVE_INFINITY,
    );
    this.maxOrderNotional = own.maxOrderNotional ?? limits.maxOrderNotional ?? Number.POSITIVE_INFINITY;
    this.maxPosition = own.maxPosition ?? limits.maxPosition ?? Number.POSITIVE_INFINITY;
    const bps = own.priceBandBps ?? limits.priceBandBps;
    this.band = bps === undefined ? Number.POSITIVE_INFINITY : bps / 10_000;
  }
}

/** Per-strategy trading state, throttle and open-order counter. */
class StrategyRisk {
  state: TradingState = 'ACTIVE';
  constructor(
    readonly id: string,
    readonly bucket: TokenBucket | undefined,
    readonly open: { readonly count: number },
  ) {}
}

/** True when `value` is a whole multiple of `step` (within float noise). */
function isMultiple(value: number, step: number): boolean {
  const r = value / step;
  return Math.abs(r - Math.round(r)) <= 1e-9 * Math.max(1, Math.abs(r));
}

/**
 * Pre-trade risk, the kill switch, circuit breakers and post-trade monitors: the only path from
 * strategies to the gateway.
 *
 * **Pre-trade**, on every submit and modify, in this order (the first failure is the reason):
 * trading state (HALTED), instrument tradable (known, enabled, not expired), order validity (price
 * fields, lot and tick multiples, venue min quantity and notional: `INVALID_ORDER`), reduce-only
 * and REDUCING (the order must shrink the position without flipping it), price band around the
 * last price (limit prices), max order quantity, max order notional, max position (position + open
 * orders on that side + this order), max gross exposure, max leverage, margin, max open orders,
 * then the order-rate token buckets (per strategy, then global), which are only charged when
 * everything else passed. Each decision is emitted as a `RiskEvent` (APPROVED/OK or DENIED with
 * its reason, the measured value and the limit). **Cancels always pass** and are never throttled.
 *
 * **Trading state** is ACTIVE, REDUCING or HALTED, globally and per strategy; a strategy trades
 * under the stricter of the two. {@link RiskEngine.halt} is the kill switch: it moves to HALTED
 * first (so nothing submitted afterwards, from any callback, can pass), then cancels every open
 * order in scope through the gateway (plus one venue-wide `cancelAll` for a global halt, catching
 * orders this process does not know), then optionally flattens with reduce-only market orders.
 * Only an explicit {@link RiskEngine.rearm} (or {@link RiskEngine.reduce}) lifts it. Breakers and
 * monitors only ever make the state stricter.
 *
 * **Circuit breakers** (global) trip on slow acks, a gateway disconnected beyond a grace period,
 * and reject storms; **monitors** ({@link RiskEngine.monitor}) trip on max drawdown from peak
 * equity and on the daily loss limit. All windows run on the Clock (deterministic under SimClock).
 *
 * @example
 * ```ts
 * const risk = new RiskEngine({ clock, instruments, orders, portfolio, gateway, limits,
 *   onEvent: (e) => bus.publish(e) });
 * risk.submit(intent);          // checked, then sent (or denied)
 * risk.cancel('momo-7');        // always passes
 * risk.halt({ flatten: true }); // kill switch
 * risk.rearm();                 // explicit
 * ```
 */
export class RiskEngine {
  /** The validated limits in force. */
  readonly limits: RiskLimits;
  readonly #clock: Clock;
  readonly #instruments: InstrumentSource;
  readonly #orders: OrderManager;
  readonly #portfolio: Portfolio;
  readonly #gateway: ExecutionGateway;
  readonly #strategyCapital: ((strategyId: string) => number | undefined) | undefined;
  readonly #onEvent: ((event: RiskEvent) => void) | undefined;
  readonly #onError: (error: QuantKuberaError) => void;
  readonly #flattenIds: ClientOrderIdGenerator;
  readonly #riskStrategyId: string;
  readonly #instrumentRisk = new Map<string, InstrumentRisk>();
  readonly #strategies = new Map<string, StrategyRisk>();
  readonly #globalBucket: TokenBucket | undefined;
  readonly #rejects: SlidingWindowCounter | undefined;
  readonly #slowAcks: SlidingWindowCounter | undefined;
  readonly #reportedMissingRates = new Set<string>();
  readonly #disconnected = new Map<string, { since: UnixMicros; alarm: TimerHandle | undefined }>();
  #global: TradingState = 'ACTIVE';
  #peakEquity = Number.NaN;
  #dayStartEquity = Number.NaN;
  #day = Number.NaN;
  #approved = 0;
  #denied = 0;
  #cancels = 0;
  #stateChanges = 0;
  // Details of the last denial, set by #deny so the checks allocate nothing when they pass.
  #value: number | undefined;
  #limit: number | undefined;
  #message = '';
  // Scratch figures shared by the check stages of one #evaluate call.
  #added = 0;
  #leaves = 0;
  #reducing = false;
  #refPrice = 0;
  #rate = 1;
  #unitNotional = 0;

  /** Creates the engine; see {@link RiskEngineOptions}. @throws ValidationError on bad limits. */
  constructor(options: RiskEngineOptions) {
    this.limits = parseRiskLimits(options.limits);
    this.#clock = options.clock;
    this.#instruments = options.instruments;
    this.#orders = options.orders;
    this.#portfolio = options.portfolio;
    this.#gateway = options.gateway;
    this.#strategyCapital = options.strategyCapital;
    this.#onEvent = options.onEvent;
    this.#onError = options.onError ?? ((error) => process.stderr.write(`${inspect(error)}\n`));
    this.#flattenIds = new ClientOrderIdGenerator(options.flattenIdPrefix ?? 'flatten');
    this.#riskStrategyId = options.riskStrategyId ?? 'risk';
    const now = this.#clock.nowUs();
    const rate = this.limits.orderRate;
    this.#globalBucket = rate === undefined ? undefined : new TokenBucket(rate.capacity, rate.perSecond, now);
    const breakers = this.limits.circuitBreakers;
    this.#rejects =
      breakers.rejectStorm === undefined
        ? undefined
        : new SlidingWindowCounter(breakers.rejectStorm.count, breakers.rejectStorm.windowUs);
    this.#slowAcks =
      breakers.latency === undefined
        ? undefined
        : new SlidingWindowCounter(breakers.latency.count, breakers.latency.windowUs);
  }

  /** Counters (a snapshot). */
  get stats(): RiskEngineStats {
    return {
      approved: this.#approved,
      denied: this.#denied,
      cancels: this.#cancels,
      stateChanges: this.#stateChanges,
    };
  }

  /** The global trading state, or the state a strategy trades under (the stricter of its own and global). */
  tradingState(strategyId?: string): TradingState {
    if (strategyId === undefined) return this.#global;
    const own = this.#strategies.get(strategyId)?.state ?? 'ACTIVE';
    return SEVERITY[own] > SEVERITY[this.#global] ? own : this.#global;
  }

  /** Enables or disables new orders in one instrument (cancels still pass). */
  setTradable(instrumentId: string, tradable: boolean): void {
    const risk = this.#instrumentFor(instrumentId);
    if (risk !== undefined) risk.tradable = tradable;
  }

  /**
   * Runs the pre-trade checks on a SUBMIT or MODIFY intent (a CANCEL is always approved) and
   * emits the decision. Charges the order-rate buckets when approved; sends nothing.
   */
  check(intent: OrderIntent): RiskEvent {
    if (intent.action === 'CANCEL') {
      this.#cancels++;
      return this.#decision(intent, 'APPROVED', 'CANCEL_ALWAYS_ALLOWED', 'cancels always pass');
    }
    const reason = this.#evaluate(intent);
    if (reason === 'OK') {
      this.#approved++;
      return this.#decision(intent, 'APPROVED', 'OK', APPROVED_MESSAGE);
    }
    this.#denied++;
    return this.#decision(intent, 'DENIED', reason, this.#message);
  }

  /**
   * Submits a new order: creates it in the order manager, checks it, then either denies it
   * (DENIED) or marks it SUBMITTED and hands it to the gateway. Returns the decision.
   */
  submit(intent: OrderIntent): RiskEvent {
    if (intent.action !== 'SUBMIT') {
      this.#denied++;
      return this.#decision(
        intent,
        'DENIED',
        'INVALID_ORDER',
        `submit needs a SUBMIT intent, got ${intent.action}`,
      );
    }
    if (this.#instruments.get(intent.instrumentId) === undefined) {
      // Checked before creating the order, which needs the instrument's precision.
      this.#denied++;
      return this.#decision(
        intent,
        'DENIED',
        'INSTRUMENT_NOT_TRADABLE',
        `unknown instrument ${intent.instrumentId}`,
      );
    }
    try {
      this.#orders.create(intent);
    } catch (cause) {
      this.#denied++;
      return this.#decision(intent, 'DENIED', 'INVALID_ORDER', toQuantKuberaError(cause).message);
    }
    const event = this.check(intent);
    if (event.decision === 'APPROVED') {
      this.#orders.submitted(intent.clientOrderId);
      this.#send(intent);
    } else {
      this.#orders.deny(intent.clientOrderId, `${event.reason}: ${event.message}`);
    }
    return event;
  }

  /** Modifies an open order: checks the new values, then sends the modify or denies it. */
  modify(intent: OrderIntent): RiskEvent {
    if (intent.action !== 'MODIFY') {
      this.#denied++;
      return this.#decision(
        intent,
        'DENIED',
        'INVALID_ORDER',
        `modify needs a MODIFY intent, got ${intent.action}`,
      );
    }
    const event = this.check(intent);
    if (event.decision === 'APPROVED') {
      try {
        this.#orders.requestModify(intent);
      } catch (cause) {
        this.#onError(toQuantKuberaError(cause, `modify ${intent.clientOrderId}`));
        return event;
      }
      this.#send(intent);
    }
    return event;
  }

  /**
   * Cancels an order, by intent or client order id. Always passes: the cancel is sent unless the
   * order is known to be closed already (or was never sent).
   */
  cancel(target: OrderIntent | string): RiskEvent {
    const id = typeof target === 'string' ? target : target.clientOrderId;
    const order = this.#orders.get(id);
    if (order === undefined && typeof target === 'string') {
      this.#cancels++;
      return this.#stateEvent(
        'APPROVED',
        'CANCEL_ALWAYS_ALLOWED',
        undefined,
        `unknown order ${id}: nothing to cancel`,
      );
    }
    if (order !== undefined && !order.isOpen) {
      this.#cancels++;
      return this.#decision(
        order,
        'APPROVED',
        'CANCEL_ALWAYS_ALLOWED',
        `order ${id} is ${order.status}: nothing to cancel`,
      );
    }
    const now = this.#clock.nowUs();
    let intent: OrderIntent;
    if (typeof target !== 'string')
      intent = target.action === 'CANCEL' ? target : { ...target, action: 'CANCEL' };
    else intent = order!.toIntent('CANCEL', now, now);
    return this.#sendCancel(intent, order, 'cancels always pass');
  }

  /**
   * The kill switch. Moves the scope to HALTED (before anything else), cancels every open order
   * in scope through the gateway (a global halt also calls `gateway.cancelAll()`), and with
   * `flatten` closes the scope's positions with reduce-only market IOC orders. New orders are
   * denied until {@link RiskEngine.rearm}. Calling it again repeats the cancels.
   */
  halt(options: HaltOptions = {}): void {
    const reason = options.reason ?? 'KILL_SWITCH';
    const strategyId = options.strategyId;
    this.#setState(strategyId, 'HALTED', reason, options.message ?? 'kill switch: halted');
    const why = `${reason}: cancel on halt`;
    for (const order of this.#orders.openOrders(strategyId)) {
      const now = this.#clock.nowUs();
      this.#sendCancel(order.toIntent('CANCEL', now, now), order, why);
    }
    if (strategyId === undefined) this.#guard(() => this.#gateway.cancelAll(), 'cancelAll on halt');
    if (options.flatten === true) this.#flatten(strategyId, reason);
  }

  /** Moves the scope to REDUCING: only orders that shrink a position pass. An explicit call may relax HALTED. */
  reduce(options: TradingStateOptions = {}): void {
    this.#setState(options.strategyId, 'REDUCING', 'TRADING_REDUCING', options.message ?? 'reducing only');
  }

  /**
   * Re-arms trading: the scope goes back to ACTIVE. The only way out of HALTED or REDUCING. A
   * global re-arm also restarts the drawdown peak and the day's starting equity from the equity
   * the next `monitor()` sees (the operator has accepted it) and clears the breaker windows.
   */
  rearm(options: TradingStateOptions = {}): void {
    if (options.strategyId === undefined) {
      this.#peakEquity = Number.NaN;
      this.#dayStartEquity = Number.NaN;
      this.#rejects?.reset();
      this.#slowAcks?.reset();
    }
    this.#setState(options.strategyId, 'ACTIVE', 'REARMED', options.message ?? 're-armed');
  }

  /**
   * Feeds the breakers from a gateway event: rejects count toward the reject storm, SUBMIT acks
   * measure latency (ack `tsInit` − submit time), health events report connection and latency.
   */
  observe(event: ExecutionEvent): void {
    if (event.kind === 'orderAck') this.observeAck(event);
    else if (event.kind === 'health') this.observeHealth(event);
  }

  /** Counts a venue reject toward the reject storm; measures a SUBMIT ack's latency. */
  observeAck(ack: OrderAck): void {
    if (ack.action === 'SUBMIT') {
      const submitted = this.#orders.get(ack.clientOrderId)?.tsSubmitted;
      if (submitted !== undefined) this.recordLatency(ack.tsInit - submitted);
    }
    if (!ack.accepted && this.#rejects !== undefined && this.#rejects.hit(this.#clock.nowUs())) {
      const cfg = this.limits.circuitBreakers.rejectStorm!;
      this.#trip(
        cfg.action,
        'CIRCUIT_REJECT_STORM',
        cfg.count,
        cfg.count,
        `${cfg.count} rejects within ${cfg.windowUs} µs`,
      );
    }
  }

  /** Records one order round-trip latency in µs for the latency breaker. */
  recordLatency(latencyUs: number): void {
    const cfg = this.limits.circuitBreakers.latency;
    if (cfg === undefined || !(latencyUs > cfg.thresholdUs)) return;
    if (this.#slowAcks!.hit(this.#clock.nowUs())) {
      this.#trip(
        cfg.action,
        'CIRCUIT_LATENCY',
        latencyUs,
        cfg.thresholdUs,
        `${cfg.count} acks slower than ${cfg.thresholdUs} µs within ${cfg.windowUs} µs`,
      );
    }
  }

  /** Watches connection health: DISCONNECTED starts the disconnect breaker, CONNECTED/RESYNCED stop it. */
  observeHealth(event: SystemHealthEvent): void {
    switch (event.code) {
      case 'DISCONNECTED':
        this.#onDisconnect(event.component);
        break;
      case 'CONNECTED':
      case 'RESYNCED':
        this.#onConnect(event.component);
        break;
      case 'LATENCY':
        if (event.value !== undefined) this.recordLatency(event.value);
        break;
      default:
        break;
    }
  }

  /**
   * Post-trade monitors: call after the portfolio changes (fills, marks). Tracks peak equity and
   * the equity at the start of the trading day (clock time + `tradingDayOffsetUs`), and trips the
   * configured action on max drawdown or the daily loss limit.
   */
  monitor(): void {
    const totals = this.#portfolio.totals();
    if (!totals.valid) {
      // Cannot value the account: say so once per missing currency rather than on every call.
      const currency = totals.missingRate ?? '?';
      if (!this.#reportedMissingRates.has(currency)) {
        this.#reportedMissingRates.add(currency);
        this.#onError(
          new AccountingError(
            'ACCOUNTING_FAILED',
            currency,
            'no exchange rate: drawdown and daily loss are not monitored',
          ),
        );
      }
      return;
    }
    const equity = totals.equity;
    const now = this.#clock.nowUs();
    const day = Math.floor((now + this.limits.tradingDayOffsetUs) / MICROS_PER_DAY);
    if (day !== this.#day || Number.isNaN(this.#dayStartEquity)) {
      this.#day = day;
      this.#dayStartEquity = equity;
    }
    if (!(equity <= this.#peakEquity)) this.#peakEquity = equity;
    const { maxDrawdown, dailyLossLimit, monitorAction } = this.limits;
    if (maxDrawdown !== undefined && this.#peakEquity > 0) {
      const drawdown = (this.#peakEquity - equity) / this.#peakEquity;
      if (drawdown > maxDrawdown) {
        this.#trip(
          monitorAction.action,
          'MAX_DRAWDOWN',
          drawdown,
          maxDrawdown,
          `equity ${equity} is ${drawdown} below peak ${this.#peakEquity}`,
          monitorAction.flatten,
        );
        return;
      }
    }
    if (dailyLossLimit !== undefined) {
      const loss = this.#dayStartEquity - equity;
      if (loss > dailyLossLimit) {
        this.#trip(
          monitorAction.action,
          'DAILY_LOSS_LIMIT',
          loss,
          dailyLossLimit,
          `lost ${loss} since the day began at ${this.#dayStartEquity}`,
          monitorAction.flatten,
        );
      }
    }
  }

  /**
   * Runs every pre-trade check, in the documented order; returns the first failing reason or OK.
   * The stages share their intermediate figures through the `#scratch` fields rather than
   * allocating: the check path allocates nothing but the decision event.
   */
  #evaluate(intent: OrderIntent): RiskReason {
    const strategy = this.#strategyFor(intent.strategyId);
    const state = SEVERITY[strategy.state] > SEVERITY[this.#global] ? strategy.state : this.#global;
    if (state === 'HALTED') return this.#deny('TRADING_HALTED', `trading is HALTED for ${intent.strategyId}`);
    const inst = this.#instrumentFor(intent.instrumentId);
    if (inst === undefined)
      return this.#deny('INSTRUMENT_NOT_TRADABLE', `unknown instrument ${intent.instrumentId}`);
    const now = this.#clock.nowUs();
    let reason = this.#checkRequest(intent, inst, now);
    if (reason === 'OK') reason = this.#checkDirection(intent, inst, state);
    if (reason === 'OK') reason = this.#checkPriceAndSize(intent, inst);
    if (reason === 'OK' && this.#added > 0 && !this.#reducing) reason = this.#checkExposure(intent, inst);
    if (
      reason === 'OK' &&
      this.#added > 0 &&
      !this.#reducing &&
      this.limits.maxStrategyCapitalUse !== undefined
    )
      reason = this.#checkStrategyCapital(intent, inst);
    if (reason === 'OK') reason = this.#checkCapacity(intent, strategy, now);
    return reason;
  }

  /** Tradable, and a well-formed request: sets `#added` and `#leaves`. */
  #checkRequest(intent: OrderIntent, inst: InstrumentRisk, now: UnixMicros): RiskReason {
    if (!inst.tradable) return this.#deny('INSTRUMENT_NOT_TRADABLE', `${intent.instrumentId} is disabled`);
    if (now >= inst.expiry) {
      return this.#deny('INSTRUMENT_NOT_TRADABLE', `${intent.instrumentId} expired`, now, inst.expiry);
    }
    const quantity = intent.quantity;
    // How much the request adds on its side: the whole quantity for a submit, the change for a
    // modify; and what would be left to fill afterwards.
    this.#added = quantity;
    this.#leaves = quantity;
    if (intent.action === 'MODIFY') {
      const order = this.#orders.get(intent.clientOrderId);
      if (order === undefined) return this.#deny('INVALID_ORDER', `unknown order ${intent.clientOrderId}`);
      if (ORDER_TRANSITIONS[order.status].REQUEST_UPDATE === undefined) {
        return this.#deny('INVALID_ORDER', `order ${intent.clientOrderId} is ${order.status}: cannot modify`);
      }
      if (
        order.instrumentId !== intent.instrumentId ||
        order.side !== intent.side ||
        order.orderType !== intent.orderType
      ) {
        return this.#deny('INVALID_ORDER', 'a modify cannot change instrument, side or order type');
      }
      if (!(quantity > order.filledQuantity)) {
        return this.#deny(
          'INVALID_ORDER',
          'modify quantity must exceed the filled quantity',
          quantity,
          order.filledQuantity,
        );
      }
      this.#added = quantity - order.quantity;
      this.#leaves = quantity - order.filledQuantity;
    }
    const invalid = this.#validity(intent, inst.instrument);
    return invalid === undefined ? 'OK' : this.#deny('INVALID_ORDER', invalid);
  }

  /** Reduce-only and the REDUCING state: sets `#reducing`. */
  #checkDirection(intent: OrderIntent, inst: InstrumentRisk, state: TradingState): RiskReason {
    const position = inst.position.quantity;
    const leaves = this.#leaves;
    // Reducing: shrinks the position without flipping it.
    this.#reducing =
      intent.side === 'BUY' ? position < 0 && leaves <= -position : position > 0 && leaves <= position;
    if (intent.reduceOnly && !this.#reducing) {
      const message = `reduce-only ${intent.side} ${leaves} against position ${position}`;
      return this.#deny('REDUCE_ONLY', message, leaves, Math.abs(position));
    }
    if (state === 'REDUCING' && !this.#reducing && this.#added > 0) {
      const message = `trading is REDUCING for ${intent.strategyId}`;
      return this.#deny('TRADING_REDUCING', message, leaves, Math.abs(position));
    }
    return 'OK';
  }

  /** Price band, order quantity and notional: sets `#unitNotional` (base currency per unit). */
  #checkPriceAndSize(intent: OrderIntent, inst: InstrumentRisk): RiskReason {
    const mark = inst.position.markPrice;
    const limitPrice = intent.price;
    if (limitPrice !== undefined && inst.band !== Number.POSITIVE_INFINITY) {
      if (mark === 0) return this.#deny('PRICE_BAND', `no last price for ${intent.instrumentId}`, limitPrice);
      if (Math.abs(limitPrice - mark) > inst.band * Math.abs(mark)) {
        const message = `limit ${limitPrice} is more than ${inst.band * 10_000} bps from ${mark}`;
        return this.#deny('PRICE_BAND', message, limitPrice, mark);
      }
    }
    const refPrice = limitPrice ?? intent.triggerPrice ?? mark;
    if (refPrice === 0 || !Number.isFinite(refPrice)) {
      return this.#deny('PRICE_BAND', `no reference price for ${intent.instrumentId}`);
    }
    const quantity = intent.quantity;
    if (quantity > inst.maxOrderQuantity) {
      const message = `quantity ${quantity} above ${inst.maxOrderQuantity}`;
      return this.#deny('MAX_ORDER_QUANTITY', message, quantity, inst.maxOrderQuantity);
    }
    const instrument = inst.instrument;
    const rate = this.#portfolio.rate(instrument.quoteCurrency);
    if (rate === undefined) {
      const message = `no exchange rate ${instrument.quoteCurrency}→${this.#portfolio.baseCurrency}`;
      return this.#deny('INVALID_ORDER', message);
    }
    this.#refPrice = Math.abs(refPrice);
    this.#rate = rate;
    this.#unitNotional = this.#refPrice * instrument.multiplier * rate;
    const notional = quantity * this.#unitNotional;
    if (notional > inst.maxOrderNotional) {
      const message = `notional ${notional} above ${inst.maxOrderNotional}`;
      return this.#deny('MAX_ORDER_NOTIONAL', message, notional, inst.maxOrderNotional);
    }
    if (instrument.minNotional !== undefined && notional / rate < instrument.minNotional) {
      const message = `notional below the venue minimum ${instrument.minNotional}`;
      return this.#deny('INVALID_ORDER', message, notional / rate, instrument.minNotional);
    }
    return 'OK';
  }

  /** Position, gross exposure, leverage and margin, for requests that add exposure. */
  #checkExposure(intent: OrderIntent, inst: InstrumentRisk): RiskReason {
    const position = inst.position.quantity;
    const added = this.#added;
    const buy = intent.side === 'BUY';
    if (inst.maxPosition !== Number.POSITIVE_INFINITY) {
      // Worst case: every open order on this side fills too.
      const projected = buy
        ? Math.abs(position + inst.open.buyQuantity + added)
        : Math.abs(position - inst.open.sellQuantity - added);
      if (projected > inst.maxPosition) {
        const message = `position would reach ${projected}, above ${inst.maxPosition}`;
        return this.#deny('MAX_POSITION', message, projected, inst.maxPosition);
      }
    }
    const limits = this.limits;
    if (
      limits.maxGrossExposure === undefined &&
      limits.maxLeverage === undefined &&
      limits.requireMargin !== true
    ) {
      return 'OK';
    }
    const totals = this.#portfolio.totals();
    if (!totals.valid) return this.#deny('MAX_GROSS_EXPOSURE', `no exchange rate for ${totals.missingRate}`);
    const gross = totals.grossExposure + added * this.#unitNotional;
    if (limits.maxGrossExposure !== undefined && gross > limits.maxGrossExposure) {
      return this.#deny(
        'MAX_GROSS_EXPOSURE',
        `gross exposure would reach ${gross}`,
        gross,
        limits.maxGrossExposure,
      );
    }
    if (limits.maxLeverage !== undefined) {
      const leverage = totals.equity > 0 ? gross / totals.equity : Number.POSITIVE_INFINITY;
      if (leverage > limits.maxLeverage) {
        const message = `leverage would reach ${leverage} on equity ${totals.equity}`;
        return this.#deny('MAX_LEVERAGE', message, leverage, limits.maxLeverage);
      }
    }
    if (limits.requireMargin === true) {
      const instrument = inst.instrument;
      const underlying = this.#underlying(instrument);
      const signed = buy ? added : -added;
      const rates = this.#portfolio.marginRates;
      const needed =
        orderMargin(rates, instrument, signed, this.#refPrice, position, underlying) * this.#rate;
      const free = totals.equity - totals.marginUsed;
      if (needed > free)
        return this.#deny('INSUFFICIENT_MARGIN', `needs margin ${needed}, free ${free}`, needed, free);
    }
    return 'OK';
  }

  /**
   * The strategy's capital budget: the margin of its positions (at their marks), of its other open
   * orders (their unfilled quantity, at their limit price or the mark) and of this request must
   * fit in its allocated capital × `maxStrategyCapitalUse`. Each order is netted against the
   * strategy's own position in its instrument, so closing never needs budget. Pre-trade
   * estimates in doubles, like `requireMargin`.
   */
  #checkStrategyCapital(intent: OrderIntent, inst: InstrumentRisk): RiskReason {
    const capital = this.#strategyCapital?.(intent.strategyId);
    if (capital === undefined) return 'OK';
    const budget = capital * this.limits.maxStrategyCapitalUse!;
    const portfolio = this.#portfolio;
    const rates = portfolio.marginRates;
    let committed = 0;
    for (const held of portfolio.strategyPositions(intent.strategyId)) {
      const instrument = this.#instruments.get(held.instrumentId);
      if (instrument === undefined) continue;
      const mark = portfolio.position(held.instrumentId)?.markPrice ?? 0;
      const margin = orderMargin(rates, instrument, held.quantity, mark, 0, this.#underlying(instrument));
      committed += margin * (portfolio.rate(instrument.quoteCurrency) ?? Number.NaN);
    }
    for (const order of this.#orders.openOrders(intent.strategyId)) {
      if (order.clientOrderId === intent.clientOrderId) continue;
      const instrument = this.#instruments.get(order.instrumentId);
      if (instrument === undefined) continue;
      const leaves = order.quantity - order.filledQuantity;
      const price = order.price ?? portfolio.position(order.instrumentId)?.markPrice ?? 0;
      const held = portfolio.strategyQuantity(intent.strategyId, order.instrumentId);
      const signed = order.side === 'BUY' ? leaves : -leaves;
      const margin = orderMargin(rates, instrument, signed, price, held, this.#underlying(instrument));
      committed += margin * (portfolio.rate(instrument.quoteCurrency) ?? Number.NaN);
    }
    const held = portfolio.strategyQuantity(intent.strategyId, intent.instrumentId);
    const signed = intent.side === 'BUY' ? this.#leaves : -this.#leaves;
    const needed =
      orderMargin(rates, inst.instrument, signed, this.#refPrice, held, this.#underlying(inst.instrument)) *
      this.#rate;
    const total = committed + needed;
    if (!(total <= budget)) {
      const message = `strategy ${intent.strategyId} would commit ${total} of its capital ${capital} (at most ${budget})`;
      return this.#deny('INSUFFICIENT_MARGIN', message, total, budget);
    }
    return 'OK';
  }

  /** The underlying price an option's margin uses (its strike if unknown); 0 for other instruments. */
  #underlying(instrument: Instrument): number {
    return instrument.type === 'option'
      ? (this.#portfolio.underlyingPrice(instrument.underlying) ?? instrument.strike)
      : 0;
  }

  /** Open-order counts (submits only), then the rate buckets, charged only when all else passed. */
  #checkCapacity(intent: OrderIntent, strategy: StrategyRisk, now: UnixMicros): RiskReason {
    if (intent.action === 'SUBMIT') {
      const maxOpen = this.limits.maxOpenOrders;
      const open = this.#orders.openCount();
      if (maxOpen !== undefined && open >= maxOpen) {
        return this.#deny('MAX_OPEN_ORDERS', `${maxOpen} orders already open`, open, maxOpen);
      }
      const maxPerStrategy = this.limits.maxOpenOrdersPerStrategy;
      if (maxPerStrategy !== undefined && strategy.open.count >= maxPerStrategy) {
        const message = `${maxPerStrategy} orders already open for ${strategy.id}`;
        return this.#deny('MAX_OPEN_ORDERS', message, strategy.open.count, maxPerStrategy);
      }
    }
    const bucket = strategy.bucket;
    if (bucket !== undefined && !bucket.tryTake(now)) {
      return this.#deny('ORDER_RATE', `order rate of ${strategy.id} exceeded`, undefined, bucket.perSecond);
    }
    const global = this.#globalBucket;
    if (global !== undefined && !global.tryTake(now)) {
      bucket?.refund();
      return this.#deny('ORDER_RATE', 'global order rate exceeded', undefined, global.perSecond);
    }
    return 'OK';
  }

  /** Structural and venue-increment checks; a message when invalid. */
  #validity(intent: OrderIntent, instrument: Instrument): string | undefined {
    const { orderType, price, triggerPrice, quantity } = intent;
    const needsPrice = orderType === 'LIMIT' || orderType === 'STOP_LIMIT';
    const needsTrigger = orderType === 'STOP' || orderType === 'STOP_LIMIT';
    if (needsPrice !== (price !== undefined))
      return `price is ${needsPrice ? 'required' : 'not allowed'} for ${orderType}`;
    if (needsTrigger !== (triggerPrice !== undefined)) {
      return `triggerPrice is ${needsTrigger ? 'required' : 'not allowed'} for ${orderType}`;
    }
    if (!(quantity > 0) || !Number.isFinite(quantity)) return `quantity must be positive, got ${quantity}`;
    if (!isMultiple(quantity, instrument.lotSize))
      return `quantity ${quantity} is not a multiple of the lot size ${instrument.lotSize}`;
    if (price !== undefined && (!Number.isFinite(price) || !isMultiple(price, instrument.tickSize))) {
      return `price ${price} is not a multiple of the tick size ${instrument.tickSize}`;
    }
    if (
      triggerPrice !== undefined &&
      (!Number.isFinite(triggerPrice) || !isMultiple(triggerPrice, instrument.tickSize))
    ) {
      return `triggerPrice ${triggerPrice} is not a multiple of the tick size ${instrument.tickSize}`;
    }
    if (instrument.minQuantity !== undefined && quantity < instrument.minQuantity) {
      return `quantity ${quantity} is below the venue minimum ${instrument.minQuantity}`;
    }
    if (
      intent.postOnly &&
      (orderType !== 'LIMIT' || intent.timeInForce === 'IOC' || intent.timeInForce === 'FOK')
    ) {
      return 'post-only needs a LIMIT order that rests (not IOC/FOK)';
    }
    return undefined;
  }

  /** Records a denial's details for the event and returns its reason. */
  #deny(reason: RiskReason, message: string, value?: number, limit?: number): RiskReason {
    this.#value = value;
    this.#limit = limit;
    this.#message = message;
    return reason;
  }

  #strategyFor(strategyId: string): StrategyRisk {
    let strategy = this.#strategies.get(strategyId);
    if (strategy === undefined) {
      const rate = this.limits.strategyOrderRate;
      const bucket =
        rate === undefined ? undefined : new TokenBucket(rate.capacity, rate.perSecond, this.#clock.nowUs());
      strategy = new StrategyRisk(strategyId, bucket, this.#orders.strategyCounter(strategyId));
      this.#strategies.set(strategyId, strategy);
    }
    return strategy;
  }

  #instrumentFor(instrumentId: string): InstrumentRisk | undefined {
    let risk = this.#instrumentRisk.get(instrumentId);
    if (risk !== undefined) return risk;
    const instrument = this.#instruments.get(instrumentId);
    if (instrument === undefined) return undefined;
    let position: PositionView;
    try {
      position = this.#portfolio.positionFor(instrumentId);
    } catch (cause) {
      this.#onError(toQuantKuberaError(cause, `risk: ${instrumentId}`));
      return undefined;
    }
    risk = new InstrumentRisk(
      instrument,
      position,
      this.#orders.openTotals(instrumentId, instrument.sizePrecision),
      this.limits,
    );
    this.#instrumentRisk.set(instrumentId, risk);
    return risk;
  }

  /** A decision about one order (an intent, or an `Order` the engine cancels). */
  #decision(
    order: Pick<OrderIntent, 'strategyId' | 'clientOrderId' | 'instrumentId'>,
    decision: RiskDecision,
    reason: RiskReason,
    message: string,
  ): RiskEvent {
    const now = this.#clock.nowUs();
    const event: RiskEvent = {
      kind: 'risk',
      v: 1,
      tsEvent: now,
      tsInit: now,
      scope: 'STRATEGY',
      decision,
      reason,
      tradingState: this.tradingState(order.strategyId),
      strategyId: order.strategyId,
      clientOrderId: order.clientOrderId,
      instrumentId: order.instrumentId,
      message,
    };
    if (decision === 'DENIED') {
      if (this.#value !== undefined) event.value = this.#value;
      if (this.#limit !== undefined) event.limit = this.#limit;
      this.#value = undefined;
      this.#limit = undefined;
    }
    this.#onEvent?.(event);
    return event;
  }

  #stateEvent(
    decision: RiskDecision,
    reason: RiskReason,
    strategyId: string | undefined,
    message: string,
    value?: number,
    limit?: number,
  ): RiskEvent {
    const now = this.#clock.nowUs();
    const event: RiskEvent = {
      kind: 'risk',
      v: 1,
      tsEvent: now,
      tsInit: now,
      scope: strategyId === undefined ? 'GLOBAL' : 'STRATEGY',
      decision,
      reason,
      tradingState: this.tradingState(strategyId),
      message,
    };
    if (strategyId !== undefined) event.strategyId = strategyId;
    if (value !== undefined) event.value = value;
    if (limit !== undefined) event.limit = limit;
    this.#onEvent?.(event);
    return event;
  }

  #setState(strategyId: string | undefined, state: TradingState, reason: RiskReason, message: string): void {
    if (strategyId === undefined) this.#global = state;
    else this.#strategyFor(strategyId).state = state;
    this.#stateChanges++;
    this.#stateEvent('STATE_CHANGED', reason, strategyId, message);
  }

  /** A breaker or monitor fired: record the breach, then tighten (never loosen) the global state. */
  #trip(
    action: TripAction,
    reason: RiskReason,
    value: number,
    limit: number,
    message: string,
    flatten = false,
  ): void {
    if (SEVERITY[this.#global] >= SEVERITY[action]) return;
    this.#stateEvent('BREACHED', reason, undefined, message, value, limit);
    if (action === 'HALTED') this.halt({ reason, flatten, message });
    else this.#setState(undefined, 'REDUCING', reason, message);
  }

  #onDisconnect(component: string): void {
    const cfg = this.limits.circuitBreakers.disconnect;
    if (cfg === undefined || this.#disconnected.has(component)) return;
    const since = this.#clock.nowUs();
    const entry: { since: UnixMicros; alarm: TimerHandle | undefined } = { since, alarm: undefined };
    this.#disconnected.set(component, entry);
    if (cfg.graceUs === 0) {
      this.#trip(cfg.action, 'CIRCUIT_DISCONNECT', 0, 0, `${component} disconnected`);
      return;
    }
    entry.alarm = this.#clock.setAlarm(
      since + cfg.graceUs,
      () => {
        if (this.#disconnected.get(component) !== entry) return;
        entry.alarm = undefined;
        const down = this.#clock.nowUs() - since;
        this.#trip(
          cfg.action,
          'CIRCUIT_DISCONNECT',
          down,
          cfg.graceUs,
          `${component} disconnected for ${down} µs`,
        );
      },
      `risk-disconnect:${component}`,
    );
  }

  #onConnect(component: string): void {
    const entry = this.#disconnected.get(component);
    if (entry === undefined) return;
    if (entry.alarm !== undefined) this.#clock.cancel(entry.alarm);
    this.#disconnected.delete(component);
  }

  #send(intent: OrderIntent): void {
    try {
      if (intent.action === 'SUBMIT') this.#gateway.submit(intent);
      else this.#gateway.modify(intent);
    } catch (cause) {
      const error = toQuantKuberaError(
        cause,
        `gateway ${this.#gateway.id} ${intent.action} ${intent.clientOrderId}`,
      );
      this.#onError(error);
      // The request never reached the venue: answer it locally as a reject so the order is not left in flight.
      const now = this.#clock.nowUs();
      this.#guard(
        () =>
          this.#orders.applyAck({
            kind: 'orderAck',
            v: 1,
            tsEvent: now,
            tsInit: now,
            action: intent.action,
            clientOrderId: intent.clientOrderId,
            strategyId: intent.strategyId,
            instrumentId: intent.instrumentId,
            accepted: false,
            reason: error.message.slice(0, 1024),
          }),
        'local reject',
      );
    }
  }

  #sendCancel(intent: OrderIntent, order: Order | undefined, message: string): RiskEvent {
    this.#cancels++;
    if (order?.isOpen === true) this.#orders.requestCancel(order.clientOrderId);
    const event =
      order === undefined
        ? this.#decision(intent, 'APPROVED', 'CANCEL_ALWAYS_ALLOWED', message)
        : this.#decision(order, 'APPROVED', 'CANCEL_ALWAYS_ALLOWED', message);
    this.#guard(() => this.#gateway.cancel(intent), `cancel ${intent.clientOrderId}`);
    return event;
  }

  #flatten(strategyId: string | undefined, reason: RiskReason): void {
    const targets: { instrumentId: string; quantity: number }[] = [];
    if (strategyId === undefined) {
      for (const p of this.#portfolio.positions())
        if (p.quantity !== 0) targets.push({ instrumentId: p.instrumentId, quantity: p.quantity });
    } else {
      targets.push(...this.#portfolio.strategyPositions(strategyId));
    }
    const owner = strategyId ?? this.#riskStrategyId;
    for (const { instrumentId, quantity } of targets) {
      const now = this.#clock.nowUs();
      const intent: OrderIntent = {
        kind: 'orderIntent',
        v: 1,
        tsEvent: now,
        tsInit: now,
        action: 'SUBMIT',
        clientOrderId: this.#flattenIds.next(),
        strategyId: owner,
        instrumentId,
        side: quantity > 0 ? 'SELL' : 'BUY',
        orderType: 'MARKET',
        timeInForce: 'IOC',
        quantity: Math.abs(quantity),
        reduceOnly: true,
        postOnly: false,
        tag: 'flatten',
      };
      try {
        this.#orders.create(intent);
      } catch (cause) {
        this.#onError(toQuantKuberaError(cause, `flatten ${instrumentId}`));
        continue;
      }
      this.#approved++;
      this.#decision(intent, 'APPROVED', reason, 'flatten on halt');
      this.#orders.submitted(intent.clientOrderId);
      this.#send(intent);
    }
  }

  /** Runs a gateway call, containing (and reporting) anything it throws. */
  #guard(action: () => void, what: string): void {
    try {
      action();
    } catch (cause) {
      this.#onError(toQuantKuberaError(cause, `gateway ${this.#gateway.id} ${what}`));
    }
  }
}
