import type { CryptoSpotInstrument, PerpetualInstrument } from '@quantkubera/core';
import { BTC_SPOT } from '@quantkubera/core/testing';
import { describe, expect, it } from 'vitest';
import {
  binanceSpotFees,
  binanceUsdmFees,
  coinDcxFuturesFees,
  coinDcxSpotFees,
  type FeeContext,
  type FeeModel,
  makerTakerFees,
  ScheduleFeeModel,
} from './index.js';

const perp: PerpetualInstrument = {
  type: 'perpetual',
  id: 'BTCUSDT-PERP.BINANCE',
  symbol: 'BTCUSDT-PERP',
  venue: 'BINANCE',
  venueSymbol: 'BTCUSDT',
  quoteCurrency: 'USDT',
  tickSize: 0.1,
  lotSize: 0.001,
  multiplier: 1,
  pricePrecision: 1,
  sizePrecision: 3,
  baseCurrency: 'BTC',
  settlementCurrency: 'USDT',
  isInverse: false,
};
const btcinr: CryptoSpotInstrument = {
  ...BTC_SPOT,
  id: 'BTCINR.COINDCX',
  symbol: 'BTCINR',
  venue: 'COINDCX',
  venueSymbol: 'BTCINR',
  quoteCurrency: 'INR',
};

function fee(
  model: FeeModel,
  ctx: Partial<FeeContext> & Pick<FeeContext, 'instrument' | 'price' | 'quantity'>,
) {
  return model.charge({
    side: 'BUY',
    liquidity: 'TAKER',
    tsEvent: 1_735_000_000_000_000,
    orderFillCount: 0,
    orderCharges: undefined,
    ...ctx,
  });
}

describe('crypto maker/taker fees', () => {
  it('Binance spot: 0.1% maker and taker on notional, in the quote currency', () => {
    // 0.5 BTC × 97,000 = 48,500 USDT × 0.1% = 48.5
    const taker = fee(binanceSpotFees(), { instrument: BTC_SPOT, price: 97_000, quantity: 0.5 });
    expect(taker).toMatchObject({
      total: 48.5,
      currency: 'USDT',
      items: [{ name: 'trading', amount: 48.5 }],
    });
    expect(
      fee(binanceSpotFees(), { instrument: BTC_SPOT, price: 97_000, quantity: 0.5, liquidity: 'MAKER' })
        .total,
    ).toBe(48.5);
  });

  it('Binance USD-M: 0.02% maker, 0.05% taker', () => {
    // 1.234 BTC × 97,000.1 = 119,698.1234: maker 23.93962468 → 23.93962468; taker 59.8490617
    expect(
      fee(binanceUsdmFees(), { instrument: perp, price: 97_000.1, quantity: 1.234, liquidity: 'MAKER' })
        .total,
    ).toBe(23.93962468);
    expect(
      fee(binanceUsdmFees(), { instrument: perp, price: 97_000.1, quantity: 1.234, side: 'SELL' }).total,
    ).toBe(59.8490617);
  });

  it('CoinDCX spot: 0.2% plus 18% GST on the fee; futures 0.025% / 0.075%', () => {
    // 0.001 BTC × 8,500,000 INR = 8,500: fee 0.2% = 17, GST 18% × 17 = 3.06, total 20.06
    const spot = fee(coinDcxSpotFees(), { instrument: btcinr, price: 8_500_000, quantity: 0.001 });
    expect(spot.items).toEqual([
      { name: 'trading', amount: 17 },
      { name: 'gst', amount: 3.06 },
    ]);
    expect(spot.total).toBe(20.06);
    expect(
      fee(coinDcxSpotFees({ gst: false }), { instrument: btcinr, price: 8_500_000, quantity: 0.001 }).total,
    ).toBe(17);
    // 2 BTC × 100,000 = 200,000 USDT: maker 50, taker 150
    expect(
      fee(coinDcxFuturesFees(), { instrument: perp, price: 100_000, quantity: 2, liquidity: 'MAKER' }).total,
    ).toBe(50);
    expect(fee(coinDcxFuturesFees(), { instrument: perp, price: 100_000, quantity: 2 }).total).toBe(150);
  });

  it('custom maker/taker schedules, rebates included', () => {
    const venue = makerTakerFees({ name: 'rebate', makerRate: -0.0001, takerRate: 0.0003, decimals: 4 });
    expect(fee(venue, { instrument: perp, price: 100_000, quantity: 1, liquidity: 'MAKER' }).total).toBe(-10);
    expect(fee(venue, { instrument: perp, price: 100_000, quantity: 1 }).total).toBe(30);
    expect(() => makerTakerFees({ name: 'x', makerRate: Number.NaN, takerRate: 0 })).toThrow(/makerRate/);
  });
});

describe('ScheduleFeeModel', () => {
  it('applies side, liquidity, flat-per-order and per-order caps, then taxes, from dated schedules', () => {
    const model = new ScheduleFeeModel({
      name: 'broker',
      utcOffsetMinutes: 330,
      schedules: [
        {
          name: 'broker',
          effectiveFrom: '2024-01-01',
          decimals: 2,
          charges: [
            { name: 'brokerage', rate: 0.001, capPerOrder: 25 },
            { name: 'ticket', flatPerOrder: 5 },
            { name: 'stamp', rate: 0.0001, side: 'BUY' },
          ],
          taxes: [{ name: 'gst', rate: 0.18, on: ['brokerage', 'ticket'] }],
        },
      ],
    });
    // First fill, BUY 10,000 notional: brokerage 10, ticket 5, stamp 1, GST 18% × 15 = 2.70.
    const first = fee(model, { instrument: btcinr, price: 1_000, quantity: 10 });
    expect(first.items.map((i) => [i.name, i.amount])).toEqual([
      ['brokerage', 10],
      ['ticket', 5],
      ['stamp', 1],
      ['gst', 2.7],
    ]);
    // Second fill of the same order, 20,000: brokerage capped at 25 − 10 = 15, no ticket, stamp 2.
    const second = fee(model, {
      instrument: btcinr,
      price: 1_000,
      quantity: 20,
      orderFillCount: 1,
      orderCharges: { brokerage: 10, ticket: 5 },
    });
    expect(second.items.map((i) => [i.name, i.amount])).toEqual([
      ['brokerage', 15],
      ['ticket', 0],
      ['stamp', 2],
      ['gst', 2.7],
    ]);
    expect(second.total).toBe(19.7);
  });

  it('rejects malformed schedules, naming the field', () => {
    const base = { name: 's', effectiveFrom: '2024-01-01', decimals: 2, charges: [{ name: 'a', rate: 0.1 }] };
    expect(() => new ScheduleFeeModel({ schedules: [] })).toThrow(/at least one schedule/);
    expect(() => new ScheduleFeeModel({ schedules: [{ ...base, effectiveFrom: '2024-02-30' }] })).toThrow(
      /effectiveFrom/,
    );
    expect(() => new ScheduleFeeModel({ schedules: [{ ...base, decimals: 2.5 }] })).toThrow(/decimals/);
    expect(() => new ScheduleFeeModel({ schedules: [{ ...base, charges: [{ name: 'a' }] }] })).toThrow(
      /needs a rate/,
    );
    expect(
      () =>
        new ScheduleFeeModel({ schedules: [{ ...base, taxes: [{ name: 'gst', rate: 0.18, on: ['b'] }] }] }),
    ).toThrow(/names no charge of the schedule: b/);
  });
});
