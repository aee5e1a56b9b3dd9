import {
  CurrencySchema,
  InstrumentIdSchema,
  InstrumentSchema,
  RiskLimitsSchema,
  StrategyIdSchema,
  ValidationError,
} from '@quantkubera/core';
import { z } from 'zod';
import { RUN_MODES } from '../strategy/strategy-context.js';

/** One strategy of a run, as written in a descriptor. */
export const StrategyEntrySchema = z
  .object({
    /** A module path (relative to the descriptor) or package specifier exporting the strategy. */
    module: z.string().min(1),
    /** The export holding the `defineStrategy` result; default `default`. */
    export: z.string().min(1).default('default'),
    /** The strategy's id in the run (default: its name). */
    id: StrategyIdSchema.optional(),
    /** Parameters, validated against the strategy's own schema. */
    params: z.record(z.string(), z.unknown()).default({}),
    /** Fraction of starting equity allocated (default: an equal share). */
    allocation: z.number().gt(0).max(1).optional(),
  })
  .strict();

/** Where the run's write-ahead log goes. */
export const WalSettingsSchema = z
  .object({
    /** Directory of the log, relative to the results folder unless absolute. */
    path: z.string().min(1).default('wal'),
    /** fsync policy: none, interval (group commit, default) or always. */
    durability: z.enum(['none', 'interval', 'always']).default('interval'),
  })
  .strict();

/**
 * A deployment descriptor: everything about a run in one YAML or JSON file. Switching between
 * backtest, paper and live changes the `mode` line only; `data` is read in backtest mode and
 * `execution` (the simulated venue's fill, fee and latency models) in backtest and paper mode.
 * The `data` and `execution` sections belong to the plugin that runs the mode
 * (`@quantkubera/backtest`, a venue adapter), which validates them and reports errors with their
 * full path.
 *
 * @example
 * ```yaml
 * name: sma-crossover-demo
 * mode: backtest            # paper | live: the one line that changes
 * seed: 42
 * venue: zerodha
 * baseCurrency: INR
 * capital: { INR: 1000000 }
 * instruments: [RELIANCE.NSE]
 * strategies:
 *   - module: ./sma-crossover.ts
 *     params: { instrument: RELIANCE.NSE, fast: 10, slow: 30 }
 * data: { type: synthetic, scenario: normal-day, start: 2024-11-04, days: 5 }
 * risk: { maxOrderNotional: 500000, maxDrawdown: 0.2 }
 * ```
 */
export const DeploymentDescriptorSchema = z
  .object({
    /** The run's name: names its results folder. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 of [A-Za-z0-9._-]'),
    /** What the run is for. */
    description: z.string().max(1024).optional(),
    /** backtest | paper | live. */
    mode: z.enum(RUN_MODES),
    /** Seed of every random choice in the run (fill models, latency, synthetic data). */
    seed: z.number().int().min(0).max(0xffff_ffff).default(1),
    /** The venue traded or simulated: `zerodha`, `binance`, `coindcx`, or `sim` for a generic one. */
    venue: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,31}$/, 'expected a venue plugin name such as zerodha, binance, sim'),
    /** Currency of equity and exposure. */
    baseCurrency: CurrencySchema,
    /** Starting cash per currency. */
    capital: z.record(CurrencySchema, z.number().min(0)),
    /** Exchange rates to the base currency, for multi-currency accounts. */
    rates: z.record(CurrencySchema, z.number().positive()).optional(),
    /** Instruments: ids the venue or data source defines, or full definitions. */
    instruments: z.array(z.union([InstrumentIdSchema, InstrumentSchema])).min(1),
    /** The strategies. */
    strategies: z.array(StrategyEntrySchema).min(1),
    /** Market data of a backtest (plugin-defined: synthetic, csv, wal). */
    data: z.record(z.string(), z.unknown()).optional(),
    /** The simulated venue's models (plugin-defined: matching mode, fills, slippage, fees, latency). */
    execution: z.record(z.string(), z.unknown()).default({}),
    /** Risk limits. */
    risk: RiskLimitsSchema.optional(),
    /** Bar building. */
    bars: z
      .object({
        latePolicy: z.enum(['correct', 'drop']).optional(),
        emptyBars: z.enum(['skip', 'flat']).optional(),
      })
      .strict()
      .optional(),
    /** Restarts allowed for a strategy that throws. */
    restart: z
      .object({ maxRestarts: z.number().int().min(0) })
      .strict()
      .optional(),
    /** Portfolio snapshot interval, seconds of run time. */
    snapshotIntervalSeconds: z.number().positive().default(60),
    /** The write-ahead log. */
    wal: WalSettingsSchema.default({ path: 'wal', durability: 'interval' }),
    /** Where results go: `<dir>/<name>/`. */
    results: z
      .object({ dir: z.string().min(1).default('runs') })
      .strict()
      .default({ dir: 'runs' }),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.mode === 'backtest' && d.data === undefined) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: 'a backtest needs a data section' });
    }
    const ids = d.strategies.map((s, i) => [s.id, i] as const).filter(([id]) => id !== undefined);
    const seen = new Set<string>();
    for (const [id, i] of ids) {
      if (seen.has(id!))
        ctx.addIssue({ code: 'custom', path: ['strategies', i, 'id'], message: `duplicate id ${id}` });
      seen.add(id!);
    }
    const total = d.strategies.reduce((sum, s) => sum + (s.allocation ?? 0), 0);
    if (total > 1 + 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategies'],
        message: `allocations sum to ${total}, more than 1`,
      });
    }
  });

/** A validated descriptor (defaults applied). */
export type DeploymentDescriptor = z.output<typeof DeploymentDescriptorSchema>;
/** A descriptor as written (before defaults). */
export type DeploymentDescriptorInput = z.input<typeof DeploymentDescriptorSchema>;
/** One strategy entry of a descriptor. */
export type StrategyEntry = z.output<typeof StrategyEntrySchema>;

/**
 * Validates a descriptor object. Throws {@link ValidationError} naming every bad field by path
 * (`strategies[0].params`), with `source` (the file) in the message.
 */
export function parseDescriptor(input: unknown, source?: string): DeploymentDescriptor {
  const result = DeploymentDescriptorSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod('deployment descriptor', result.error, source);
  return result.data;
}

/**
 * Validates a plugin-owned section (`data`, `execution`) against the plugin's schema, reporting
 * paths from the descriptor root (`execution.fees.schedule`).
 */
export function parseSection<S extends z.ZodType>(
  schema: S,
  section: string,
  input: unknown,
  source?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const error = ValidationError.fromZod(`descriptor section ${section}`, result.error, source);
    throw new ValidationError(
      `descriptor section ${section}`,
      error.issues.map((i) => ({
        ...i,
        path: [section, ...i.path],
        pathString: `${section}.${i.pathString}`,
      })),
      source === undefined ? { cause: result.error } : { cause: result.error, source },
    );
  }
  return result.data;
}
