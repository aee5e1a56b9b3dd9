import {
  type BarEvent,
  type BookLevel,
  type CanonicalEvent,
  CanonicalEventSchema,
  eventCodec,
  FeedHygiene,
  InvalidArgumentError,
  MICROS_PER_MINUTE,
  MultiTimeframeAggregator,
  microsFromDate,
  nseCalendar,
  type QuoteEvent,
  type SystemHealthEvent,
} from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { cryptoSpot, nseEquity, nseIndexFuture } from './instruments.js';
import { type GenerateMarketOptions, generateMarket } from './market-generator.js';
import { newsSpike, type Scenario } from './scenarios.js';

const MONDAY_IST = '2024-11-04T03:30:00Z'; // 09:00 IST
const iso = (s: string) => microsFromDate(s);

function collect(
  scenario: Parameters<typeof generateMarket>[0],
  options: GenerateMarketOptions,
): CanonicalEvent[] {
  return [...generateMarket(scenario, options)];
}

const nseMorning: GenerateMarketOptions = {
  seed: 42,
  instruments: [nseEquity(), nseIndexFuture()],
  start: '2024-11-04T03:25:00Z', // 08:55 IST
  end: '2024-11-04T03:50:00Z', // 09:20 IST
};

/** The events as canonical binary frames: equal bytes ⇔ equal events, and far faster than deep equality. */
function frames(events: readonly CanonicalEvent[]): Buffer {
  const out = new Uint8Array(events.length * 600);
  let at = 0;
  for (const e of events) at += eventCodec.encodeInto(e, out, at);
  return Buffer.from(out.buffer, 0, at);
}
const same = (a: readonly CanonicalEvent[], b: readonly CanonicalEvent[]) =>
  a.length === b.length && frames(a).equals(frames(b));

describe('generateMarket', () => {
  it('same seed → identical events; another seed → different', () => {
    const a = collect('pre-open-burst', nseMorning);
    const b = collect('pre-open-burst', nseMorning);
    expect(a.length).toBeGreaterThan(1_000);
    expect(same(a, b)).toBe(true);
    const c = collect('pre-open-burst', { ...nseMorning, seed: 43 });
    expect(same(a, c)).toBe(false);
  });

  it('adding an instrument does not change the others (independent forks)', () => {
    const alone = collect('normal-day', { ...nseMorning, instruments: [nseEquity()] });
    const together = collect('normal-day', nseMorning).filter(
      (e) => 'instrumentId' in e && e.instrumentId === 'RELIANCE.NSE',
    );
    expect(together.length).toBe(alone.length);
    expect(same(together, alone)).toBe(true);
  });

  it('emits valid canonical events in time order, within the window and the sessions', () => {
    const events = collect('pre-open-burst', nseMorning);
    const start = iso(nseMorning.start as string);
    const end = iso(nseMorning.end as string);
    const disorder = events.filter(
      (e, i) => (i > 0 && e.tsEvent < events[i - 1]!.tsEvent) || e.tsEvent < start || e.tsEvent >= end,
    );
    expect(disorder).toEqual([]);
    // Every event validates against its zod schema (ids, finite prices, high >= low...).
    const invalid = events.filter((e) => !CanonicalEventSchema.safeParse(e).success);
    expect(invalid).toEqual([]);
    const calendar = nseCalendar();
    // Pre-open (09:00–09:08) has quotes and depth only; the auction prints once at 09:08; nothing
    // trades between 09:08 and 09:15.
    const trades = events.filter((e) => e.kind === 'trade');
    const preOpenTrades = trades.filter((t) => calendar.phaseAt(t.tsEvent) !== 'OPEN');
    expect(preOpenTrades.map((t) => [t.instrumentId, t.tsEvent, t.aggressor])).toEqual([
      ['RELIANCE.NSE', iso('2024-11-04T03:38:00Z'), 'NONE'],
      ['BANKNIFTY24NOVFUT.NFO', iso('2024-11-04T03:38:00Z'), 'NONE'],
    ]);
    const preOpenQuotes = events.filter(
      (e) => e.kind === 'quote' && calendar.phaseAt(e.tsEvent) === 'PRE_OPEN',
    );
    expect(preOpenQuotes.length).toBeGreaterThan(100);
    expect(
      events.some(
        (e) => e.tsEvent >= iso('2024-11-04T03:38:00.001Z') && e.tsEvent < iso('2024-11-04T03:45:00Z'),
      ),
    ).toBe(false);
    expect(events.some((e) => e.tsEvent < iso(MONDAY_IST))).toBe(false); // nothing before the pre-open
  });

  it('the opening burst is busier than the regular session, and the news spike moves the price', () => {
    const opts: GenerateMarketOptions = {
      ...nseMorning,
      instruments: [nseEquity()],
      end: '2024-11-04T05:00:00Z',
    };
    const burst = collect('pre-open-burst', opts).filter((e) => e.kind === 'trade');
    const normal = collect('normal-day', opts).filter((e) => e.kind === 'trade');
    const firstFive = (xs: CanonicalEvent[]) =>
      xs.filter((e) => e.tsEvent < iso('2024-11-04T03:50:00Z')).length;
    expect(firstFive(burst)).toBeGreaterThan(2.5 * firstFive(normal));

    const news = collect(newsSpike({ move: 0.05, direction: 'up' }), {
      ...opts,
      start: '2024-11-04T04:15:00Z', // 09:45 IST
      end: '2024-11-04T04:45:00Z', // 10:15 IST; the release is at 10:00 IST = 04:30Z
    });
    const at = iso('2024-11-04T04:30:00Z');
    const quotes = news.filter((e): e is QuoteEvent => e.kind === 'quote');
    const before = quotes.filter((q) => q.tsEvent < at).at(-1)!;
    const after = quotes.find((q) => q.tsEvent >= at)!;
    expect(after.tsEvent).toBe(at);
    expect(after.bidPrice / before.bidPrice).toBeGreaterThan(1.03);
    const rate = (from: number, to: number) =>
      news.filter((e) => e.kind === 'trade' && e.tsEvent >= from && e.tsEvent < to).length;
    expect(rate(at, at + MICROS_PER_MINUTE)).toBeGreaterThan(
      4 * rate(at - 5 * MICROS_PER_MINUTE, at - 4 * MICROS_PER_MINUTE) + 1,
    );
  });

  it('depth stays consistent with the quotes: a book built from snapshots and deltas has the quote at its touch', () => {
    const events = collect('normal-day', {
      seed: 9,
      instruments: [cryptoSpot()],
      start: '2024-11-09T13:00:00Z', // a Saturday: crypto trades 24×7
      end: '2024-11-09T13:10:00Z',
    });
    const bids = new Map<number, BookLevel>();
    const asks = new Map<number, BookLevel>();
    let lastQuote: QuoteEvent | undefined;
    let checked = 0;
    for (const e of events) {
      if (e.kind === 'quote') lastQuote = e;
      if (e.kind !== 'depth') continue;
      if (e.snapshot) {
        bids.clear();
        asks.clear();
      }
      for (const l of e.bids) l.size === 0 ? bids.delete(l.price) : bids.set(l.price, l);
      for (const l of e.asks) l.size === 0 ? asks.delete(l.price) : asks.set(l.price, l);
      const bestBid = Math.max(...bids.keys());
      const bestAsk = Math.min(...asks.keys());
      expect(e.tsEvent).toBe(lastQuote!.tsEvent);
      expect([bestBid, bids.get(bestBid)!.size, bestAsk, asks.get(bestAsk)!.size]).toEqual([
        lastQuote!.bidPrice,
        lastQuote!.bidSize,
        lastQuote!.askPrice,
        lastQuote!.askSize,
      ]);
      expect(bestAsk).toBeGreaterThan(bestBid);
      checked++;
    }
    expect(checked).toBeGreaterThan(1_000);
  });

  it('feeds the engine: contiguous trade ids pass feed hygiene, and bars aggregate on the NSE calendar', () => {
    const health: SystemHealthEvent[] = [];
    const hygiene = new FeedHygiene({
      component: 'feed:SIM',
      tradeIds: 'contiguous',
      onHealth: (h) => health.push(h),
    });
    const bars: BarEvent[] = [];
    const agg = new MultiTimeframeAggregator({
      instrumentId: 'RELIANCE.NSE',
      timeframes: ['1m', '5m'],
      calendar: nseCalendar(),
      onBar: (b) => bars.push(b),
    });
    let auction: number | undefined;
    for (const e of generateMarket('normal-day', {
      ...nseMorning,
      instruments: [nseEquity()],
      end: '2024-11-04T03:55:00Z',
    })) {
      if (e.kind === 'trade' && e.aggressor === 'NONE') auction = e.price;
      if (hygiene.accept(e) && e.kind === 'trade') agg.onTrade(e);
    }
    agg.flush();
    expect(health).toEqual([]);
    expect(bars.filter((b) => b.timeframe === '5m').map((b) => b.tsOpen)).toEqual(
      [0, 5].map((m) => iso('2024-11-04T03:45:00Z') + m * MICROS_PER_MINUTE),
    );
    expect(bars[0]!.open).toBe(auction); // the 09:15 bar opens with the 09:08 auction print
    expect(agg.stats.outsideSession).toBe(0);
  });

  it('generates lazily: a full crypto day streams without materialising', () => {
    const it = generateMarket('normal-day', {
      seed: 1,
      instruments: [cryptoSpot()],
      start: 0,
      end: 86_400_000_000,
      depth: false,
    });
    const first = it.next();
    expect(first.done).toBe(false);
    expect((first.value as CanonicalEvent).tsEvent).toBeLessThan(10_000_000);
  });

  it('accepts custom scenarios and rejects bad options', () => {
    const quiet: Scenario = { name: 'quiet', plan: () => ({ segments: [], events: [] }) };
    expect(collect(quiet, nseMorning)).toEqual([]);
    expect(() => generateMarket('nope' as 'normal-day', nseMorning)).toThrow(InvalidArgumentError);
    expect(() => generateMarket('normal-day', { ...nseMorning, end: nseMorning.start })).toThrow(/end/);
    expect(() => generateMarket('normal-day', { ...nseMorning, instruments: [] })).toThrow(/instruments/);
    expect(() => generateMarket('normal-day', { ...nseMorning, start: 'yesterday' })).toThrow(/start/);
    expect(() =>
      generateMarket('normal-day', { ...nseMorning, instruments: [{ ...nseEquity(), tickSize: 0 }] }),
    ).toThrow(/tickSize/);
    expect(() => newsSpike({ move: 2 })).toThrow(/move/);
    expect(() => newsSpike({ at: '25:00' })).toThrow(/at/);
  });
});
