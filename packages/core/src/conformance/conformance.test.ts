import { describe, expect, it } from 'vitest';
import { RecordingGateway } from '../execution/index.js';
import type { FeedEventSink, MarketDataFeed } from '../feeds/index.js';
import { ConformanceError } from './conformance-error.js';
import { feedConformanceCases } from './feed-conformance.js';
import { gatewayConformanceCases } from './gateway-conformance.js';

async function failure(run: () => Promise<void>): Promise<ConformanceError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConformanceError);
  return error as ConformanceError;
}

/** A feed that ignores subscriptions and sends every trade it sees: a contract breaker. */
class LeakyFeed implements MarketDataFeed {
  readonly id = 'leaky';
  sink: FeedEventSink | undefined;
  async connect(sink: FeedEventSink): Promise<void> {
    this.sink = sink;
    sink({
      kind: 'health',
      v: 1,
      tsEvent: 1,
      tsInit: 1,
      component: 'feed:X',
      status: 'UP',
      code: 'CONNECTED',
      message: 'up',
    });
  }
  async disconnect(): Promise<void> {}
  subscribe(): void {}
  unsubscribe(): void {}
}

describe('the conformance suites catch broken implementations', () => {
  it('fails a gateway that never answers, naming the case and what was missing', async () => {
    const cases = gatewayConformanceCases({
      create: () => ({
        gateway: new RecordingGateway('silent'),
        instrumentId: 'BTCUSDT.SIM',
        quantity: 1,
        tickSize: 0.01,
        setMarket() {},
        async settle() {},
      }),
    });
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const c of cases) {
      const error = await failure(c.run);
      expect(error.code).toBe('CONFORMANCE_FAILED');
      expect(error.message.startsWith(`[${c.name}]`)).toBe(true);
    }
    const connect = cases.find((c) => c.name.includes('connect'));
    expect((await failure(connect!.run)).message).toMatch(/expected a CONNECTED health event/);
  });

  it('fails a feed that delivers without a subscription and after disconnect', async () => {
    const cases = feedConformanceCases({
      create: () => {
        const feed = new LeakyFeed();
        return {
          feed,
          instrumentId: 'BTCUSDT.SIM',
          otherInstrumentId: 'ETHUSDT.SIM',
          publish(instrumentId) {
            feed.sink?.({
              kind: 'trade',
              v: 1,
              tsEvent: 2,
              tsInit: 2,
              instrumentId,
              price: 100,
              size: 1,
              aggressor: 'BUYER',
              tradeId: 't',
            });
          },
          async settle() {},
        };
      },
    });
    const byName = (part: string) => cases.find((c) => c.name.includes(part))!;
    expect((await failure(byName('before a subscription').run)).message).toMatch(/expected no market data/);
    expect((await failure(byName('disconnect').run)).message).toMatch(/DISCONNECTED/);
  });
});
