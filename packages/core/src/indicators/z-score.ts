import type { ScalarIndicator } from './indicator.js';
import { RollingMoments } from './rolling-moments.js';

/**
 * Rolling z-score: (x − mean) / population standard deviation over the last `period` inputs,
 * x included; 0 when the window is constant (a spread under 1e-12 of the mean counts as none).
 * Ready after `period` inputs.
 */
export class ZScore implements ScalarIndicator {
  /** The window length. */
  readonly period: number;
  /** `ZSCORE(period)`. */
  readonly name: string;
  private readonly moments: RollingMoments;
  private current = Number.NaN;

  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    this.moments = new RollingMoments('ZScore', period);
    this.period = period;
    this.name = `ZSCORE(${period})`;
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

  /** Adds an input; returns its z-score within the window. */
  update(input: number): number {
    const m = this.moments;
    m.push(input);
    if (!m.isFull) return this.current;
    const sd = Math.sqrt(m.variance(0));
    // A spread below 1e-12 of the level is rounding noise of a constant window, not a spread.
    this.current = sd <= 1e-12 * Math.abs(m.mean) ? 0 : (input - m.mean) / sd;
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.moments.reset();
    this.current = Number.NaN;
  }
}
