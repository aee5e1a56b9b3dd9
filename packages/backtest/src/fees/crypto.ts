import { requireNumber } from '../venue/venue-error.js';
import { type FeeSchedule, requireDecimals, ScheduleFeeModel } from './fee-model.js';

const TRADING = 'trading';

function makerTaker(
  name: string,
  effectiveFrom: string,
  source: string,
  maker: number,
  taker: number,
  gstRate?: number,
): FeeSchedule {
  return {
    name,
    effectiveFrom,
    source,
    decimals: 8,
    charges: [
      { name: TRADING, rate: maker, liquidity: 'MAKER' },
      { name: TRADING, rate: taker, liquidity: 'TAKER' },
    ],
    ...(gstRate === undefined ? {} : { taxes: [{ name: 'gst', rate: gstRate, on: [TRADING] }] }),
  };
}

/**
 * Crypto maker/taker schedules as data, dated. Fees are charged on notional in the quote
 * currency (Binance can charge spot fees in the asset received or in BNB; the simulator always
 * charges the quote currency so every fill's fee is in one currency per instrument). The dates are
 * the dates from which these schedules are asserted, not the venues' own change dates.
 */
export const CRYPTO_FEE_SCHEDULES = {
  /** Binance spot, VIP 0, no BNB discount: maker 0.1%, taker 0.1%. */
  binanceSpot: [
    makerTaker(
      'binance-spot-vip0',
      '2025-01-01',
      'binance.com/en/fee/schedule, VIP 0 without BNB',
      0.001,
      0.001,
    ),
  ],
  /** Binance USD-M futures, VIP 0, no BNB discount: maker 0.02%, taker 0.05%. */
  binanceUsdm: [
    makerTaker(
      'binance-usdm-vip0',
      '2025-01-01',
      'binance.com/en/fee/futureFee, VIP 0 without BNB',
      0.0002,
      0.0005,
    ),
  ],
  /** CoinDCX spot, lowest volume tier: maker 0.2%, taker 0.2%, plus 18% GST on the fee for Indian users. */
  coinDcxSpot: [
    makerTaker(
      'coindcx-spot-tier1',
      '2025-01-01',
      'coindcx.com/fees, 2025/2026 schedule, lowest tier',
      0.002,
      0.002,
      0.18,
    ),
  ],
  /** CoinDCX futures, lowest volume tier: maker 0.025%, taker 0.075%. */
  coinDcxFutures: [
    makerTaker(
      'coindcx-futures-tier1',
      '2025-01-01',
      'coindcx.com/fees, 2025/2026 schedule, lowest tier',
      0.00025,
      0.00075,
    ),
  ],
} as const satisfies Record<string, readonly FeeSchedule[]>;

/** Binance spot fees (VIP 0): maker 0.1%, taker 0.1% of notional. */
export function binanceSpotFees(): ScheduleFeeModel {
  return new ScheduleFeeModel({ name: 'binance-spot', schedules: CRYPTO_FEE_SCHEDULES.binanceSpot });
}

/** Binance USD-M futures fees (VIP 0): maker 0.02%, taker 0.05% of notional. */
export function binanceUsdmFees(): ScheduleFeeModel {
  return new ScheduleFeeModel({ name: 'binance-usdm', schedules: CRYPTO_FEE_SCHEDULES.binanceUsdm });
}

/** Options for {@link coinDcxSpotFees}. */
export interface CoinDcxSpotFeeOptions {
  /** Charge 18% GST on the trading fee (Indian users); default true. */
  readonly gst?: boolean;
}

/** CoinDCX spot fees (lowest tier): maker 0.2%, taker 0.2%, plus 18% GST on the fee unless `gst: false`. */
export function coinDcxSpotFees(options: CoinDcxSpotFeeOptions = {}): ScheduleFeeModel {
  const schedules =
    options.gst === false
      ? CRYPTO_FEE_SCHEDULES.coinDcxSpot.map((s) => ({ ...s, name: `${s.name}-no-gst`, taxes: [] }))
      : CRYPTO_FEE_SCHEDULES.coinDcxSpot;
  return new ScheduleFeeModel({ name: 'coindcx-spot', schedules, utcOffsetMinutes: 330 });
}

/** CoinDCX futures fees (lowest tier): maker 0.025%, taker 0.075%. */
export function coinDcxFuturesFees(): ScheduleFeeModel {
  return new ScheduleFeeModel({
    name: 'coindcx-futures',
    schedules: CRYPTO_FEE_SCHEDULES.coinDcxFutures,
    utcOffsetMinutes: 330,
  });
}

/** A custom maker/taker schedule for {@link makerTakerFees}. */
export interface MakerTakerFeeOptions {
  /** Names the schedule. */
  readonly name: string;
  /** Maker rate as a fraction of notional (negative for a rebate). */
  readonly makerRate: number;
  /** Taker rate as a fraction of notional. */
  readonly takerRate: number;
  /** A tax on the trading fee (0.18 for GST); default none. */
  readonly taxRate?: number;
  /** Decimals of each item; default 8. */
  readonly decimals?: number;
  /** First date the rates apply; default `1970-01-01`. */
  readonly effectiveFrom?: string;
}

/**
 * A custom maker/taker fee (another venue, a VIP tier, a BNB discount).
 *
 * @example
 * ```ts
 * makerTakerFees({ name: 'binance-usdm-vip3', makerRate: 0.00014, takerRate: 0.00032 });
 * makerTakerFees({ name: 'rebate-venue', makerRate: -0.0001, takerRate: 0.0003 });
 * ```
 */
export function makerTakerFees(options: MakerTakerFeeOptions): ScheduleFeeModel {
  const maker = requireNumber(`makerTakerFees ${options.name} makerRate`, options.makerRate, -1, 1);
  const taker = requireNumber(`makerTakerFees ${options.name} takerRate`, options.takerRate, -1, 1);
  const schedule = makerTaker(
    options.name,
    options.effectiveFrom ?? '1970-01-01',
    'custom',
    maker,
    taker,
    options.taxRate === undefined
      ? undefined
      : requireNumber(`makerTakerFees ${options.name} taxRate`, options.taxRate, 0, 1),
  );
  const decimals = requireDecimals(`makerTakerFees ${options.name} decimals`, options.decimals ?? 8);
  return new ScheduleFeeModel({ name: options.name, schedules: [{ ...schedule, decimals }] });
}
