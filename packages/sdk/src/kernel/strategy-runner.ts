import {
  type BarEvent,
  ClientOrderIdGenerator,
  type Clock,
  type DepthEvent,
  type FillEvent,
  type Instrument,
  InvalidArgumentError,
  type OrderIntent,
  type OrderManager,
  type OrderUpdate,
  type Portfolio,
  type PortfolioSnapshot,
  type QuoteEvent,
  type RiskEngine,
  type RiskEvent,
  type TickEvent,
  type TimeEvent,
  type TimerHandle,
  type TradeEvent,
  type TradingState,
  toQuantKuberaError,
  type UnixMicros,
  ValidationError,
} from '@quantkubera/core';
import type {
  OrderChanges,
  OrderOptions,
  OrderRequest,
  OrderView,
  RunMode,
  StrategyContext,
  StrategyLogger,
  Subscription,
  TimerOptions,
} from '../strategy/strategy-context.js';
import type { StrategyDefinition, StrategyHooks } from '../strategy/strategy-definition.js';
import type { LatencyTracker } from './latency-tracker.js';

/** A structured log line from a strategy or the kernel. */
export interface LogLine {
  /** The run's clock time. */
  readonly ts: UnixMicros;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** The strategy id, or `kernel`. */
  readonly source: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** What the kernel lends a runner: its engines and a few services. */
export interface RunnerServices {
  readonly mode: RunMode;
  readonly clock: Clock;
  readonly orders: OrderManager;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly baseCurrency: string;
  readonly latency: LatencyTracker | undefined;
  /** The definition of an instrument of the run, or undefined for one it does not know. */
  instrument(instrumentId: string): Instrument | undefined;
  /** The last price the run has seen for an instrument, or undefined before any. */
  lastPrice(instrumentId: string): number | undefined;
  /** Makes sure the subscription's market data and bars reach the runner. */
  subscribe(runner: StrategyRunner, subscription: Subscription): void;
  /** Marks the portfolio and publishes the intent, then hands it to risk. */
  route(intent: OrderIntent): void;
  /** Writes one of the strategy's structured log lines. */
  log(line: LogLine): void;
  /** A hook threw: the kernel contains it. */
  fail(runner: StrategyRunner, hook: string, error: unknown): void;
}

const NO_ORDERS: readonly OrderView[] = Object.freeze([]);

/** The lifecycle of a strategy in a run. */
export type RunnerState = 'created' | 'running' | 'failed' | 'stopped';

const ORDER_TYPE_BY_PRICES = (price: boolean, trigger: boolean) =>
  trigger ? (price ? 'STOP_LIMIT' : 'STOP') : price ? 'LIMIT' : 'MARKET';

/**
 * Runs one strategy in a kernel: owns its context, its client order ids and its subscriptions,
 * and calls its hooks, containing anything they throw.
 */
export class StrategyRunner {
  readonly strategyId: string;
  readonly definition: StrategyDefinition;
  readonly params: unknown;
  readonly capital: number;
  /** Instruments whose ticks/quotes/trades/depth reach the strategy, by kind. */
  readonly ticks = new Set<string>();
  readonly quotes = new Set<string>();
  readonly trades = new Set<string>();
  readonly depth = new Set<string>();
  /** Timeframes per instrument whose bars reach the strategy. */
  readonly bars = new Map<string, Set<string>>();
  #hooks: StrategyHooks = {};
  #state: RunnerState = 'created';
  #restarts = 0;
  readonly #ids: ClientOrderIdGenerator;
  readonly #services: RunnerServices;
  readonly #timers = new Set<TimerHandle>();
  readonly #context: StrategyContext<unknown>;
  readonly #onTimer = (event: TimeEvent): void => {
    if (this.#state === 'running' && this.#hooks.onTimer !== undefined)
      this.#call('onTimer', this.#hooks.onTimer, event);
  };

  constructor(
    services: RunnerServices,
    definition: StrategyDefinition,
    strategyId: string,
    rawParams: unknown,
    capital: number,
  ) {
    this.#services = services;
    this.definition = definition;
    this.strategyId = strategyId;
    this.capital = capital;
    const parsed = definition.params.safeParse(rawParams ?? {});
    if (!parsed.success) throw ValidationError.fromZod(`params of strategy ${strategyId}`, parsed.error);
    this.params = Object.freeze(parsed.data);
    this.#ids = new ClientOrderIdGenerator(strategyId);
    this.#context = this.#makeContext();
  }

  /** Where the runner is in its lifecycle. */
  get state(): RunnerState {
    return this.#state;
  }

  /** How many times it was restarted after a failure. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Builds the hooks and calls `onStart`. Returns false if setup or onStart threw. */
  start(): boolean {
    try {
      this.#hooks = this.definition.setup(this.#context);
    } catch (error) {
      this.#services.fail(this, 'setup', error);
      return false;
    }
    this.#state = 'running';
    if (this.#hooks.onStart !== undefined) this.#call('onStart', this.#hooks.onStart, undefined);
    return this.#state === 'running';
  }

  /** Marks the runner failed: its hooks are no longer called, its timers are cancelled. */
  markFailed(): void {
    this.#state = 'failed';
    for (const t of this.#timers) this.#services.clock.cancel(t);
    this.#timers.clear();
  }

  /** Restarts after a failure: fresh state from `setup`, then `onStart`. */
  restart(): boolean {
    this.#restarts++;
    this.ticks.clear();
    this.quotes.clear();
    this.trades.clear();
    this.depth.clear();
    this.bars.clear();
    return this.start();
  }

  /** Calls `onStop` (if running) and stops the runner. */
  stop(): void {
    if (this.#state === 'running' && this.#hooks.onStop !== undefined)
      this.#call('onStop', this.#hooks.onStop, undefined);
    if (this.#state === 'running') this.#state = 'stopped';
    for (const t of this.#timers) this.#services.clock.cancel(t);
    this.#timers.clear();
  }

  /** Delivers a tick if subscribed. */
  onTick(e: TickEvent): void {
    const h = this.#hooks.onTick;
    if (h !== undefined && this.#state === 'running' && this.ticks.has(e.instrumentId))
      this.#call('onTick', h, e);
  }

  /** Delivers a quote if subscribed. */
  onQuote(e: QuoteEvent): void {
    const h = this.#hooks.onQuote;
    if (h !== undefined && this.#state === 'running' && this.quotes.has(e.instrumentId))
      this.#call('onQuote', h, e);
  }

  /** Delivers a trade if subscribed. */
  onTrade(e: TradeEvent): void {
    const h = this.#hooks.onTrade;
    if (h !== undefined && this.#state === 'running' && this.trades.has(e.instrumentId))
      this.#call('onTrade', h, e);
  }

  /** Delivers depth if subscribed. */
  onDepth(e: DepthEvent): void {
    const h = this.#hooks.onDepth;
    if (h !== undefined && this.#state === 'running' && this.depth.has(e.instrumentId))
      this.#call('onDepth', h, e);
  }

  /** Delivers a bar if its instrument and timeframe are subscribed. */
  onBar(e: BarEvent): void {
    const h = this.#hooks.onBar;
    if (
      h !== undefined &&
      this.#state === 'running' &&
      this.bars.get(e.instrumentId)?.has(e.timeframe) === true
    ) {
      this.#call('onBar', h, e);
    }
  }

  /** Delivers an update of one of the strategy's orders. */
  onOrderUpdate(e: OrderUpdate): void {
    const h = this.#hooks.onOrderUpdate;
    if (h !== undefined && this.#state === 'running' && e.strategyId === this.strategyId)
      this.#call('onOrderUpdate', h, e);
  }

  /** Delivers a fill of one of the strategy's orders. */
  onFill(e: FillEvent): void {
    const h = this.#hooks.onFill;
    if (h !== undefined && this.#state === 'running' && e.strategyId === this.strategyId)
      this.#call('onFill', h, e);
  }

  /** Delivers a risk event about this strategy or the whole account. */
  onRiskEvent(e: RiskEvent): void {
    const h = this.#hooks.onRiskEvent;
    if (h === undefined || this.#state !== 'running') return;
    if (e.strategyId === this.strategyId || (e.scope === 'GLOBAL' && e.decision !== 'APPROVED'))
      this.#call('onRiskEvent', h, e);
  }

  #call<T>(hook: string, fn: (arg: T) => void, arg: T): void {
    try {
      fn(arg);
    } catch (error) {
      this.#services.fail(this, hook, error);
    }
  }

  #makeContext(): StrategyContext<unknown> {
    const s = this.#services;
    const log = (level: LogLine['level']) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
      s.log(
        fields === undefined
          ? { ts: s.clock.nowUs(), level, source: this.strategyId, message }
          : { ts: s.clock.nowUs(), level, source: this.strategyId, message, fields },
      );
    const logger: StrategyLogger = {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
    };
    const submit = (req: OrderRequest): string => this.#submit(req);
    const openCount = s.orders.strategyCounter(this.strategyId);
    return {
      strategyId: this.strategyId,
      params: this.params as never,
      mode: s.mode,
      capital: this.capital,
      baseCurrency: s.baseCurrency,
      log: logger,
      now: () => s.clock.nowUs(),
      instrument: (id) => {
        const inst = s.instrument(id);
        if (inst === undefined) throw new InvalidArgumentError('instrument', id, 'an instrument of this run');
        return inst;
      },
      subscribe: (sub) => {
        if (s.instrument(sub.instrumentId) === undefined) {
          throw new InvalidArgumentError(
            'subscription instrumentId',
            sub.instrumentId,
            'an instrument of this run',
          );
        }
        s.subscribe(this, sub);
      },
      submit,
      buy: (instrumentId, quantity, options?: OrderOptions) =>
        submit({ ...options, instrumentId, side: 'BUY', quantity }),
      sell: (instrumentId, quantity, options?: OrderOptions) =>
        submit({ ...options, instrumentId, side: 'SELL', quantity }),
      modify: (id, changes) => this.#modify(id, changes),
      cancel: (id) => {
        s.risk.cancel(id);
      },
      cancelAll: (instrumentId) => {
        for (const order of s.orders.openOrders(this.strategyId)) {
          if (instrumentId === undefined || order.instrumentId === instrumentId)
            s.risk.cancel(order.clientOrderId);
        }
      },
      flatten: (instrumentId) => {
        for (const p of s.portfolio.strategyPositions(this.strategyId)) {
          if (p.quantity === 0 || (instrumentId !== undefined && p.instrumentId !== instrumentId)) continue;
          submit({
            instrumentId: p.instrumentId,
            side: p.quantity > 0 ? 'SELL' : 'BUY',
            quantity: Math.abs(p.quantity),
            reduceOnly: true,
            timeInForce: 'IOC',
          });
        }
      },
      position: (instrumentId) => s.portfolio.strategyQuantity(this.strategyId, instrumentId),
      order: (id) => {
        const order = s.orders.get(id);
        return order !== undefined && order.strategyId === this.strategyId ? (order as OrderView) : undefined;
      },
      openOrders: (instrumentId) =>
        // Strategies ask this on every event; the live per-strategy count answers the usual
        // "none open" without building two arrays.
        openCount.count === 0
          ? NO_ORDERS
          : (s.orders
              .openOrders(this.strategyId)
              .filter((o) => instrumentId === undefined || o.instrumentId === instrumentId) as OrderView[]),
      portfolio: (): PortfolioSnapshot => s.portfolio.snapshot(),
      lastPrice: (instrumentId) => s.lastPrice(instrumentId),
      tradingState: (): TradingState => s.risk.tradingState(this.strategyId),
      setTimer: (name, intervalUs, options?: TimerOptions) => {
        const handle = s.clock.setTimer({
          name,
          intervalUs,
          ...(options?.startUs === undefined ? {} : { startUs: options.startUs }),
          ...(options?.stopUs === undefined ? {} : { stopUs: options.stopUs }),
          callback: this.#onTimer,
        });
        this.#timers.add(handle);
        return handle;
      },
      setAlarm: (name, atUs) => {
        const handle = s.clock.setAlarm(atUs, this.#onTimer, name);
        this.#timers.add(handle);
        return handle;
      },
      cancelTimer: (handle) => {
        s.clock.cancel(handle);
        this.#timers.delete(handle);
      },
    };
  }

  #submit(req: OrderRequest): string {
    const s = this.#services;
    const clientOrderId = this.#ids.next();
    s.latency?.signal(clientOrderId);
    const now = s.clock.nowUs();
    const hasPrice = req.price !== undefined;
    const hasTrigger = req.triggerPrice !== undefined;
    const intent: OrderIntent = {
      kind: 'orderIntent',
      v: 1,
      tsEvent: now,
      tsInit: now,
      action: 'SUBMIT',
      clientOrderId,
      strategyId: this.strategyId,
      instrumentId: req.instrumentId,
      side: req.side,
      orderType: req.type ?? ORDER_TYPE_BY_PRICES(hasPrice, hasTrigger),
      timeInForce: req.timeInForce ?? 'GTC',
      quantity: req.quantity,
      reduceOnly: req.reduceOnly ?? false,
      postOnly: req.postOnly ?? false,
    };
    // Optional fields are added, not spread in: a spread builds a temporary object per order.
    if (hasPrice) intent.price = req.price;
    if (hasTrigger) intent.triggerPrice = req.triggerPrice;
    if (req.tag !== undefined) intent.tag = req.tag;
    s.route(intent);
    return clientOrderId;
  }

  #modify(clientOrderId: string, changes: OrderChanges): void {
    const s = this.#services;
    const order = s.orders.get(clientOrderId);
    if (order === undefined || order.strategyId !== this.strategyId) {
      throw new InvalidArgumentError(
        'modify clientOrderId',
        clientOrderId,
        `an order of strategy ${this.strategyId}`,
      );
    }
    const now = s.clock.nowUs();
    const price = changes.price ?? order.price;
    const triggerPrice = changes.triggerPrice ?? order.triggerPrice;
    const intent: OrderIntent = {
      kind: 'orderIntent',
      v: 1,
      tsEvent: now,
      tsInit: now,
      action: 'MODIFY',
      clientOrderId,
      strategyId: this.strategyId,
      instrumentId: order.instrumentId,
      side: order.side,
      orderType: order.orderType,
      timeInForce: order.timeInForce,
      quantity: changes.quantity ?? order.quantity,
      reduceOnly: order.reduceOnly,
      postOnly: order.postOnly,
    };
    if (price !== undefined) intent.price = price;
    if (triggerPrice !== undefined) intent.triggerPrice = triggerPrice;
    s.route(intent);
  }
}

/** Normalises anything a hook threw, for reports. */
export function describeFailure(hook: string, error: unknown): string {
  return `${hook} threw: ${toQuantKuberaError(error).message}`;
}
