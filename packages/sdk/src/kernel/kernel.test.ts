import {
  type CanonicalEvent,
  type ExecutionEventSink,
  type ExecutionGateway,
  type Instrument,
  LiveClock,
  type OrderIntent,
  SimClock,
  type TradeEvent,
} from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../strategy/strategy-definition.js';
import { Kernel, type KernelConfig, type MarketDataEvent, type MarketSimulator } from './kernel.js';

const T0 = Date.UTC(2024, 10, 4, 0, 0, 0) * 1000;
const BTC: Instrument = {
  type: 'crypto_spot',
  id: 'BTCUSDT.BINANCE',
  symbol: 'BTCUSDT',
  venue: 'BINANCE',
  venueSymbol: 'BTCUSDT',
  quoteCurrency: 'USDT',
  baseCurrency: 'BTC',
  tickSize: 0.01,
  lotSize: 0.001,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 3,
};

/** Fills market orders at the next trade's price: just enough venue to exercise the kernel. */
class NextTradeVenue implements ExecutionGateway, MarketSimulator {
  readonly id = 'sim';
  #sink: ExecutionEventSink = () => {};
  #pending: OrderIntent[] = [];
  #seq = 0;
  constructor(private readonly clock: SimClock | LiveClock) {}
  async connect(sink: ExecutionEventSink): Promise<void> {
    this.#sink = sink;
  }
  async disconnect(): Promise<void> {}
  submit(intent: OrderIntent): void {
    const now = this.clock.nowUs();
    this.#sink({
      kind: 'orderAck',
      v: 1,
      tsEvent: now,
      tsInit: now,
      action: 'SUBMIT',
      clientOrderId: intent.clientOrderId,
      strategyId: intent.strategyId,
      instrumentId: intent.instrumentId,
      accepted: true,
      venueOrderId: `V${++this.#seq}`,
    });
    this.#pending.push(intent);
  }
  modify(): void {}
  cancel(): void {}
  cancelAll(): void {}
  async orderStatusReports() {
    return [];
  }
  async fillReports() {
    return [];
  }
  onMarketData(event: MarketDataEvent): void {
    if (event.kind !== 'trade') return;
    const pending = this.#pending;
    this.#pending = [];
    for (const o of pending) {
      this.#sink({
        kind: 'fill',
        v: 1,
        tsEvent: event.tsEvent,
        tsInit: event.tsEvent,
        clientOrderId: o.clientOrderId,
        strategyId: o.strategyId,
        instrumentId: o.instrumentId,
        venueOrderId: `V${this.#seq}`,
        tradeId: `F${++this.#seq}`,
        side: o.side,
        price: event.price,
        quantity: o.quantity,
        fee: 0,
        feeCurrency: 'USDT',
        liquidity: 'TAKER',
      });
    }
  }
}

function trades(n: number): TradeEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'trade',
    v: 1,
    tsEvent: T0 + i * 10_000_000,
    tsInit: T0 + i * 10_000_000,
    instrumentId: BTC.id,
    price: 100 + Math.round(10 * Math.sin(i / 5)) + i * 0.01,
    size: 1,
    aggressor: 'BUYER',
    tradeId: String(i + 1),
  }));
}

/** Buys when the last 1m bar closed up, sells when it closed down; throws on request. */
const flipper = defineStrategy({
  name: 'flipper',
  params: z.object({ throwAtBar: z.number().int().default(-1) }),
  setup(ctx) {
    let bars = 0;
    return {
      onStart: () => ctx.subscribe({ instrumentId: BTC.id, bars: ['1m'] }),
      onBar(bar) {
        bars++;
        if (bars === ctx.params.throwAtBar) throw new Error('boom');
        const pos = ctx.position(bar.instrumentId);
        if (bar.close > bar.open && pos <= 0) ctx.buy(bar.instrumentId, 0.01 - pos);
        if (bar.close < bar.open && pos >= 0) ctx.sell(bar.instrumentId, 0.01 + pos);
      },
    };
  },
});

async function run(config: Partial<KernelConfig> = {}, events = trades(400)) {
  const clock = new SimClock(T0);
  const venue = new NextTradeVenue(clock);
  const recorded: CanonicalEvent[] = [];
  const kernel = new Kernel({
    mode: 'backtest',
    clock,
    instruments: [BTC],
    gateway: venue,
    simulator: venue,
    strategies: [{ definition: flipper }],
    baseCurrency: 'USDT',
    deposits: { USDT: 10_000 },
    recorder: { append: (e) => recorded.push(e) },
    log: () => {},
    ...config,
  });
  await kernel.start();
  for (const e of events) {
    clock.advanceTo(e.tsEvent);
    kernel.onMarketData(e);
  }
  const latency = await kernel.stop();
  return { kernel, recorded, latency };
}

/** Buys `quantity` on every 1m bar, never sells. */
const accumulator = defineStrategy({
  name: 'accumulator',
  params: z.object({ quantity: z.number().positive() }),
  setup(ctx) {
    return {
      onStart: () => ctx.subscribe({ instrumentId: BTC.id, bars: ['1m'] }),
      onBar: (bar) => {
        ctx.buy(bar.instrumentId, ctx.params.quantity);
      },
    };
  },
});

describe('Kernel', () => {
  it('runs a strategy end to end: bars in, intents, acks, fills and positions out, in order', async () => {
    const { kernel, recorded } = await run();
    const kinds = new Set(recorded.map((e) => e.kind));
    for (const k of [
      'bar',
      'orderIntent',
      'risk',
      'orderAck',
      'orderUpdate',
      'fill',
      'position',
      'portfolio',
    ]) {
      expect(kinds).toContain(k);
    }
    expect(kinds).not.toContain('trade'); // a backtest records decisions, not its input
    expect(kernel.stats.fills).toBeGreaterThan(0);
    expect(kernel.stats.fills).toBe(recorded.filter((e) => e.kind === 'fill').length);
    const firstIntent = recorded.findIndex((e) => e.kind === 'orderIntent');
    const firstFill = recorded.findIndex((e) => e.kind === 'fill');
    expect(firstIntent).toBeLessThan(firstFill);
    // Positions follow fills exactly.
    const net = recorded
      .filter((e) => e.kind === 'fill')
      .reduce((q, f) => q + (f.kind === 'fill' ? (f.side === 'BUY' ? f.quantity : -f.quantity) : 0), 0);
    expect(kernel.portfolio.position(BTC.id)?.quantity ?? 0).toBeCloseTo(net, 9);
  });

  it('keeps only the most recently closed orders within retainClosedOrders, and trades the same', async () => {
    const all = await run();
    const bounded = await run({ retainClosedOrders: 3 });
    const closed = [...bounded.kernel.orders.orders()].filter((o) => o.isClosed);
    expect(bounded.kernel.stats.intents).toBeGreaterThan(5);
    expect(closed.length).toBe(3);
    // Forgetting closed orders changes no decision.
    expect(JSON.stringify(bounded.recorded)).toBe(JSON.stringify(all.recorded));
  });

  it('is deterministic: the same input gives the same recorded events', async () => {
    const a = await run();
    const b = await run();
    expect(JSON.stringify(b.recorded)).toBe(JSON.stringify(a.recorded));
  });

  it('contains a strategy that throws: its orders cancelled, it is halted, others keep trading', async () => {
    const { kernel, recorded } = await run({
      strategies: [
        { definition: flipper, id: 'bad', params: { throwAtBar: 5 } },
        { definition: flipper, id: 'good' },
      ],
    });
    const [failure] = kernel.stats.failures;
    expect(failure).toMatchObject({ strategyId: 'bad', hook: 'onBar', restarted: false });
    expect(failure!.message).toMatch(/boom/);
    expect(kernel.runners.find((r) => r.strategyId === 'bad')!.state).toBe('failed');
    expect(kernel.risk.tradingState('bad')).toBe('HALTED');
    expect(kernel.risk.tradingState('good')).toBe('ACTIVE');
    const intents = recorded.filter((e) => e.kind === 'orderIntent');
    const lastBad = Math.max(...intents.filter((e) => e.strategyId === 'bad').map((e) => e.tsEvent));
    expect(intents.some((e) => e.strategyId === 'good' && e.tsEvent > lastBad)).toBe(true);
    expect(recorded.some((e) => e.kind === 'health' && e.code === 'HANDLER_ERROR')).toBe(true);
  });

  it('restarts a failed strategy when the policy allows', async () => {
    const { kernel } = await run({
      strategies: [{ definition: flipper, params: { throwAtBar: 3 } }],
      restart: { maxRestarts: 1 },
    });
    // setup() runs again with fresh state, so the same bug fires again three bars later.
    expect(kernel.stats.failures.map((f) => f.restarted)).toEqual([true, false]);
    const [first, second] = kernel.stats.failures;
    expect(second!.ts - first!.ts).toBe(3 * 60_000_000);
    expect(kernel.runners[0]!.restarts).toBe(1);
    expect(kernel.runners[0]!.state).toBe('failed');
    expect(kernel.risk.tradingState('flipper')).toBe('HALTED');
  });

  it('refuses mismatched modes and ports', () => {
    const sim = new SimClock(T0);
    const live = new LiveClock();
    const venue = new NextTradeVenue(sim);
    const base = {
      instruments: [BTC],
      gateway: venue,
      strategies: [{ definition: flipper }],
      baseCurrency: 'USDT',
      deposits: {},
    };
    expect(() => new Kernel({ ...base, mode: 'backtest', clock: live, simulator: venue })).toThrow(
      /SimClock/,
    );
    expect(() => new Kernel({ ...base, mode: 'backtest', clock: sim })).toThrow(/simulated venue/);
    expect(() => new Kernel({ ...base, mode: 'live', clock: live, simulator: venue })).toThrow(
      /not a simulator/,
    );
    expect(() => new Kernel({ ...base, mode: 'paper', clock: sim, simulator: venue })).toThrow(/live clock/);
    expect(
      () => new Kernel({ ...base, mode: 'backtest', clock: sim, simulator: venue, strategies: [] }),
    ).toThrow(/at least one strategy/);
    live.dispose();
  });

  it('validates strategy params against their schema', () => {
    const clock = new SimClock(T0);
    const venue = new NextTradeVenue(clock);
    expect(
      () =>
        new Kernel({
          mode: 'backtest',
          clock,
          instruments: [BTC],
          gateway: venue,
          simulator: venue,
          strategies: [{ definition: flipper, params: { throwAtBar: 'x' } }],
          baseCurrency: 'USDT',
          deposits: {},
        }),
    ).toThrow(/params of strategy flipper.*throwAtBar/);
  });

  it('measures the latency checkpoints of filled orders', async () => {
    const { latency } = await run();
    const tickToOrder = latency.find((s) => s.span === 'ingest→submit')!;
    expect(tickToOrder.count).toBeGreaterThan(0);
    expect(tickToOrder.p99Us).toBeGreaterThan(0);
  });

  it('holds each strategy to its capital allocation when maxStrategyCapitalUse is set', async () => {
    const { kernel, recorded } = await run({
      strategies: [
        { definition: accumulator, id: 'small', allocation: 0.2, params: { quantity: 5 } },
        { definition: accumulator, id: 'large', allocation: 0.8, params: { quantity: 5 } },
      ],
      risk: { maxStrategyCapitalUse: 1 },
    });
    expect(kernel.runners.map((r) => r.capital)).toEqual([2_000, 8_000]);
    const denied = recorded.filter(
      (e) => e.kind === 'risk' && e.decision === 'DENIED' && e.reason === 'INSUFFICIENT_MARGIN',
    );
    expect(denied.some((e) => e.kind === 'risk' && e.strategyId === 'small')).toBe(true);
    // Each approved buy fit at the mark of its time, and prices never go below 90: so each
    // strategy's holdings are worth at most its own capital at 90, whatever the other holds.
    for (const [id, capital] of [
      ['small', 2_000],
      ['large', 8_000],
    ] as const) {
      const held = kernel.portfolio.strategyQuantity(id, BTC.id);
      expect(held).toBeGreaterThan(0);
      expect(held * 90).toBeLessThanOrEqual(capital);
    }
    expect(kernel.portfolio.strategyQuantity('large', BTC.id)).toBeGreaterThan(
      3 * kernel.portfolio.strategyQuantity('small', BTC.id),
    );
    // Without the limit nothing is denied for capital.
    const free = await run({
      strategies: [{ definition: accumulator, id: 'small', allocation: 0.2, params: { quantity: 5 } }],
    });
    expect(free.recorded.some((e) => e.kind === 'risk' && e.reason === 'INSUFFICIENT_MARGIN')).toBe(false);
  });
});
