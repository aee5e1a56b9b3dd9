import type { ExecutionEvent, FillEvent, OrderType, Side, TimeInForce } from '@quantkubera/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZerodhaFeeModel } from '../src/fees/index.js';
import { ProbabilisticFillModel, VolumeParticipationFillModel } from '../src/fill-models/index.js';
import { RandomLatencyModel } from '../src/latency/index.js';
import { VolatilityProportionalSlippage } from '../src/slippage/index.js';
import type { VenueMode } from '../src/venue/index.js';
import { equity, Harness, MIN, SEC, T0 } from './support/venue-harness.js';

type Step =
  | { readonly t: 'md'; readonly move: number; readonly size: number; readonly buyer: boolean }
  | {
      readonly t: 'submit';
      readonly side: Side;
      readonly type: OrderType;
      readonly tif: TimeInForce;
      readonly qty: number;
      readonly offset: number;
      readonly trig: number;
      readonly reduceOnly: boolean;
      readonly postOnly: boolean;
    }
  | { readonly t: 'modify'; readonly pick: number; readonly qty: number; readonly offset: number }
  | { readonly t: 'cancel'; readonly pick: number }
  | { readonly t: 'cancelAll' }
  | { readonly t: 'wait'; readonly us: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('md' as const),
      move: fc.integer({ min: -3, max: 3 }),
      size: fc.integer({ min: 1, max: 400 }),
      buyer: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('submit' as const),
      side: fc.constantFrom<Side>('BUY', 'SELL'),
      type: fc.constantFrom<OrderType>('MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'),
      tif: fc.constantFrom<TimeInForce>('DAY', 'GTC', 'IOC', 'FOK'),
      qty: fc.integer({ min: 1, max: 60 }),
      offset: fc.integer({ min: -4, max: 4 }),
      trig: fc.integer({ min: 1, max: 4 }),
      reduceOnly: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      postOnly: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('modify' as const),
      pick: fc.nat(),
      qty: fc.integer({ min: 1, max: 60 }),
      offset: fc.integer({ min: -4, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'cancelAll' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('wait' as const), us: fc.integer({ min: 0, max: 3_000 }) }),
  },
);

const TICK = 0.05;
const px = (ticks: number) => Math.round(ticks * TICK * 100) / 100;

interface Run {
  readonly events: ExecutionEvent[];
  readonly position: number;
  readonly submitted: Map<string, { qty: number; tif: TimeInForce; reduceOnly: boolean }>;
  /** Each order's final quantity at the venue (a modify may have changed it). */
  readonly quantities: Map<string, number>;
}

async function run(mode: VenueMode, seed: number, steps: readonly Step[]): Promise<Run> {
  const h = await Harness.create({
    mode,
    seed,
    instruments: [{ instrument: equity(), initialPosition: 20 }],
    fillModel: new VolumeParticipationFillModel(0.5, new ProbabilisticFillModel(0.5)),
    slippageModel: new VolatilityProportionalSlippage(0.5, 1),
    feeModel: new ZerodhaFeeModel({ equityProduct: 'intraday' }),
    latencyModel: new RandomLatencyModel({
      inbound: { type: 'exponential', minUs: 200, meanJitterUs: 300 },
      ack: { type: 'uniform', minUs: 100, maxUs: 900 },
      fill: { type: 'lognormal', minUs: 150, medianJitterUs: 200, sigma: 0.7 },
    }),
  });
  let mid = 2_000; // ticks: 100.00
  let t = T0;
  let n = 0;
  const submitted = new Map<string, { qty: number; tif: TimeInForce; reduceOnly: boolean }>();
  const ids: string[] = [];
  const market = (s: Extract<Step, { t: 'md' }>) => {
    mid += s.move;
    if (mode === 'BAR') {
      const open = mid - s.move;
      h.bar(t, px(open), px(Math.max(open, mid) + 2), px(Math.min(open, mid) - 2), px(mid), s.size * 10);
      t += MIN;
      return;
    }
    t += SEC;
    if (mode === 'L1') h.quote(t, px(mid), s.size, px(mid + 1), 401 - s.size);
    else
      h.depth(
        t,
        [
          [px(mid), s.size],
          [px(mid - 1), 300],
          [px(mid - 2), 500],
        ],
        [
          [px(mid + 1), 401 - s.size],
          [px(mid + 2), 300],
          [px(mid + 3), 500],
        ],
      );
    h.trade(t + 1, px(s.buyer ? mid + 1 : mid), Math.ceil(s.size / 3), s.buyer ? 'BUYER' : 'SELLER');
  };
  for (const s of steps) {
    switch (s.t) {
      case 'md':
        market(s);
        break;
      case 'submit': {
        const id = `o${n++}`;
        ids.push(id);
        const sign = s.side === 'BUY' ? 1 : -1;
        const limit = s.type === 'LIMIT' || s.type === 'STOP_LIMIT' ? px(mid + s.offset) : undefined;
        const trigger =
          s.type === 'STOP' || s.type === 'STOP_LIMIT' ? px(mid + sign * (s.trig + 1)) : undefined;
        const postOnly = s.postOnly && s.type === 'LIMIT' && s.tif !== 'IOC' && s.tif !== 'FOK';
        h.submit({
          id,
          side: s.side,
          type: s.type,
          tif: s.tif,
          quantity: s.qty,
          price: limit,
          trigger,
          reduceOnly: s.reduceOnly,
          postOnly,
        });
        submitted.set(id, { qty: s.qty, tif: s.tif, reduceOnly: s.reduceOnly });
        break;
      }
      case 'modify': {
        const id = ids[s.pick % Math.max(ids.length, 1)];
        const r = id === undefined ? undefined : h.report(id);
        if (r !== undefined) {
          h.modify({
            id: id!,
            side: r.side,
            type: r.orderType,
            tif: r.timeInForce,
            quantity: s.qty,
            price: r.price === undefined ? undefined : px(mid + s.offset),
            trigger: r.triggerPrice,
          });
        }
        break;
      }
      case 'cancel': {
        const id = ids[s.pick % Math.max(ids.length, 1)];
        if (id !== undefined) h.cancel({ id });
        break;
      }
      case 'cancelAll':
        h.venue.cancelAll();
        break;
      case 'wait':
        t += s.us;
        h.at(t);
        break;
    }
  }
  h.at(t + 10 * SEC);
  const quantities = new Map<string, number>();
  for (const id of ids) {
    const report = h.report(id);
    if (report !== undefined) quantities.set(id, report.quantity);
  }
  return { events: h.events, position: h.venue.position('RELIANCE.NSE'), submitted, quantities };
}

function checkInvariants(r: Run): void {
  const filled = new Map<string, number>();
  const acked = new Set<string>();
  const closed = new Set<string>();
  let position = 20;
  for (const e of r.events) {
    if (e.kind === 'orderAck' && e.action === 'SUBMIT' && e.accepted) acked.add(e.clientOrderId);
    if (e.kind === 'orderUpdate' && (e.status === 'CANCELED' || e.status === 'EXPIRED')) {
      expect(closed.has(e.clientOrderId)).toBe(false);
      closed.add(e.clientOrderId);
    }
    if (e.kind === 'fill') {
      const f: FillEvent = e;
      expect(acked.has(f.clientOrderId)).toBe(true); // the ack is delivered before any fill
      expect(closed.has(f.clientOrderId)).toBe(false); // nothing fills after a cancel or expiry report
      expect(Math.abs(f.price / TICK - Math.round(f.price / TICK))).toBeLessThan(1e-6);
      expect(f.fee).toBeGreaterThan(0);
      const total = (filled.get(f.clientOrderId) ?? 0) + f.quantity;
      filled.set(f.clientOrderId, total);
      const sub = r.submitted.get(f.clientOrderId)!;
      const before = position;
      position += (f.side === 'BUY' ? 1 : -1) * f.quantity;
      if (sub.reduceOnly) expect(Math.abs(position)).toBeLessThan(Math.abs(before));
      if (sub.reduceOnly) expect(Math.sign(position) * Math.sign(before)).toBeGreaterThanOrEqual(0);
    }
    expect(e.tsInit).toBeGreaterThanOrEqual(e.tsEvent);
  }
  for (const [id, qty] of filled) {
    // FOK: all or nothing, in one instant.
    if (r.submitted.get(id)!.tif === 'FOK') {
      expect(qty).toBe(r.quantities.get(id));
      expect(
        new Set(r.events.filter((e) => e.kind === 'fill' && e.clientOrderId === id).map((e) => e.tsEvent))
          .size,
      ).toBe(1);
    }
    expect(qty).toBeLessThanOrEqual(r.quantities.get(id)!);
  }
  expect(position).toBe(r.position);
}

describe('venue properties', () => {
  for (const mode of ['L1', 'L2', 'BAR'] as const) {
    it(`${mode}: the same inputs and seed give identical acks, updates and fills; invariants hold`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.array(step, { minLength: 5, maxLength: 80 }),
          async (seed, steps) => {
            const a = await run(mode, seed, steps);
            const b = await run(mode, seed, steps);
            expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
            checkInvariants(a);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('event timestamps never decrease in delivery order', async () => {
    const r = await run('L1', 3, [
      { t: 'md', move: 0, size: 100, buyer: true },
      {
        t: 'submit',
        side: 'BUY',
        type: 'MARKET',
        tif: 'GTC',
        qty: 10,
        offset: 0,
        trig: 1,
        reduceOnly: false,
        postOnly: false,
      },
      {
        t: 'submit',
        side: 'SELL',
        type: 'LIMIT',
        tif: 'GTC',
        qty: 10,
        offset: 2,
        trig: 1,
        reduceOnly: false,
        postOnly: false,
      },
      { t: 'md', move: 3, size: 100, buyer: true },
      { t: 'wait', us: 5_000 },
    ]);
    const times = r.events.map((e) => e.tsInit);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });
});
