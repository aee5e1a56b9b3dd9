import { InvalidArgumentError } from '@quantkubera/core';

/**
 * Exact conversion between integer multiples of an increment (price ticks, size lots) and
 * doubles. `ticks × 0.05` gives 2945.3500000000004; dividing by the integer reciprocal gives the
 * double nearest 2945.35, the one a venue's JSON parses to.
 */
export class Increment {
  /** The increment (tick size, lot size). */
  readonly size: number;
  private readonly reciprocal: number;

  /** `size` > 0; below 1 its reciprocal must be an integer (0.05 → 20, 0.00001 → 100000). */
  constructor(what: string, size: number) {
    if (!(size > 0 && Number.isFinite(size)))
      throw new InvalidArgumentError(what, size, 'a finite number > 0');
    const reciprocal = Math.round(1 / size);
    if (size < 1 && Math.abs(reciprocal * size - 1) > 1e-12) {
      throw new InvalidArgumentError(
        what,
        size,
        'an increment whose reciprocal is an integer (0.05, 0.01, 0.0001)',
      );
    }
    this.size = size;
    this.reciprocal = size < 1 ? reciprocal : 0;
  }

  /** The value of `count` increments. */
  toValue(count: number): number {
    return this.reciprocal > 0 ? count / this.reciprocal : count * this.size;
  }

  /** The number of increments nearest `value`. */
  toCount(value: number): number {
    return this.reciprocal > 0 ? Math.round(value * this.reciprocal) : Math.round(value / this.size);
  }

  /** The number of whole increments at or below `value`. */
  floorCount(value: number): number {
    const n = this.reciprocal > 0 ? value * this.reciprocal : value / this.size;
    // Guard against 0.1 × 10 = 0.9999…: snap to the nearest integer when within rounding.
    const r = Math.round(n);
    return Math.abs(n - r) < 1e-9 ? r : Math.floor(n);
  }
}
