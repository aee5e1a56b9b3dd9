import {
  type ExecutionGateway,
  type FillEvent,
  type Instrument,
  Order,
  type OrderIntent,
  OrderManager,
  Portfolio,
  RiskEngine,
  type RiskEvent,
  type RiskLimitsInput,
  SimClock,
} from '@quantkubera/core';
import { BTC_SPOT, NIFTY_FUT, RELIANCE, T0 } from '@quantkubera/core/testing';
import * as hdr from 'hdr-histogram-js';
import { type BenchResult, type BenchSuite, consume, measureThroughput, rateFigure } from '../harness.js';

const INSTRUMENTS: Instrument[] = [RELIANCE, NIFTY_FUT, BTC_SPOT];
const MARKS: Record<string, number> = {
  'RELIANCE.NSE': 2945.35,
  'NIFTY24DECFUT.NFO': 24_000,
  'BTCUSDT.BINANCE': 97_000,
};

/** Every limit enabled, wide enough that the orders below pass: the full check path runs. */
const LIMITS: RiskLimitsInput = {
  maxOrderQuantity: 10_000,
  maxOrderNotional: 50_000_000,
  maxPosition: 1_000_000,
  maxGrossExposure: 1e12,
  maxOpenOrders: 1_000_000,
  maxOpenOrdersPerStrategy: 1_000_000,
  priceBandBps: 500,
  orderRate: { capacity: 1_000_000_000, perSecond: 1e9 },
  strategyOrderRate: { capacity: 1_000_000_000, perSecond: 1e9 },
  maxLeverage: 100,
  requireMargin: true,
};

class NullGateway implements ExecutionGateway {
  readonly id = 'null';
  sent = 0;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  submit(): void {
    this.sent++;
  }
  modify(): void {
    this.sent++;
  }
  cancel(): void {
    this.sent++;
  }
  cancelAll(): void {}
  async orderStatusReports() {
    return [];
  }
  async fillReports() {
    return [];
  }
}

function setup(): {
  clock: SimClock;
  risk: RiskEngine;
  orders: OrderManager;
  portfolio: Portfolio;
  sink: RiskEvent[];
} {
  const clock = new SimClock(T0);
  const instruments = new Map(INSTRUMENTS.map((i) => [i.id, i]));
  const orders = new OrderManager({ clock, instruments });
  const portfolio = new Portfolio({ clock, instruments, baseCurrency: 'INR', rates: { USDT: 84 } });
  portfolio.deposit('INR', '100000000');
  for (const [id, price] of Object.entries(MARKS)) portfolio.mark(id, price);
  const sink: RiskEvent[] = [];
  let events = 0;
  const risk = new RiskEngine({
    clock,
    instruments,
    orders,
    portfolio,
    gateway: new NullGateway(),
    limits: LIMITS,
    onEvent: (e) => {
      events++;
      if ((events & 0xffff) === 0) sink[0] = e;
    },
  });
  return { clock, risk, orders, portfolio, sink };
}

function intents(count: number): OrderIntent[] {
  return Array.from({ length: count }, (_, i): OrderIntent => {
    const inst = INSTRUMENTS[i % INSTRUMENTS.length]!;
    const mark = MARKS[inst.id]!;
    const market = i % 5 === 0;
    const intent: OrderIntent = {
      kind: 'orderIntent',
      v: 1,
      tsEvent: T0,
      tsInit: T0,
      action: 'SUBMIT',
      clientOrderId: `b-${i}`,
      strategyId: `s${i % 4}`,
      instrumentId: inst.id,
      side: i % 2 === 0 ? 'BUY' : 'SELL',
      orderType: market ? 'MARKET' : 'LIMIT',
      timeInForce: 'DAY',
      // 1-7 lots; BTC in hundreds of steps to clear the 5 USDT minimum notional.
      quantity: Number(
        (inst.lotSize * (1 + (i % 7)) * (inst.type === 'crypto_spot' ? 100 : 1)).toFixed(inst.sizePrecision),
      ),
      reduceOnly: false,
      postOnly: false,
    };
    if (!market) {
      const ticks = Math.round((mark * (1 + ((i % 11) - 5) / 1000)) / inst.tickSize);
      intent.price = Number((ticks * inst.tickSize).toFixed(inst.pricePrecision));
    }
    return intent;
  });
}

const BATCH = 32;

/** Per-check cost: batches of BATCH checks timed with hrtime, recorded per check in an HdrHistogram. */
function preTradeLatency(): BenchResult[] {
  const { risk } = setup();
  const pool = intents(4_096);
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1e9,
    numberOfSignificantValueDigits: 3,
  });
  const batches = 40_000;
  let k = 0;
  // Warm-up: let the JIT optimise the check path.
  for (let i = 0; i < 200_000; i++) consume(risk.check(pool[i & 4095]!).tsInit);
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      const event = risk.check(pool[k]!);
      k = (k + 1) & 4095;
      consume(event.tsInit);
    }
    histogram.recordValue(Number(process.hrtime.bigint() - start) / BATCH);
  }
  const stats = risk.stats;
  if (stats.denied > 0) throw new Error(`bench orders should pass every check; ${stats.denied} were denied`);
  const p50 = histogram.getValueAtPercentile(50);
  const p99 = histogram.getValueAtPercentile(99);
  const p999 = histogram.getValueAtPercentile(99.9);
  histogram.destroy();
  return [
    { name: 'risk.pre-trade-check.p50', value: p50, unit: 'ns', target: 1_000, lowerIsBetter: true },
    { name: 'risk.pre-trade-check.p99', value: p99, unit: 'ns', target: 10_000, lowerIsBetter: true },
    { name: 'risk.pre-trade-check.p99.9', value: p999, unit: 'ns', lowerIsBetter: true },
  ];
}

/** The whole submit path: order created, checked, marked SUBMITTED, handed to a gateway. */
function submitPath(): BenchResult[] {
  const COUNT = 50_000;
  const r = measureThroughput(
    {
      submit: {
        ops: COUNT,
        run: () => {
          const { risk } = setup();
          const pool = intents(COUNT);
          for (let i = 0; i < COUNT; i++) consume(risk.submit(pool[i]!).tsInit);
        },
      },
    },
    { reps: 5, warmup: 2 },
  );
  return [rateFigure('risk.submit-path', 'orders/s', r.submit!)];
}

/** Order state-machine transitions per second, on bare orders and through the order manager. */
function transitions(): BenchResult[] {
  const COUNT = 20_000;
  const pool = intents(COUNT).map((i) => ({
    ...i,
    instrumentId: 'RELIANCE.NSE',
    quantity: 10,
    price: 2945.35,
  }));
  const precision = { pricePrecision: 2, sizePrecision: 0 };
  const fills: FillEvent[] = pool.map((i, n) => ({
    kind: 'fill',
    v: 1,
    tsEvent: T0 + n,
    tsInit: T0 + n,
    clientOrderId: i.clientOrderId,
    strategyId: i.strategyId,
    instrumentId: i.instrumentId,
    venueOrderId: `v-${n}`,
    tradeId: `t-${n}`,
    side: i.side,
    price: 2945.35,
    quantity: 4,
    fee: 0,
    feeCurrency: 'INR',
    liquidity: 'MAKER',
  }));
  // Per order: SUBMIT, ACCEPT, FILL_PARTIAL, REQUEST_CANCEL, CANCEL.
  const PER_ORDER = 5;
  const r = measureThroughput(
    {
      order: {
        ops: COUNT * PER_ORDER,
        run: () => {
          for (let n = 0; n < COUNT; n++) {
            const order = new Order(pool[n]!, precision, T0);
            order.submit(T0);
            order.accept('v', T0 + 1);
            order.fill('t', 2945.35, 4, T0 + 2);
            order.requestCancel(T0 + 3);
            order.cancel(undefined, T0 + 4);
            consume(order.filledUnits);
          }
        },
      },
      manager: {
        ops: COUNT * PER_ORDER,
        run: () => {
          const clock = new SimClock(T0);
          let updates = 0;
          const orders = new OrderManager({
            clock,
            instruments: new Map(INSTRUMENTS.map((i) => [i.id, i])),
            onUpdate: () => {
              updates++;
            },
          });
          for (let n = 0; n < COUNT; n++) {
            const intent = pool[n]!;
            orders.create(intent);
            orders.submitted(intent.clientOrderId);
            orders.applyAck({
              kind: 'orderAck',
              v: 1,
              tsEvent: T0,
              tsInit: T0,
              action: 'SUBMIT',
              clientOrderId: intent.clientOrderId,
              strategyId: intent.strategyId,
              instrumentId: intent.instrumentId,
              accepted: true,
              venueOrderId: `v-${n}`,
            });
            orders.applyFill(fills[n]!);
            orders.requestCancel(intent.clientOrderId);
            orders.applyAck({
              kind: 'orderAck',
              v: 1,
              tsEvent: T0,
              tsInit: T0,
              action: 'CANCEL',
              clientOrderId: intent.clientOrderId,
              strategyId: intent.strategyId,
              instrumentId: intent.instrumentId,
              accepted: true,
            });
          }
          consume(updates);
        },
      },
    },
    { reps: 7, warmup: 2 },
  );
  return [
    rateFigure('orders.transitions.order', 'transitions/s', r.order!),
    rateFigure('orders.transitions.manager', 'transitions/s', r.manager!, {
      against: { throughput: r.order!, label: 'bare Order' },
    }),
  ];
}

/** Exact (bigint) fill accounting throughput. */
function accounting(): BenchResult[] {
  const COUNT = 50_000;
  const fills: FillEvent[] = Array.from({ length: COUNT }, (_, n) => {
    const inst = INSTRUMENTS[n % INSTRUMENTS.length]!;
    return {
      kind: 'fill',
      v: 1,
      tsEvent: T0 + n,
      tsInit: T0 + n,
      clientOrderId: `c-${n}`,
      strategyId: 's1',
      instrumentId: inst.id,
      venueOrderId: `v-${n}`,
      tradeId: `t-${n}`,
      side: n % 3 === 0 ? 'SELL' : 'BUY',
      price: Number((MARKS[inst.id]! + (n % 40) * inst.tickSize).toFixed(inst.pricePrecision)),
      quantity: inst.lotSize * (1 + (n % 5)),
      fee: 0.25,
      feeCurrency: inst.quoteCurrency,
      liquidity: 'TAKER',
    };
  });
  const r = measureThroughput(
    {
      fills: {
        ops: COUNT,
        run: () => {
          const { portfolio } = setup();
          for (let n = 0; n < COUNT; n++) consume(portfolio.applyFill(fills[n]!).tsInit);
        },
      },
    },
    { reps: 5, warmup: 2 },
  );
  return [rateFigure('portfolio.apply-fill', 'fills/s', r.fills!)];
}

/** Pre-trade check latency, the submit path, order transitions and exact fill accounting. */
export const riskSuite: BenchSuite = {
  name: 'core-risk',
  run: () => [...preTradeLatency(), ...submitPath(), ...transitions(), ...accounting()],
};
