import type { CanonicalEvent } from '@quantkubera/core';

// Event streams shared by the codec and WAL suites, so both measure the same bytes.

const T0 = 1_732_000_000_000_000;

/** `count` trades of two NSE instruments (ids alternate, so string interning is exercised). */
export function sampleTrades(count: number): CanonicalEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'trade' as const,
    v: 1 as const,
    tsEvent: T0 + i * 1_000,
    tsInit: T0 + i * 1_000 + 37,
    instrumentId: i % 4 === 0 ? 'BANKNIFTY24NOVFUT.NFO' : 'RELIANCE.NSE',
    price: 2_945.35 + (i % 100) * 0.05,
    size: 1 + (i % 25),
    aggressor: i % 2 === 0 ? ('BUYER' as const) : ('SELLER' as const),
    tradeId: String(400_000_000 + i),
  }));
}

/** `count` BTCUSDT quotes: 77-byte codec frames, 93-byte WAL records. */
export function sampleQuotes(count: number): CanonicalEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'quote' as const,
    v: 1 as const,
    tsEvent: T0 + i * 1_000,
    tsInit: T0 + i * 1_000 + 21,
    instrumentId: 'BTCUSDT.BINANCE',
    bidPrice: 97_000.1 + (i % 50) * 0.1,
    bidSize: 0.25 + (i % 7) * 0.001,
    askPrice: 97_000.2 + (i % 50) * 0.1,
    askSize: 0.5 + (i % 5) * 0.001,
  }));
}
