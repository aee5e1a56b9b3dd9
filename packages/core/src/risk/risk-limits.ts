import { z } from 'zod';
import { ValidationError } from '../errors/index.js';

const positive = z.number().positive();
const count = z.number().int().min(0);
const micros = z.number().int().positive();

/** Where a breach or trip moves trading: REDUCING (only position-reducing orders) or HALTED. */
export const TripActionSchema = z.enum(['REDUCING', 'HALTED']);

/** A token bucket: bursts of `capacity` orders, `perSecond` sustained. */
export const OrderRateSchema = z.object({ capacity: z.number().int().min(1), perSecond: positive }).strict();

/** Limits that can differ per instrument; each overrides the account-wide limit of the same name. */
export const InstrumentRiskLimitsSchema = z
  .object({
    /** Set false to refuse every new order (cancels still pass). */
    tradable: z.boolean().optional(),
    maxOrderQuantity: positive.optional(),
    maxOrderNotional: positive.optional(),
    maxPosition: positive.optional(),
    priceBandBps: positive.optional(),
  })
  .strict();

/**
 * Every limit the risk engine enforces. An absent limit is not checked. Quantities are in the
 * instrument's units, money in the portfolio's base currency, times in microseconds. This is the
 * `risk` section of a deployment descriptor.
 *
 * @example
 * ```ts
 * const limits: RiskLimitsInput = {
 *   maxOrderNotional: 500_000, maxGrossExposure: 5_000_000, maxOpenOrders: 50,
 *   priceBandBps: 300, orderRate: { capacity: 10, perSecond: 5 },
 *   maxDrawdown: 0.1, dailyLossLimit: 50_000,
 *   instruments: { 'NIFTY24DECFUT.NFO': { maxPosition: 1_800 } },
 * };
 * ```
 */
export const RiskLimitsSchema = z
  .object({
    /** Largest quantity of one order. */
    maxOrderQuantity: positive.optional(),
    /** Largest notional of one order (quantity × price × multiplier, base currency). */
    maxOrderNotional: positive.optional(),
    /** Largest |position| per instrument, counting open orders on the same side. */
    maxPosition: positive.optional(),
    /** Largest Σ |notional| of positions after the order would fill (base currency). */
    maxGrossExposure: positive.optional(),
    /** Most open orders overall. */
    maxOpenOrders: count.optional(),
    /** Most open orders per strategy. */
    maxOpenOrdersPerStrategy: count.optional(),
    /** Largest distance of a limit price from the last price, in basis points. */
    priceBandBps: positive.optional(),
    /** Order-rate throttle over all strategies (submits and modifies; cancels are never throttled). */
    orderRate: OrderRateSchema.optional(),
    /** Order-rate throttle per strategy. */
    strategyOrderRate: OrderRateSchema.optional(),
    /** Largest gross exposure / equity after the order would fill. */
    maxLeverage: positive.optional(),
    /** Refuse orders whose approximate margin exceeds free margin (equity − margin used). */
    requireMargin: z.boolean().optional(),
    /**
     * Most of its allocated capital one strategy may commit, as a fraction (1 = all of it): the
     * margin of its positions at their marks, of its open orders and of the new order must fit
     * in capital × this. Needs the capital per strategy (`RiskEngineOptions.strategyCapital`; the
     * kernel passes each strategy's allocation of the starting equity). Unset: not checked.
     */
    maxStrategyCapitalUse: positive.optional(),
    /** Largest fall of equity from its peak, as a fraction (0.1 = 10%). */
    maxDrawdown: z.number().gt(0).lt(1).optional(),
    /** Largest fall of equity since the trading day began (base currency). */
    dailyLossLimit: positive.optional(),
    /** Offset added to UTC to find the trading day's start (IST: 19_800_000_000 = 5 h 30 min). */
    tradingDayOffsetUs: z.number().int().default(0),
    /** What a drawdown or daily-loss breach does; flatten closes positions when halting. */
    monitorAction: z
      .object({ action: TripActionSchema.default('HALTED'), flatten: z.boolean().default(false) })
      .strict()
      .default({ action: 'HALTED', flatten: false }),
    /** Circuit breakers (always global). */
    circuitBreakers: z
      .object({
        /** Trip after `count` acks slower than `thresholdUs` within `windowUs`. */
        latency: z
          .object({
            thresholdUs: micros,
            count: z.number().int().min(1),
            windowUs: micros,
            action: TripActionSchema,
          })
          .strict()
          .optional(),
        /** Trip when a gateway stays disconnected longer than `graceUs` (0 = at once). */
        disconnect: z
          .object({ graceUs: z.number().int().min(0), action: TripActionSchema })
          .strict()
          .optional(),
        /** Trip after `count` venue rejects within `windowUs`. */
        rejectStorm: z
          .object({ count: z.number().int().min(1), windowUs: micros, action: TripActionSchema })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    /** Per-instrument overrides, keyed by instrument id. */
    instruments: z.record(z.string(), InstrumentRiskLimitsSchema).default({}),
  })
  .strict();

/** Risk limits as written in a descriptor (defaults not yet applied). */
export type RiskLimitsInput = z.input<typeof RiskLimitsSchema>;
/** Risk limits with defaults applied. */
export type RiskLimits = z.output<typeof RiskLimitsSchema>;
/** Per-instrument limit overrides. */
export type InstrumentRiskLimits = z.output<typeof InstrumentRiskLimitsSchema>;
/** REDUCING or HALTED. */
export type TripAction = z.output<typeof TripActionSchema>;

/**
 * Validates risk limits and applies defaults.
 *
 * @throws ValidationError naming every bad field by path (`circuitBreakers.latency.windowUs`).
 */
export function parseRiskLimits(input: RiskLimitsInput = {}, source?: string): RiskLimits {
  const result = RiskLimitsSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod('risk limits', result.error, source);
  return result.data;
}
