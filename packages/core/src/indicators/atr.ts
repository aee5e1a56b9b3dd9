import { type BarLike, checkPeriod, type Indicator } from './indicator.js';

/**
 * Average true range with Wilder's smoothing. True range = max(high − low, |high − prevClose|,
 * |low − prevClose|), just high − low for the first bar. The mean of the first `period` true
 * ranges seeds the average (ready after `period` bars); then
 * `atr = (atr × (period − 1) + tr) / period`.
 */
export class Atr implements Indicator {
  /** The smoothing period. */
  readonly period: number;
  /** `ATR(period)`. */
  readonly name: string;
  private current = Number.NaN;
  private n = 0;
  private previousClose = Number.NaN;
  private seedSum = 0;
  private tr = Number.NaN;

  /** `period` ≥ 1; throws `InvalidArgumentError` otherwise. */
  constructor(period: number) {
    this.period = checkPeriod('Atr', period);
    this.name = `ATR(${period})`;
  }

  /** The latest value; NaN before ready. */
  get value(): number {
    return this.current;
  }

  /** Bars seen. */
  get count(): number {
    return this.n;
  }

  /** True after `period` bars. */
  get isReady(): boolean {
    return this.n >= this.period;
  }

  /** The latest true range; NaN before the first bar. */
  get trueRange(): number {
    return this.tr;
  }

  /** Adds one bar's high, low and close. */
  update(high: number, low: number, close: number): number {
    const pc = this.previousClose;
    const tr = this.n === 0 ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    this.tr = tr;
    this.previousClose = close;
    this.n++;
    const p = this.period;
    if (this.n < p) this.seedSum += tr;
    else if (this.n === p) this.current = (this.seedSum + tr) / p;
    else this.current = (this.current * (p - 1) + tr) / p;
    return this.current;
  }

  /** Adds a bar. */
  updateBar(bar: BarLike): number {
    return this.update(bar.high, bar.low, bar.close);
  }

  /** Forgets every bar. */
  reset(): void {
    this.n = 0;
    this.previousClose = Number.NaN;
    this.seedSum = 0;
    this.tr = Number.NaN;
    this.current = Number.NaN;
  }
}
