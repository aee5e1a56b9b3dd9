import type {
  BarSource,
  ClientOrderId,
  Instrument,
  OrderStatus,
  OrderType,
  PortfolioSnapshot,
  Side,
  Timeframe,
  TimeInForce,
  TimerHandle,
  TradingState,
  UnixMicros,
} from '@quantkubera/core';

/** How a run executes: on history, on live data with simulated fills, or on a real venue. */
export type RunMode = 'backtest' | 'paper' | 'live';

/** The run modes, for validation. */
export const RUN_MODES = ['backtest', 'paper', 'live'] as const;

/**
 * What market data a strategy wants for one instrument. Only subscribed data reaches its hooks;
 * bars are built by the kernel from the instrument's ticks, trades or quotes (or passed through
 * when the data source already provides them).
 */
export interface Subscription {
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** Bar timeframes to receive in `onBar`: `1m`, `5m`, `1h`, `1d`, `500tick`... */
  readonly bars?: readonly Timeframe[];
  /** Price stream bars are built from; default `TRADE`. */
  readonly barSource?: BarSource;
  /** Receive `onTick` for venue snapshot ticks. */
  readonly ticks?: boolean;
  /** Receive `onQuote` for top-of-book quotes. */
  readonly quotes?: boolean;
  /** Receive `onTrade` for trade prints. */
  readonly trades?: boolean;
  /** Receive `onDepth` for order book depth. */
  readonly depth?: boolean;
}

/**
 * A new order. Without `type`, an order with a `price` is a LIMIT order and one without is a
 * MARKET order; a `triggerPrice` makes it a STOP (or STOP_LIMIT with a price). Time in force
 * defaults to GTC.
 */
export interface OrderRequest {
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** BUY or SELL. */
  readonly side: Side;
  /** Quantity in the instrument's units (a multiple of its lot size). */
  readonly quantity: number;
  /** Order type; inferred from the prices when omitted. */
  readonly type?: OrderType;
  /** Limit price (LIMIT, STOP_LIMIT). */
  readonly price?: number;
  /** Trigger price (STOP, STOP_LIMIT). */
  readonly triggerPrice?: number;
  /** Time in force; default GTC. */
  readonly timeInForce?: TimeInForce;
  /** Only ever reduces the position. */
  readonly reduceOnly?: boolean;
  /** Rejected instead of taking liquidity (LIMIT only). */
  readonly postOnly?: boolean;
  /** Free-form tag carried to the venue where it has a field for one. */
  readonly tag?: string;
}

/** Everything of an {@link OrderRequest} but the instrument, side and quantity. */
export type OrderOptions = Omit<OrderRequest, 'instrumentId' | 'side' | 'quantity'>;

/** New values for an open order. */
export interface OrderChanges {
  /** New total quantity. */
  readonly quantity?: number;
  /** New limit price. */
  readonly price?: number;
  /** New trigger price. */
  readonly triggerPrice?: number;
}

/** A read-only view of one of the strategy's orders. */
export interface OrderView {
  /** The client order id the strategy got from `submit`. */
  readonly clientOrderId: ClientOrderId;
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** BUY or SELL. */
  readonly side: Side;
  /** The order type. */
  readonly orderType: OrderType;
  /** The time in force. */
  readonly timeInForce: TimeInForce;
  /** Current state. */
  readonly status: OrderStatus;
  /** Order quantity. */
  readonly quantity: number;
  /** Cumulative filled quantity. */
  readonly filledQuantity: number;
  /** Quantity still to fill. */
  readonly leavesQuantity: number;
  /** Average fill price; 0 before any fill. */
  readonly avgFillPrice: number;
  /** Limit price, when it has one. */
  readonly price: number | undefined;
  /** Trigger price, when it has one. */
  readonly triggerPrice: number | undefined;
  /** True while the order can still fill. */
  readonly isOpen: boolean;
}

/** A strategy's structured logger: every line carries the run's clock time and the strategy id. */
export interface StrategyLogger {
  /** Detail useful while developing. */
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** Normal operation. */
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** Something unexpected that the strategy handled. */
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** Something failed. */
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Options of {@link StrategyContext.setTimer}. */
export interface TimerOptions {
  /** Anchor of the firing grid; default now. */
  readonly startUs?: UnixMicros;
  /** Last time it may fire (inclusive). */
  readonly stopUs?: UnixMicros;
}

/**
 * Everything a strategy can see and do. The same context exists in backtest, paper and live
 * mode: only the kernel's ports differ, so a strategy never changes between modes.
 */
export interface StrategyContext<P> {
  /** The strategy's id in the run (its orders' client ids start with it). */
  readonly strategyId: string;
  /** The validated parameters. */
  readonly params: Readonly<P>;
  /** The run mode; for logging only, a strategy should not branch on it. */
  readonly mode: RunMode;
  /** Capital allocated to this strategy, in the base currency. */
  readonly capital: number;
  /** The portfolio's base currency. */
  readonly baseCurrency: string;
  /** The strategy's logger. */
  readonly log: StrategyLogger;
  /** The run's current time (virtual in a backtest). */
  now(): UnixMicros;
  /** An instrument's definition; throws for an instrument the run does not know. */
  instrument(instrumentId: string): Instrument;
  /** Asks for market data; call it from `onStart`. */
  subscribe(subscription: Subscription): void;
  /** Submits an order; returns its client order id. Risk may still deny it (see `onRiskEvent`). */
  submit(order: OrderRequest): ClientOrderId;
  /** Submits a BUY; see {@link OrderRequest} for how the type is inferred. */
  buy(instrumentId: string, quantity: number, options?: OrderOptions): ClientOrderId;
  /** Submits a SELL; see {@link OrderRequest} for how the type is inferred. */
  sell(instrumentId: string, quantity: number, options?: OrderOptions): ClientOrderId;
  /** Changes an open order's quantity or prices. */
  modify(clientOrderId: ClientOrderId, changes: OrderChanges): void;
  /** Cancels one order (cancels always pass risk). */
  cancel(clientOrderId: ClientOrderId): void;
  /** Cancels the strategy's open orders, of one instrument or all. */
  cancelAll(instrumentId?: string): void;
  /** Closes the strategy's position in one instrument (or all) with reduce-only market orders. */
  flatten(instrumentId?: string): void;
  /** The strategy's signed position in an instrument (0 when flat). */
  position(instrumentId: string): number;
  /**
   * One of the strategy's orders: any open one, or a closed one among the most recently closed
   * (the kernel's `retainClosedOrders`, 100,000 by default).
   */
  order(clientOrderId: ClientOrderId): OrderView | undefined;
  /** The strategy's open orders, of one instrument or all. */
  openOrders(instrumentId?: string): readonly OrderView[];
  /** The account: cash, positions, equity and exposure now. */
  portfolio(): PortfolioSnapshot;
  /** The last traded (or mid) price the kernel saw for an instrument. */
  lastPrice(instrumentId: string): number | undefined;
  /** The strategy's trading state (ACTIVE, REDUCING, HALTED). */
  tradingState(): TradingState;
  /** A repeating timer on the run's clock; it fires `onTimer`. */
  setTimer(name: string, intervalUs: number, options?: TimerOptions): TimerHandle;
  /** A one-shot alarm on the run's clock; it fires `onTimer`. */
  setAlarm(name: string, atUs: UnixMicros): TimerHandle;
  /** Cancels a timer or alarm. */
  cancelTimer(handle: TimerHandle): void;
}
