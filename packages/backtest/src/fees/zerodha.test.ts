import { type FutureInstrument, microsFromDate } from '@quantkubera/core';
import { BTC_SPOT, RELIANCE } from '@quantkubera/core/testing';
import { describe, expect, it } from 'vitest';
import { niftyCall as niftyCallOption } from '../../test/support/venue-harness.js';
import { SimulatedVenueError } from '../venue/venue-error.js';
import {
  type FeeBreakdown,
  type FeeContext,
  ZERODHA_RATE_TABLES,
  ZerodhaFeeModel,
  type ZerodhaRateTable,
} from './index.js';

const TS = microsFromDate('2024-11-04T05:00:00Z'); // 10:30 IST

const reliance = RELIANCE;
const niftyCall = niftyCallOption();
const niftyFut: FutureInstrument = {
  type: 'future',
  id: 'NIFTY24NOVFUT.NFO',
  symbol: 'NIFTY24NOVFUT',
  venue: 'NFO',
  venueSymbol: 'NIFTY24NOVFUT',
  quoteCurrency: 'INR',
  tickSize: 0.05,
  lotSize: 75,
  multiplier: 1,
  pricePrecision: 2,
  sizePrecision: 0,
  underlying: 'NIFTY',
  settlementCurrency: 'INR',
  expiry: microsFromDate('2024-11-28T10:00:00Z'),
};

type Fill = Pick<FeeContext, 'side' | 'price' | 'quantity'> & Partial<FeeContext>;

/** Prices the fills of one order in sequence, carrying the per-order state the venue carries. */
function order(model: ZerodhaFeeModel, instrument: FeeContext['instrument'], fills: Fill[]): FeeBreakdown[] {
  const charges: Record<string, number> = {};
  return fills.map((f, i) => {
    const b = model.charge({
      instrument,
      liquidity: 'TAKER',
      tsEvent: TS,
      orderFillCount: i,
      orderCharges: i === 0 ? undefined : { ...charges },
      ...f,
    });
    for (const item of b.items) charges[item.name] = (charges[item.name] ?? 0) + item.amount;
    return b;
  });
}

const items = (b: FeeBreakdown) => Object.fromEntries(b.items.map((i) => [i.name, i.amount]));

describe('ZerodhaFeeModel', () => {
  it('prices an NSE equity intraday round trip, each charge itemised', () => {
    const model = new ZerodhaFeeModel({ equityProduct: 'intraday' });
    // BUY 100 RELIANCE @ 2,945.35, one fill. Turnover 294,535.00.
    //   brokerage min(0.03% × 294,535 = 88.3605, ₹20)      = 20.00
    //   STT (intraday: sell side only)                     =  0.00
    //   exchange 0.00297% × 294,535 = 8.7476895            =  8.75
    //   SEBI ₹10/crore: 294,535 × 0.000001 = 0.294535      =  0.29
    //   stamp (buy) 0.003% × 294,535 = 8.83605             =  8.84
    //   GST 18% × (20 + 8.75 + 0.29 = 29.04) = 5.2272      =  5.23
    //   total                                              = 43.11
    const [buy] = order(model, reliance, [{ side: 'BUY', price: 2945.35, quantity: 100 }]);
    expect(items(buy!)).toEqual({
      brokerage: 20,
      stt: 0,
      exchange: 8.75,
      sebi: 0.29,
      stamp: 8.84,
      gst: 5.23,
    });
    expect(buy!.total).toBe(43.11);
    expect(buy!.schedule).toBe('zerodha-equity-intraday-NSE@2024-10-01');
    expect(buy!.currency).toBe('INR');
    // SELL 100 @ 2,960.00 as one order executed in two fills, 60 then 40.
    // Fill 1, turnover 177,600:
    //   brokerage min(53.28, 20 − 0 already paid)          = 20.00
    //   STT 0.025% × 177,600                               = 44.40
    //   exchange 0.00297% × 177,600 = 5.27472              =  5.27
    //   SEBI 0.1776                                        =  0.18
    //   stamp (not on sells)                               =  0.00
    //   GST 18% × (20 + 5.27 + 0.18 = 25.45) = 4.581       =  4.58
    //   total                                              = 74.43
    // Fill 2, turnover 118,400:
    //   brokerage min(35.52, 20 − 20 already paid)         =  0.00   (₹20 cap per executed order)
    //   STT 0.025% × 118,400                               = 29.60
    //   exchange 0.00297% × 118,400 = 3.51648              =  3.52
    //   SEBI 0.1184                                        =  0.12
    //   GST 18% × (0 + 3.52 + 0.12 = 3.64) = 0.6552        =  0.66
    //   total                                              = 33.90
    const [s1, s2] = order(model, reliance, [
      { side: 'SELL', price: 2960, quantity: 60 },
      { side: 'SELL', price: 2960, quantity: 40 },
    ]);
    expect(items(s1!)).toEqual({ brokerage: 20, stt: 44.4, exchange: 5.27, sebi: 0.18, stamp: 0, gst: 4.58 });
    expect(s1!.total).toBe(74.43);
    expect(items(s2!)).toEqual({ brokerage: 0, stt: 29.6, exchange: 3.52, sebi: 0.12, stamp: 0, gst: 0.66 });
    expect(s2!.total).toBe(33.9);
    // Round trip: 43.11 + 74.43 + 33.90 = 151.44 on a gross profit of (2,960 − 2,945.35) × 100 = 1,465.
    expect(Math.round((buy!.total + s1!.total + s2!.total) * 100) / 100).toBe(151.44);
  });

  it('prices an NFO options round trip on premium, each charge itemised', () => {
    const model = new ZerodhaFeeModel();
    // BUY 1 lot (75) NIFTY 24000 CE @ 120.50. Premium turnover 9,037.50.
    //   brokerage flat ₹20 per executed order              = 20.00
    //   STT (options: sell side only)                      =  0.00
    //   exchange 0.03503% × 9,037.50 = 3.16583625          =  3.17
    //   SEBI 9,037.50 × 0.000001 = 0.0090375               =  0.01
    //   stamp (buy) 0.003% × 9,037.50 = 0.271125           =  0.27
    //   GST 18% × (20 + 3.17 + 0.01 = 23.18) = 4.1724      =  4.17
    //   total                                              = 27.62
    const [buy] = order(model, niftyCall, [{ side: 'BUY', price: 120.5, quantity: 75 }]);
    expect(items(buy!)).toEqual({
      brokerage: 20,
      stt: 0,
      exchange: 3.17,
      sebi: 0.01,
      stamp: 0.27,
      gst: 4.17,
    });
    expect(buy!.total).toBe(27.62);
    expect(buy!.schedule).toBe('zerodha-options-NFO@2024-10-01');
    // SELL 75 @ 135.25. Premium turnover 10,143.75.
    //   brokerage                                          = 20.00
    //   STT 0.1% × 10,143.75 = 10.14375                    = 10.14
    //   exchange 0.03503% × 10,143.75 = 3.553355625        =  3.55
    //   SEBI 0.01014375                                    =  0.01
    //   stamp                                              =  0.00
    //   GST 18% × (20 + 3.55 + 0.01 = 23.56) = 4.2408      =  4.24
    //   total                                              = 37.94
    const [sell] = order(model, niftyCall, [{ side: 'SELL', price: 135.25, quantity: 75 }]);
    expect(items(sell!)).toEqual({
      brokerage: 20,
      stt: 10.14,
      exchange: 3.55,
      sebi: 0.01,
      stamp: 0,
      gst: 4.24,
    });
    expect(sell!.total).toBe(37.94);
    // Round trip charges 65.56 against a gross profit of (135.25 − 120.50) × 75 = 1,106.25.
    expect(Math.round((buy!.total + sell!.total) * 100) / 100).toBe(65.56);
  });

  it('charges the options flat brokerage once per executed order, however many fills', () => {
    const model = new ZerodhaFeeModel();
    const [a, b] = order(model, niftyCall, [
      { side: 'BUY', price: 120.5, quantity: 75 },
      { side: 'BUY', price: 120.55, quantity: 75 },
    ]);
    expect(items(a!).brokerage).toBe(20);
    expect(items(b!).brokerage).toBe(0);
  });

  it('prices NFO futures and NSE equity delivery', () => {
    // Futures BUY 75 @ 24,100 = 1,807,500: brokerage 20; exchange 0.00173% = 31.26975 → 31.27;
    // SEBI 1.8075 → 1.81; stamp 0.002% = 36.15; GST 18% × 53.08 = 9.5544 → 9.55; total 98.78.
    const [fb] = order(new ZerodhaFeeModel(), niftyFut, [{ side: 'BUY', price: 24_100, quantity: 75 }]);
    expect(items(fb!)).toEqual({
      brokerage: 20,
      stt: 0,
      exchange: 31.27,
      sebi: 1.81,
      stamp: 36.15,
      gst: 9.55,
    });
    expect(fb!.total).toBe(98.78);
    // Futures SELL 75 @ 24,150 = 1,811,250: STT 0.02% = 362.25; exchange 31.334625 → 31.33;
    // SEBI 1.81125 → 1.81; GST 18% × 53.14 = 9.5652 → 9.57; total 424.96.
    const [fs] = order(new ZerodhaFeeModel(), niftyFut, [{ side: 'SELL', price: 24_150, quantity: 75 }]);
    expect(items(fs!)).toEqual({
      brokerage: 20,
      stt: 362.25,
      exchange: 31.33,
      sebi: 1.81,
      stamp: 0,
      gst: 9.57,
    });
    expect(fs!.total).toBe(424.96);
    // Delivery BUY 10 @ 1,800 = 18,000: brokerage 0; STT 0.1% = 18; exchange 0.5346 → 0.53;
    // SEBI 0.018 → 0.02; stamp 0.015% = 2.70; GST 18% × 0.55 = 0.099 → 0.10; total 21.35.
    const [d] = order(new ZerodhaFeeModel({ equityProduct: 'delivery' }), reliance, [
      { side: 'BUY', price: 1800, quantity: 10 },
    ]);
    expect(items(d!)).toEqual({ brokerage: 0, stt: 18, exchange: 0.53, sebi: 0.02, stamp: 2.7, gst: 0.1 });
    expect(d!.total).toBe(21.35);
  });

  it('rounds STT to the rupee when asked', () => {
    const model = new ZerodhaFeeModel({ sttRounding: 'rupee' });
    const [sell] = order(model, niftyCall, [{ side: 'SELL', price: 135.25, quantity: 75 }]);
    expect(items(sell!).stt).toBe(10);
  });

  it('uses the table in force on the fill date, the earliest before any', () => {
    const base = ZERODHA_RATE_TABLES[0]!;
    const later: ZerodhaRateTable = {
      ...base,
      effectiveFrom: '2025-04-01',
      segments: { ...base.segments, options: { ...base.segments.options, brokerage: { flatPerOrder: 25 } } },
    };
    const model = new ZerodhaFeeModel({ tables: [later, base] });
    const at = (date: string) =>
      model.charge({
        instrument: niftyCall,
        side: 'BUY',
        price: 100,
        quantity: 75,
        liquidity: 'TAKER',
        tsEvent: microsFromDate(date),
        orderFillCount: 0,
        orderCharges: undefined,
      });
    expect(at('2025-03-31T18:29:00Z').schedule).toBe('zerodha-options-NFO@2024-10-01'); // 23:59 IST
    expect(items(at('2025-03-31T18:31:00Z')).brokerage).toBe(25); // 00:01 IST on 1 April
    expect(at('2023-01-02T05:00:00Z').schedule).toBe('zerodha-options-NFO@2024-10-01');
  });

  it('refuses instruments it has no rates for, naming them', () => {
    const model = new ZerodhaFeeModel();
    const bfoFut: FutureInstrument = {
      ...niftyFut,
      id: 'SENSEX24NOVFUT.BFO',
      symbol: 'SENSEX24NOVFUT',
      venue: 'BFO',
    };
    expect(() => model.validate(bfoFut)).toThrow(/no futures exchange transaction rate for BFO/);
    expect(() => model.validate(BTC_SPOT)).toThrow(SimulatedVenueError);
    expect(() => new ZerodhaFeeModel({ sttRounding: 'paise' as 'none' })).toThrow(/sttRounding/);
  });
});
