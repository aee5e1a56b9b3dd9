import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { InvalidArgumentError } from '../errors/index.js';

/** What an {@link Rng} can be seeded with: a safe integer or any string. */
export type RngSeed = number | string;

/**
 * A serialisable copy of an {@link Rng}'s state (plain JSON): restoring it continues the exact
 * same sequence, and forks taken after restoring equal forks taken before.
 */
export interface RngSnapshot {
  /** The generator algorithm; only `xoroshiro128plus` exists today. */
  readonly algorithm: 'xoroshiro128plus';
  /** The 64-bit stream key as two unsigned 32-bit words; forks derive from it. */
  readonly key: readonly [number, number];
  /** The generator's four 32-bit state words. */
  readonly state: readonly [number, number, number, number];
  /** The cached second normal deviate of the polar method, or `null`. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4_294_967_296;
const TWO_POW_53 = 9_007_199_254_740_992;
const TWO_POW_MINUS_53 = 1 / TWO_POW_53;
const TAG_NUMBER = 0x6e756d62;
const TAG_STRING = 0x73747269;
const TAG_FORK = 0x666f726b;
// ln(k!) for k < 10 exactly; Stirling's series beyond (error < 1e-12 there).
const LOG_FACTORIAL_SMALL = [1, 1, 2, 6, 24, 120, 720, 5_040, 40_320, 362_880].map(Math.log);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Murmur3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a word sequence into a 64-bit key (two lanes), tagged so kinds of seed never collide. */
function hashWords(tag: number, words: readonly number[]): [number, number] {
  let a = mix32(tag ^ 0x9e3779b9);
  let b = mix32(tag ^ 0x7f4a7c15);
  for (const w of words) {
    a = mix32((a ^ w) + 0x632be5ab);
    b = mix32(Math.imul(b ^ w, 0x27d4eb2f) + a);
  }
  a = mix32(a ^ words.length);
  b = mix32(b ^ a ^ words.length);
  return [a, b];
}

function stringWords(text: string): number[] {
  const words: number[] = [];
  for (let i = 0; i < text.length; i++) words.push(text.charCodeAt(i));
  return words;
}

function keyFromSeed(seed: RngSeed): [number, number] {
  if (typeof seed === 'string') return hashWords(TAG_STRING, stringWords(seed));
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError('Rng seed', seed, 'a safe integer or a string');
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) | 0;
  return hashWords(TAG_NUMBER, [lo, hi]);
}

/** Expands a key into a xoroshiro128+ state; never all zero (the one forbidden state). */
function stateFromKey(key: readonly [number, number]): [number, number, number, number] {
  const s0 = mix32(key[0] ^ 0x243f6a88) | 0;
  const s1 = mix32(key[1] ^ 0x85a308d3) | 0;
  const s2 = mix32(key[0] + key[1] + 0x13198a2e) | 0;
  const s3 = mix32(Math.imul(key[1], 0x03707344) ^ key[0]) | 0;
  return s0 === 0 && s1 === 0 && s2 === 0 && s3 === 0 ? [1, 0, 0, 0] : [s0, s1, s2, s3];
}

/** ln(k!) for a non-negative integer k. */
function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_SMALL.length) return LOG_FACTORIAL_SMALL[k]!;
  const n = k + 1;
  const inv = 1 / n;
  const inv2 = inv * inv;
  // Stirling's series for ln Γ(n) with n = k + 1.
  return (
    (n - 0.5) * Math.log(n) -
    n +
    HALF_LOG_TWO_PI +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
  );
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_POW_32;
}

function isInt32(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff
  );
}

/**
 * The platform's seeded pseudo-random number generator: xoroshiro128+ from pure-rand, seeded
 * through a hash so that nearby seeds give unrelated streams. Every random choice in QuantKubera
 * (fill models, latency models, synthetic markets) draws from one of these, so the same seed
 * gives the same run.
 *
 * Independent sub-streams come from {@link Rng.fork}: a fork depends only on the parent's seed
 * and the stream id, never on how many numbers the parent has drawn, so adding a draw in one
 * component does not shift the randomness of another.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const hawkes = rng.fork('hawkes:RELIANCE.NSE'); // independent, reproducible stream
 * const dt = hawkes.exponential(3.5);
 * const saved = rng.snapshot(); // JSON-serialisable
 * const again = Rng.fromSnapshot(saved); // continues exactly where rng is
 * ```
 */
export class Rng {
  private key: [number, number];
  private gen: JumpableRandomGenerator;
  private spare = 0;
  private hasSpare = false;

  /** Creates a generator from a safe-integer or string seed; throws `InvalidArgumentError` otherwise. */
  constructor(seed: RngSeed) {
    this.key = keyFromSeed(seed);
    this.gen = xoroshiro128plusFromState(stateFromKey(this.key));
  }

  /** Recreates a generator from {@link Rng.snapshot}'s output; throws `InvalidArgumentError` if malformed. */
  static fromSnapshot(snapshot: RngSnapshot): Rng {
    const rng = new Rng(0);
    rng.restore(snapshot);
    return rng;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    return this.gen.next() >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits (a multiple of 2^-53). */
  nextDouble(): number {
    const a = this.gen.next() >>> 5;
    const b = this.gen.next() >>> 6;
    return (a * 67_108_864 + b) * TWO_POW_MINUS_53;
  }

  /**
   * A uniform integer in [min, max], both inclusive and safe integers; unbiased (rejection
   * sampling). Throws `InvalidArgumentError` when the bounds are not safe integers or min > max.
   */
  nextInt(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new InvalidArgumentError('Rng.nextInt range', [min, max], 'safe integers with min <= max');
    }
    // max - min is exact for safe integers; max - min + 1 would round above 2^53.
    if (max - min >= TWO_POW_53) {
      throw new InvalidArgumentError('Rng.nextInt range', [min, max], 'max - min + 1 <= 2^53');
    }
    const range = max - min + 1;
    if (range <= TWO_POW_32) {
      const limit = range === TWO_POW_32 ? TWO_POW_32 : Math.floor(TWO_POW_32 / range) * range;
      let u = this.gen.next() >>> 0;
      while (u >= limit) u = this.gen.next() >>> 0;
      return min + (u % range);
    }
    const limit = Math.floor(TWO_POW_53 / range) * range;
    let u = this.next53();
    while (u >= limit) u = this.next53();
    return min + (u % range);
  }

  /** A uniform double in [min, max). */
  uniform(min: number, max: number): number {
    if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
      throw new InvalidArgumentError('Rng.uniform range', [min, max], 'finite numbers with min <= max');
    }
    return min + (max - min) * this.nextDouble();
  }

  /** True with probability `p` (0 ≤ p ≤ 1). */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError('Rng.bernoulli p', p, 'a probability in [0, 1]');
    return this.nextDouble() < p;
  }

  /** A normal deviate with the given mean and standard deviation (Marsaglia's polar method). */
  normal(mean = 0, sd = 1): number {
    if (!(Number.isFinite(mean) && sd >= 0 && Number.isFinite(sd))) {
      throw new InvalidArgumentError('Rng.normal', [mean, sd], 'a finite mean and a finite sd >= 0');
    }
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextDouble() - 1;
      v = 2 * this.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return mean + sd * u * f;
  }

  /** An exponential deviate with the given rate (mean 1/rate); rate must be positive and finite. */
  exponential(rate: number): number {
    if (!(rate > 0 && Number.isFinite(rate))) {
      throw new InvalidArgumentError('Rng.exponential rate', rate, 'a finite number > 0');
    }
    // 1 - u is in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.nextDouble()) / rate;
  }

  /**
   * A Poisson deviate with the given mean (≥ 0, finite): Knuth's product method below 12,
   * Hörmann's PTRS transformed rejection above (constant expected time).
   */
  poisson(mean: number): number {
    if (!(mean >= 0 && Number.isFinite(mean))) {
      throw new InvalidArgumentError('Rng.poisson mean', mean, 'a finite number >= 0');
    }
    if (mean === 0) return 0;
    if (mean < 12) {
      const limit = Math.exp(-mean);
      let k = 0;
      let product = this.nextDouble();
      while (product > limit) {
        k++;
        product *= this.nextDouble();
      }
      return k;
    }
    return this.poissonPtrs(mean);
  }

  /**
   * An independent generator for sub-stream `streamId`, derived from this generator's key and the
   * id only (not from its current position). The same id always gives the same stream.
   */
  fork(streamId: string | number): Rng {
    let words: number[];
    if (typeof streamId === 'string') words = [1, ...stringWords(streamId)];
    else if (Number.isSafeInteger(streamId))
      words = [2, streamId >>> 0, Math.floor(streamId / TWO_POW_32) | 0];
    else throw new InvalidArgumentError('Rng.fork streamId', streamId, 'a string or a safe integer');
    const child = new Rng(0);
    child.key = hashWords(TAG_FORK, [this.key[0], this.key[1], ...words]);
    child.gen = xoroshiro128plusFromState(stateFromKey(child.key));
    return child;
  }

  /** A JSON-serialisable copy of the full state; see {@link RngSnapshot}. */
  snapshot(): RngSnapshot {
    const s = this.gen.getState();
    return {
      algorithm: 'xoroshiro128plus',
      key: [this.key[0], this.key[1]],
      state: [s[0]!, s[1]!, s[2]!, s[3]!],
      spareNormal: this.hasSpare ? this.spare : null,
    };
  }

  /** Restores a state taken with {@link Rng.snapshot}; throws `InvalidArgumentError` if malformed. */
  restore(snapshot: RngSnapshot): void {
    const s: unknown = snapshot;
    const ok =
      typeof s === 'object' &&
      s !== null &&
      snapshot.algorithm === 'xoroshiro128plus' &&
      Array.isArray(snapshot.key) &&
      snapshot.key.length === 2 &&
      snapshot.key.every(isUint32) &&
      Array.isArray(snapshot.state) &&
      snapshot.state.length === 4 &&
      snapshot.state.every(isInt32) &&
      snapshot.state.some((w) => w !== 0) &&
      (snapshot.spareNormal === null || Number.isFinite(snapshot.spareNormal));
    if (!ok) {
      throw new InvalidArgumentError(
        'Rng.restore snapshot',
        snapshot,
        'an RngSnapshot: algorithm xoroshiro128plus, two uint32 key words, four int32 state words not all 0',
      );
    }
    this.key = [snapshot.key[0], snapshot.key[1]];
    this.gen = xoroshiro128plusFromState(snapshot.state);
    this.hasSpare = snapshot.spareNormal !== null;
    this.spare = snapshot.spareNormal ?? 0;
  }

  private next53(): number {
    const a = this.gen.next() >>> 0;
    const b = this.gen.next() >>> 11;
    return a * 2_097_152 + b;
  }

  private poissonPtrs(mean: number): number {
    const slam = Math.sqrt(mean);
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.nextDouble() - 0.5;
      const v = this.nextDouble();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
        -mean + k * logMean - logFactorial(k)
      ) {
        return k;
      }
    }
  }
}
