import { checkPeriod, type ScalarIndicator } from './indicator.js';

/**
 * Linearly weighted moving average: the newest input weighs `period`, the oldest 1; ready after
 * `period` inputs. The weighted and plain sums slide in O(1) and are recomputed from the window
 * once per `period` inputs (amortised O(1)) so rounding cannot accumulate.
 */
export class Wma implements ScalarIndicator {
  /** The window length. */
  readonly period: number;
  /** `WMA(period)`. */
  readonly name: string;
  private current = Number.NaN;
  private n = 0;
  private readonly window: Float64Array;
  private readonly divisor: number;
  private sum = 0;
  private weighted = 0;

  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    this.period = checkPeriod('Wma', period);
    this.name = `WMA(${period})`;
    this.window = new Float64Array(period);
    this.divisor = (period * (period + 1)) / 2;
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
    const n = this.period;
    const slot = this.n % n;
    if (this.n < n) {
      this.window[slot] = input;
      this.sum += input;
      this.weighted += (slot + 1) * input;
    } else {
      // Every weight drops by one (−sum), the oldest leaves, the newest enters at weight n.
      this.weighted += n * input - this.sum;
      this.sum += input - this.window[slot]!;
      this.window[slot] = input;
      if (slot === n - 1) this.resync(slot);
    }
    this.n++;
    this.current = this.n >= n ? this.weighted / this.divisor : Number.NaN;
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.window.fill(0);
    this.sum = 0;
    this.weighted = 0;
    this.n = 0;
    this.current = Number.NaN;
  }

  /** Recomputes both sums exactly; `newest` is the slot just written. */
  private resync(newest: number): void {
    const n = this.period;
    let sum = 0;
    let weighted = 0;
    for (let k = 1; k <= n; k++) {
      const x = this.window[(newest + k) % n]!;
      sum += x;
      weighted += k * x;
    }
    this.sum = sum;
    this.weighted = weighted;
  }
}
