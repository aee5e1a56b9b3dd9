import type { UnixMicros } from '../clock/index.js';
import { InvalidArgumentError } from '../errors/index.js';

/**
 * A token bucket on clock time: holds up to `capacity` tokens, refills `perSecond` tokens per
 * second of the run's Clock (so it is deterministic under a `SimClock`), and each admitted order
 * takes one. Allows bursts of `capacity`, then a sustained `perSecond`.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(10, 5, clock.nowUs()); // bursts of 10, 5 orders/s sustained
 * if (!bucket.tryTake(clock.nowUs())) deny('ORDER_RATE');
 * ```
 */
export class TokenBucket {
  /** Most tokens the bucket holds. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly perSecond: number;
  // Initialised so that V8 stores these doubles unboxed (an undeclared start is `undefined`).
  #tokens = 0;
  #lastUs: UnixMicros = 0;

  /**
   * Starts full at `nowUs`.
   *
   * @throws InvalidArgumentError unless capacity ≥ 1 and perSecond > 0 (both finite).
   */
  constructor(capacity: number, perSecond: number, nowUs: UnixMicros) {
    if (!(capacity >= 1) || !Number.isFinite(capacity)) {
      throw new InvalidArgumentError('TokenBucket capacity', capacity, 'a finite number >= 1');
    }
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
      throw new InvalidArgumentError('TokenBucket perSecond', perSecond, 'a finite number > 0');
    }
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.#tokens = capacity;
    this.#lastUs = nowUs;
  }

  /** Tokens available at `nowUs` (refills first). */
  available(nowUs: UnixMicros): number {
    this.#refill(nowUs);
    return this.#tokens;
  }

  /** Takes one token if one is available at `nowUs`; false when the rate is exceeded. */
  tryTake(nowUs: UnixMicros): boolean {
    this.#refill(nowUs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Gives back a token taken by a request that was then refused elsewhere. */
  refund(): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + 1);
  }

  #refill(nowUs: UnixMicros): void {
    // Time never runs backwards through a Clock; ignore it if a caller passes an older stamp.
    if (nowUs <= this.#lastUs) return;
    this.#tokens = Math.min(
      this.capacity,
      this.#tokens + ((nowUs - this.#lastUs) * this.perSecond) / 1_000_000,
    );
    this.#lastUs = nowUs;
  }
}
