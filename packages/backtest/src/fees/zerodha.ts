import type { Instrument } from '@quantkubera/core';
import { SimulatedVenueError } from '../venue/venue-error.js';
import {
  applySchedule,
  type ChargeRule,
  dayOfDate,
  type FeeBreakdown,
  type FeeContext,
  type FeeModel,
  type FeeSchedule,
  requireDecimals,
} from './fee-model.js';

/** Zerodha's charge segments: what decides the rates of a fill. */
export type ZerodhaSegment = 'equity-delivery' | 'equity-intraday' | 'futures' | 'options';

/** Equity product: delivery (CNC) or intraday (MIS). F&O segments follow from the instrument type. */
export type ZerodhaEquityProduct = 'delivery' | 'intraday';

/** Brokerage of one segment: a rate with an optional cap per executed order, or a flat fee per executed order. */
export type ZerodhaBrokerage =
  | { readonly rate: number; readonly capPerOrder?: number }
  | { readonly flatPerOrder: number };

/** The rates of one segment, as fractions of turnover (premium for options). */
export interface ZerodhaSegmentRates {
  /** Brokerage per executed order. */
  readonly brokerage: ZerodhaBrokerage;
  /** Securities transaction tax on buys. */
  readonly sttBuy: number;
  /** Securities transaction tax on sells. */
  readonly sttSell: number;
  /** Exchange transaction charges by exchange code (`NSE`, `BSE`, `NFO`, `BFO`). */
  readonly exchange: Readonly<Record<string, number>>;
  /** SEBI turnover fee. */
  readonly sebi: number;
  /** Stamp duty, buy side only. */
  readonly stampBuy: number;
}

/** One dated table of Zerodha's charges. */
export interface ZerodhaRateTable {
  /** First IST date the rates apply. */
  readonly effectiveFrom: string;
  /** Where the rates come from. */
  readonly source: string;
  /** GST on brokerage + exchange transaction + SEBI charges. */
  readonly gstRate: number;
  /** Rates per segment. */
  readonly segments: Readonly<Record<ZerodhaSegment, ZerodhaSegmentRates>>;
}

const SEBI = 10 / 1e7; // ₹10 per crore

/**
 * Zerodha's charges as data, one table per effective date (append a table when the rates
 * change; never edit a published one). Rates are fractions: 0.0003 = 0.03%.
 *
 * 2024-10-01: after the October 2024 revisions (F&O STT, exchange transaction charges). STT on
 * exercised long options (0.125% of intrinsic value) is not modelled: the venue does not
 * exercise options. Charges not listed (DP charges on delivery sells, pledge fees) are not
 * modelled either.
 */
export const ZERODHA_RATE_TABLES: readonly ZerodhaRateTable[] = [
  {
    effectiveFrom: '2024-10-01',
    source: 'zerodha.com/charges, as published after the October 2024 STT and exchange-charge revisions',
    gstRate: 0.18,
    segments: {
      'equity-delivery': {
        brokerage: { rate: 0 },
        sttBuy: 0.001,
        sttSell: 0.001,
        exchange: { NSE: 0.0000297, BSE: 0.0000375 },
        sebi: SEBI,
        stampBuy: 0.00015,
      },
      'equity-intraday': {
        brokerage: { rate: 0.0003, capPerOrder: 20 },
        sttBuy: 0,
        sttSell: 0.00025,
        exchange: { NSE: 0.0000297, BSE: 0.0000375 },
        sebi: SEBI,
        stampBuy: 0.00003,
      },
      futures: {
        brokerage: { rate: 0.0003, capPerOrder: 20 },
        sttBuy: 0,
        sttSell: 0.0002,
        exchange: { NFO: 0.0000173 },
        sebi: SEBI,
        stampBuy: 0.00002,
      },
      options: {
        brokerage: { flatPerOrder: 20 },
        sttBuy: 0,
        sttSell: 0.001,
        exchange: { NFO: 0.0003503, BFO: 0.000325 },
        sebi: SEBI,
        stampBuy: 0.00003,
      },
    },
  },
];

/** Options for a {@link ZerodhaFeeModel}. */
export interface ZerodhaFeeModelOptions {
  /** Equity product, or a function choosing it per instrument; default `delivery`. */
  readonly equityProduct?: ZerodhaEquityProduct | ((instrument: Instrument) => ZerodhaEquityProduct);
  /**
   * `none` (default) keeps STT to the paisa on every fill; `rupee` rounds each fill's STT to the
   * nearest rupee (contract notes round STT per scrip per day, which a per-fill model can only
   * approximate).
   */
  readonly sttRounding?: 'none' | 'rupee';
  /** Decimals of every other item; default 2 (paise). */
  readonly decimals?: number;
  /** Dated tables; default {@link ZERODHA_RATE_TABLES}. */
  readonly tables?: readonly ZerodhaRateTable[];
}

/**
 * Zerodha's charges on NSE/BSE equity (delivery and intraday) and NFO/BFO futures and options,
 * itemised per fill: `brokerage`, `stt`, `exchange`, `sebi`, `stamp`, `gst`. Notional is
 * price × quantity × multiplier (the premium for options). The table in force on the fill's IST
 * date applies (the earliest table for earlier dates).
 *
 * Brokerage is charged per executed order: an order filled in several fills pays
 * min(rate × its cumulative value, cap) in total (each fill pays what is left under the cap), and
 * a flat fee (options) is paid once, on the order's first fill.
 *
 * @example
 * ```ts
 * const fees = new ZerodhaFeeModel({ equityProduct: 'intraday' });
 * const b = fees.charge({ instrument: reliance, side: 'SELL', price: 2960, quantity: 100,
 *   liquidity: 'TAKER', tsEvent, orderFillCount: 0, orderCharges: undefined });
 * b.items; // brokerage 20, stt 74, exchange 8.79, sebi 0.3, stamp 0, gst 5.24 (total 108.33)
 * ```
 */
export class ZerodhaFeeModel implements FeeModel {
  /** `zerodha`. */
  readonly name = 'zerodha';
  readonly #tables: readonly ZerodhaRateTable[];
  readonly #days: readonly number[];
  readonly #product: (instrument: Instrument) => ZerodhaEquityProduct;
  readonly #sttDecimals: number | undefined;
  readonly #decimals: number;
  readonly #cache = new Map<string, FeeSchedule>();

  /** Validates the tables and options. */
  constructor(options: ZerodhaFeeModelOptions = {}) {
    const tables = options.tables ?? ZERODHA_RATE_TABLES;
    if (tables.length === 0) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'ZerodhaFeeModel tables',
        'expected at least one table',
      );
    }
    const days = tables.map((t, i) =>
      dayOfDate(`ZerodhaFeeModel tables[${i}] effectiveFrom`, t.effectiveFrom),
    );
    const order = days.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0]);
    this.#tables = order.map(([, i]) => tables[i]!);
    this.#days = order.map(([d]) => d);
    const product = options.equityProduct ?? 'delivery';
    if (typeof product === 'function') this.#product = product;
    else if (product === 'delivery' || product === 'intraday') this.#product = () => product;
    else {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'ZerodhaFeeModel equityProduct',
        `expected delivery, intraday or a function, got ${JSON.stringify(product)}`,
      );
    }
    const rounding = options.sttRounding ?? 'none';
    if (rounding !== 'none' && rounding !== 'rupee') {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'ZerodhaFeeModel sttRounding',
        `expected none or rupee, got ${JSON.stringify(rounding)}`,
      );
    }
    this.#sttDecimals = rounding === 'rupee' ? 0 : undefined;
    this.#decimals = requireDecimals('ZerodhaFeeModel decimals', options.decimals ?? 2);
    for (let i = 0; i < this.#tables.length; i++) this.#checkTable(this.#tables[i]!);
  }

  /** The segment a fill of `instrument` is charged under. */
  segmentOf(instrument: Instrument): ZerodhaSegment {
    switch (instrument.type) {
      case 'equity':
        return this.#product(instrument) === 'intraday' ? 'equity-intraday' : 'equity-delivery';
      case 'future':
        return 'futures';
      case 'option':
        return 'options';
      default:
        throw new SimulatedVenueError(
          'INVALID_ARGUMENT',
          `ZerodhaFeeModel ${instrument.id}`,
          `Zerodha charges cover equity, futures and options, not ${instrument.type}`,
        );
    }
  }

  /** Throws unless every table has an exchange rate for the instrument's segment and exchange. */
  validate(instrument: Instrument): void {
    const segment = this.segmentOf(instrument);
    for (const table of this.#tables) this.#scheduleFor(table, segment, instrument);
  }

  /** The itemised charges of one fill. */
  charge(ctx: FeeContext): FeeBreakdown {
    const day = Math.floor((ctx.tsEvent / 1000 + 330 * 60_000) / 86_400_000);
    let chosen = 0;
    for (let i = 1; i < this.#days.length; i++) if (this.#days[i]! <= day) chosen = i;
    const schedule = this.#scheduleFor(this.#tables[chosen]!, this.segmentOf(ctx.instrument), ctx.instrument);
    return applySchedule(schedule, ctx);
  }

  #checkTable(table: ZerodhaRateTable): void {
    for (const segment of ['equity-delivery', 'equity-intraday', 'futures', 'options'] as const) {
      if (table.segments[segment] === undefined) {
        throw new SimulatedVenueError(
          'INVALID_ARGUMENT',
          `ZerodhaFeeModel table ${table.effectiveFrom}`,
          `has no rates for segment ${segment}`,
        );
      }
    }
  }

  #scheduleFor(table: ZerodhaRateTable, segment: ZerodhaSegment, instrument: Instrument): FeeSchedule {
    const key = `${table.effectiveFrom}|${segment}|${instrument.venue}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const rates = table.segments[segment];
    const exchange = rates.exchange[instrument.venue];
    if (exchange === undefined) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        `ZerodhaFeeModel ${instrument.id}`,
        `the ${table.effectiveFrom} table has no ${segment} exchange transaction rate for ${instrument.venue} (has ${Object.keys(rates.exchange).join(', ')})`,
      );
    }
    const b = rates.brokerage;
    const brokerage: ChargeRule =
      'flatPerOrder' in b
        ? { name: 'brokerage', flatPerOrder: b.flatPerOrder }
        : b.capPerOrder === undefined
          ? { name: 'brokerage', rate: b.rate }
          : { name: 'brokerage', rate: b.rate, capPerOrder: b.capPerOrder };
    const stt = (side: 'BUY' | 'SELL', rate: number): ChargeRule =>
      this.#sttDecimals === undefined
        ? { name: 'stt', rate, side }
        : { name: 'stt', rate, side, decimals: this.#sttDecimals };
    const schedule: FeeSchedule = {
      name: `zerodha-${segment}-${instrument.venue}`,
      effectiveFrom: table.effectiveFrom,
      source: table.source,
      decimals: this.#decimals,
      charges: [
        brokerage,
        stt('BUY', rates.sttBuy),
        stt('SELL', rates.sttSell),
        { name: 'exchange', rate: exchange },
        { name: 'sebi', rate: rates.sebi },
        { name: 'stamp', rate: rates.stampBuy, side: 'BUY' },
      ],
      taxes: [{ name: 'gst', rate: table.gstRate, on: ['brokerage', 'exchange', 'sebi'] }],
    };
    this.#cache.set(key, schedule);
    return schedule;
  }
}
