import { checkPeriod, type ScalarIndicator } from './indicator.js';

/**
 * The rolling maximum or minimum of the last `period` inputs on a monotonic deque: O(1)
 * amortised per update, `period` slots preallocated. Shared by {@link Highest} and {@link Lowest}.
 */
export abstract class RollingExtreme implements ScalarIndicator {
  /** The window length. */
  readonly period: number;
  /** `HIGHEST(period)` or `LOWEST(period)`. */
  readonly name: string;
  private readonly values: Float64Array;
  private readonly indices: Float64Array;
  private head = 0;
  private size = 0;
  private n = 0;
  private current = Number.NaN;
  private readonly sign: 1 | -1;

  protected constructor(label: string, period: number, sign: 1 | -1) {
    this.period = checkPeriod(label, period);
    this.name = `${label.toUpperCase()}(${period})`;
    this.values = new Float64Array(period);
    this.indices = new Float64Array(period);
    this.sign = sign;
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

  /** How many inputs ago the current extreme arrived (0 = the latest); NaN before ready. */
  get barsAgo(): number {
    return this.isReady ? this.n - 1 - this.indices[this.head]! : Number.NaN;
  }

  /** Adds an input. */
  update(input: number): number {
    const cap = this.period;
    const i = this.n;
    // Expire the front first, so the ring never holds more than `period` entries.
    if (this.size > 0 && this.indices[this.head]! <= i - cap) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    const key = this.sign * input;
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % cap;
      if (this.sign * this.values[back]! > key) break;
      this.size--;
    }
    const slot = (this.head + this.size) % cap;
    this.values[slot] = input;
    this.indices[slot] = i;
    this.size++;
    this.n++;
    this.current = this.n >= cap ? this.values[this.head]! : Number.NaN;
    return this.current;
  }

  /** Forgets every input. */
  reset(): void {
    this.head = 0;
    this.size = 0;
    this.n = 0;
    this.current = Number.NaN;
  }
}

/** Highest of the last `period` inputs (ties: the latest); ready after `period` inputs. */
export class Highest extends RollingExtreme {
  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    super('Highest', period, 1);
  }
}

/** Lowest of the last `period` inputs (ties: the latest); ready after `period` inputs. */
export class Lowest extends RollingExtreme {
  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    super('Lowest', period, -1);
  }
}
