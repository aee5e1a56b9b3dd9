import { checkPeriod, type ScalarIndicator } from './indicator.js';

/**
 * Relative strength index with Wilder's smoothing. The first input only sets the previous
 * value; the averages of the first `period` changes seed the average gain and loss (ready after
 * `period + 1` inputs); then `avg = (avg × (period − 1) + change) / period`.
 * RSI = 100 − 100 / (1 + avgGain / avgLoss); 100 when there are gains and no losses, 50 when
 * neither.
 */
export class Rsi implements ScalarIndicator {
  /** The smoothing period. */
  readonly period: number;
  /** `RSI(period)`. */
  readonly name: string;
  private current = Number.NaN;
  private n = 0;
  private previous = Number.NaN;
  private avgGain = 0;
  private avgLoss = 0;

  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    this.period = checkPeriod('Rsi', period);
    this.name = `RSI(${period})`;
  }

  /** The latest value in [0, 100]; NaN before ready. */
  get value(): number {
    return this.current;
  }

  /** Inputs seen. */
  get count(): number {
    return this.n;
  }

  /** True after `period + 1` inputs. */
  get isReady(): boolean {
    return this.n > this.period;
  }

  /** The smoothed average gain; 0 before ready. */
  get averageGain(): number {
    return this.isReady ? this.avgGain : 0;
  }

  /** The smoothed average loss (positive); 0 before ready. */
  get averageLoss(): number {
    return this.isReady ? this.avgLoss : 0;
  }

  /** Adds an input. */
  update(input: number): number {
    const p = this.period;
    this.n++;
    if (this.n === 1) {
      this.previous = input;
      return this.current;
    }
    const change = input - this.previous;
    this.previous = input;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    if (this.n <= p) {
      this.avgGain += gain;
      this.avgLoss += loss;
      return this.current;
    }
    if (this.n === p + 1) {
      this.avgGain = (this.avgGain + gain) / p;
      this.avgLoss = (this.avgLoss + loss) / p;
    } else {
      this.avgGain = (this.avgGain * (p - 1) + gain) / p;
      this.avgLoss = (this.avgLoss * (p - 1) + loss) / p;
    }
    const g = this.avgGain;
    const l = this.avgLoss;
    this.current = l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.n = 0;
    this.previous = Number.NaN;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.current = Number.NaN;
  }
}
