import { SimClock } from '@quantkubera/core';
import {
  type FeedFixture,
  feedConformanceCases,
  type GatewayFixture,
  gatewayConformanceCases,
} from '@quantkubera/core/conformance';
import { describe, it } from 'vitest';
import { createAdapter, VENUE_CODE } from '../src/index.js';
import { InMemoryVenue } from './support/in-memory-venue.js';

const MARKETS = [
  { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.0001 },
  { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', tickSize: 0.01, stepSize: 0.001 },
];
const CONFIG = { apiKey: 'test-key', apiSecret: 'test-secret' };

async function connectedVenue() {
  const venue = new InMemoryVenue(MARKETS);
  const clock = new SimClock(1_732_000_000_000_000);
  const adapter = await createAdapter(CONFIG, { rest: venue.rest, stream: () => venue.stream(), clock });
  return { venue, adapter, clock };
}

async function gatewayFixture(): Promise<GatewayFixture> {
  const { venue, adapter, clock } = await connectedVenue();
  return {
    gateway: adapter.gateway,
    instrumentId: `BTCUSDT.${VENUE_CODE}`,
    quantity: 0.01,
    tickSize: 0.01,
    setMarket: (bid, ask, size) => venue.setTouch('BTCUSDT', bid, ask, size),
    settle: () => venue.settle(),
    nowUs: () => clock.nowUs(),
    dispose: () => adapter.gateway.disconnect(),
  };
}

async function feedFixture(): Promise<FeedFixture> {
  const { venue, adapter } = await connectedVenue();
  venue.setTouch('BTCUSDT', 67_999.99, 68_000.01, 1);
  venue.setTouch('ETHUSDT', 2_499.99, 2_500.01, 1);
  return {
    feed: adapter.feed,
    instrumentId: `BTCUSDT.${VENUE_CODE}`,
    otherInstrumentId: `ETHUSDT.${VENUE_CODE}`,
    publish: (instrumentId) => venue.publish(instrumentId.slice(0, instrumentId.lastIndexOf('.'))),
    settle: () => venue.settle(),
    dispose: () => adapter.feed.disconnect(),
  };
}

describe(`${VENUE_CODE} adapter conformance`, () => {
  for (const c of gatewayConformanceCases({ create: gatewayFixture, referencePrice: 68_000 }))
    it(c.name, c.run);
  for (const c of feedConformanceCases({ create: feedFixture })) it(c.name, c.run);
});
