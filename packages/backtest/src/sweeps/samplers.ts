import { InvalidArgumentError, Rng } from '@quantkubera/core';
import type { ParamDomain } from './sweep-spec.js';

/** A parameter value a sweep can set. */
export type ParamValue = number | string | boolean;
/** One trial's parameters. */
export type ParamSet = Readonly<Record<string, ParamValue>>;

/** The grid points of one domain: its values, or min..max by step (by 1 for integers). */
export function gridValues(name: string, domain: ParamDomain): ParamValue[] {
  if ('values' in domain) return [...domain.values];
  const step = domain.step ?? (domain.int ? 1 : undefined);
  if (step === undefined) {
    throw new InvalidArgumentError(`sweep params.${name}`, domain, 'values, step or int for grid search');
  }
  const out: number[] = [];
  const n = Math.floor((domain.max - domain.min) / step + 1e-9);
  // Multiplying (not accumulating) keeps 0.1-steps free of drift.
  for (let i = 0; i <= n; i++) out.push(Number((domain.min + i * step).toPrecision(12)));
  return out;
}

/** Every combination of the domains' grid points, the first parameter varying slowest. */
export function gridTrials(params: Readonly<Record<string, ParamDomain>>): ParamSet[] {
  let sets: Record<string, ParamValue>[] = [{}];
  for (const [name, domain] of Object.entries(params)) {
    const values = gridValues(name, domain);
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [name]: v })));
  }
  return sets;
}

function snap(domain: Exclude<ParamDomain, { values: unknown }>, x: number): number {
  let v = Math.min(domain.max, Math.max(domain.min, x));
  if (domain.step !== undefined) v = domain.min + Math.round((v - domain.min) / domain.step) * domain.step;
  if (domain.int) v = Math.round(v);
  return Number(Math.min(domain.max, Math.max(domain.min, v)).toPrecision(12));
}

/** One uniform draw from a domain (log-uniform for `log` ranges). */
export function sampleDomain(domain: ParamDomain, rng: Rng): ParamValue {
  if ('values' in domain) return domain.values[rng.nextInt(0, domain.values.length - 1)]!;
  if (domain.log) return snap(domain, Math.exp(rng.uniform(Math.log(domain.min), Math.log(domain.max))));
  // Integers: uniform over min..max inclusive (a continuous draw would halve the end points).
  if (domain.int && domain.step === undefined)
    return rng.nextInt(Math.ceil(domain.min), Math.floor(domain.max));
  return snap(domain, rng.uniform(domain.min, domain.max));
}

/** `count` independent uniform draws from every domain, from `seed`. */
export function randomTrials(
  params: Readonly<Record<string, ParamDomain>>,
  count: number,
  seed: number,
): ParamSet[] {
  const rng = new Rng(seed);
  const out: ParamSet[] = [];
  for (let i = 0; i < count; i++) {
    const set: Record<string, ParamValue> = {};
    for (const [name, domain] of Object.entries(params)) set[name] = sampleDomain(domain, rng);
    out.push(set);
  }
  return out;
}

/** A finished trial as the TPE sampler learns from it: its params and a score (higher is better). */
export interface ScoredTrial {
  readonly params: ParamSet;
  /** Objective (negated when minimising); `-Infinity` for infeasible or failed trials. */
  readonly score: number;
}

const CANDIDATES = 24;
const GAMMA = 0.25;

function gaussianPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
}

/** A Parzen density over [lo, hi]: a uniform prior plus a Gaussian kernel per observation. */
class Parzen {
  private readonly sigma: number;

  constructor(
    private readonly points: readonly number[],
    private readonly lo: number,
    private readonly hi: number,
  ) {
    // Scott's rule (1.06 · sd · n^-1/5), floored so a single observation or a tight cluster still
    // explores its neighbourhood and capped so a spread-out group stays a density, not a plateau.
    const width = hi - lo || 1;
    const n = points.length;
    const m = n === 0 ? 0 : points.reduce((s, p) => s + p, 0) / n;
    const sd = n < 2 ? 0 : Math.sqrt(points.reduce((s, p) => s + (p - m) ** 2, 0) / (n - 1));
    this.sigma = Math.min(width / 2, Math.max(width / 50, 1.06 * sd * Math.max(1, n) ** -0.2));
  }

  pdf(x: number): number {
    const w = 1 / (this.points.length + 1);
    let p = w / (this.hi - this.lo || 1);
    for (const m of this.points) p += w * gaussianPdf(x, m, this.sigma);
    return p;
  }

  sample(rng: Rng): number {
    const k = rng.nextInt(0, this.points.length);
    if (k === this.points.length) return rng.uniform(this.lo, this.hi);
    return Math.min(this.hi, Math.max(this.lo, rng.normal(this.points[k]!, this.sigma)));
  }
}

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011, the default sampler of Optuna), with
 * independent per-parameter densities: finished trials split into the best γ = 25% ("good") and
 * the rest; each parameter's next value is the candidate, among 24 drawn from the good density,
 * that maximises good/bad density. Categorical values use smoothed frequencies. Seeded: the same
 * history and seed propose the same parameters.
 */
export class TpeSampler {
  private readonly rng: Rng;

  constructor(
    private readonly params: Readonly<Record<string, ParamDomain>>,
    seed: number,
    private readonly startupTrials: number,
  ) {
    this.rng = new Rng(seed);
  }

  /** Proposes `count` parameter sets given the finished trials (in trial order). */
  propose(history: readonly ScoredTrial[], count: number): ParamSet[] {
    const out: ParamSet[] = [];
    for (let i = 0; i < count; i++) out.push(this.proposeOne(history));
    return out;
  }

  private proposeOne(history: readonly ScoredTrial[]): ParamSet {
    const set: Record<string, ParamValue> = {};
    if (history.length < this.startupTrials) {
      for (const [name, domain] of Object.entries(this.params)) set[name] = sampleDomain(domain, this.rng);
      return set;
    }
    // Stable ranking: equal scores keep trial order, so the split never depends on sort internals.
    const ranked = history
      .map((t, i) => ({ t, i }))
      .sort((a, b) => (b.t.score === a.t.score ? a.i - b.i : b.t.score - a.t.score))
      .map((x) => x.t);
    const nGood = Math.max(1, Math.ceil(GAMMA * ranked.length));
    const good = ranked.slice(0, nGood);
    const bad = ranked.slice(nGood);
    for (const [name, domain] of Object.entries(this.params)) {
      set[name] =
        'values' in domain
          ? this.categorical(name, domain.values, good, bad)
          : this.numeric(name, domain, good, bad);
    }
    return set;
  }

  private categorical(
    name: string,
    values: readonly ParamValue[],
    good: readonly ScoredTrial[],
    bad: readonly ScoredTrial[],
  ): ParamValue {
    const weights = (group: readonly ScoredTrial[]) =>
      values.map(
        (v) => (group.filter((t) => t.params[name] === v).length + 1) / (group.length + values.length),
      );
    const l = weights(good);
    const g = weights(bad);
    let best = 0;
    let bestRatio = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < CANDIDATES; c++) {
      // Draw a candidate from l, keep the one with the largest l/g.
      let u = this.rng.nextDouble();
      let k = 0;
      while (k < l.length - 1 && u >= l[k]!) u -= l[k++]!;
      const ratio = l[k]! / g[k]!;
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = k;
      }
    }
    return values[best]!;
  }

  private numeric(
    name: string,
    domain: Exclude<ParamDomain, { values: unknown }>,
    good: readonly ScoredTrial[],
    bad: readonly ScoredTrial[],
  ): number {
    const fwd = (v: number) => (domain.log ? Math.log(v) : v);
    const back = (v: number) => (domain.log ? Math.exp(v) : v);
    const lo = fwd(domain.min);
    const hi = fwd(domain.max);
    const values = (group: readonly ScoredTrial[]) =>
      group
        .map((t) => t.params[name])
        .filter((v): v is number => typeof v === 'number')
        .map(fwd);
    const l = new Parzen(values(good), lo, hi);
    const g = new Parzen(values(bad), lo, hi);
    let best = lo;
    let bestRatio = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < CANDIDATES; c++) {
      const x = fwd(snap(domain, back(l.sample(this.rng))));
      const ratio = l.pdf(x) / g.pdf(x);
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = x;
      }
    }
    return snap(domain, back(best));
  }
}
