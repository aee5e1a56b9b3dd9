import { checkPeriod, type ScalarIndicator } from './indicator.js';

/**
 * Simple moving average of the last `period` inputs; ready after `period` inputs. The running sum
 * is Neumaier-compensated, so it does not drift however long it runs.
 *
 * @example
 * ```ts
 * const sma = new Sma(20);
 * for (const bar of bars) sma.update(bar.close);
 * if (sma.isReady) console.log(sma.value);
 * ```
 */
export class Sma implements ScalarIndicator {
  /** The window length. */
  readonly period: number;
  /** `SMA(period)`. */
  readonly name: string;
  private current = Number.NaN;
  private n = 0;
  private readonly window: Float64Array;
  private sum = 0;
  private compensation = 0;

  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    this.period = checkPeriod('Sma', period);
    this.name = `SMA(${period})`;
    this.window = new Float64Array(period);
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

  /** Adds an input, dropping the one `period` back. */
  update(input: number): number {
    const slot = this.n % this.period;
    if (this.n >= this.period) this.add(-this.window[slot]!);
    this.window[slot] = input;
    this.add(input);
    this.n++;
    this.current = this.n >= this.period ? (this.sum + this.compensation) / this.period : Number.NaN;
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.window.fill(0);
    this.sum = 0;
    this.compensation = 0;
    this.n = 0;
    this.current = Number.NaN;
  }

  private add(x: number): void {
    const t = this.sum + x;
    this.compensation += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
}
