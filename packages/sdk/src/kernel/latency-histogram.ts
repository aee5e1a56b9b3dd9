/**
 * Sub-buckets per power of two: values below 2^11 are counted exactly, and above, each power of
 * two [2^k, 2^(k+1)) is split into 1024 equal sub-buckets, so every value is counted within
 * 1/1024 (< 0.1%) of itself. This is HdrHistogram's layout at 3 significant digits.
 */
const SUB_BITS = 10;
const SUB_HALF = 1 << SUB_BITS; // 1024
const SUB_COUNT = 2 * SUB_HALF; // 2048
/** Largest value the counts index with 32-bit integer arithmetic. */
const INT_LIMIT = 0x7fffffff;

/**
 * A log-linear histogram of positive integers (latencies in nanoseconds), with HdrHistogram's
 * bucket layout at 3 significant digits, whose record is a few integer operations: the
 * hdr-histogram-js `recordValue` computes its index with `Math.pow` and `Math.log2` and cost
 * ~200 ns here, eight times per order on the kernel's order path. Percentiles are read as
 * HdrHistogram reads them: the highest value equivalent to the bucket holding the percentile's
 * count, so within 0.1% above the exact value (exact below 2048).
 *
 * Values above `highest` are counted as `highest` (and the max records that the range was
 * exceeded); values below 1 as 1.
 */
export class LatencyHistogram {
  readonly #counts: Float64Array;
  readonly #highest: number;
  #total = 0;
  #max = 0;

  /** A histogram of values from 1 to `highest` (a positive integer). */
  constructor(highest: number) {
    if (!Number.isSafeInteger(highest) || highest < 1) {
      throw new RangeError(`LatencyHistogram: highest must be a positive safe integer, got ${highest}`);
    }
    this.#highest = highest;
    this.#counts = new Float64Array(LatencyHistogram.indexOf(highest) + 1);
  }

  /** Values recorded. */
  get totalCount(): number {
    return this.#total;
  }

  /** The largest value recorded (after clamping to the histogram's range); 0 when empty. */
  get maxValue(): number {
    return this.#max;
  }

  /** Counts one value (rounded down to an integer, clamped to 1…highest). */
  record(value: number): void {
    let v = value >= 1 ? Math.floor(value) : 1;
    if (v > this.#highest) v = this.#highest;
    this.#counts[LatencyHistogram.indexOf(v)]!++;
    this.#total++;
    if (v > this.#max) this.#max = v;
  }

  /**
   * The value at `percentile` (0–100): the highest value equivalent to the bucket holding the
   * ⌈percentile × count⌉-th smallest value (at least the first), as HdrHistogram reports it;
   * 0 when empty.
   */
  valueAtPercentile(percentile: number): number {
    if (this.#total === 0) return 0;
    const p = Math.min(Math.max(percentile, 0), 100);
    // Rounded up, less one ulp of float noise (as HdrHistogram does, so 99% of 100 is 99).
    const fp = (p / 100) * this.#total;
    const target = Math.max(1, Math.ceil(fp - fp * Number.EPSILON));
    const counts = this.#counts;
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= target) return Math.min(LatencyHistogram.highestEquivalent(i), this.#max);
    }
    return this.#max;
  }

  /** The counts index of a value (an integer ≥ 1). */
  static indexOf(v: number): number {
    if (v < SUB_COUNT) return v;
    if (v <= INT_LIMIT) {
      const shift = 31 - Math.clz32(v) - SUB_BITS; // ≥ 1
      return SUB_COUNT + (shift - 1) * SUB_HALF + ((v >>> shift) - SUB_HALF);
    }
    // Beyond 31 bits (2.1 s in ns): the same layout in floating point (exact for safe integers).
    let shift = Math.floor(Math.log2(v)) - SUB_BITS;
    let scale = 2 ** shift;
    // Math.log2 may round across a power of two; correct it.
    if (Math.floor(v / scale) >= SUB_COUNT) {
      shift++;
      scale *= 2;
    } else if (Math.floor(v / scale) < SUB_HALF) {
      shift--;
      scale /= 2;
    }
    return SUB_COUNT + (shift - 1) * SUB_HALF + (Math.floor(v / scale) - SUB_HALF);
  }

  /** The highest value counted at `index`. */
  static highestEquivalent(index: number): number {
    if (index < SUB_COUNT) return index;
    const shift = Math.floor((index - SUB_COUNT) / SUB_HALF) + 1;
    const sub = ((index - SUB_COUNT) % SUB_HALF) + SUB_HALF;
    return (sub + 1) * 2 ** shift - 1;
  }
}
