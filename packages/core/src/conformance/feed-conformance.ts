import type { FeedEvent, FeedMarketEvent, MarketDataFeed } from '../feeds/index.js';
import type { SystemHealthEvent } from '../schemas/index.js';
import { CaseAsserts, type ConformanceCase, check, withFixture } from './conformance-case.js';

/** One fresh venue, its feed and the levers a conformance case pulls on it. */
export interface FeedFixture {
  /** The feed under test, not connected yet. */
  readonly feed: MarketDataFeed;
  /** An instrument the venue lists. */
  readonly instrumentId: string;
  /** A second instrument the venue lists, to check that events follow subscriptions. */
  readonly otherInstrumentId: string;
  /** Makes the venue send one trade and one quote for `instrumentId`, in its own wire format. */
  publish(instrumentId: string): void | Promise<void>;
  /** Lets the venue deliver everything in flight through the sink. */
  settle(): Promise<void>;
  /** Releases what the fixture holds, after each case. */
  dispose?(): Promise<void>;
}

/** What the feed conformance suite needs: a factory of fresh fixtures, one per case. */
export interface FeedConformanceHarness {
  /** Builds a fresh venue and feed for one case. */
  create(): FeedFixture | Promise<FeedFixture>;
}

class FeedSession {
  readonly events: FeedEvent[] = [];

  readonly fixture: FeedFixture;
  // Declared with an explicit type: TypeScript only narrows through `t.check` assertions then.
  readonly t: CaseAsserts;

  constructor(fixture: FeedFixture, t: CaseAsserts) {
    this.fixture = fixture;
    this.t = t;
  }

  market(instrumentId?: string): FeedMarketEvent[] {
    return this.events.filter(
      (e): e is FeedMarketEvent =>
        e.kind !== 'health' && (instrumentId === undefined || e.instrumentId === instrumentId),
    );
  }

  health(code: SystemHealthEvent['code']): SystemHealthEvent[] {
    return this.events.filter((e): e is SystemHealthEvent => e.kind === 'health' && e.code === code);
  }

  async publishBoth(): Promise<void> {
    await this.fixture.publish(this.fixture.instrumentId);
    await this.fixture.publish(this.fixture.otherInstrumentId);
    await this.fixture.settle();
  }

  kinds(instrumentId: string): string[] {
    return [...new Set(this.market(instrumentId).map((e) => e.kind))].sort();
  }
}

/**
 * The conformance cases of the {@link MarketDataFeed} contract: connection health, events only for
 * subscribed instruments and kinds, unsubscribe and resubscribe, nothing after disconnect, every
 * event a valid canonical record. Each case builds a fresh fixture through the harness.
 *
 * @example
 * ```ts
 * import { feedConformanceCases } from '@quantkubera/core/conformance';
 * import { describe, it } from 'vitest';
 *
 * describe('MyVenue feed conformance', () => {
 *   for (const c of feedConformanceCases({ create: () => createFeedFixture() })) it(c.name, c.run);
 * });
 * ```
 */
export function feedConformanceCases(harness: FeedConformanceHarness): ConformanceCase[] {
  const define = (name: string, body: (s: FeedSession) => Promise<void>): ConformanceCase => {
    const title = `feed: ${name}`;
    return {
      name: title,
      run: () =>
        withFixture(
          () => harness.create(),
          async (fixture) => {
            const session = new FeedSession(fixture, new CaseAsserts(title));
            await fixture.feed.connect((event) => session.events.push(event));
            await fixture.settle();
            await body(session);
            session.t.canonical(session.events);
          },
        ),
    };
  };

  return [
    define('connect reports CONNECTED, disconnect reports DISCONNECTED and stops events', async (s) => {
      check(s.t, s.health('CONNECTED').length >= 1, 'expected a CONNECTED health event after connect');
      s.fixture.feed.subscribe({ instrumentId: s.fixture.instrumentId, kinds: ['trade', 'quote'] });
      await s.fixture.feed.disconnect();
      check(
        s.t,
        s.health('DISCONNECTED').length >= 1,
        'expected a DISCONNECTED health event after disconnect',
      );
      const after = s.events.length;
      await s.publishBoth();
      check(
        s.t,
        s.events.length === after,
        `expected no event after disconnect, got ${s.events.length - after}`,
      );
    }),

    define('nothing arrives before a subscription', async (s) => {
      await s.publishBoth();
      check(
        s.t,
        s.market().length === 0,
        `expected no market data without a subscription, got ${s.market().length}`,
      );
    }),

    define('a subscription delivers its kinds for its instrument only', async (s) => {
      s.fixture.feed.subscribe({ instrumentId: s.fixture.instrumentId, kinds: ['trade', 'quote'] });
      await s.publishBoth();
      const kinds = s.kinds(s.fixture.instrumentId);
      check(
        s.t,
        kinds.join() === 'quote,trade',
        `expected quote and trade events, got [${kinds.join(', ')}]`,
      );
      const other = s.market(s.fixture.otherInstrumentId).length;
      check(
        s.t,
        other === 0,
        `expected no event for the unsubscribed ${s.fixture.otherInstrumentId}, got ${other}`,
      );
      for (const e of s.market()) {
        check(
          s.t,
          Number.isFinite(e.tsEvent) && Number.isFinite(e.tsInit),
          'expected tsEvent and tsInit on every event',
        );
      }
    }),

    define('kinds not subscribed are not delivered', async (s) => {
      s.fixture.feed.subscribe({ instrumentId: s.fixture.instrumentId, kinds: ['trade'] });
      await s.publishBoth();
      const kinds = s.kinds(s.fixture.instrumentId);
      check(s.t, kinds.join() === 'trade', `expected trades only, got [${kinds.join(', ')}]`);
    }),

    define('subscribing again replaces the kinds', async (s) => {
      s.fixture.feed.subscribe({ instrumentId: s.fixture.instrumentId, kinds: ['trade'] });
      s.fixture.feed.subscribe({ instrumentId: s.fixture.instrumentId, kinds: ['quote'] });
      await s.publishBoth();
      const kinds = s.kinds(s.fixture.instrumentId);
      check(
        s.t,
        kinds.join() === 'quote',
        `expected quotes only after resubscribing, got [${kinds.join(', ')}]`,
      );
    }),

    define('unsubscribe stops an instrument and leaves the others', async (s) => {
      s.fixture.feed.subscribe({ instrumentId: s.fixture.instrumentId, kinds: ['trade'] });
      s.fixture.feed.subscribe({ instrumentId: s.fixture.otherInstrumentId, kinds: ['trade'] });
      s.fixture.feed.unsubscribe(s.fixture.instrumentId);
      s.fixture.feed.unsubscribe('NOSUCH.NOWHERE');
      await s.publishBoth();
      check(
        s.t,
        s.market(s.fixture.instrumentId).length === 0,
        'expected no event for the unsubscribed instrument',
      );
      check(
        s.t,
        s.market(s.fixture.otherInstrumentId).length >= 1,
        'expected the other subscription to keep delivering',
      );
    }),
  ];
}
