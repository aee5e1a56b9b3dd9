import { performance } from 'node:perf_hooks';
import { ClockError } from '../errors/index.js';
import { BaseClock } from './base-clock.js';
import type { ClockOptions, TimerCallback, TimerHandle, TimerSpec } from './clock.js';
import { MICROS_PER_MILLI, type UnixMicros } from './time.js';

/** Node clamps longer `setTimeout` delays to 1 ms, so far-off timers are reached in hops. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Options for a {@link LiveClock}. */
export interface LiveClockOptions extends ClockOptions {
  /** Let the process exit while timers are pending (Node's `timeout.unref()`). Default false. */
  readonly unref?: boolean;
}

/**
 * Real time. `nowUs()` is `performance.timeOrigin + performance.now()` in integer microseconds:
 * it follows the monotonic clock, so it never goes backwards when the system clock is stepped
 * (it may drift from the wall clock by however far the wall clock is stepped after start).
 * All pending timers share one Node timeout armed for the earliest due time.
 *
 * @example
 * ```ts
 * const clock = new LiveClock({ unref: true });
 * clock.setAlarm(clock.nowUs() + 5 * MICROS_PER_SECOND, (e) => console.log('late by', e.tsInit - e.tsEvent));
 * // on shutdown
 * clock.dispose();
 * ```
 */
export class LiveClock extends BaseClock {
  private readonly originUs = Math.round(performance.timeOrigin * MICROS_PER_MILLI);
  private lastUs = 0;
  private readonly unref: boolean;
  private timeout: NodeJS.Timeout | undefined;
  private armedForUs: UnixMicros | undefined;
  private firing = false;
  private disposed = false;
  private readonly wake = (): void => {
    this.timeout = undefined;
    this.armedForUs = undefined;
    this.firing = true;
    try {
      this.fireDue(this.nowUs());
    } finally {
      this.firing = false;
      this.scheduleChanged();
    }
  };

  /** Creates a clock; timers keep the process alive unless `unref` is set. */
  constructor(options: LiveClockOptions = {}) {
    super(options);
    this.unref = options.unref ?? false;
  }

  /** The current time in integer epoch microseconds, from the monotonic clock. */
  nowUs(): UnixMicros {
    const us = this.originUs + Math.floor(performance.now() * MICROS_PER_MILLI);
    // performance.now() is monotonic already; this guard keeps the promise even if a runtime slips.
    if (us > this.lastUs) this.lastUs = us;
    return this.lastUs;
  }

  /** Sets a repeating timer; late firings are caught up in order (see {@link TimerSpec}). */
  override setTimer(spec: TimerSpec): TimerHandle {
    this.assertLive();
    return super.setTimer(spec);
  }

  /** Sets a one-shot alarm; one in the past fires as soon as the event loop allows. */
  override setAlarm(atUs: UnixMicros, callback: TimerCallback, name?: string): TimerHandle {
    this.assertLive();
    return super.setAlarm(atUs, callback, name);
  }

  /** Cancels every timer and releases the Node timeout; later `setTimer`/`setAlarm` throw. */
  dispose(): void {
    this.disposed = true;
    this.cancelAll();
    this.disarm();
  }

  protected override scheduleChanged(): void {
    // The wake handler re-arms once after firing everything due, instead of once per change.
    if (this.firing) return;
    const next = this.nextDueUs();
    if (next === this.armedForUs) return;
    this.disarm();
    if (next === undefined) return;
    const delayMs = Math.ceil((next - this.nowUs()) / MICROS_PER_MILLI);
    // Node may wake a little early by its own millisecond clock; wake() then just re-arms.
    this.timeout = setTimeout(this.wake, Math.min(Math.max(delayMs, 0), MAX_TIMEOUT_MS));
    if (this.unref) this.timeout.unref();
    this.armedForUs = next;
  }

  private disarm(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    this.timeout = undefined;
    this.armedForUs = undefined;
  }

  private assertLive(): void {
    if (this.disposed) throw new ClockError('LiveClock is disposed');
  }
}
