import type { HandlerError } from '../errors/index.js';
import type { UnixMicros } from './time.js';

/** What a timer or alarm callback receives each time it fires. */
export interface TimeEvent {
  /** The timer's or alarm's name. */
  readonly name: string;
  /** The time the firing was scheduled for. */
  readonly tsEvent: UnixMicros;
  /** The clock's time when the event was created: equal to `tsEvent` under a `SimClock`, at or after it live. */
  readonly tsInit: UnixMicros;
}

/** A timer or alarm callback. */
export type TimerCallback = (event: TimeEvent) => void;

/**
 * A repeating timer. It fires at `startUs + k * intervalUs` for k = 1, 2, ... (k = 0 too with
 * `fireImmediately`), up to and including `stopUs`. Due times already past when the timer is set
 * are skipped, so the grid stays aligned to `startUs`; after that every due time fires exactly
 * once, in order, even if the process fell behind.
 */
export interface TimerSpec {
  /** A label carried by every {@link TimeEvent}; need not be unique. */
  readonly name: string;
  /** Microseconds between firings: a positive integer. */
  readonly intervalUs: number;
  /** Anchor of the firing grid; defaults to the current time. */
  readonly startUs?: UnixMicros;
  /** Last time the timer may fire (inclusive); defaults to never stopping. */
  readonly stopUs?: UnixMicros;
  /** Also fire at `startUs` itself. */
  readonly fireImmediately?: boolean;
  /** Called on every firing. */
  readonly callback: TimerCallback;
}

/** A pending timer or alarm, as returned by {@link Clock.setTimer} and {@link Clock.setAlarm}. */
export interface TimerHandle {
  /** Creation sequence number, unique per clock; ties between equal due times fire in this order. */
  readonly id: number;
  /** The name given when it was set. */
  readonly name: string;
  /** True until it is cancelled or has fired for the last time. */
  readonly active: boolean;
  /** When it fires next, or `undefined` once inactive. */
  readonly nextDueUs: UnixMicros | undefined;
}

/** Options shared by every clock. */
export interface ClockOptions {
  /**
   * Receives errors thrown by timer callbacks, wrapped in a `HandlerError` whose subscriber is the
   * timer's name. Defaults to writing them to stderr. A throwing `onError` is written to stderr.
   */
  readonly onError?: (error: HandlerError, event: TimeEvent) => void;
}

/**
 * The only source of time in QuantKubera: code never reads the wall clock, it asks a Clock.
 * `LiveClock` follows real time; `SimClock` is advanced by a replay, so a backtest cannot see the
 * future. Both fire due callbacks in `(due time, id)` order and contain callback errors.
 *
 * @example
 * ```ts
 * function scheduleBarClose(clock: Clock, onClose: (ts: UnixMicros) => void): TimerHandle {
 *   return clock.setTimer({
 *     name: 'bar-1m',
 *     intervalUs: MICROS_PER_MINUTE,
 *     startUs: Math.floor(clock.nowUs() / MICROS_PER_MINUTE) * MICROS_PER_MINUTE,
 *     callback: (event) => onClose(event.tsEvent),
 *   });
 * }
 * ```
 */
export interface Clock {
  /** The current time in integer epoch microseconds; never decreases. */
  nowUs(): UnixMicros;
  /** Sets a repeating timer; see {@link TimerSpec} for when it fires. */
  setTimer(spec: TimerSpec): TimerHandle;
  /**
   * Sets a one-shot alarm at `atUs`. An alarm at or before the current time is not an error
   * (live, "now" is already past by the time it is set): it is due at the current time and fires
   * at the next opportunity, with `tsEvent` equal to the time it was set.
   */
  setAlarm(atUs: UnixMicros, callback: TimerCallback, name?: string): TimerHandle;
  /** Cancels a pending timer or alarm; returns false if it was not pending on this clock. */
  cancel(handle: TimerHandle): boolean;
  /** Cancels every pending timer and alarm; returns how many there were. */
  cancelAll(): number;
  /** The earliest pending due time, or `undefined` when nothing is pending. */
  nextDueUs(): UnixMicros | undefined;
  /** Number of pending timers and alarms. */
  readonly pendingCount: number;
}
