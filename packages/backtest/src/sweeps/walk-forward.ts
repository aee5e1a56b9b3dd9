import { InvalidArgumentError } from '@quantkubera/core';
import type { ParamSet } from './samplers.js';
import { runSweep, type SweepProgress, type SweepResult, type TrialEvaluator } from './sweep-runner.js';
import type { SweepSpec } from './sweep-spec.js';

/** One train/test split, in whole units (days of a synthetic market, bars of a series). */
export interface WalkForwardWindow {
  readonly index: number;
  readonly trainStart: number;
  /** Exclusive. */
  readonly trainEnd: number;
  readonly testStart: number;
  /** Exclusive. */
  readonly testEnd: number;
}

/** How {@link walkForwardSplits} cuts the data. */
export interface SplitOptions {
  /** Units available. */
  readonly total: number;
  /** Units in each training window (the first one, when anchored). */
  readonly train: number;
  /** Units in each test window. */
  readonly test: number;
  /** Units the windows advance by; default `test`, so test windows tile without overlap. */
  readonly step?: number;
  /** `rolling`: the training window slides; `anchored`: it always starts at 0 and grows. */
  readonly mode: 'rolling' | 'anchored';
}

/**
 * Train/test splits for walk-forward analysis: each test window directly follows its training
 * window, and no window reaches past `total`.
 *
 * @example
 * ```ts
 * walkForwardSplits({ total: 10, train: 4, test: 2, mode: 'rolling' });
 * // train [0,4) test [4,6); train [2,6) test [6,8); train [4,8) test [8,10)
 * ```
 */
export function walkForwardSplits(options: SplitOptions): WalkForwardWindow[] {
  const { total, train, test, mode } = options;
  const step = options.step ?? test;
  for (const [name, v] of [
    ['total', total],
    ['train', train],
    ['test', test],
    ['step', step],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new InvalidArgumentError(`walkForwardSplits ${name}`, v, 'a positive integer');
  }
  const out: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const trainStart = mode === 'rolling' ? k * step : 0;
    const trainEnd = mode === 'rolling' ? trainStart + train : train + k * step;
    const testEnd = trainEnd + test;
    if (testEnd > total) break;
    out.push({ index: k, trainStart, trainEnd, testStart: trainEnd, testEnd });
  }
  if (out.length === 0) {
    throw new InvalidArgumentError(
      'walkForwardSplits',
      options,
      `train + test ≤ total (${train} + ${test} > ${total})`,
    );
  }
  return out;
}

/** An out-of-sample run: its metrics and equity curve (time or index → equity). */
export interface OutOfSampleRun {
  readonly metrics: Readonly<Record<string, number>>;
  readonly equity: readonly { readonly x: number; readonly y: number }[];
}

/** How a walk-forward evaluates: a sweep evaluator per training window, a test run per window. */
export interface WalkForwardRunner {
  /** Evaluates trials on the window's training data. */
  train(window: WalkForwardWindow): TrialEvaluator;
  /** Runs the chosen params on the window's test data. */
  test(window: WalkForwardWindow, params: ParamSet): Promise<OutOfSampleRun>;
}

/** One window's outcome. */
export interface WalkForwardStep {
  readonly window: WalkForwardWindow;
  /** The in-sample sweep. */
  readonly sweep: SweepResult;
  /** The params chosen in-sample (undefined when no trial was feasible: the window is skipped). */
  readonly chosen: ParamSet | undefined;
  /** The out-of-sample run with the chosen params. */
  readonly outOfSample: OutOfSampleRun | undefined;
}

/** A walk-forward analysis: every window and the stitched out-of-sample equity. */
export interface WalkForwardResult {
  readonly steps: readonly WalkForwardStep[];
  /**
   * The test windows' equity chained end to end: each segment's returns are applied to where the
   * previous ended, starting from the first segment's starting equity.
   */
  readonly stitched: readonly { readonly x: number; readonly y: number }[];
  /** Stitched end over stitched start, minus 1. */
  readonly outOfSampleReturn: number;
}

/** Chains equity segments by their returns (see {@link WalkForwardResult.stitched}). */
export function stitchEquity(
  segments: readonly (readonly { readonly x: number; readonly y: number }[])[],
): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  let level: number | undefined;
  for (const seg of segments) {
    const first = seg[0];
    if (first === undefined || first.y <= 0) continue;
    level ??= first.y;
    const scale = level / first.y;
    for (const p of seg) out.push({ x: p.x, y: p.y * scale });
    level = seg[seg.length - 1]!.y * scale;
  }
  return out;
}

/**
 * Walk-forward analysis: for each window, sweeps the params on the training data, keeps the best
 * feasible params, runs them on the following test data, and stitches the test equity curves.
 */
export async function walkForward(
  spec: SweepSpec,
  windows: readonly WalkForwardWindow[],
  runner: WalkForwardRunner,
  onProgress?: (window: WalkForwardWindow, progress: SweepProgress) => void,
): Promise<WalkForwardResult> {
  const steps: WalkForwardStep[] = [];
  for (const window of windows) {
    const sweep = await runSweep(spec, runner.train(window), (p) => onProgress?.(window, p));
    const chosen = sweep.best?.params;
    const outOfSample = chosen === undefined ? undefined : await runner.test(window, chosen);
    steps.push({ window, sweep, chosen, outOfSample });
  }
  const stitched = stitchEquity(
    steps.flatMap((s) => (s.outOfSample === undefined ? [] : [s.outOfSample.equity])),
  );
  const start = stitched[0]?.y;
  const end = stitched[stitched.length - 1]?.y;
  return {
    steps,
    stitched,
    outOfSampleReturn: start !== undefined && end !== undefined && start > 0 ? end / start - 1 : 0,
  };
}
