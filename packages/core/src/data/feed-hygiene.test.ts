import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock/sim-clock.js';
import { InvalidArgumentError } from '../errors/index.js';
import type { DepthEvent, QuoteEvent, SystemHealthEvent, TickEvent, TradeEvent } from '../schemas/index.js';
import { SystemHealthEventSchema } from '../schemas/index.js';
import { FeedHygiene, type FeedHygieneOptions, type SequenceGap } from './feed-hygiene.js';

const ID = 'BTCUSDT.BINANCE';

function trade(id: string | number, ts = 1_000, price = 100, size = 1): TradeEvent {
  return {
    kind: 'trade',
    v: 1,
    tsEvent: ts,
    tsInit: ts + 1,
    instrumentId: ID,
    price,
    size,
    aggressor: 'NONE',
    tradeId: String(id),
  };
}

function depth(sequence: number, snapshot = false): DepthEvent {
  return {
    kind: 'depth',
    v: 1,
    tsEvent: sequence,
    tsInit: sequence,
    instrumentId: ID,
    snapshot,
    sequence,
    bids: [{ price: 99, size: 1, orders: 0 }],
    asks: [{ price: 101, size: 1, orders: 0 }],
  };
}

function make(options: Partial<FeedHygieneOptions> = {}) {
  const health: SystemHealthEvent[] = [];
  const gaps: SequenceGap[] = [];
  const resynced: string[] = [];
  const hygiene = new FeedHygiene({
    component: 'feed:BINANCE',
    onHealth: (h) => health.push(h),
    hooks: { onGap: (g) => gaps.push(g), onResynced: (id, stream) => resynced.push(`${stream}:${id}`) },
    ...options,
  });
  return { hygiene, health, gaps, resynced };
}

describe('FeedHygiene: trades', () => {
  it('suppresses duplicate opaque trade ids within the window', () => {
    const { hygiene, health } = make({ window: 3 });
    expect(['a', 'b', 'a', 'c', 'd', 'a'].map((id) => hygiene.acceptTrade(trade(id)))).toEqual([
      true,
      true,
      false,
      true,
      true,
      true, // 'a' left the 3-id window when 'd' arrived
    ]);
    expect(hygiene.stats).toMatchObject({ accepted: 5, duplicates: 1 });
    expect(health).toHaveLength(1);
    expect(health[0]).toMatchObject({
      code: 'DUPLICATE',
      component: 'feed:BINANCE',
      instrumentId: ID,
      status: 'UP',
    });
    expect(SystemHealthEventSchema.safeParse(health[0]).success).toBe(true);
  });

  it('detects contiguous trade-id gaps, reports them and calls the resync hook; a late fill is accepted once', () => {
    const { hygiene, health, gaps } = make({ tradeIds: 'contiguous' });
    const accepted = [10, 11, 15, 13, 13, 16].map((id) => hygiene.acceptTrade(trade(id)));
    expect(accepted).toEqual([true, true, true, true, false, true]);
    expect(gaps).toEqual([{ instrumentId: ID, stream: 'trade', from: 12, to: 14, tsEvent: 1_000 }]);
    expect(hygiene.stats).toMatchObject({ gaps: 1, missing: 3, outOfOrder: 1, duplicates: 1 });
    expect(health.map((h) => h.code)).toEqual(['SEQUENCE_GAP', 'DUPLICATE']);
    expect(health[0]).toMatchObject({ status: 'DEGRADED', value: 3 });
    expect(health[0]!.message).toMatch(/missing 12\.\.14/);
  });

  it('drops trade ids older than the window as stale, and non-numeric ids as malformed', () => {
    const { hygiene, health } = make({ tradeIds: 'contiguous', window: 4 });
    for (let id = 1; id <= 10; id++) hygiene.acceptTrade(trade(id));
    expect(hygiene.acceptTrade(trade(2))).toBe(false);
    expect(hygiene.acceptTrade(trade('x1'))).toBe(false);
    expect(hygiene.stats).toMatchObject({ stale: 1, malformed: 1, accepted: 10 });
    expect(health.map((h) => h.code)).toEqual(['LATE_DATA', 'MALFORMED_MESSAGE']);
  });

  it('drops trades with a non-finite price or a bad size, with a MALFORMED_MESSAGE', () => {
    const { hygiene, health } = make();
    expect(hygiene.accept(trade(1, 1, Number.NaN))).toBe(false);
    expect(hygiene.accept(trade(2, 1, 100, -1))).toBe(false);
    expect(hygiene.accept(trade(3, 1, Number.POSITIVE_INFINITY))).toBe(false);
    expect(hygiene.stats.malformed).toBe(3);
    expect(health.every((h) => h.code === 'MALFORMED_MESSAGE')).toBe(true);
  });

  it('property: every message is accepted exactly once or reported, and gaps add up to what is missing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 200 }), (ids) => {
        const { hygiene, health } = make({ tradeIds: 'contiguous', window: 1_000 });
        const accepted = ids.filter((id) => hygiene.acceptTrade(trade(id)));
        // Each id is accepted at most once; a repeat is a DUPLICATE (or stale below the baseline).
        expect(new Set(accepted).size).toBe(accepted.length);
        const s = hygiene.stats;
        expect(s.accepted + s.duplicates + s.stale).toBe(ids.length);
        const reported = health.filter((h) => h.code === 'DUPLICATE' || h.code === 'LATE_DATA').length;
        expect(reported).toBe(s.duplicates + s.stale);
        // The span from the first id to the highest is covered by in-order acceptances and gaps;
        // late fills (outOfOrder) were first counted missing.
        const first = ids[0]!;
        const max = Math.max(...ids);
        const acceptedAbove = accepted.filter((id) => id > first).length;
        expect(new Set(ids.filter((id) => id > first)).size).toBe(acceptedAbove);
        expect(s.missing).toBe(max - first - (acceptedAbove - s.outOfOrder));
      }),
    );
  });
});

describe('FeedHygiene: depth', () => {
  it('holds deltas after a gap until a snapshot resynchronises, then reports RESYNCED', () => {
    const { hygiene, health, resynced } = make();
    expect(hygiene.acceptDepth(depth(100, true))).toBe(true);
    expect(hygiene.acceptDepth(depth(101))).toBe(true);
    expect(hygiene.acceptDepth(depth(104))).toBe(false); // gap 102..103: the book has a hole
    expect(hygiene.acceptDepth(depth(105))).toBe(false); // held
    expect(hygiene.acceptDepth(depth(110, true))).toBe(true); // snapshot: the new baseline
    expect(hygiene.acceptDepth(depth(108))).toBe(false); // covered by the snapshot: stale
    expect(hygiene.acceptDepth(depth(111))).toBe(true);
    expect(health.map((h) => h.code)).toEqual(['SEQUENCE_GAP', 'RESYNCED', 'LATE_DATA']);
    expect(resynced).toEqual([`depth:${ID}`]);
    expect(hygiene.stats).toMatchObject({ awaitingSnapshot: 2, gaps: 1, stale: 1 });
  });

  it("monotonic sequences (Binance depth 'u') skip freely but never go back", () => {
    const { hygiene, health } = make({ depthSequence: 'monotonic' });
    expect([10, 25, 26, 26, 20, 90].map((s) => hygiene.acceptDepth(depth(s)))).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
    expect(health.map((h) => h.code)).toEqual(['DUPLICATE', 'LATE_DATA']);
  });

  it('passes depth without a sequence (0) and rejects malformed levels', () => {
    const { hygiene } = make();
    expect(hygiene.acceptDepth(depth(0))).toBe(true);
    expect(hygiene.acceptDepth(depth(0))).toBe(true);
    const bad = { ...depth(1), asks: [{ price: Number.NaN, size: 1, orders: 0 }] };
    expect(hygiene.acceptDepth(bad)).toBe(false);
    expect(hygiene.stats.malformed).toBe(1);
  });
});

describe('FeedHygiene: reconnects and other kinds', () => {
  it('reports disconnects and reconnects, calls the hook, and detects the outage gap', () => {
    const reconnects: number[] = [];
    const clock = new SimClock(5_000);
    const gaps: SequenceGap[] = [];
    const { hygiene, health } = make({
      tradeIds: 'contiguous',
      clock,
      hooks: { onReconnect: (t) => reconnects.push(t), onGap: (g) => gaps.push(g) },
    });
    hygiene.acceptTrade(trade(1));
    hygiene.disconnected(2_000, 'socket closed');
    hygiene.reconnected(3_000);
    expect(hygiene.acceptTrade(trade(9))).toBe(true); // 2..8 were missed while down
    expect(reconnects).toEqual([3_000]);
    expect(health.map((h) => `${h.code}/${h.status}`)).toEqual([
      'DISCONNECTED/DOWN',
      'CONNECTED/UP',
      'SEQUENCE_GAP/DEGRADED',
    ]);
    expect(health.every((h) => h.tsInit === 5_000)).toBe(true); // stamped by the clock
    expect(gaps).toEqual([{ instrumentId: ID, stream: 'trade', from: 2, to: 8, tsEvent: 1_000 }]); // fetch them
  });

  it('resync() accepts the next number as a new baseline (venue restarted its numbering)', () => {
    const { hygiene, health, resynced } = make({ tradeIds: 'contiguous' });
    hygiene.acceptTrade(trade(5_000));
    hygiene.resync(ID);
    expect(hygiene.acceptTrade(trade(1))).toBe(true);
    expect(hygiene.acceptTrade(trade(2))).toBe(true);
    expect(health.map((h) => h.code)).toEqual(['RESYNCED']);
    expect(resynced).toEqual([`trade:${ID}`]);
  });

  it('checks quotes and ticks for malformed prices, passes other kinds', () => {
    const { hygiene } = make();
    const quote: QuoteEvent = {
      kind: 'quote',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      instrumentId: ID,
      bidPrice: 1,
      bidSize: 1,
      askPrice: 2,
      askSize: 1,
    };
    const tick: TickEvent = { kind: 'tick', v: 1, tsEvent: 1, tsInit: 1, instrumentId: ID, lastPrice: 1 };
    expect(hygiene.accept(quote)).toBe(true);
    expect(hygiene.accept({ ...quote, askSize: -1 })).toBe(false);
    expect(hygiene.accept(tick)).toBe(true);
    expect(hygiene.accept({ ...tick, lastPrice: Number.NaN })).toBe(false);
    expect(
      hygiene.accept({
        kind: 'health',
        v: 1,
        tsEvent: 1,
        tsInit: 1,
        component: 'x',
        status: 'UP',
        code: 'HEARTBEAT',
        message: '',
      }),
    ).toBe(true);
    expect(hygiene.stats).toMatchObject({ accepted: 3, malformed: 2 });
  });

  it('rejects bad options', () => {
    const onHealth = () => {};
    expect(() => new FeedHygiene({ component: '', onHealth })).toThrow(InvalidArgumentError);
    expect(() => new FeedHygiene({ component: 'x', onHealth, window: 0 })).toThrow(/window/);
    expect(() => new FeedHygiene({ component: 'x', onHealth, tradeIds: 'x' as 'opaque' })).toThrow(
      /tradeIds/,
    );
  });
});
