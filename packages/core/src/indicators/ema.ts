import { checkPeriod, type ScalarIndicator } from './indicator.js';

/**
 * Exponential moving average with α = 2 / (period + 1), seeded with the simple average of the
 * first `period` inputs (TA-Lib's convention): ready after `period` inputs, then
 * `ema += α (x − ema)`.
 */
export class Ema implements ScalarIndicator {
  /** The period. */
  readonly period: number;
  /** The smoothing factor 2 / (period + 1). */
  readonly alpha: number;
  /** `EMA(period)`. */
  readonly name: string;
  private current = Number.NaN;
  private n = 0;
  private seedSum = 0;

  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    this.period = checkPeriod('Ema', period);
    this.alpha = 2 / (period + 1);
    this.name = `EMA(${period})`;
  }

  /** The latest value; NaN before ready. */
  get value(): number {
    return this.current;
  }

  /** Inputs seen. */
  get count(): number {
    return this.n;
  }

  /** True after `period` inputs. */
  get isReady(): boolean {
    return this.n >= this.period;
  }

  /** Adds an input. */
  update(input: number): number {
    this.n++;
    if (this.n < this.period) {
      this.seedSum += input;
      return this.current;
    }
    if (this.n === this.period) this.current = (this.seedSum + input) / this.period;
    else this.current += this.alpha * (input - this.current);
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.n = 0;
    this.seedSum = 0;
    this.current = Number.NaN;
  }
}
