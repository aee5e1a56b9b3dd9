import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock/index.js';
import { BTC_SPOT, ETH_PERP, NIFTY_CE, NIFTY_FUT, RELIANCE, T0 } from '../risk/fixtures.test-support.js';
import type { FillEvent, Instrument } from '../schemas/index.js';
import { formatScaled, MONEY_DECIMALS } from './fixed-point.js';
import { Portfolio } from './portfolio.js';

// 100,000 random fills across instruments of every settlement kind, in INR, USDT and with fees in
// a third currency, reconciled to the last digit against an independent decimal.js computation
// of the documented rules (average cost; a reduction removes cost × q / Q rounded half-even to
// 10^-18; cash instruments pay the trade value, margined ones settle realized PnL).

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;

/** Extra instruments with awkward precisions: 8 price decimals, and a fractional multiplier. */
const DOGE: Instrument = {
  type: 'crypto_spot',
  id: 'DOGEUSDT.BINANCE',
  symbol: 'DOGEUSDT',
  venue: 'BINANCE',
  venueSymbol: 'DOGEUSDT',
  quoteCurrency: 'USDT',
  baseCurrency: 'DOGE',
  tickSize: 0.00000001,
  lotSize: 1,
  multiplier: 1,
  pricePrecision: 8,
  sizePrecision: 0,
};
const MINI: Instrument = {
  ...NIFTY_FUT,
  id: 'MININIFTY.NFO',
  symbol: 'MININIFTY',
  venueSymbol: 'MININIFTY',
  multiplier: 0.25,
  lotSize: 1,
};

const UNIVERSE: readonly { instrument: Instrument; base: number; maxLots: number; feeCurrency: string }[] = [
  { instrument: RELIANCE, base: 2_900, maxLots: 50, feeCurrency: 'INR' },
  { instrument: NIFTY_FUT, base: 24_000, maxLots: 8, feeCurrency: 'INR' },
  { instrument: NIFTY_CE, base: 150, maxLots: 8, feeCurrency: 'INR' },
  { instrument: MINI, base: 24_000, maxLots: 20, feeCurrency: 'INR' },
  { instrument: BTC_SPOT, base: 97_000, maxLots: 5_000, feeCurrency: 'BNB' },
  { instrument: ETH_PERP, base: 3_500, maxLots: 3_000, feeCurrency: 'USDT' },
  { instrument: DOGE, base: 0.38, maxLots: 20_000, feeCurrency: 'USDT' },
];

/** xorshift32: a tiny seeded generator, so the fill stream is identical on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

function fills(count: number, seed: number): FillEvent[] {
  const next = rng(seed);
  const out: FillEvent[] = [];
  for (let i = 0; i < count; i++) {
    const u = UNIVERSE[Math.floor(next() * UNIVERSE.length)]!;
    const inst = u.instrument;
    const priceUnits = Math.round(u.base * 10 ** inst.pricePrecision * (0.9 + 0.2 * next()));
    const tick = Math.round(inst.tickSize * 10 ** inst.pricePrecision);
    const price = (Math.max(tick, priceUnits - (priceUnits % tick)) / 10 ** inst.pricePrecision) as number;
    const lots = 1 + Math.floor(next() * u.maxLots);
    const quantity = Number(new D(lots).mul(inst.lotSize).toFixed());
    // Fees: up to 4 decimals, occasionally a rebate (negative).
    const fee = Math.round((next() - 0.1) * 5_000) / 10_000;
    out.push({
      kind: 'fill',
      v: 1,
      tsEvent: T0 + i,
      tsInit: T0 + i,
      clientOrderId: `c-${i}`,
      strategyId: next() < 0.5 ? 's1' : 's2',
      instrumentId: inst.id,
      venueOrderId: `v-${i}`,
      tradeId: `t-${i}`,
      side: next() < 0.5 ? 'BUY' : 'SELL',
      price,
      quantity,
      fee,
      feeCurrency: u.feeCurrency,
      liquidity: 'TAKER',
    });
  }
  return out;
}

/** The reference: the same rules, computed with decimal.js on decimal strings. */
class Reference {
  readonly qty = new Map<string, Dec>();
  readonly cost = new Map<string, Dec>();
  readonly realized = new Map<string, Dec>();
  readonly cash = new Map<string, Dec>();
  readonly fees = new Map<string, Dec>();
  constructor(private readonly instruments: Map<string, Instrument>) {}

  apply(f: FillEvent): void {
    const inst = this.instruments.get(f.instrumentId)!;
    const id = inst.id;
    const q0 = this.qty.get(id) ?? new D(0);
    const b0 = this.cost.get(id) ?? new D(0);
    const sign = f.side === 'BUY' ? 1 : -1;
    const s = new D(String(f.quantity)).mul(sign);
    const unit = new D(String(f.price)).mul(String(inst.multiplier));
    const value = s.mul(unit);
    let realized = new D(0);
    let q1: Dec;
    let b1: Dec;
    if (q0.isZero() || q0.isPos() === s.isPos()) {
      q1 = q0.add(s);
      b1 = b0.add(value);
    } else if (s.abs().lte(q0.abs())) {
      const removed = s.abs().eq(q0.abs())
        ? b0
        : b0.mul(s.abs()).div(q0.abs()).toDecimalPlaces(MONEY_DECIMALS, Decimal.ROUND_HALF_EVEN);
      realized = value.neg().sub(removed);
      q1 = q0.add(s);
      b1 = b0.sub(removed);
    } else {
      const closeValue = q0.abs().mul(sign).mul(unit);
      realized = closeValue.neg().sub(b0);
      q1 = q0.add(s);
      b1 = q1.mul(unit);
    }
    this.qty.set(id, q1);
    this.cost.set(id, b1);
    this.realized.set(id, (this.realized.get(id) ?? new D(0)).add(realized));
    const ccy = inst.quoteCurrency;
    const margined = inst.type === 'future' || inst.type === 'perpetual';
    this.add(this.cash, ccy, margined ? realized : value.neg());
    this.add(this.cash, f.feeCurrency, new D(String(f.fee)).neg());
    this.add(this.fees, f.feeCurrency, new D(String(f.fee)));
  }

  equity(currency: string, marks: Map<string, number>): Dec {
    let equity = this.cash.get(currency) ?? new D(0);
    for (const [id, q] of this.qty) {
      const inst = this.instruments.get(id)!;
      if (inst.quoteCurrency !== currency) continue;
      const notional = q.mul(String(marks.get(id))).mul(String(inst.multiplier));
      const margined = inst.type === 'future' || inst.type === 'perpetual';
      equity = equity.add(margined ? notional.sub(this.cost.get(id)!) : notional);
    }
    return equity;
  }

  private add(map: Map<string, Dec>, key: string, x: Dec): void {
    map.set(key, (map.get(key) ?? new D(0)).add(x));
  }
}

const money = (x: bigint): string => formatScaled(x, MONEY_DECIMALS);
const dec = (x: Dec): string => x.toFixed();

describe('Portfolio reconciliation', () => {
  it('reconciles 100,000 random fills exactly against decimal.js', () => {
    const instruments = new Map(UNIVERSE.map((u) => [u.instrument.id, u.instrument]));
    const portfolio = new Portfolio({
      clock: new SimClock(T0),
      instruments,
      baseCurrency: 'INR',
      rates: { USDT: 84, BNB: 50_000 },
    });
    const reference = new Reference(instruments);
    const stream = fills(100_000, 20_241_119);
    const lastPrice = new Map<string, number>();
    stream.forEach((f, i) => {
      portfolio.applyFill(f);
      reference.apply(f);
      lastPrice.set(f.instrumentId, f.price);
      if (i % 10_000 === 9_999) {
        for (const id of instruments.keys()) {
          const p = portfolio.position(id);
          if (p === undefined) continue;
          expect(money(p.exact.costBasis)).toBe(dec(reference.cost.get(id)!));
        }
      }
    });

    for (const [id, inst] of instruments) {
      const p = portfolio.position(id)!;
      const q = reference.qty.get(id)!;
      expect(formatScaled(p.exact.quantityUnits, inst.sizePrecision)).toBe(dec(q));
      expect(p.quantity).toBe(q.toNumber());
      expect(money(p.exact.costBasis)).toBe(dec(reference.cost.get(id)!));
      expect(money(p.exact.realizedPnl)).toBe(dec(reference.realized.get(id)!));
    }
    for (const currency of ['INR', 'USDT', 'BNB']) {
      const book = portfolio.exactBook(currency);
      expect(money(book.cash)).toBe(dec(reference.cash.get(currency)!));
      expect(money(book.fees)).toBe(dec(reference.fees.get(currency)!));
    }

    // Mark everything to a new price: equity per currency must still reconcile exactly.
    const marks = new Map<string, number>();
    for (const [id, price] of lastPrice) {
      const inst = instruments.get(id)!;
      const moved = Number(new D(String(price)).mul('1.01').toDecimalPlaces(inst.pricePrecision).toFixed());
      portfolio.mark(id, moved);
      marks.set(id, moved);
    }
    for (const currency of ['INR', 'USDT']) {
      expect(money(portfolio.exactBook(currency).equity)).toBe(dec(reference.equity(currency, marks)));
    }
    // And the whole: equity = deposits (none) + realized + unrealized − fees, per currency.
    const inr = portfolio.exactBook('INR');
    let unrealized = 0n;
    let realized = 0n;
    for (const p of portfolio.positions()) {
      if (p.currency !== 'INR') continue;
      unrealized += p.exact.unrealizedPnl;
      realized += p.exact.realizedPnl;
    }
    expect(inr.equity).toBe(realized + unrealized - inr.fees);
  });
});
