import { InvalidArgumentError, Rng } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { gbmPath, JumpDiffusionPath } from './price-path.js';

const YEAR = 1_000;
const N = 100_000;

function logIncrements(path: JumpDiffusionPath, dt: number): number[] {
  const out: number[] = [];
  let previous = Math.log(path.price);
  for (let i = 0; i < N; i++) {
    const next = Math.log(path.advance(dt));
    out.push(next - previous);
    previous = next;
  }
  return out;
}

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) };
}

describe('price paths', () => {
  // Time is scaled so that one step of 1 s is 1/1000 of a year; 100k increments give means to
  // within sd/316 and variances to within about 0.5 % (normal) — tolerances are 5 standard errors.
  it('GBM log increments are N((μ − σ²/2)dt, σ²dt)', () => {
    const mu = 0.5;
    const sigma = 0.8;
    const dt = 1 / YEAR;
    const xs = logIncrements(
      gbmPath({ initialPrice: 100, drift: mu, volatility: sigma, yearSeconds: YEAR }, new Rng('gbm')),
      1,
    );
    const { mean, variance } = moments(xs);
    const sd = sigma * Math.sqrt(dt);
    expect(Math.abs(mean - (mu - sigma ** 2 / 2) * dt)).toBeLessThan((5 * sd) / Math.sqrt(N));
    expect(Math.abs(variance / sd ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });

  it('Merton jump-diffusion increments have the compound-Poisson mean and variance; E[S] grows at μ', () => {
    const p = {
      initialPrice: 50,
      drift: 0.1,
      volatility: 0.3,
      yearSeconds: YEAR,
      jumpIntensity: 40,
      jumpMean: -0.05,
      jumpStd: 0.08,
    };
    const path = new JumpDiffusionPath(p, new Rng('merton'));
    const dt = 1 / YEAR;
    const xs = logIncrements(path, 1);
    const k = Math.exp(p.jumpMean + p.jumpStd ** 2 / 2) - 1;
    const expectedMean =
      (p.drift - p.volatility ** 2 / 2 - p.jumpIntensity * k + p.jumpIntensity * p.jumpMean) * dt;
    const expectedVar = (p.volatility ** 2 + p.jumpIntensity * (p.jumpStd ** 2 + p.jumpMean ** 2)) * dt;
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - expectedMean)).toBeLessThan(5 * Math.sqrt(expectedVar / N));
    // Jumps make the increments heavy-tailed: the variance estimate's error is larger than a
    // normal's; 3 % is over 5 standard errors here.
    expect(Math.abs(variance / expectedVar - 1)).toBeLessThan(0.03);
    // About λ·T = 40 × 100 = 4000 jumps (Poisson sd 63).
    expect(Math.abs(path.jumpCount - 4_000)).toBeLessThan(5 * 63);
    // Martingale compensation: the mean of the gross returns e^x is e^{μ dt}.
    const gross = xs.reduce((a, x) => a + Math.exp(x), 0) / N;
    expect(Math.abs(gross - Math.exp(p.drift * dt))).toBeLessThan(
      (5 * Math.sqrt(Math.exp(expectedVar) - 1)) / Math.sqrt(N),
    );
  });

  it('is deterministic per seed, jumps on demand and validates parameters', () => {
    const make = () => gbmPath({ initialPrice: 100, volatility: 0.2 }, new Rng(5));
    const a = make();
    const b = make();
    expect([a.advance(60), a.advance(60), a.advance(0, 3)]).toEqual([
      b.advance(60),
      b.advance(60),
      b.advance(0, 3),
    ]);
    const before = a.price;
    expect(a.jump(Math.log(1.02))).toBeCloseTo(before * 1.02, 9);
    expect(() => gbmPath({ initialPrice: 0, volatility: 0.2 }, new Rng(1))).toThrow(/initialPrice/);
    expect(() => gbmPath({ initialPrice: 1, volatility: -1 }, new Rng(1))).toThrow(/volatility/);
    expect(() => a.advance(-1)).toThrow(InvalidArgumentError);
    expect(
      () =>
        new JumpDiffusionPath(
          { initialPrice: 1, volatility: 0, jumpIntensity: -1, jumpMean: 0, jumpStd: 0 },
          new Rng(1),
        ),
    ).toThrow(/jumpIntensity/);
  });
});
