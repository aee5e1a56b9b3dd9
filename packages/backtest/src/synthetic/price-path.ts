import { InvalidArgumentError, type Rng } from '@quantkubera/core';

/** Seconds in a year of continuous (24×7) trading: crypto. */
export const CALENDAR_YEAR_SECONDS = 365.25 * 86_400;
/** Seconds in an NSE trading year: 250 sessions of 6 h 15 min. */
export const NSE_TRADING_YEAR_SECONDS = 250 * 22_500;

/** Parameters of a geometric Brownian motion. */
export interface GbmParams {
  /** The starting price (> 0). */
  readonly initialPrice: number;
  /** Annualised drift μ of the price (the log drift is μ − σ²/2); default 0. */
  readonly drift?: number;
  /** Annualised volatility σ (≥ 0). */
  readonly volatility: number;
  /** Seconds per year of the time axis passed to `advance` (default {@link CALENDAR_YEAR_SECONDS}). */
  readonly yearSeconds?: number;
}

/** Parameters of a Merton jump-diffusion: a GBM plus compound-Poisson log-normal jumps. */
export interface JumpDiffusionParams extends GbmParams {
  /** Expected jumps per year λ (≥ 0). */
  readonly jumpIntensity: number;
  /** Mean of the log jump size μ_J. */
  readonly jumpMean: number;
  /** Standard deviation of the log jump size σ_J (≥ 0). */
  readonly jumpStd: number;
}

function check(what: string, value: number, ok: boolean, expected: string): number {
  if (!ok || !Number.isFinite(value)) throw new InvalidArgumentError(what, value, expected);
  return value;
}

/**
 * A price following Merton's jump-diffusion, simulated exactly at arbitrary (irregular) steps:
 * over dt years, log S grows by (μ − σ²/2 − λk) dt + σ √dt Z + Σ jumps, with N ~ Poisson(λ dt)
 * jumps of log size N(μ_J, σ_J²) and k = e^{μ_J + σ_J²/2} − 1, so E[S_t] = S₀ e^{μt} whatever
 * the jumps. With λ = 0 it is a geometric Brownian motion (use {@link gbmPath}).
 *
 * @example
 * ```ts
 * const path = new JumpDiffusionPath({ initialPrice: 100, volatility: 0.3, jumpIntensity: 4, jumpMean: -0.02, jumpStd: 0.03 }, rng);
 * path.advance(1); // one second later
 * path.jump(Math.log(0.97)); // a scheduled news shock of −3 %
 * ```
 */
export class JumpDiffusionPath {
  private logPrice: number;
  private readonly driftPerYear: number;
  private readonly sigma: number;
  private readonly yearSeconds: number;
  private readonly lambda: number;
  private readonly jumpMean: number;
  private readonly jumpStd: number;
  private readonly rng: Rng;
  private jumps = 0;

  /** Validates the parameters; throws `InvalidArgumentError` naming the bad one. */
  constructor(params: JumpDiffusionParams, rng: Rng) {
    const s0 = check(
      'price path initialPrice',
      params.initialPrice,
      params.initialPrice > 0,
      'a finite price > 0',
    );
    const mu = check('price path drift', params.drift ?? 0, true, 'a finite rate');
    this.sigma = check(
      'price path volatility',
      params.volatility,
      params.volatility >= 0,
      'a finite number >= 0',
    );
    const year = params.yearSeconds ?? CALENDAR_YEAR_SECONDS;
    this.yearSeconds = check('price path yearSeconds', year, year > 0, 'a finite number > 0');
    this.lambda = check(
      'price path jumpIntensity',
      params.jumpIntensity,
      params.jumpIntensity >= 0,
      'a finite number >= 0',
    );
    this.jumpMean = check('price path jumpMean', params.jumpMean, true, 'a finite number');
    this.jumpStd = check('price path jumpStd', params.jumpStd, params.jumpStd >= 0, 'a finite number >= 0');
    const k = Math.exp(this.jumpMean + (this.jumpStd * this.jumpStd) / 2) - 1;
    this.driftPerYear = mu - (this.sigma * this.sigma) / 2 - this.lambda * k;
    this.logPrice = Math.log(s0);
    this.rng = rng;
  }

  /** The current price. */
  get price(): number {
    return Math.exp(this.logPrice);
  }

  /** Random jumps taken so far (scheduled `jump` calls excluded). */
  get jumpCount(): number {
    return this.jumps;
  }

  /**
   * Moves the price `dtSeconds` forward and returns it. `volScale` multiplies σ for this step (a
   * volatile regime); the drift is not compensated for it, so keep scaled stretches short.
   */
  advance(dtSeconds: number, volScale = 1): number {
    if (!(dtSeconds >= 0)) throw new InvalidArgumentError('price path dtSeconds', dtSeconds, 'a number >= 0');
    if (dtSeconds === 0) return this.price;
    const dt = dtSeconds / this.yearSeconds;
    const sigma = this.sigma * volScale;
    let step = this.driftPerYear * dt + sigma * Math.sqrt(dt) * this.rng.normal();
    if (this.lambda > 0) {
      const n = this.rng.poisson(this.lambda * dt);
      if (n > 0) {
        this.jumps += n;
        step += this.rng.normal(n * this.jumpMean, Math.sqrt(n) * this.jumpStd);
      }
    }
    this.logPrice += step;
    return this.price;
  }

  /** Applies a scheduled jump of log size `logReturn` (a news shock) and returns the price. */
  jump(logReturn: number): number {
    this.logPrice += check('price path jump', logReturn, true, 'a finite log return');
    return this.price;
  }
}

/** A geometric Brownian motion: a {@link JumpDiffusionPath} without jumps. */
export function gbmPath(params: GbmParams, rng: Rng): JumpDiffusionPath {
  return new JumpDiffusionPath({ ...params, jumpIntensity: 0, jumpMean: 0, jumpStd: 0 }, rng);
}
