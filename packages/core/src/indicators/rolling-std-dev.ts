import { checkPeriod, type ScalarIndicator } from './indicator.js';
import { RollingMoments } from './rolling-moments.js';

/** Options of {@link RollingStdDev}. */
export interface RollingStdDevOptions {
  /** Divide by n − 1 (sample) instead of n (population, the default). */
  readonly sample?: boolean;
}

/**
 * Rolling standard deviation of the last `period` inputs (population by default); ready after
 * `period` inputs (`period` ≥ 2 with `sample`).
 */
export class RollingStdDev implements ScalarIndicator {
  /** The window length. */
  readonly period: number;
  /** `STDDEV(period)`. */
  readonly name: string;
  private readonly moments: RollingMoments;
  private readonly ddof: 0 | 1;
  private current = Number.NaN;

  /** `period` ≥ 1 (≥ 2 with `sample`); throws `InvalidArgumentError` otherwise. */
  constructor(period: number, options: RollingStdDevOptions = {}) {
    this.ddof = options.sample === true ? 1 : 0;
    checkPeriod(this.ddof === 1 ? 'RollingStdDev (sample)' : 'RollingStdDev', period, this.ddof + 1);
    this.moments = new RollingMoments('RollingStdDev', period);
    this.period = period;
    this.name = `STDDEV(${period})`;
  }

  /** The latest value; NaN before ready. */
  get value(): number {
    return this.current;
  }

  /** Inputs seen. */
  get count(): number {
    return this.moments.count;
  }

  /** True after `period` inputs. */
  get isReady(): boolean {
    return this.moments.isFull;
  }

  /** Adds an input. */
  update(input: number): number {
    this.moments.push(input);
    this.current = this.moments.isFull ? Math.sqrt(this.moments.variance(this.ddof)) : Number.NaN;
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.moments.reset();
    this.current = Number.NaN;
  }
}
