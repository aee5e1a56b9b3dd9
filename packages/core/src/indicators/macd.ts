import { InvalidArgumentError } from '../errors/index.js';
import { Ema } from './ema.js';
import type { ScalarIndicator } from './indicator.js';

/**
 * MACD: the line EMA(fast) − EMA(slow) (both fed every input, each seeded by its own SMA), the
 * signal EMA(signal) of the line, and the histogram line − signal. `value` is the line, defined
 * after `slow` inputs; `signal` and `histogram` after `slow + signal − 1`, when `isReady`
 * becomes true.
 */
export class Macd implements ScalarIndicator {
  /** `MACD(fast,slow,signal)`. */
  readonly name: string;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly signalEma: Ema;
  private line = Number.NaN;

  /** Periods default to 12, 26, 9; `fast` < `slow`; throws `InvalidArgumentError` otherwise. */
  constructor(fast = 12, slow = 26, signal = 9) {
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.signalEma = new Ema(signal);
    if (fast >= slow)
      throw new InvalidArgumentError('Macd fast period', fast, `less than the slow period ${slow}`);
    this.name = `MACD(${fast},${slow},${signal})`;
  }

  /** The MACD line; NaN before `slow` inputs. */
  get value(): number {
    return this.line;
  }

  /** The signal line; NaN before ready. */
  get signal(): number {
    return this.signalEma.value;
  }

  /** Line − signal; NaN before ready. */
  get histogram(): number {
    return this.line - this.signalEma.value;
  }

  /** Inputs seen. */
  get count(): number {
    return this.slow.count;
  }

  /** True once the signal line is defined. */
  get isReady(): boolean {
    return this.signalEma.isReady;
  }

  /** Adds an input; returns the MACD line. */
  update(input: number): number {
    this.fast.update(input);
    this.slow.update(input);
    if (!this.slow.isReady) return this.line;
    this.line = this.fast.value - this.slow.value;
    this.signalEma.update(this.line);
    return this.line;
  }

  /** Forgets every input. */
  reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.signalEma.reset();
    this.line = Number.NaN;
  }
}
