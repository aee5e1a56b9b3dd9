import type { UnixMicros } from '../clock/index.js';
import { InvalidArgumentError } from '../errors/index.js';

/**
 * Detects `threshold` occurrences within `windowUs`: keeps the timestamps of the last
 * `threshold` occurrences in a fixed ring (no allocation per hit). Used by the circuit breakers
 * for reject storms and repeated latency breaches.
 *
 * @example
 * ```ts
 * const storm = new SlidingWindowCounter(5, 10 * MICROS_PER_SECOND);
 * if (storm.hit(clock.nowUs())) tripBreaker(); // the 5th reject within 10 s
 * ```
 */
export class SlidingWindowCounter {
  /** Occurrences that trip. */
  readonly threshold: number;
  /** The window, in microseconds. */
  readonly windowUs: number;
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  /** @throws InvalidArgumentError unless threshold is an integer ≥ 1 and windowUs > 0. */
  constructor(threshold: number, windowUs: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1) {
      throw new InvalidArgumentError('SlidingWindowCounter threshold', threshold, 'an integer >= 1');
    }
    if (!(windowUs > 0) || !Number.isFinite(windowUs)) {
      throw new InvalidArgumentError('SlidingWindowCounter windowUs', windowUs, 'a finite number > 0');
    }
    this.threshold = threshold;
    this.windowUs = windowUs;
    this.#ring = new Float64Array(threshold);
  }

  /** Records one occurrence at `tsUs`; true when it is the `threshold`-th within the window. */
  hit(tsUs: UnixMicros): boolean {
    const ring = this.#ring;
    ring[this.#next] = tsUs;
    this.#next = this.#next + 1 === ring.length ? 0 : this.#next + 1;
    if (this.#count < ring.length) this.#count++;
    // After the write, the next slot holds the oldest of the last `threshold` occurrences.
    return this.#count === ring.length && tsUs - ring[this.#next]! <= this.windowUs;
  }

  /** Occurrences within the window ending at `nowUs`. */
  countWithin(nowUs: UnixMicros): number {
    let n = 0;
    for (let i = 0; i < this.#count; i++) if (nowUs - this.#ring[i]! <= this.windowUs) n++;
    return n;
  }

  /** Forgets every occurrence. */
  reset(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
