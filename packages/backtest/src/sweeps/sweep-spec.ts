import { formatPath, ValidationError } from '@quantkubera/core';
import { z } from 'zod';

/** A parameter's candidates: an explicit list, or a numeric range (stepped, integer or log-scaled). */
export const ParamDomainSchema = z.union([
  z.object({ values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1) }).strict(),
  z
    .object({
      min: z.number(),
      max: z.number(),
      /** Grid spacing; grid search needs it unless `int`. */
      step: z.number().positive().optional(),
      /** Integers only. */
      int: z.boolean().default(false),
      /** Sample uniformly in log space (min > 0). */
      log: z.boolean().default(false),
    })
    .strict()
    .refine((d) => d.max >= d.min, 'max must be ≥ min')
    .refine((d) => !d.log || d.min > 0, 'a log range needs min > 0'),
]);

/** A validated parameter domain. */
export type ParamDomain = z.output<typeof ParamDomainSchema>;

/** A bound on a metric a trial must satisfy to count (e.g. `maxDrawdown ≤ 0.15`). */
export const SweepConstraintSchema = z
  .object({ metric: z.string().min(1), min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined, 'a constraint needs min or max');

/**
 * A parameter sweep: which strategy parameters vary over which domains, how they are searched,
 * what is optimised and under which constraints.
 *
 * @example
 * ```yaml
 * method: tpe             # grid | random | tpe
 * trials: 40
 * seed: 7
 * params: { fast: { min: 5, max: 20, int: true }, slow: { values: [30, 40, 60] } }
 * objective: { metric: sharpe, direction: maximize }
 * constraints: [{ metric: maxDrawdown, max: 0.15 }]
 * ```
 */
export const SweepSpecSchema = z
  .object({
    method: z.enum(['grid', 'random', 'tpe']),
    /** Parameter → domain, applied to the strategy at index `strategy`. */
    params: z
      .record(z.string().min(1), ParamDomainSchema)
      .refine((p) => Object.keys(p).length > 0, 'no params'),
    /** Index of the strategy in the descriptor whose params vary. */
    strategy: z.number().int().min(0).default(0),
    /** Trials for random and tpe (grid runs every combination). */
    trials: z.number().int().min(1).max(100_000).default(32),
    /** Seed of the sampler (the backtests keep the descriptor's seed: common random numbers). */
    seed: z.number().int().min(0).max(0xffff_ffff).default(1),
    objective: z
      .object({
        metric: z.string().min(1).default('sharpe'),
        direction: z.enum(['maximize', 'minimize']).default('maximize'),
      })
      .strict()
      .default({ metric: 'sharpe', direction: 'maximize' }),
    constraints: z.array(SweepConstraintSchema).default([]),
    /**
     * Trials proposed together. TPE sees results only between batches, so a fixed batch size
     * (not the worker count) keeps proposals identical whatever the number of workers.
     */
    batch: z.number().int().min(1).max(1024).default(4),
    /** TPE: random trials before the model takes over. */
    startupTrials: z.number().int().min(1).default(8),
  })
  .strict();

/** A validated sweep specification. */
export type SweepSpec = z.output<typeof SweepSpecSchema>;
/** A sweep specification as written (defaults not applied). */
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** Validates a sweep specification; errors name each bad field's path (and `source`, a file). */
export function parseSweepSpec(input: unknown, source?: string): SweepSpec {
  const result = SweepSpecSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    'sweep spec',
    result.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      pathString: formatPath(i.path),
      message: i.message,
      code: i.code,
    })),
    source === undefined ? {} : { source },
  );
}
