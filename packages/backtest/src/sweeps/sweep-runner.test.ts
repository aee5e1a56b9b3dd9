import { Rng } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { annualisationFor } from '../results/annualisation.js';
import { computeStatistics } from '../results/statistics.js';
import { functionEvaluator, runSweep, type TrialEvaluator } from './sweep-runner.js';
import { parseSweepSpec } from './sweep-spec.js';
import { stitchEquity, walkForward, walkForwardSplits } from './walk-forward.js';

/** Sharpe-like objective peaking at (x, y) = (0.3, 7) with drawdown growing away from x = 0.8. */
const objective = functionEvaluator((p) => {
  const x = p.x as number;
  const y = p.y as number;
  return {
    metrics: {
      sharpe: 2 - (x - 0.3) ** 2 * 10 - (y - 7) ** 2 / 10,
      maxDrawdown: 0.3 - Math.abs(x - 0.8) / 2,
    },
  };
});

describe('runSweep', () => {
  it('grid search finds the best feasible trial, lowest index on ties', async () => {
    const spec = parseSweepSpec({
      method: 'grid',
      params: { x: { min: 0, max: 1, step: 0.1 }, y: { min: 5, max: 9, int: true } },
      constraints: [{ metric: 'maxDrawdown', max: 0.15 }],
    });
    const r = await runSweep(spec, objective);
    expect(r.trials).toHaveLength(55);
    expect(r.trials.map((t) => t.index)).toEqual([...Array(55).keys()]);
    expect(r.best?.params).toEqual({ x: 0.3, y: 7 });
    // The constraint cuts x ∈ (0.5, 1.1): those trials are infeasible.
    expect(r.trials.filter((t) => (t.params.x as number) > 0.5).every((t) => !t.feasible)).toBe(true);
  });

  it('respects constraints that exclude the unconstrained optimum', async () => {
    const spec = parseSweepSpec({
      method: 'grid',
      params: { x: { min: 0, max: 1, step: 0.1 }, y: { values: [7] } },
      constraints: [{ metric: 'maxDrawdown', min: 0.0999 }],
    });
    const r = await runSweep(spec, objective);
    // maxDrawdown ≥ 0.1 needs |x − 0.8| ≤ 0.4: x ≥ 0.4.
    expect(r.best?.params).toEqual({ x: 0.4, y: 7 });
  });

  it('TPE beats random search on the same budget and is reproducible', async () => {
    const params = { x: { min: 0, max: 1 }, y: { min: 0, max: 20 } };
    const tpeSpec = parseSweepSpec({
      method: 'tpe',
      trials: 60,
      seed: 11,
      params,
      batch: 4,
      startupTrials: 12,
    });
    const rndSpec = parseSweepSpec({ method: 'random', trials: 60, seed: 11, params });
    const tpe = await runSweep(tpeSpec, objective);
    const again = await runSweep(tpeSpec, objective);
    const rnd = await runSweep(rndSpec, objective);
    expect(again.trials).toEqual(tpe.trials);
    expect(tpe.best!.objective).toBeGreaterThan(1.9);
    expect(tpe.best!.objective).toBeGreaterThanOrEqual(rnd.best!.objective);
    // The model concentrates the later trials near the optimum.
    const late = tpe.trials.slice(40).filter((t) => Math.abs((t.params.x as number) - 0.3) < 0.2).length;
    expect(late).toBeGreaterThan(10);
  });

  it('reports progress and treats a throwing trial as failed, never best', async () => {
    const seen: number[] = [];
    const spec = parseSweepSpec({ method: 'grid', params: { x: { values: [1, 2, 3] } } });
    const r = await runSweep(
      spec,
      functionEvaluator((p) => {
        if (p.x === 3) throw new Error('bad params');
        return { metrics: { sharpe: p.x as number } };
      }),
      (p) => seen.push(p.done),
    );
    expect(seen.at(-1)).toBe(3);
    expect(r.best?.params).toEqual({ x: 2 });
    expect(r.trials[2]!.error).toBe('bad params');
  });
});

describe('walk-forward', () => {
  it('splits rolling and anchored windows', () => {
    expect(
      walkForwardSplits({ total: 10, train: 4, test: 2, mode: 'rolling' }).map((w) => [
        w.trainStart,
        w.trainEnd,
        w.testEnd,
      ]),
    ).toEqual([
      [0, 4, 6],
      [2, 6, 8],
      [4, 8, 10],
    ]);
    expect(
      walkForwardSplits({ total: 10, train: 4, test: 3, mode: 'anchored' }).map((w) => [
        w.trainStart,
        w.trainEnd,
        w.testEnd,
      ]),
    ).toEqual([
      [0, 4, 7],
      [0, 7, 10],
    ]);
    expect(() => walkForwardSplits({ total: 3, train: 4, test: 2, mode: 'rolling' })).toThrow(
      /train \+ test/,
    );
  });

  it('stitches segments by their returns', () => {
    const s = stitchEquity([
      [
        { x: 0, y: 100 },
        { x: 1, y: 110 },
      ],
      [
        { x: 2, y: 50 },
        { x: 3, y: 60 },
      ],
    ]);
    expect(s.map((p) => Math.round(p.y * 1e9) / 1e9)).toEqual([100, 110, 110, 132]);
  });

  it('recovers the known optimum in-sample on a synthetic cycle', async () => {
    // A price with a 20-bar cycle (troughs at multiples of 20) plus seeded noise. The strategy
    // buys at bars ≡ 0 (mod period) and sells half a period later: only period 20 buys every
    // trough and sells every peak, so it is the known in-sample optimum.
    const CYCLE = 20;
    const rng = new Rng(99);
    const prices = Array.from(
      { length: 2000 },
      (_, t) => 100 - 10 * Math.cos((2 * Math.PI * t) / CYCLE) + rng.normal(0, 0.3),
    );
    const backtest = (period: number, from: number, to: number) => {
      let equity = 10_000;
      const curve = [{ x: from, y: equity }];
      for (let t = from + 1; t < to; t++) {
        const phase = (t - 1) % period;
        const long = phase < period / 2;
        if (long) equity += 10 * (prices[t]! - prices[t - 1]!);
        curve.push({ x: t, y: equity });
      }
      const stats = computeStatistics({
        equity: curve.map((p) => ({ ts: p.x * 60_000_000, equity: p.y })),
        trades: [],
        annualisation: annualisationFor('BINANCE', 60),
      });
      return {
        curve,
        metrics: { sharpe: stats.sharpe, totalReturn: stats.totalReturn, maxDrawdown: stats.maxDrawdown },
      };
    };
    const spec = parseSweepSpec({
      method: 'grid',
      params: { period: { min: 10, max: 34, step: 2 } },
      objective: { metric: 'sharpe' },
      constraints: [{ metric: 'maxDrawdown', max: 0.15 }],
    });
    const windows = walkForwardSplits({ total: 2000, train: 600, test: 200, mode: 'rolling' });
    const result = await walkForward(spec, windows, {
      train: (w): TrialEvaluator =>
        functionEvaluator((p) => ({
          metrics: backtest(p.period as number, w.trainStart, w.trainEnd).metrics,
        })),
      test: async (w, params) => {
        const r = backtest(params.period as number, w.testStart, w.testEnd);
        return { metrics: r.metrics, equity: r.curve };
      },
    });
    expect(result.steps).toHaveLength(7);
    for (const step of result.steps) expect(step.chosen).toEqual({ period: CYCLE });
    expect(result.stitched).toHaveLength(7 * 200);
    expect(result.outOfSampleReturn).toBeGreaterThan(0);
    // TPE on the same window recovers it too.
    const tpe = await runSweep(
      parseSweepSpec({
        method: 'tpe',
        trials: 24,
        seed: 5,
        params: { period: { values: [10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] } },
      }),
      functionEvaluator((p) => ({ metrics: backtest(p.period as number, 0, 600).metrics })),
    );
    expect(tpe.best?.params).toEqual({ period: CYCLE });
  });
});
