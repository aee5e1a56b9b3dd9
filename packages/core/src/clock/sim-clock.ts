import { ClockError } from '../errors/index.js';
import { BaseClock } from './base-clock.js';
import type { ClockOptions } from './clock.js';
import { isUnixMicros, type UnixMicros } from './time.js';

/**
 * Virtual time for backtests and replays: time stands still until the driver advances it, and
 * every timer fires at exactly its scheduled time. Firing order is `(due time, id)`, so the same
 * schedule always produces the same sequence of callbacks.
 *
 * @example
 * ```ts
 * const clock = new SimClock(microsFromDate('2024-01-02T03:45:00Z'));
 * for (const event of events) {
 *   clock.advanceTo(event.tsEvent); // fires every timer due up to the event, in order
 *   bus.publish(event);
 * }
 * ```
 */
export class SimClock extends BaseClock {
  private now: UnixMicros = 0;
  private advancing = false;
  // Bound once so advancing allocates no closure.
  private readonly enter = (dueUs: UnixMicros): void => {
    this.now = dueUs;
  };

  /** Starts virtual time at `startUs` (default: the epoch). */
  constructor(startUs: UnixMicros = 0, options?: ClockOptions) {
    super(options);
    if (!isUnixMicros(startUs)) {
      throw new ClockError(`SimClock startUs must be a non-negative integer of microseconds, got ${startUs}`);
    }
    this.now = startUs;
  }

  /** The current virtual time; inside a callback, that callback's scheduled time. */
  nowUs(): UnixMicros {
    return this.now;
  }

  /**
   * Moves time forward to `us`, firing every timer and alarm due at or before it in
   * `(due time, id)` order, with `nowUs()` set to each one's scheduled time while it runs. Timers
   * that callbacks set or cancel along the way are honoured. Returns how many callbacks ran.
   *
   * @throws ClockError if `us` is before the current time, not an integer, or if called from
   * inside a timer callback (which would reorder time).
   */
  advanceTo(us: UnixMicros): number {
    if (!isUnixMicros(us)) {
      throw new ClockError(
        `SimClock.advanceTo: time must be a non-negative integer of microseconds, got ${us}`,
      );
    }
    if (us < this.now) {
      throw new ClockError(`SimClock cannot move backwards from ${this.now} to ${us}`);
    }
    if (this.advancing) {
      throw new ClockError('SimClock.advanceTo called from inside a timer callback');
    }
    this.advancing = true;
    try {
      const fired = this.fireDue(us, this.enter);
      this.now = us;
      return fired;
    } finally {
      this.advancing = false;
    }
  }

  /**
   * Moves time forward to `event.tsEvent` when that is later than now: the step of a replay
   * loop, the same as `if (event.tsEvent > clock.nowUs()) clock.advanceTo(event.tsEvent)`. It takes
   * the event rather than its timestamp because V8 allocates a box for a double passed to a call
   * it does not inline, and epoch microseconds are never small integers: this way a replay
   * allocates nothing per event to move its clock. Returns how many callbacks ran.
   *
   * @throws ClockError as {@link SimClock.advanceTo} does.
   */
  advanceToEvent(event: { readonly tsEvent: UnixMicros }): number {
    const us = event.tsEvent;
    if (!(us > this.now)) return 0;
    // Everything on the usual path is inline (no call takes `us`); errors and due timers go
    // through advanceTo.
    if (this.advancing || !Number.isSafeInteger(us)) return this.advanceTo(us);
    const next = this.nextTimer();
    if (next !== undefined && next.dueUs <= us) return this.advanceTo(us);
    this.now = us;
    return 0;
  }

  /** Moves time forward by `deltaUs` (a non-negative integer); see {@link SimClock.advanceTo}. */
  advanceBy(deltaUs: number): number {
    if (!Number.isSafeInteger(deltaUs) || deltaUs < 0) {
      throw new ClockError(`SimClock.advanceBy: delta must be a non-negative integer, got ${deltaUs}`);
    }
    return this.advanceTo(this.now + deltaUs);
  }
}
