import { describe, expect, it } from 'vitest';
import { gridTrials, gridValues, randomTrials, TpeSampler } from './samplers.js';
import { parseSweepSpec } from './sweep-spec.js';

describe('samplers', () => {
  it('grids every combination, the first parameter slowest, without float drift', () => {
    expect(gridValues('x', { min: 0, max: 0.3, step: 0.1, int: false, log: false })).toEqual([
      0, 0.1, 0.2, 0.3,
    ]);
    expect(gridTrials({ a: { values: [1, 2] }, b: { min: 5, max: 6, int: true, log: false } })).toEqual([
      { a: 1, b: 5 },
      { a: 1, b: 6 },
      { a: 2, b: 5 },
      { a: 2, b: 6 },
    ]);
  });

  it('refuses a continuous range without a step for grid search', () => {
    expect(() => gridValues('x', { min: 0, max: 1, int: false, log: false })).toThrow(/params\.x/);
  });

  it('draws random trials deterministically from the seed, inside the domains', () => {
    const params = {
      n: { min: 2, max: 9, int: true, log: false },
      lr: { min: 1e-4, max: 1e-1, int: false, log: true },
      mode: { values: ['a', 'b'] },
    };
    const a = randomTrials(params, 50, 7);
    expect(randomTrials(params, 50, 7)).toEqual(a);
    expect(randomTrials(params, 50, 8)).not.toEqual(a);
    for (const t of a) {
      expect(Number.isInteger(t.n) && (t.n as number) >= 2 && (t.n as number) <= 9).toBe(true);
      expect((t.lr as number) >= 1e-4 && (t.lr as number) <= 1e-1).toBe(true);
    }
    expect(new Set(a.map((t) => t.n)).size).toBe(8);
  });

  it('TPE proposes near the good trials once it has a history', () => {
    const tpe = new TpeSampler({ x: { min: 0, max: 100, int: false, log: false } }, 3, 5);
    const history = [10, 30, 50, 70, 90, 20, 40, 60, 80, 25].map((x) => ({
      params: { x },
      score: -Math.abs(x - 25),
    }));
    const proposals = tpe.propose(history, 20).map((p) => p.x as number);
    const mean = proposals.reduce((s, x) => s + x, 0) / proposals.length;
    expect(Math.abs(mean - 25)).toBeLessThan(15);
  });
});

describe('parseSweepSpec', () => {
  it('applies defaults and names bad fields by path', () => {
    const spec = parseSweepSpec({ method: 'grid', params: { fast: { values: [5, 10] } } });
    expect(spec.objective).toEqual({ metric: 'sharpe', direction: 'maximize' });
    expect(() =>
      parseSweepSpec({ method: 'grid', params: { fast: { min: 5, max: 1 } } }, 'sweep.yaml'),
    ).toThrow(/params\.fast.*sweep\.yaml|sweep\.yaml/);
    expect(() => parseSweepSpec({ method: 'annealing', params: {} })).toThrow(/method/);
  });
});
