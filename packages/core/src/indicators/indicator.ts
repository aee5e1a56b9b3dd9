import { InvalidArgumentError } from '../errors/index.js';

/**
 * What every indicator offers. `value` is `NaN` until `isReady` (the warm-up: the first `period`
 * inputs for most), then the latest value. Updates are O(1) (amortised where noted) and allocate
 * nothing: buffers are preallocated by period.
 *
 * Adding an indicator is one small file: a class implementing {@link ScalarIndicator} (or a
 * multi-input `update` like `Atr`), keeping its state in preallocated fields, returning `NaN`
 * before ready, with `reset()` restoring the constructed state; plus a test against an
 * independent batch formula on random series (see `indicators.test.ts`).
 */
export interface Indicator {
  /** A label such as `SMA(20)`. */
  readonly name: string;
  /** The latest value; `NaN` before ready. */
  readonly value: number;
  /** True once enough inputs have been seen for `value` to be defined. */
  readonly isReady: boolean;
  /** Inputs seen since construction or `reset()`. */
  readonly count: number;
  /** Forgets every input. */
  reset(): void;
}

/** An indicator of one number per update (usually a close). */
export interface ScalarIndicator extends Indicator {
  /** Feeds one input; returns the new `value` (NaN before ready). */
  update(input: number): number;
}

/** The bar fields the bar-driven indicators read (a `BarEvent` fits). */
export interface BarLike {
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly tsOpen: number;
}

/** Validates an indicator period: a safe integer ≥ `min`. */
export function checkPeriod(owner: string, period: number, min = 1): number {
  if (!Number.isSafeInteger(period) || period < min) {
    throw new InvalidArgumentError(`${owner} period`, period, `an integer >= ${min}`);
  }
  return period;
}
