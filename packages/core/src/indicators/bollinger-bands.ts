import { InvalidArgumentError } from '../errors/index.js';
import type { ScalarIndicator } from './indicator.js';
import { RollingMoments } from './rolling-moments.js';

/**
 * Bollinger bands: middle = SMA(period), upper/lower = middle ± k × population standard
 * deviation of the same window. `value` is the middle band; all three are NaN before `period`
 * inputs.
 *
 * @example
 * ```ts
 * const bb = new BollingerBands(20, 2);
 * bb.update(close);
 * if (bb.isReady && close > bb.upper) sell();
 * ```
 */
export class BollingerBands implements ScalarIndicator {
  /** The window length. */
  readonly period: number;
  /** The band width in standard deviations. */
  readonly k: number;
  /** `BB(period,k)`. */
  readonly name: string;
  private readonly moments: RollingMoments;
  private middle = Number.NaN;
  private up = Number.NaN;
  private down = Number.NaN;

  /** `period` ≥ 1 and a finite `k` ≥ 0 (default 2). */
  constructor(period: number, k = 2) {
    this.moments = new RollingMoments('BollingerBands', period);
    if (!(k >= 0 && Number.isFinite(k)))
      throw new InvalidArgumentError('BollingerBands k', k, 'a finite number >= 0');
    this.period = period;
    this.k = k;
    this.name = `BB(${period},${k})`;
  }

  /** The middle band; NaN before ready. */
  get value(): number {
    return this.middle;
  }

  /** Upper band; NaN before ready. */
  get upper(): number {
    return this.up;
  }

  /** Lower band; NaN before ready. */
  get lower(): number {
    return this.down;
  }

  /** Band width (upper − lower) / middle; NaN before ready or when the middle is 0. */
  get bandwidth(): number {
    return this.middle === 0 ? Number.NaN : (this.up - this.down) / this.middle;
  }

  /** Inputs seen. */
  get count(): number {
    return this.moments.count;
  }

  /** True after `period` inputs. */
  get isReady(): boolean {
    return this.moments.isFull;
  }

  /** Adds an input; returns the middle band. */
  update(input: number): number {
    const m = this.moments;
    m.push(input);
    if (!m.isFull) return this.middle;
    const width = this.k * Math.sqrt(m.variance(0));
    this.middle = m.mean;
    this.up = m.mean + width;
    this.down = m.mean - width;
    return this.middle;
  }

  /** Forgets every input. */
  reset(): void {
    this.moments.reset();
    this.middle = Number.NaN;
    this.up = Number.NaN;
    this.down = Number.NaN;
  }
}
