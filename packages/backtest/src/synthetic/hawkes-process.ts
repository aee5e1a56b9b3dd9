import { InvalidArgumentError, type Rng } from '@quantkubera/core';

/**
 * A K-dimensional Hawkes process with exponential kernels: the intensity of type i is
 * λᵢ(t) = μᵢ + Σⱼ Σ_{tⱼₖ < t} αᵢⱼ e^{−βᵢⱼ (t − tⱼₖ)}. Times are in seconds.
 */
export interface HawkesParams {
  /** Baseline intensities μᵢ (events per second), one per type; ≥ 0. */
  readonly mu: readonly number[];
  /** Jump αᵢⱼ of λᵢ caused by an event of type j; ≥ 0. */
  readonly alpha: readonly (readonly number[])[];
  /** Decay rate βᵢⱼ (per second) of that excitation; > 0. */
  readonly beta: readonly (readonly number[])[];
}

/** Largest |eigenvalue| of a small non-negative matrix (power iteration on its Perron root). */
export function spectralRadius(matrix: readonly (readonly number[])[]): number {
  const k = matrix.length;
  let v = new Array<number>(k).fill(1);
  let radius = 0;
  for (let iter = 0; iter < 500; iter++) {
    // Iterate on (M + I) so periodic matrices converge too; subtract the 1 at the end.
    const w = v.map((vi, i) => vi + matrix[i]!.reduce((a, m, j) => a + m * v[j]!, 0));
    const norm = Math.max(...w);
    if (norm === 0) return 0;
    const next = w.map((x) => x / norm);
    const change = Math.max(...next.map((x, i) => Math.abs(x - v[i]!)));
    v = next;
    radius = norm - 1;
    if (change < 1e-14) break;
  }
  return Math.max(0, radius);
}

/** Solves A x = b for a small dense system (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/**
 * A seeded, exact simulation of a multivariate exponential-kernel Hawkes process by Ogata's
 * thinning: between events every intensity only decays, so the total intensity now bounds it
 * until the next candidate; a candidate is kept with probability λ(t)/bound and typed in
 * proportion to the λᵢ(t). Stationary when the spectral radius of the branching matrix
 * nᵢⱼ = αᵢⱼ/βᵢⱼ is below 1; then the mean intensities are Λ = (I − n)⁻¹ μ.
 *
 * Baselines can be scaled piecewise (`setBaselineScale`) to follow an intraday profile; scaling
 * at a candidate boundary keeps the simulation exact (thinning is memoryless).
 *
 * @example
 * ```ts
 * const trades = new HawkesProcess({ mu: [0.5], alpha: [[0.8]], beta: [[2]] }, rng.fork('hawkes'));
 * for (let type = trades.next(3600); type >= 0; type = trades.next(3600)) times.push(trades.time);
 * ```
 */
export class HawkesProcess {
  /** Number of event types K. */
  readonly dimension: number;
  private readonly mu: Float64Array;
  private readonly alpha: Float64Array;
  private readonly beta: Float64Array;
  /** excitation[i*K + j]: the current contribution of past type-j events to λᵢ. */
  private readonly excitation: Float64Array;
  private readonly scale: Float64Array;
  private readonly rng: Rng;
  private t: number;

  /** Validates the parameters (shapes, signs, stationarity); throws `InvalidArgumentError`. */
  constructor(params: HawkesParams, rng: Rng, startTime = 0) {
    const k = params.mu.length;
    if (k === 0 || params.alpha.length !== k || params.beta.length !== k) {
      throw new InvalidArgumentError(
        'HawkesProcess params',
        params,
        'mu, alpha and beta of one dimension K >= 1',
      );
    }
    this.dimension = k;
    this.mu = new Float64Array(k);
    this.alpha = new Float64Array(k * k);
    this.beta = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      const m = params.mu[i]!;
      if (!(m >= 0 && Number.isFinite(m)))
        throw new InvalidArgumentError(`HawkesProcess mu[${i}]`, m, 'a finite rate >= 0');
      this.mu[i] = m;
      const ai = params.alpha[i]!;
      const bi = params.beta[i]!;
      if (ai.length !== k || bi.length !== k) {
        throw new InvalidArgumentError(
          `HawkesProcess alpha[${i}]/beta[${i}]`,
          [ai, bi],
          `rows of length ${k}`,
        );
      }
      for (let j = 0; j < k; j++) {
        const a = ai[j]!;
        const b = bi[j]!;
        if (!(a >= 0 && Number.isFinite(a)))
          throw new InvalidArgumentError(`HawkesProcess alpha[${i}][${j}]`, a, 'a finite number >= 0');
        if (!(b > 0 && Number.isFinite(b)))
          throw new InvalidArgumentError(`HawkesProcess beta[${i}][${j}]`, b, 'a finite number > 0');
        this.alpha[i * k + j] = a;
        this.beta[i * k + j] = b;
      }
    }
    const radius = spectralRadius(this.branchingMatrix());
    if (radius >= 1) {
      throw new InvalidArgumentError(
        'HawkesProcess branching ratio',
        radius,
        'a spectral radius of alpha/beta below 1 (otherwise the process explodes)',
      );
    }
    if (!Number.isFinite(startTime))
      throw new InvalidArgumentError('HawkesProcess startTime', startTime, 'a finite time');
    this.excitation = new Float64Array(k * k);
    this.scale = new Float64Array(k).fill(1);
    this.rng = rng;
    this.t = startTime;
  }

  /** The current time: the last event's, or the horizon `next` stopped at. */
  get time(): number {
    return this.t;
  }

  /** The branching matrix nᵢⱼ = αᵢⱼ/βᵢⱼ: expected type-i children of one type-j event. */
  branchingMatrix(): number[][] {
    const k = this.dimension;
    return Array.from({ length: k }, (_, i) =>
      Array.from({ length: k }, (_, j) => this.alpha[i * k + j]! / this.beta[i * k + j]!),
    );
  }

  /** Stationary mean intensities Λ = (I − n)⁻¹ μ (with the current baseline scales). */
  stationaryIntensity(): number[] {
    const k = this.dimension;
    const n = this.branchingMatrix();
    const a = n.map((row, i) => row.map((x, j) => (i === j ? 1 : 0) - x));
    return solve(
      a,
      Array.from({ length: k }, (_, i) => this.mu[i]! * this.scale[i]!),
    );
  }

  /** The intensity λᵢ at the current time. */
  intensity(i: number): number {
    const k = this.dimension;
    let lambda = this.mu[i]! * this.scale[i]!;
    for (let j = 0; j < k; j++) lambda += this.excitation[i * k + j]!;
    return lambda;
  }

  /** Multiplies the baseline μᵢ of every type (or of one) by `factor` ≥ 0 from now on. */
  setBaselineScale(factor: number, type?: number): void {
    if (!(factor >= 0 && Number.isFinite(factor))) {
      throw new InvalidArgumentError('HawkesProcess baseline scale', factor, 'a finite number >= 0');
    }
    if (type === undefined) this.scale.fill(factor);
    else this.scale[type] = factor;
  }

  /** Moves time forward to `time` without events, letting the excitation decay (a closed market). */
  advanceTo(time: number): void {
    if (time > this.t) {
      this.decay(time - this.t);
      this.t = time;
    }
  }

  /**
   * Simulates to the next event before `horizon`: returns its type (and `time` is its time), or
   * -1 when none occurs before the horizon (then `time` is the horizon).
   */
  next(horizon: number): number {
    const k = this.dimension;
    for (;;) {
      let bound = 0;
      for (let i = 0; i < k; i++) bound += this.intensity(i);
      if (bound <= 0) {
        this.advanceTo(horizon);
        return -1;
      }
      const candidate = this.t + this.rng.exponential(bound);
      if (candidate >= horizon) {
        this.advanceTo(horizon);
        return -1;
      }
      this.decay(candidate - this.t);
      this.t = candidate;
      let u = this.rng.nextDouble() * bound;
      for (let i = 0; i < k; i++) {
        const lambda = this.intensity(i);
        if (u < lambda) {
          for (let r = 0; r < k; r++) this.excitation[r * k + i]! += this.alpha[r * k + i]!;
          return i;
        }
        u -= lambda;
      }
      // Rejected: the intensity decayed below the bound; draw again from here.
    }
  }

  private decay(dt: number): void {
    const e = this.excitation;
    for (let x = 0; x < e.length; x++) if (e[x]! !== 0) e[x]! *= Math.exp(-this.beta[x]! * dt);
  }
}
