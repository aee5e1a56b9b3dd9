import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { Rng, type RngSnapshot } from './rng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

function meanVar(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('Rng determinism', () => {
  it('the same seed gives the same sequence; different seeds differ', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.string()), (seed) => {
        expect(draws(new Rng(seed), 16)).toEqual(draws(new Rng(seed), 16));
      }),
    );
    expect(draws(new Rng(1), 8)).not.toEqual(draws(new Rng(2), 8));
    expect(draws(new Rng(1), 8)).not.toEqual(draws(new Rng('1'), 8));
    expect(draws(new Rng(2 ** 40), 8)).not.toEqual(draws(new Rng(0), 8));
  });

  it('pins the first outputs of seed 42 (a change here breaks every recorded run)', () => {
    const rng = new Rng(42);
    expect([rng.nextU32(), rng.nextU32(), rng.nextU32()]).toEqual([2346003163, 174335505, 2758479684]);
    expect(new Rng(42).nextDouble()).toBe(0.5462214204713005);
    expect(new Rng('seed').fork('a').snapshot()).toEqual({
      algorithm: 'xoroshiro128plus',
      key: [1442819740, 4248516004],
      state: [-603807476, -471099948, -132135988, -1343243459],
      spareNormal: null,
    });
  });

  it('snapshot and restore continue the exact sequence, including the cached normal', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 50 }), (seed, skip) => {
        const rng = new Rng(seed);
        for (let i = 0; i < skip; i++) rng.normal();
        const snap = JSON.parse(JSON.stringify(rng.snapshot())) as RngSnapshot;
        const expected = [rng.normal(), rng.nextDouble(), rng.nextInt(0, 99), rng.poisson(30)];
        const copy = Rng.fromSnapshot(snap);
        expect([copy.normal(), copy.nextDouble(), copy.nextInt(0, 99), copy.poisson(30)]).toEqual(expected);
        expect(draws(copy.fork('x'), 4)).toEqual(draws(rng.fork('x'), 4));
      }),
    );
  });

  it('forks are reproducible, independent of the parent position, and distinct per id', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    draws(b, 1000);
    expect(draws(a.fork('trades'), 8)).toEqual(draws(b.fork('trades'), 8));
    expect(draws(a.fork(3), 8)).toEqual(draws(b.fork(3), 8));
    expect(draws(a.fork('trades'), 8)).not.toEqual(draws(a.fork('quotes'), 8));
    expect(draws(a.fork('3'), 8)).not.toEqual(draws(a.fork(3), 8));
    expect(draws(a.fork('x').fork('y'), 8)).not.toEqual(draws(a.fork('y'), 8));
    expect(draws(a.fork('trades'), 8)).not.toEqual(draws(a, 8));
  });

  it('rejects bad arguments with InvalidArgumentError naming the argument', () => {
    const rng = new Rng(1);
    expect(() => new Rng(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Rng(Number.NaN)).toThrow(/Rng seed/);
    expect(() => rng.nextInt(5, 4)).toThrow(/Rng.nextInt range/);
    expect(() => rng.nextInt(-(2 ** 52), 2 ** 52)).toThrow(/2\^53/);
    expect(() => rng.exponential(0)).toThrow(/rate/);
    expect(() => rng.poisson(-1)).toThrow(/mean/);
    expect(() => rng.poisson(Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(() => rng.normal(0, -1)).toThrow(InvalidArgumentError);
    expect(() => rng.bernoulli(1.1)).toThrow(InvalidArgumentError);
    expect(() => rng.uniform(2, 1)).toThrow(InvalidArgumentError);
    expect(() => rng.fork(0.5)).toThrow(InvalidArgumentError);
    const bad = { ...rng.snapshot(), state: [0, 0, 0, 0] } as unknown as RngSnapshot;
    expect(() => rng.restore(bad)).toThrow(/Rng.restore/);
    expect(() => Rng.fromSnapshot({} as RngSnapshot)).toThrow(InvalidArgumentError);
  });
});

describe('Rng distributions', () => {
  // n = 200k draws: the standard error of a mean is sd / 447, so 5 standard errors stay well
  // inside the tolerances below; the seeds are fixed, so these never flake.
  const N = 200_000;

  it('nextDouble is in [0, 1), uses 53 bits and is uniform', () => {
    const rng = new Rng('uniform');
    const xs: number[] = [];
    let fine = false;
    for (let i = 0; i < N; i++) {
      const x = rng.nextDouble();
      expect(x >= 0 && x < 1).toBe(true);
      if (!Number.isInteger(x * 2 ** 32)) fine = true;
      xs.push(x);
    }
    expect(fine).toBe(true);
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    const buckets = new Array<number>(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]!++;
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
    const chi = buckets.reduce((a, c) => a + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('nextInt covers [min, max] inclusive, unbiased, and handles wide ranges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.nat({ max: 1000 }),
        fc.integer(),
        (min, width, seed) => {
          const rng = new Rng(seed);
          for (let i = 0; i < 20; i++) {
            const x = rng.nextInt(min, min + width);
            expect(Number.isInteger(x) && x >= min && x <= min + width).toBe(true);
          }
        },
      ),
    );
    const rng = new Rng('dice');
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.nextInt(1, 6) - 1]!++;
    const chi = counts.reduce((a, c) => a + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(20.5); // 0.999 quantile, 5 dof
    const wide = rng.nextInt(0, 2 ** 53 - 1);
    expect(Number.isSafeInteger(wide)).toBe(true);
    expect(rng.nextInt(-(2 ** 40), 2 ** 40) <= 2 ** 40).toBe(true);
    expect(rng.nextInt(9, 9)).toBe(9);
  });

  it('normal has the requested mean and standard deviation', () => {
    const rng = new Rng('normal');
    const xs = Array.from({ length: N }, () => rng.normal(3, 2));
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 3)).toBeLessThan(5 * (2 / Math.sqrt(N)));
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.02);
    const within1 = xs.filter((x) => Math.abs(x - 3) < 2).length / N;
    expect(Math.abs(within1 - 0.6827)).toBeLessThan(0.005);
  });

  it('exponential has mean 1/rate and variance 1/rate²', () => {
    const rng = new Rng('exp');
    const xs = Array.from({ length: N }, () => rng.exponential(4));
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 0.25)).toBeLessThan(5 * (0.25 / Math.sqrt(N)));
    expect(Math.abs(variance - 0.0625)).toBeLessThan(0.002);
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
  });

  it('poisson has mean = variance = λ on both algorithms', () => {
    for (const lambda of [0.3, 3, 11.5, 12, 47.5, 1_000]) {
      const rng = new Rng(`poisson-${lambda}`);
      const xs = Array.from({ length: N / 2 }, () => rng.poisson(lambda));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      const { mean, variance } = meanVar(xs);
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / (N / 2)));
      expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.03);
    }
    const rng = new Rng(0);
    expect(rng.poisson(0)).toBe(0);
    // The distribution, not just its moments: P(X = 10) for λ = 20 is 0.005816.
    const big = new Rng('pmf');
    let tens = 0;
    for (let i = 0; i < N; i++) if (big.poisson(20) === 10) tens++;
    expect(Math.abs(tens / N - 0.005816)).toBeLessThan(5 * Math.sqrt(0.005816 / N));
  });

  it('bernoulli and uniform', () => {
    const rng = new Rng('b');
    let hits = 0;
    for (let i = 0; i < N; i++) if (rng.bernoulli(0.3)) hits++;
    expect(Math.abs(hits / N - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / N));
    expect(rng.bernoulli(0)).toBe(false);
    expect(rng.bernoulli(1)).toBe(true);
    const u = rng.uniform(10, 20);
    expect(u >= 10 && u < 20).toBe(true);
  });
});
