import {
  type BarEvent,
  type BarSource,
  type CanonicalEvent,
  type Clock,
  type DepthEvent,
  defaultCalendarFor,
  type EmptyBarPolicy,
  EventBus,
  type ExecutionEvent,
  type ExecutionGateway,
  type Instrument,
  InvalidArgumentError,
  type LatePolicy,
  type MarginRatesInput,
  MultiTimeframeAggregator,
  type OrderIntent,
  OrderManager,
  Portfolio,
  type QuoteEvent,
  RiskEngine,
  type RiskLimitsInput,
  type SessionCalendar,
  SimClock,
  type SystemHealthEvent,
  type TickEvent,
  type TradeEvent,
  toQuantKuberaError,
  type UnixMicros,
} from '@quantkubera/core';
import type { RunMode, Subscription } from '../strategy/strategy-context.js';
import type { StrategyDefinition } from '../strategy/strategy-definition.js';
import { type LatencySummary, LatencyTracker } from './latency-tracker.js';
import { describeFailure, type LogLine, type RunnerServices, StrategyRunner } from './strategy-runner.js';

/** Market data the kernel ingests. */
export type MarketDataEvent = TickEvent | QuoteEvent | TradeEvent | DepthEvent | BarEvent;

/**
 * A venue simulated on market data (backtest and paper mode): it sees every market event before
 * the strategies do, so resting orders fill against the market as it is.
 */
export interface MarketSimulator {
  /** Matches resting orders against one market event. */
  onMarketData(event: MarketDataEvent): void;
}

/** Anything that records events (a `WalWriter`, a test array). */
export interface EventRecorder {
  /** Records one event. */
  append(event: CanonicalEvent): unknown;
}

/** One strategy of a run. */
export interface StrategySpec {
  /** The strategy. */
  readonly definition: StrategyDefinition;
  /** Its id in the run (default: the definition's name); prefixes its client order ids. */
  readonly id?: string;
  /** Raw parameters, validated against the definition's schema. */
  readonly params?: unknown;
  /**
   * Fraction of the starting equity allocated to it (default: an equal share): its
   * `ctx.capital`, and its budget when the risk limit `maxStrategyCapitalUse` is set.
   */
  readonly allocation?: number;
}

/** What happens to a strategy whose hook throws. */
export interface RestartPolicy {
  /** Restarts allowed per strategy (default 0: a failed strategy stays halted). */
  readonly maxRestarts: number;
}

/** A strategy that failed, for reports. */
export interface StrategyFailure {
  readonly strategyId: string;
  readonly ts: UnixMicros;
  readonly hook: string;
  readonly message: string;
  /** True when the restart policy brought it back. */
  readonly restarted: boolean;
}

/** Everything a kernel needs; the mode decides which ports are legal. */
export interface KernelConfig {
  /** backtest: SimClock + simulator; paper: live clock + simulator; live: live clock + venue gateway. */
  readonly mode: RunMode;
  /** The run's clock. */
  readonly clock: Clock;
  /** Definitions of every instrument the run may trade or watch. */
  readonly instruments: readonly Instrument[];
  /** Where orders go. In backtest and paper mode, the simulator. */
  readonly gateway: ExecutionGateway;
  /** The simulated venue that also consumes market data (backtest and paper mode only). */
  readonly simulator?: MarketSimulator;
  /** The strategies. */
  readonly strategies: readonly StrategySpec[];
  /** Currency of equity and exposure. */
  readonly baseCurrency: string;
  /** Starting cash per currency. */
  readonly deposits: Readonly<Record<string, number>>;
  /** Exchange rates to the base currency. */
  readonly rates?: Readonly<Record<string, number>>;
  /** Margin approximation rates. */
  readonly margin?: MarginRatesInput;
  /** Risk limits. */
  readonly risk?: RiskLimitsInput;
  /** Bar building: late data and empty intervals, and the calendar of an instrument. */
  readonly bars?: {
    readonly latePolicy?: LatePolicy;
    readonly emptyBars?: EmptyBarPolicy;
    /** The session calendar bars of an instrument align to; the venue's default when omitted. */
    readonly calendarFor?: (instrumentId: string) => SessionCalendar;
  };
  /** What happens to a strategy that throws. */
  readonly restart?: RestartPolicy;
  /** Records the run's events (the WAL). */
  readonly recorder?: EventRecorder;
  /** `all` events, or only `decisions` (no market data; a backtest's input is already on disk). Default: all live, decisions in a backtest. */
  readonly record?: 'all' | 'decisions';
  /** Portfolio snapshots (and drawdown/daily-loss monitoring) every this many µs of run time; default 60 s. */
  readonly snapshotIntervalUs?: number;
  /** Measure the order latency checkpoints (default true). */
  readonly latency?: boolean;
  /**
   * Closed orders the order manager keeps (the most recently closed; open orders are always
   * kept), so a long-running process does not grow without bound; default 100,000. `ctx.order`
   * no longer finds an order beyond it.
   */
  readonly retainClosedOrders?: number;
  /** Receives log lines (default: warnings and errors to stderr). */
  readonly log?: (line: LogLine) => void;
}

/** Counters and outcomes of a run so far. */
export interface KernelStats {
  readonly marketEvents: number;
  readonly bars: number;
  readonly intents: number;
  readonly fills: number;
  readonly failures: readonly StrategyFailure[];
}

const MARKET_KINDS = new Set(['tick', 'trade', 'quote', 'depth']);

interface InstrumentState {
  readonly instrument: Instrument;
  lastPrice: number;
  trade: MultiTimeframeAggregator | undefined;
  mid: MultiTimeframeAggregator | undefined;
  readonly timeframes: Map<BarSource, Set<string>>;
}

/**
 * The gateway as the risk engine sees it, marking the `submit` checkpoint as a request is handed
 * over (a simulator may execute it before returning; that is not submit latency).
 */
function timedGateway(gateway: ExecutionGateway, latency: LatencyTracker): ExecutionGateway {
  return {
    id: gateway.id,
    connect: (sink) => gateway.connect(sink),
    disconnect: () => gateway.disconnect(),
    submit: (intent) => {
      latency.mark(intent.clientOrderId, 'submit');
      gateway.submit(intent);
    },
    modify: (intent) => gateway.modify(intent),
    cancel: (intent) => gateway.cancel(intent),
    cancelAll: (filter) => gateway.cancelAll(filter),
    orderStatusReports: (query) => gateway.orderStatusReports(query),
    fillReports: (query) => gateway.fillReports(query),
  };
}

function defaultLog(line: LogLine): void {
  if (line.level === 'warn' || line.level === 'error') {
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }
}

/**
 * The one kernel of every mode: it wires the clock, bus, order manager, portfolio, risk engine,
 * bar aggregators, recorder and strategies identically in backtest, paper and live mode. Only
 * the ports differ (clock, gateway, simulator), and mismatched combinations are refused.
 *
 * Per market event: the simulator matches first (fills happen against the market as it is), the
 * instrument's last price and bars update, then the event is published on the bus, where the
 * strategies subscribed to it see it. Everything a strategy causes (intents, risk decisions,
 * acks, fills, position updates) is published on the same bus, in order.
 */
export class Kernel {
  /** The bus every event of the run travels on. */
  readonly bus = new EventBus<CanonicalEvent>({
    onError: (error) =>
      this.#log({ ts: this.clock.nowUs(), level: 'error', source: 'kernel', message: error.message }),
  });
  readonly mode: RunMode;
  readonly clock: Clock;
  readonly orders: OrderManager;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  /** The strategies, in descriptor order. */
  readonly runners: readonly StrategyRunner[];
  readonly latency: LatencyTracker | undefined;
  readonly #config: KernelConfig;
  readonly #gateway: ExecutionGateway;
  readonly #simulator: MarketSimulator | undefined;
  readonly #instruments = new Map<string, InstrumentState>();
  readonly #log: (line: LogLine) => void;
  readonly #failures: StrategyFailure[] = [];
  readonly #services: RunnerServices;
  /** Each strategy's capital: its allocation of the equity at construction, in the base currency. */
  readonly #capitals = new Map<string, number>();
  #marketEvents = 0;
  #bars = 0;
  #intents = 0;
  #fills = 0;
  #started = false;
  #stopped = false;
  readonly #onExecution = (event: ExecutionEvent): void => this.#execution(event);
  readonly #onBar = (bar: BarEvent): void => {
    this.#bars++;
    const state = this.#instruments.get(bar.instrumentId);
    if (state !== undefined && bar.source === 'TRADE') state.lastPrice = bar.close;
    this.bus.publish(bar);
  };
  readonly #onHealth = (event: SystemHealthEvent): void => this.bus.publish(event);

  constructor(config: KernelConfig) {
    Kernel.validate(config);
    this.#config = config;
    this.mode = config.mode;
    this.clock = config.clock;
    this.#gateway = config.gateway;
    this.#simulator = config.simulator;
    this.#log = config.log ?? defaultLog;
    this.latency = config.latency === false ? undefined : new LatencyTracker();
    for (const instrument of config.instruments) {
      this.#instruments.set(instrument.id, {
        instrument,
        lastPrice: Number.NaN,
        trade: undefined,
        mid: undefined,
        timeframes: new Map(),
      });
    }
    const source = { get: (id: string) => this.#instruments.get(id)?.instrument };
    this.orders = new OrderManager({
      clock: this.clock,
      instruments: source,
      retainClosed: config.retainClosedOrders ?? 100_000,
      onUpdate: (update) => {
        if (update.status === 'FILLED' || update.status === 'CANCELED' || update.status === 'REJECTED') {
          if (update.status !== 'FILLED') this.latency?.close(update.clientOrderId);
        }
        this.bus.publish(update);
      },
    });
    this.portfolio = new Portfolio({
      clock: this.clock,
      instruments: source,
      baseCurrency: config.baseCurrency,
      ...(config.rates === undefined ? {} : { rates: config.rates }),
      ...(config.margin === undefined ? {} : { margin: config.margin }),
    });
    for (const [currency, amount] of Object.entries(config.deposits))
      this.portfolio.deposit(currency, amount);
    this.risk = new RiskEngine({
      clock: this.clock,
      instruments: source,
      orders: this.orders,
      portfolio: this.portfolio,
      gateway: this.latency === undefined ? this.#gateway : timedGateway(this.#gateway, this.latency),
      ...(config.risk === undefined ? {} : { limits: config.risk }),
      // Each strategy's allocation of the starting equity, for `maxStrategyCapitalUse`.
      strategyCapital: (strategyId) => this.#capitals.get(strategyId),
      onEvent: (event) => {
        if (event.decision === 'APPROVED' && event.clientOrderId !== undefined)
          this.latency?.mark(event.clientOrderId, 'risk');
        this.bus.publish(event);
      },
      onError: (error) =>
        this.#log({ ts: this.clock.nowUs(), level: 'error', source: 'risk', message: error.message }),
    });
    this.#services = this.#makeServices();
    const equity = this.portfolio.equity();
    const equalShare = 1 / Math.max(1, config.strategies.length);
    const ids = new Set<string>();
    this.runners = config.strategies.map((spec) => {
      const id = spec.id ?? spec.definition.name;
      if (ids.has(id)) throw new InvalidArgumentError('strategy id', id, 'unique within the run');
      ids.add(id);
      const allocation = spec.allocation ?? equalShare;
      this.#capitals.set(id, equity * allocation);
      return new StrategyRunner(this.#services, spec.definition, id, spec.params, equity * allocation);
    });
    this.#wireBus();
  }

  /**
   * Refuses port combinations that would make a mode lie: a backtest on a live clock, live
   * trading against a simulator, paper trading without one.
   */
  static validate(config: KernelConfig): void {
    const sim = config.clock instanceof SimClock;
    const fail = (what: string) => {
      throw new InvalidArgumentError(`kernel ${config.mode} mode`, config.gateway.id, what);
    };
    if (config.mode === 'backtest') {
      if (!sim) fail('a SimClock (a backtest must not read the wall clock)');
      if (config.simulator === undefined) fail('a simulated venue (simulator) as its gateway');
    } else if (config.mode === 'paper') {
      if (sim) fail('a live clock (paper mode runs on live data)');
      if (config.simulator === undefined) fail('a simulated venue (paper mode simulates fills)');
    } else {
      if (sim) fail('a live clock');
      if (config.simulator !== undefined)
        fail('a venue gateway, not a simulator (live orders go to the venue)');
    }
    if (config.simulator !== undefined && (config.simulator as unknown) !== (config.gateway as unknown)) {
      fail('the simulator itself as the gateway, so fills and market data meet in one place');
    }
    if (config.strategies.length === 0) fail('at least one strategy');
    const total = config.strategies.reduce((sum, s) => sum + (s.allocation ?? 0), 0);
    if (total > 1 + 1e-9) fail(`allocations summing to at most 1 (they sum to ${total})`);
  }

  /** Counters and failures so far. */
  get stats(): KernelStats {
    return {
      marketEvents: this.#marketEvents,
      bars: this.#bars,
      intents: this.#intents,
      fills: this.#fills,
      failures: this.#failures,
    };
  }

  /** Connects the gateway, starts the snapshot timer and every strategy (`setup`, `onStart`). */
  async start(): Promise<void> {
    if (this.#started) throw new InvalidArgumentError('kernel.start', 'called twice', 'one start per kernel');
    this.#started = true;
    await this.#gateway.connect(this.#onExecution);
    const interval = this.#config.snapshotIntervalUs ?? 60_000_000;
    this.clock.setTimer({ name: 'kernel:snapshot', intervalUs: interval, callback: () => this.snapshot() });
    for (const runner of this.runners) runner.start();
  }

  /**
   * Ingests one market event: the simulator matches, last price and bars update, then the event
   * is published to the strategies. The hot path of every mode. `receivedNs` is when a feed
   * adapter received the event, on the latency tracker's timer (`performance.now() * 1e6`), for
   * the `ingest` checkpoint; without it `ingest` is this call.
   */
  onMarketData(event: MarketDataEvent, receivedNs?: number): void {
    this.latency?.ingest(receivedNs);
    this.#marketEvents++;
    this.#simulator?.onMarketData(event);
    const state = this.#instruments.get(event.instrumentId);
    if (state !== undefined) {
      switch (event.kind) {
        case 'trade':
          state.lastPrice = event.price;
          state.trade?.onTrade(event);
          break;
        case 'quote':
          if (Number.isNaN(state.lastPrice) || state.trade === undefined)
            state.lastPrice = (event.bidPrice + event.askPrice) / 2;
          state.mid?.onQuote(event);
          break;
        case 'tick':
          state.lastPrice = event.lastPrice;
          state.trade?.onTick(event);
          state.mid?.onTick(event);
          break;
        case 'bar':
          state.lastPrice = event.close;
          break;
        default:
          break;
      }
    }
    this.bus.publish(event);
  }

  /** Marks positions at their last prices, publishes a portfolio snapshot and runs the risk monitors. */
  snapshot(): void {
    for (const position of this.portfolio.positions()) {
      const price = this.#instruments.get(position.instrumentId)?.lastPrice;
      if (price !== undefined && !Number.isNaN(price)) this.portfolio.mark(position.instrumentId, price);
    }
    this.bus.publish(this.portfolio.snapshot());
    this.risk.monitor();
  }

  /**
   * Ends the run: strategies' `onStop`, open bars flushed, a final snapshot, the gateway
   * disconnected. Returns the latency summary.
   */
  async stop(): Promise<LatencySummary[]> {
    if (this.#stopped) return this.latency?.summary() ?? [];
    this.#stopped = true;
    for (const runner of this.runners) runner.stop();
    for (const state of this.#instruments.values()) {
      state.trade?.flush();
      state.mid?.flush();
    }
    this.snapshot();
    this.clock.cancelAll();
    await this.#gateway.disconnect();
    return this.latency?.summary() ?? [];
  }

  #wireBus(): void {
    const bus = this.bus;
    const runners = this.runners;
    bus.subscribe('tick', (e) => {
      for (const r of runners) r.onTick(e);
    });
    bus.subscribe('quote', (e) => {
      for (const r of runners) r.onQuote(e);
    });
    bus.subscribe('trade', (e) => {
      for (const r of runners) r.onTrade(e);
    });
    bus.subscribe('depth', (e) => {
      for (const r of runners) r.onDepth(e);
    });
    bus.subscribe('bar', (e) => {
      for (const r of runners) r.onBar(e);
    });
    bus.subscribe('orderUpdate', (e) => {
      for (const r of runners) r.onOrderUpdate(e);
    });
    bus.subscribe('fill', (e) => {
      for (const r of runners) r.onFill(e);
      this.latency?.mark(e.clientOrderId, 'publish');
    });
    bus.subscribe('risk', (e) => {
      for (const r of runners) r.onRiskEvent(e);
    });
    const recorder = this.#config.recorder;
    if (recorder !== undefined) {
      const all = (this.#config.record ?? (this.mode === 'backtest' ? 'decisions' : 'all')) === 'all';
      bus.subscribeAll(
        (e) => {
          if (all || !MARKET_KINDS.has(e.kind)) recorder.append(e);
        },
        { name: 'recorder' },
      );
    }
  }

  #execution(event: ExecutionEvent): void {
    switch (event.kind) {
      case 'orderAck':
        this.latency?.mark(event.clientOrderId, 'ack');
        this.orders.applyAck(event);
        this.bus.publish(event);
        break;
      case 'fill': {
        this.latency?.mark(event.clientOrderId, 'fill');
        if (this.orders.applyFill(event) === 'duplicate') return;
        this.#fills++;
        const position = this.portfolio.applyFill(event);
        this.bus.publish(event);
        this.bus.publish(position);
        break;
      }
      case 'orderUpdate':
        // The venue's status push; the order manager publishes the canonical update if it changed.
        this.orders.applyStatus(event);
        break;
      case 'health':
        this.bus.publish(event);
        break;
    }
    this.risk.observe(event);
  }

  #subscribe(runner: StrategyRunner, sub: Subscription): void {
    const state = this.#instruments.get(sub.instrumentId)!;
    if (sub.ticks === true) runner.ticks.add(sub.instrumentId);
    if (sub.quotes === true) runner.quotes.add(sub.instrumentId);
    if (sub.trades === true) runner.trades.add(sub.instrumentId);
    if (sub.depth === true) runner.depth.add(sub.instrumentId);
    if (sub.bars === undefined || sub.bars.length === 0) return;
    let mine = runner.bars.get(sub.instrumentId);
    if (mine === undefined) {
      mine = new Set();
      runner.bars.set(sub.instrumentId, mine);
    }
    const source = sub.barSource ?? 'TRADE';
    let wanted = state.timeframes.get(source);
    if (wanted === undefined) {
      wanted = new Set();
      state.timeframes.set(source, wanted);
    }
    let changed = false;
    for (const tf of sub.bars) {
      mine.add(tf);
      if (!wanted.has(tf)) {
        wanted.add(tf);
        changed = true;
      }
    }
    if (!changed) return;
    const bars = this.#config.bars;
    const aggregator = new MultiTimeframeAggregator({
      instrumentId: sub.instrumentId,
      timeframes: [...wanted],
      source,
      calendar: (bars?.calendarFor ?? defaultCalendarFor)(sub.instrumentId),
      ...(bars?.latePolicy === undefined ? {} : { latePolicy: bars.latePolicy }),
      ...(bars?.emptyBars === undefined ? {} : { emptyBars: bars.emptyBars }),
      clock: this.clock,
      onBar: this.#onBar,
      onHealth: this.#onHealth,
    });
    // Resubscribing with new timeframes rebuilds the aggregator: subscribe from onStart.
    if (source === 'TRADE') state.trade = aggregator;
    else state.mid = aggregator;
  }

  #route(intent: OrderIntent): void {
    this.#intents++;
    const state = this.#instruments.get(intent.instrumentId);
    if (state !== undefined && !Number.isNaN(state.lastPrice))
      this.portfolio.mark(intent.instrumentId, state.lastPrice);
    this.bus.publish(intent);
    if (intent.action === 'SUBMIT') this.risk.submit(intent);
    else this.risk.modify(intent);
  }

  #fail(runner: StrategyRunner, hook: string, error: unknown): void {
    const ts = this.clock.nowUs();
    const message = describeFailure(hook, error);
    this.#log({
      ts,
      level: 'error',
      source: runner.strategyId,
      message,
      fields: { stack: toQuantKuberaError(error).stack },
    });
    this.bus.publish({
      kind: 'health',
      v: 1,
      tsEvent: ts,
      tsInit: ts,
      component: `strategy:${runner.strategyId}`,
      status: 'DOWN',
      code: 'HANDLER_ERROR',
      message: message.slice(0, 1024),
    });
    runner.markFailed();
    this.risk.halt({ strategyId: runner.strategyId, message: `strategy failed: ${message}`.slice(0, 1024) });
    const restartable = runner.restarts < (this.#config.restart?.maxRestarts ?? 0);
    this.#failures.push({ strategyId: runner.strategyId, ts, hook, message, restarted: restartable });
    if (restartable) {
      this.risk.rearm({ strategyId: runner.strategyId, message: 'restarted by the restart policy' });
      runner.restart();
    }
  }

  #makeServices(): RunnerServices {
    return {
      mode: this.mode,
      clock: this.clock,
      orders: this.orders,
      portfolio: this.portfolio,
      risk: this.risk,
      baseCurrency: this.#config.baseCurrency,
      latency: this.latency,
      instrument: (id) => this.#instruments.get(id)?.instrument,
      lastPrice: (id) => {
        const p = this.#instruments.get(id)?.lastPrice;
        return p === undefined || Number.isNaN(p) ? undefined : p;
      },
      subscribe: (runner, sub) => this.#subscribe(runner, sub),
      route: (intent) => this.#route(intent),
      log: (line) => this.#log(line),
      fail: (runner, hook, error) => this.#fail(runner, hook, error),
    };
  }
}
