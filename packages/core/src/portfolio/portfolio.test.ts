import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock/index.js';
import { AccountingError, ValidationError } from '../errors/index.js';
import {
  BTC_SPOT,
  ETH_PERP,
  fill,
  instrumentMap,
  NIFTY_CE,
  NIFTY_FUT,
  RELIANCE,
  T0,
} from '../risk/fixtures.test-support.js';
import { type Instrument, PortfolioSnapshotSchema, PositionUpdateSchema } from '../schemas/index.js';
import { formatScaled, MONEY_DECIMALS } from './fixed-point.js';
import { orderMargin, parseMarginRates } from './margin-model.js';
import { Portfolio } from './portfolio.js';

function portfolio(instruments: Map<string, Instrument> = instrumentMap()): Portfolio {
  return new Portfolio({ clock: new SimClock(T0), instruments, baseCurrency: 'INR', rates: { USDT: 84 } });
}

const money = (x: bigint): string => formatScaled(x, MONEY_DECIMALS);

describe('Portfolio', () => {
  it('accounts a spot round trip: average cost, realized PnL, cash and fees', () => {
    const p = portfolio();
    p.deposit('INR', '1000000');
    p.applyFill(fill({ clientOrderId: 'a', tradeId: '1', price: 2900, quantity: 10, fee: 5.9 }));
    p.applyFill(fill({ clientOrderId: 'a', tradeId: '2', price: 3000, quantity: 20, fee: 12.1 }));
    const pos = p.position(RELIANCE.id)!;
    expect(pos.quantity).toBe(30);
    expect(pos.avgPrice).toBeCloseTo(2966.666667, 6);
    const update = p.applyFill(
      fill({ clientOrderId: 'b', tradeId: '3', side: 'SELL', price: 3100, quantity: 10, fee: 6.2 }),
    );
    expect(PositionUpdateSchema.parse(update)).toEqual(update);
    // removed cost = 89,000 × 10 / 30 = 29,666.666…667 (half-even at 10^-18); the rest stays in the basis
    expect(money(pos.exact.realizedPnl)).toBe('1333.333333333333333333');
    expect(money(pos.exact.costBasis)).toBe('59333.333333333333333333');
    expect(p.cash('INR')).toBe(1_000_000 - 29_000 - 60_000 + 31_000 - 5.9 - 12.1 - 6.2);
    expect(money(p.exactBook('INR').fees)).toBe('24.2');
    // Equity = cash + market value at the last fill price (the mark): nothing lost to rounding.
    p.mark(RELIANCE.id, 3100);
    const book = p.exactBook('INR');
    expect(money(book.equity)).toBe(money(book.cash + 20n * 3100n * 10n ** 18n));
    expect(p.equity()).toBe(1_000_000 - 24.2 + 20 * 3100 - 89_000 + 31_000);
  });

  it('flips a position through zero at the fill price', () => {
    const p = portfolio();
    p.applyFill(fill({ clientOrderId: 'a', tradeId: '1', price: 100, quantity: 5 }));
    p.applyFill(fill({ clientOrderId: 'b', tradeId: '2', side: 'SELL', price: 110, quantity: 8 }));
    const pos = p.position(RELIANCE.id)!;
    expect(pos.quantity).toBe(-3);
    expect(pos.avgPrice).toBe(110);
    expect(pos.realizedPnl).toBe(50);
    p.mark(RELIANCE.id, 100);
    expect(pos.unrealizedPnl).toBe(30);
    expect(pos.margin).toBe(300); // short spot: 100% of notional
  });

  it('settles futures by PnL only, with margin on notional', () => {
    const p = portfolio();
    p.deposit('INR', '500000');
    p.applyFill(
      fill({ clientOrderId: 'f', tradeId: '1', instrumentId: NIFTY_FUT.id, price: 24_000, quantity: 50 }),
    );
    expect(p.cash('INR')).toBe(500_000); // no premium paid
    p.mark(NIFTY_FUT.id, 24_100.05);
    const pos = p.position(NIFTY_FUT.id)!;
    expect(pos.unrealizedPnl).toBe(5002.5);
    expect(pos.margin).toBeCloseTo(50 * 24_100.05 * 0.15, 6);
    expect(p.equity()).toBe(505_002.5);
    p.applyFill(
      fill({
        clientOrderId: 'g',
        tradeId: '2',
        instrumentId: NIFTY_FUT.id,
        side: 'SELL',
        price: 24_050,
        quantity: 50,
      }),
    );
    expect(p.cash('INR')).toBe(502_500);
    expect(pos.margin).toBe(0);
    expect(p.marginUsed()).toBe(0);
  });

  it('pays option premium from cash; short options carry SPAN-like margin', () => {
    const p = portfolio();
    p.deposit('INR', '1000000');
    p.applyFill(
      fill({
        clientOrderId: 'o',
        tradeId: '1',
        instrumentId: NIFTY_CE.id,
        side: 'SELL',
        price: 120.5,
        quantity: 75,
      }),
    );
    expect(p.cash('INR')).toBe(1_000_000 + 120.5 * 75);
    const pos = p.position(NIFTY_CE.id)!;
    // Without an underlying price the strike stands in: 0.15 × 24,000 × 75 + premium value.
    expect(pos.margin).toBe(0.15 * 24_000 * 75 + 120.5 * 75);
    p.markUnderlying('NIFTY', 24_200);
    expect(pos.margin).toBe(0.15 * 24_200 * 75 + 120.5 * 75);
    p.mark(NIFTY_CE.id, 100);
    expect(pos.unrealizedPnl).toBe(20.5 * 75);
    expect(p.equity()).toBe(1_000_000 + 20.5 * 75);
  });

  it('keeps cash per currency, fees in their own currency, and converts totals to the base', () => {
    const p = portfolio();
    p.deposit('USDT', 10_000);
    p.applyFill(
      fill({
        clientOrderId: 'b',
        tradeId: '1',
        instrumentId: BTC_SPOT.id,
        price: 97_000.01,
        quantity: 0.00123,
        fee: 0.00000123,
        feeCurrency: 'BTC',
        strategyId: 'btc',
      }),
    );
    expect(p.cash('USDT')).toBe(10_000 - 119.3100123);
    expect(p.cash('BTC')).toBe(-0.00000123);
    expect(p.currencies()).toEqual(['USDT', 'BTC']);
    expect(() => p.equity()).toThrow(/BTC: no exchange rate/);
    expect(p.totals().valid).toBe(false);
    p.setRate('BTC', 8_148_000);
    expect(p.equity()).toBeCloseTo(10_000 * 84 - 0.00000123 * 8_148_000, 6);
    expect(p.grossExposure()).toBeCloseTo(119.3100123 * 84, 9);
    expect(p.strategyQuantity('btc', BTC_SPOT.id)).toBe(0.00123);
    expect(p.strategyPositions('btc')).toEqual([{ instrumentId: BTC_SPOT.id, quantity: 0.00123 }]);
    const snapshot = p.snapshot();
    expect(PortfolioSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it('marks perpetuals and reports exposure', () => {
    const p = portfolio();
    p.applyFill(
      fill({
        clientOrderId: 'e',
        tradeId: '1',
        instrumentId: ETH_PERP.id,
        side: 'SELL',
        price: 3_500.5,
        quantity: 1.5,
        feeCurrency: 'USDT',
      }),
    );
    p.mark(ETH_PERP.id, 3_400.25);
    expect(p.position(ETH_PERP.id)?.unrealizedPnl).toBe(150.375);
    expect(p.netExposure()).toBeCloseTo(-1.5 * 3_400.25 * 84, 6);
    // No deposit: equity is just the PnL, so leverage is large.
    expect(p.leverage()).toBeCloseTo((1.5 * 3_400.25) / 150.375, 9);
  });

  it('refuses what it cannot account exactly, changing nothing', () => {
    const inverse: Instrument = {
      ...ETH_PERP,
      id: 'BTCUSD-PERP.BINANCE',
      symbol: 'BTCUSD-PERP',
      isInverse: true,
    };
    const p = portfolio(new Map([...instrumentMap(), [inverse.id, inverse]]));
    expect(() => p.applyFill(fill({ clientOrderId: 'x', tradeId: '1', instrumentId: 'NOPE.NSE' }))).toThrow(
      AccountingError,
    );
    expect(() => p.applyFill(fill({ clientOrderId: 'x', tradeId: '1', price: 2945.355 }))).toThrow(
      /more than 2 decimal places/,
    );
    expect(() => p.applyFill(fill({ clientOrderId: 'x', tradeId: '1', quantity: 0.5 }))).toThrow(
      /more than 0 decimal places/,
    );
    expect(() => p.applyFill(fill({ clientOrderId: 'x', tradeId: '1', instrumentId: inverse.id }))).toThrow(
      /inverse/,
    );
    expect(() => p.deposit('INR', '0.0000000000000000001')).toThrow(/more than 18 decimal places/);
    expect(() => p.setRate('USDT', 0)).toThrow(AccountingError);
    expect(() => p.setRate('INR', 2)).toThrow(/always 1/);
    expect(p.position(RELIANCE.id)?.quantity ?? 0).toBe(0);
    expect(p.cash('INR')).toBe(0);
  });

  it('validates margin rates and estimates order margin', () => {
    expect(() => parseMarginRates({ futureRate: -1 })).toThrow(ValidationError);
    const rates = parseMarginRates({ instruments: { [NIFTY_FUT.id]: 0.2 } });
    expect(orderMargin(rates, NIFTY_FUT, 50, 24_000, 0, 0)).toBe(240_000);
    expect(orderMargin(rates, NIFTY_FUT, -50, 24_000, 50, 0)).toBe(0); // closing
    expect(orderMargin(rates, RELIANCE, 10, 100, 0, 0)).toBe(1_000); // cash buy: paid in full
    expect(orderMargin(rates, RELIANCE, -10, 100, 4, 0)).toBe(600); // 4 close, 6 open short at 100%
    expect(orderMargin(rates, NIFTY_CE, 25, 100, 0, 24_000)).toBe(2_500);
    expect(orderMargin(rates, NIFTY_CE, -25, 100, 0, 24_000)).toBe(0.15 * 24_000 * 25 + 2_500);
  });
});

describe('Portfolio marks', () => {
  // Marks revalue lazily (when a figure is read): the books must be the same exact sums as if every
  // mark had revalued at once, whatever the interleaving of fills, marks and reads.
  it('books the same exact figures whether read after every step or only at the end', () => {
    const ids = [RELIANCE.id, NIFTY_FUT.id, NIFTY_CE.id, ETH_PERP.id, BTC_SPOT.id];
    const step = fc.oneof(
      fc.record({
        op: fc.constant('fill' as const),
        at: fc.nat(ids.length - 1),
        sell: fc.boolean(),
        price: fc.integer({ min: 100, max: 5_000 }),
        lots: fc.integer({ min: 1, max: 5 }),
      }),
      fc.record({
        op: fc.constant('mark' as const),
        at: fc.nat(ids.length - 1),
        price: fc.integer({ min: 50, max: 6_000 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        (steps, reads) => {
          const eager = portfolio();
          const lazy = portfolio();
          steps.forEach((s, i) => {
            const id = ids[s.at]!;
            for (const p of [eager, lazy]) {
              if (s.op === 'mark') p.mark(id, s.price / 10);
              else {
                const instrument = instrumentMap().get(id)!;
                p.applyFill(
                  fill({
                    clientOrderId: `o${i}`,
                    tradeId: `t${i}`,
                    instrumentId: id,
                    side: s.sell ? 'SELL' : 'BUY',
                    price: s.price / 10,
                    quantity: s.lots * instrument.lotSize,
                    feeCurrency: instrument.quoteCurrency,
                  }),
                );
              }
            }
            eager.totals();
            for (const c of eager.currencies()) eager.exactBook(c);
            // The lazy one is read now and then, through position views as well as totals.
            if (reads[i] === true) lazy.position(id)?.unrealizedPnl;
          });
          for (const c of eager.currencies()) expect(lazy.exactBook(c)).toEqual(eager.exactBook(c));
          expect(lazy.snapshot(T0)).toEqual(eager.snapshot(T0));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
