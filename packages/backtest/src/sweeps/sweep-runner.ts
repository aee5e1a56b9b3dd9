import { gridTrials, type ParamSet, randomTrials, type ScoredTrial, TpeSampler } from './samplers.js';
import type { SweepSpec } from './sweep-spec.js';

/** One trial to evaluate: its index in the sweep and its parameters. */
export interface Trial {
  readonly index: number;
  readonly params: ParamSet;
}

/** What evaluating a trial produced: numeric metrics, or the error that stopped it. */
export interface TrialOutcome {
  readonly metrics: Readonly<Record<string, number>>;
  /** Set when the trial failed (bad params, a strategy error): it then never wins. */
  readonly error?: string;
}

/**
 * Evaluates trials: in this thread ({@link functionEvaluator}) or fanned out over worker threads
 * ({@link WorkerPool}). Outcomes come back in the order of `trials`, whatever finished first.
 */
export interface TrialEvaluator {
  /** Evaluates `trials`, calling `onDone` as each finishes; resolves with outcomes in trial order. */
  evaluate(
    trials: readonly Trial[],
    onDone?: (trial: Trial, outcome: TrialOutcome) => void,
  ): Promise<TrialOutcome[]>;
}

/** A trial with its outcome and whether it met the constraints. */
export interface TrialResult extends Trial, TrialOutcome {
  /** Every constraint satisfied and no error. */
  readonly feasible: boolean;
  /** The objective's value (NaN when missing or failed). */
  readonly objective: number;
}

/** Progress of a sweep, for a progress bar. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  /** The best feasible trial so far. */
  readonly best: TrialResult | undefined;
}

/** A finished sweep: every trial in index order and the best feasible one. */
export interface SweepResult {
  readonly spec: SweepSpec;
  readonly trials: readonly TrialResult[];
  /** Best objective among feasible trials (lowest index on ties); undefined when none is feasible. */
  readonly best: TrialResult | undefined;
}

/** Evaluates trials in this thread with a function (tests, cheap objectives, walk-forward). */
export function functionEvaluator(
  fn: (params: ParamSet, trial: Trial) => TrialOutcome | Promise<TrialOutcome>,
): TrialEvaluator {
  return {
    async evaluate(trials, onDone) {
      const out: TrialOutcome[] = [];
      for (const t of trials) {
        let outcome: TrialOutcome;
        try {
          outcome = await fn(t.params, t);
        } catch (error) {
          outcome = { metrics: {}, error: error instanceof Error ? error.message : String(error) };
        }
        out.push(outcome);
        onDone?.(t, outcome);
      }
      return out;
    },
  };
}

/** Scores a trial's outcome against the spec's objective and constraints. */
export function scoreTrial(spec: SweepSpec, trial: Trial, outcome: TrialOutcome): TrialResult {
  const objective =
    outcome.error === undefined ? (outcome.metrics[spec.objective.metric] ?? Number.NaN) : Number.NaN;
  const feasible =
    outcome.error === undefined &&
    Number.isFinite(objective) &&
    spec.constraints.every((c) => {
      const v = outcome.metrics[c.metric];
      return (
        v !== undefined &&
        Number.isFinite(v) &&
        (c.min === undefined || v >= c.min) &&
        (c.max === undefined || v <= c.max)
      );
    });
  return { ...trial, ...outcome, feasible, objective };
}

function better(spec: SweepSpec, a: TrialResult, b: TrialResult | undefined): boolean {
  if (!a.feasible) return false;
  if (b === undefined) return true;
  // Strictly better only: on ties the earlier trial (lower index, seen first) stays best.
  return spec.objective.direction === 'maximize' ? a.objective > b.objective : a.objective < b.objective;
}

/** The score TPE learns from: higher is better; infeasible trials rank below every feasible one. */
function tpeScore(spec: SweepSpec, r: TrialResult): number {
  if (!r.feasible) return Number.NEGATIVE_INFINITY;
  return spec.objective.direction === 'maximize' ? r.objective : -r.objective;
}

/**
 * Runs a sweep: grid (every combination), random (`trials` seeded draws) or TPE (`startupTrials`
 * random draws, then batches of `batch` model proposals). Trials are proposed in batches that do
 * not depend on how many workers evaluate them and are reported sorted by index, so a sweep gives
 * identical results with 1 or N workers.
 *
 * @example
 * ```ts
 * const spec = parseSweepSpec({ method: 'tpe', trials: 40, params: { x: { min: 0, max: 1 } } });
 * const { best } = await runSweep(spec, functionEvaluator((p) => ({ metrics: { sharpe: -((Number(p.x) - 0.3) ** 2) } })));
 * ```
 */
export async function runSweep(
  spec: SweepSpec,
  evaluator: TrialEvaluator,
  onProgress?: (progress: SweepProgress) => void,
): Promise<SweepResult> {
  const results: TrialResult[] = [];
  let best: TrialResult | undefined;
  let done = 0;
  const fixed: ParamSet[] | undefined =
    spec.method === 'grid'
      ? gridTrials(spec.params)
      : spec.method === 'random'
        ? randomTrials(spec.params, spec.trials, spec.seed)
        : undefined;
  const total = fixed?.length ?? spec.trials;
  const tpe = fixed === undefined ? new TpeSampler(spec.params, spec.seed, spec.startupTrials) : undefined;
  // Progress counts completions as they arrive; the best is only updated per batch, in index order.
  const report = () => onProgress?.({ done, total, best });
  while (results.length < total) {
    const size = Math.min(fixed === undefined ? spec.batch : total, total - results.length);
    const proposals =
      fixed?.slice(results.length, results.length + size) ??
      tpe!.propose(
        results.map((r): ScoredTrial => ({ params: r.params, score: tpeScore(spec, r) })),
        size,
      );
    const trials = proposals.map((params, i) => ({ index: results.length + i, params }));
    const outcomes = await evaluator.evaluate(trials, () => {
      done++;
      report();
    });
    trials.forEach((t, i) => {
      const r = scoreTrial(spec, t, outcomes[i]!);
      results.push(r);
      if (better(spec, r, best)) best = r;
    });
    report();
  }
  return { spec, trials: results, best };
}
