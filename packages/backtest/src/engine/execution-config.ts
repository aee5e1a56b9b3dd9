import type { Clock, FillEvent, Instrument } from '@quantkubera/core';
import { z } from 'zod';
import {
  binanceSpotFees,
  binanceUsdmFees,
  coinDcxFuturesFees,
  coinDcxSpotFees,
  type FeeBreakdown,
  type FeeModel,
  makerTakerFees,
  noFees,
  ZerodhaFeeModel,
} from '../fees/index.js';
import {
  bestCaseFillModel,
  type FillModel,
  ProbabilisticFillModel,
  queueFillModel,
  VolumeParticipationFillModel,
} from '../fill-models/index.js';
import { FixedLatencyModel, type LatencyModel, RandomLatencyModel, zeroLatency } from '../latency/index.js';
import {
  FixedTicksSlippage,
  noSlippage,
  type SlippageModel,
  SpreadProportionalSlippage,
  VolatilityProportionalSlippage,
} from '../slippage/index.js';
import { SimulatedVenue } from '../venue/index.js';

const micros = z.number().int().min(0);
const Distribution = z.discriminatedUnion('type', [
  z.object({ type: z.literal('fixed'), us: micros }).strict(),
  z.object({ type: z.literal('uniform'), minUs: micros, maxUs: micros }).strict(),
  z.object({ type: z.literal('exponential'), minUs: micros, meanJitterUs: micros }).strict(),
  z
    .object({
      type: z.literal('lognormal'),
      minUs: micros,
      medianJitterUs: micros,
      sigma: z.number().positive(),
    })
    .strict(),
]);

/**
 * The `execution` section of a descriptor: how the simulated venue matches, fills, slips, charges
 * and delays. Used in backtest and paper mode.
 *
 * @example
 * ```yaml
 * execution:
 *   matching: L1                 # L1 (quotes+trades) | L2 (depth) | bar
 *   fill: { model: queue }       # queue | best-case | touch (probability) | participation (maxFraction)
 *   slippage: { model: ticks, ticks: 1 }
 *   fees: { schedule: zerodha, equityProduct: intraday }
 *   latency: { model: fixed, inboundUs: 500, ackUs: 500, fillUs: 500 }
 * ```
 */
export const ExecutionSectionSchema = z
  .object({
    /** Which market data drives matching. */
    matching: z.enum(['L1', 'L2', 'bar']).default('L1'),
    /** Passive fill model. */
    fill: z
      .discriminatedUnion('model', [
        z.object({ model: z.literal('queue') }).strict(),
        z.object({ model: z.literal('best-case') }).strict(),
        z.object({ model: z.literal('touch'), probability: z.number().min(0).max(1) }).strict(),
        z.object({ model: z.literal('participation'), maxFraction: z.number().gt(0).max(1) }).strict(),
      ])
      .default({ model: 'queue' }),
    /** Slippage of taking fills. */
    slippage: z
      .discriminatedUnion('model', [
        z.object({ model: z.literal('none') }).strict(),
        z.object({ model: z.literal('ticks'), ticks: z.number().min(0) }).strict(),
        z
          .object({
            model: z.literal('spread'),
            fraction: z.number().min(0),
            fallbackTicks: z.number().min(0).default(0),
          })
          .strict(),
        z
          .object({
            model: z.literal('volatility'),
            multiplier: z.number().min(0),
            fallbackTicks: z.number().min(0).default(0),
          })
          .strict(),
      ])
      .default({ model: 'none' }),
    /** Fees: a venue's schedule, or custom maker/taker rates. */
    fees: z
      .discriminatedUnion('schedule', [
        z.object({ schedule: z.literal('none') }).strict(),
        z
          .object({
            schedule: z.literal('zerodha'),
            equityProduct: z.enum(['delivery', 'intraday']).default('intraday'),
            sttRounding: z.enum(['none', 'rupee']).default('none'),
          })
          .strict(),
        z.object({ schedule: z.literal('binance-spot') }).strict(),
        z.object({ schedule: z.literal('binance-usdm') }).strict(),
        z.object({ schedule: z.literal('coindcx-spot') }).strict(),
        z.object({ schedule: z.literal('coindcx-futures') }).strict(),
        z.object({ schedule: z.literal('custom'), makerRate: z.number(), takerRate: z.number() }).strict(),
      ])
      .optional(),
    /** Order and report latency. */
    latency: z
      .discriminatedUnion('model', [
        z.object({ model: z.literal('zero') }).strict(),
        z.object({ model: z.literal('fixed'), inboundUs: micros, ackUs: micros, fillUs: micros }).strict(),
        z
          .object({
            model: z.literal('random'),
            inbound: Distribution,
            ack: Distribution,
            fill: Distribution,
          })
          .strict(),
      ])
      .default({ model: 'zero' }),
    /** Bar mode: which of high and low comes first inside a bar. */
    barPath: z.enum(['open-high-low-close', 'open-low-high-close', 'nearest-extreme-first']).optional(),
    /** Bar mode: the timeframe matched. */
    barTimeframe: z.string().optional(),
  })
  .strict();

/** A validated `execution` section. */
export type ExecutionSection = z.output<typeof ExecutionSectionSchema>;

/** The default fee schedule of a venue plugin name. */
function defaultFees(venue: string): NonNullable<ExecutionSection['fees']> {
  if (venue === 'zerodha') return { schedule: 'zerodha', equityProduct: 'intraday', sttRounding: 'none' };
  if (venue === 'binance') return { schedule: 'binance-spot' };
  if (venue === 'coindcx') return { schedule: 'coindcx-spot' };
  return { schedule: 'none' };
}

function feeModel(fees: NonNullable<ExecutionSection['fees']>): FeeModel {
  switch (fees.schedule) {
    case 'none':
      return noFees;
    case 'zerodha':
      return new ZerodhaFeeModel({ equityProduct: fees.equityProduct, sttRounding: fees.sttRounding });
    case 'binance-spot':
      return binanceSpotFees();
    case 'binance-usdm':
      return binanceUsdmFees();
    case 'coindcx-spot':
      return coinDcxSpotFees();
    case 'coindcx-futures':
      return coinDcxFuturesFees();
    case 'custom':
      return makerTakerFees({ name: 'custom', makerRate: fees.makerRate, takerRate: fees.takerRate });
  }
}

function fillModel(fill: ExecutionSection['fill']): FillModel {
  switch (fill.model) {
    case 'queue':
      return queueFillModel;
    case 'best-case':
      return bestCaseFillModel;
    case 'touch':
      return new ProbabilisticFillModel(fill.probability);
    case 'participation':
      return new VolumeParticipationFillModel(fill.maxFraction);
  }
}

function slippageModel(slippage: ExecutionSection['slippage']): SlippageModel {
  switch (slippage.model) {
    case 'none':
      return noSlippage;
    case 'ticks':
      return new FixedTicksSlippage(slippage.ticks);
    case 'spread':
      return new SpreadProportionalSlippage(slippage.fraction, slippage.fallbackTicks);
    case 'volatility':
      return new VolatilityProportionalSlippage(slippage.multiplier, slippage.fallbackTicks);
  }
}

function latencyModel(latency: ExecutionSection['latency']): LatencyModel {
  switch (latency.model) {
    case 'zero':
      return zeroLatency;
    case 'fixed':
      return new FixedLatencyModel({
        inboundUs: latency.inboundUs,
        ackUs: latency.ackUs,
        fillUs: latency.fillUs,
      });
    case 'random':
      return new RandomLatencyModel({ inbound: latency.inbound, ack: latency.ack, fill: latency.fill });
  }
}

/** Builds the simulated venue an `execution` section describes. */
export function buildSimulatedVenue(options: {
  readonly section: ExecutionSection;
  readonly venue: string;
  readonly clock: Clock;
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  readonly onFill?: (fill: FillEvent, fees: FeeBreakdown) => void;
}): SimulatedVenue {
  const { section } = options;
  return new SimulatedVenue({
    id: `sim-${options.venue}`,
    clock: options.clock,
    mode: section.matching === 'bar' ? 'BAR' : section.matching,
    instruments: options.instruments,
    seed: options.seed,
    fillModel: fillModel(section.fill),
    slippageModel: slippageModel(section.slippage),
    feeModel: feeModel(section.fees ?? defaultFees(options.venue)),
    latencyModel: latencyModel(section.latency),
    ...(section.barPath === undefined ? {} : { barPath: section.barPath }),
    ...(section.barTimeframe === undefined ? {} : { barTimeframe: section.barTimeframe }),
    ...(options.onFill === undefined ? {} : { onFill: options.onFill }),
  });
}
