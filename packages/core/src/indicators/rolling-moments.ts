import { checkPeriod } from './indicator.js';

// Double-double arithmetic (Knuth's TwoSum, Dekker's product) for the window sums. A standard
// deviation is the square root of a difference of large sums: in plain doubles a constant window
// after large values reads 1e-8 instead of 0. The primitives are written out inline below (V8
// does not scalar-replace returned pairs), each adding a double-double (aHi, aLo) and a term.
const SPLITTER = 134_217_729; // 2^27 + 1

/**
 * Mean and variance of the last `period` inputs, the shared core of `RollingStdDev`, `ZScore`
 * and `BollingerBands`. The sums of x and x² slide in O(1) in double-double precision and are
 * recomputed from the window once per `period` inputs (amortised O(1)), so neither rounding nor a
 * long history of large values leaks into the spread of the current window.
 */
export class RollingMoments {
  /** The window length. */
  readonly period: number;
  /** Inputs seen. */
  count = 0;
  private readonly window: Float64Array;
  private s1Hi = 0;
  private s1Lo = 0;
  private s2Hi = 0;
  private s2Lo = 0;

  /** `period` ≥ 1; `owner` names the indicator in errors. */
  constructor(owner: string, period: number) {
    this.period = checkPeriod(owner, period);
    this.window = new Float64Array(period);
  }

  /** True once the window is full. */
  get isFull(): boolean {
    return this.count >= this.period;
  }

  /** Mean of the window (of the inputs so far before it fills; 0 before any). */
  get mean(): number {
    const k = Math.min(this.count, this.period);
    return k === 0 ? 0 : (this.s1Hi + this.s1Lo) / k;
  }

  /** Adds an input, dropping the one `period` back. */
  push(x: number): void {
    const n = this.period;
    const slot = this.count % n;
    if (this.count >= n) {
      this.accumulate(this.window[slot]!, -1);
    }
    this.window[slot] = x;
    this.accumulate(x, 1);
    this.count++;
    if (this.count >= n && slot === n - 1) this.resync();
  }

  /** Population (`ddof` 0) or sample (`ddof` 1) variance of the window; never negative. */
  variance(ddof: 0 | 1): number {
    const k = Math.min(this.count, this.period);
    if (k - ddof <= 0) return Number.NaN;
    // k²·var = k·Σx² − (Σx)², evaluated in double-double before the one rounding to double.
    const a = this.s1Hi;
    const c = SPLITTER * a;
    const aHi = c - (c - a);
    const aLo = a - aHi;
    const sqHi = a * a;
    const sqLo = aHi * aHi - sqHi + 2 * aHi * aLo + aLo * aLo + 2 * a * this.s1Lo;
    // k is an integer up to 2^26 here, so k·s2Hi's error term is exact by the same splitting.
    const b = this.s2Hi;
    const d = SPLITTER * b;
    const bHi = d - (d - b);
    const bLo = b - bHi;
    const kHi = k;
    const mHi = k * b;
    const mLo = kHi * bHi - mHi + kHi * bLo + k * this.s2Lo;
    // (mHi + mLo) − (sqHi + sqLo) with TwoSum on the high parts.
    const s = mHi - sqHi;
    const bb = s - mHi;
    const err = mHi - (s - bb) + (-sqHi - bb);
    const scaled = s + (err + mLo - sqLo);
    return scaled <= 0 ? 0 : scaled / (k * (k - ddof));
  }

  /** Forgets every input. */
  reset(): void {
    this.window.fill(0);
    this.count = 0;
    this.s1Hi = 0;
    this.s1Lo = 0;
    this.s2Hi = 0;
    this.s2Lo = 0;
  }

  /** Adds (sign 1) or removes (sign −1) x from Σx and Σx², in double-double. */
  private accumulate(x: number, sign: 1 | -1): void {
    // Σx += sign·x: TwoSum, then fold the low parts and renormalise.
    const v = sign * x;
    let s = this.s1Hi + v;
    let bb = s - this.s1Hi;
    let lo = this.s1Hi - (s - bb) + (v - bb) + this.s1Lo;
    let hi = s + lo;
    this.s1Lo = lo - (hi - s);
    this.s1Hi = hi;
    // x² exactly as pHi + pLo (Dekker), then Σx² += sign·(pHi + pLo).
    const pHi = x * x;
    const c = SPLITTER * x;
    const xHi = c - (c - x);
    const xLo = x - xHi;
    const pLo = xHi * xHi - pHi + 2 * xHi * xLo + xLo * xLo;
    const w = sign * pHi;
    s = this.s2Hi + w;
    bb = s - this.s2Hi;
    lo = this.s2Hi - (s - bb) + (w - bb) + this.s2Lo + sign * pLo;
    hi = s + lo;
    this.s2Lo = lo - (hi - s);
    this.s2Hi = hi;
  }

  private resync(): void {
    this.s1Hi = 0;
    this.s1Lo = 0;
    this.s2Hi = 0;
    this.s2Lo = 0;
    for (let i = 0; i < this.period; i++) this.accumulate(this.window[i]!, 1);
  }
}
