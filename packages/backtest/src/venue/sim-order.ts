import type { OrderIntent, OrderStatus, OrderType, Side, TimeInForce, UnixMicros } from '@quantkubera/core';

/**
 * One order as the simulated venue holds it: prices in ticks, quantities in lots, its place in
 * the book and its queue position. Mutable and internal to the venue: clients see it through
 * `OrderStatusReport`s, acks, updates and fills.
 */
export class SimOrder {
  /** Client order id. */
  readonly clientOrderId: string;
  /** Owning strategy. */
  readonly strategyId: string;
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** BUY or SELL. */
  readonly side: Side;
  /** +1 for BUY, -1 for SELL. */
  readonly sign: 1 | -1;
  /** MARKET, LIMIT, STOP or STOP_LIMIT. */
  readonly orderType: OrderType;
  /** DAY, GTC, IOC or FOK. */
  readonly timeInForce: TimeInForce;
  /** Only ever reduces the position. */
  readonly reduceOnly: boolean;
  /** Never takes liquidity. */
  readonly postOnly: boolean;
  /** The venue's order id. */
  venueOrderId = '';
  /** Venue-side state: ACCEPTED, TRIGGERED, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED or REJECTED. */
  status: OrderStatus = 'ACCEPTED';
  /** Order quantity in lots. */
  quantityLots = 0;
  /** Filled quantity in lots. */
  filledLots = 0;
  /** Σ price ticks × lots over fills, for the average price. */
  fillValueTicks = 0;
  /** Number of fills so far. */
  fillCount = 0;
  /** Limit price in ticks; NaN without one. */
  priceTicks = Number.NaN;
  /** Trigger price in ticks; NaN without one. */
  triggerTicks = Number.NaN;
  /** A stop whose trigger fired (a STOP now works as a market order, a STOP_LIMIT as a limit). */
  triggered = false;
  /** Estimated market quantity ahead of the order at its price; Infinity when unknown. */
  queueAhead = Number.POSITIVE_INFINITY;
  /** Time priority: lower is earlier. Renewed when a modify loses priority. */
  seq = 0;
  /** Sort key within its list: lower is matched first. */
  rank = 0;
  /** The list of the matching engine holding the order, or null. */
  list: SimOrder[] | null = null;
  /** When the client submitted it (venue clock): bars that opened before cannot fill it. */
  readonly submitUs: UnixMicros;
  /** Bar mode: bars opening before this time cannot fill it (its submit time, or its last modify's). */
  eligibleFromUs: UnixMicros = 0;
  /** When it reached the venue. */
  arrivalUs: UnixMicros = 0;
  /** When a DAY order expires; Infinity otherwise. */
  expireAtUs = Number.POSITIVE_INFINITY;
  /** Reference price the strategy saw when it submitted (NaN if none). */
  decisionPrice = Number.NaN;
  /** Reference price when the order reached the venue (NaN if none). */
  arrivalPrice = Number.NaN;
  /** True once a bar has been matched against it (bar mode: later fills are as a resting order). */
  barSeen = false;
  /** Charges levied on its fills so far, by name (per-order fee caps). */
  charges: Record<string, number> | undefined;
  /** Last time the venue changed it. */
  tsLastUpdate: UnixMicros = 0;
  /** Why it was rejected, canceled or expired. */
  reason: string | undefined;

  /** Creates the venue's record of a SUBMIT intent (prices still unchecked: NaN when absent). */
  constructor(
    intent: OrderIntent,
    priceTicks: number,
    triggerTicks: number,
    quantityLots: number,
    submitUs: UnixMicros,
    decisionPrice: number,
  ) {
    this.clientOrderId = intent.clientOrderId;
    this.strategyId = intent.strategyId;
    this.instrumentId = intent.instrumentId;
    this.side = intent.side;
    this.sign = intent.side === 'BUY' ? 1 : -1;
    this.orderType = intent.orderType;
    this.timeInForce = intent.timeInForce;
    this.reduceOnly = intent.reduceOnly;
    this.postOnly = intent.postOnly;
    this.priceTicks = priceTicks;
    this.triggerTicks = triggerTicks;
    this.quantityLots = quantityLots;
    this.submitUs = submitUs;
    this.eligibleFromUs = submitUs;
    this.decisionPrice = decisionPrice;
  }

  /** Lots still to fill. */
  get remainingLots(): number {
    return this.quantityLots - this.filledLots;
  }

  /** True while the order can still fill. */
  get isOpen(): boolean {
    return this.status === 'ACCEPTED' || this.status === 'TRIGGERED' || this.status === 'PARTIALLY_FILLED';
  }

  /** True for a MARKET order, or a STOP once triggered: it takes at any price. */
  get isMarketable(): boolean {
    return this.orderType === 'MARKET' || (this.orderType === 'STOP' && this.triggered);
  }

  /** True for an untriggered STOP or STOP_LIMIT. */
  get isPendingStop(): boolean {
    return (this.orderType === 'STOP' || this.orderType === 'STOP_LIMIT') && !this.triggered;
  }

  /** True for IOC and FOK: never rests. */
  get isImmediate(): boolean {
    return this.timeInForce === 'IOC' || this.timeInForce === 'FOK';
  }
}
