import { FixedLatencyModel, SimulatedVenue } from '@quantkubera/backtest';
import { type CryptoSpotInstrument, microsFromDate, SimClock } from '@quantkubera/core';
import { type GatewayFixture, gatewayConformanceCases } from '@quantkubera/core/conformance';
import { describe, it } from 'vitest';

const T0 = microsFromDate('2024-11-04T04:00:00Z');
const SECOND = 1_000_000;

const btc: CryptoSpotInstrument = {
  type: 'crypto_spot',
  id: 'BTCUSDT.SIM',
  symbol: 'BTCUSDT',
  venue: 'SIM',
  venueSymbol: 'BTCUSDT',
  quoteCurrency: 'USDT',
  baseCurrency: 'BTC',
  tickSize: 0.01,
  lotSize: 0.001,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 3,
};

/** The simulated venue in L1 mode, with latency on every leg so `settle` has real work to do. */
function simFixture(): GatewayFixture {
  const clock = new SimClock(T0);
  const venue = new SimulatedVenue({
    clock,
    mode: 'L1',
    instruments: [btc],
    seed: 7,
    latencyModel: new FixedLatencyModel({ inboundUs: 500, ackUs: 300, fillUs: 300 }),
  });
  return {
    gateway: venue,
    instrumentId: btc.id,
    quantity: 0.01,
    tickSize: btc.tickSize,
    setMarket(bid, ask, size) {
      const now = clock.nowUs();
      venue.onMarketData({
        kind: 'quote',
        v: 1,
        tsEvent: now,
        tsInit: now,
        instrumentId: btc.id,
        bidPrice: bid,
        bidSize: size,
        askPrice: ask,
        askSize: size,
      });
    },
    async settle() {
      clock.advanceTo(clock.nowUs() + SECOND);
    },
    nowUs: () => clock.nowUs(),
  };
}

describe('SimulatedVenue passes the ExecutionGateway conformance suite', () => {
  for (const c of gatewayConformanceCases({ create: simFixture, referencePrice: 68_000 })) it(c.name, c.run);
});
