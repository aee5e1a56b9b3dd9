import { inspect } from 'node:util';
import { ClockError, HandlerError } from '../errors/index.js';
import type { Clock, ClockOptions, TimeEvent, TimerCallback, TimerHandle, TimerSpec } from './clock.js';
import { isUnixMicros, type UnixMicros } from './time.js';
import { type HeapEntry, TimerHeap } from './timer-heap.js';

/** A timer or alarm; it is also the handle given to callers. Alarms have `intervalUs` 0. */
class Timer implements HeapEntry, TimerHandle {
  heapIndex = -1;

  constructor(
    readonly seq: number,
    readonly name: string,
    public dueUs: UnixMicros,
    readonly intervalUs: number,
    readonly stopUs: number,
    readonly callback: TimerCallback,
  ) {}

  get id(): number {
    return this.seq;
  }

  get active(): boolean {
    return this.heapIndex >= 0;
  }

  get nextDueUs(): UnixMicros | undefined {
    return this.heapIndex >= 0 ? this.dueUs : undefined;
  }
}

/**
 * The timer bookkeeping shared by {@link LiveClock} and {@link SimClock}: a heap of pending timers
 * keyed by `(due time, id)` and the loop that fires the due ones. Subclasses supply `nowUs()`
 * and decide when to call {@link BaseClock.fireDue}.
 */
export abstract class BaseClock implements Clock {
  private readonly heap = new TimerHeap<Timer>();
  private lastId = 0;
  private readonly onError: NonNullable<ClockOptions['onError']>;

  constructor(options: ClockOptions = {}) {
    this.onError = options.onError ?? writeToStderr;
  }

  /** The current time in integer epoch microseconds; never decreases. */
  abstract nowUs(): UnixMicros;

  /** The pending timer due first, if any (an object, so reading its time allocates nothing). */
  protected nextTimer(): { readonly dueUs: UnixMicros } | undefined {
    return this.heap.peek();
  }

  /** Number of pending timers and alarms. */
  get pendingCount(): number {
    return this.heap.size;
  }

  /** The earliest pending due time, or `undefined` when nothing is pending. */
  nextDueUs(): UnixMicros | undefined {
    return this.heap.peek()?.dueUs;
  }

  /** Sets a repeating timer; see {@link TimerSpec} for when it fires. */
  setTimer(spec: TimerSpec): TimerHandle {
    const { intervalUs } = spec;
    if (!Number.isSafeInteger(intervalUs) || intervalUs <= 0) {
      throw new ClockError(`timer ${spec.name}: intervalUs must be a positive integer, got ${intervalUs}`);
    }
    const now = this.nowUs();
    const startUs = spec.startUs ?? now;
    const stopUs = spec.stopUs ?? Number.POSITIVE_INFINITY;
    checkTime(`timer ${spec.name}: startUs`, startUs);
    if (spec.stopUs !== undefined) checkTime(`timer ${spec.name}: stopUs`, spec.stopUs);
    if (stopUs < startUs) {
      throw new ClockError(`timer ${spec.name}: stopUs ${stopUs} is before startUs ${startUs}`);
    }
    let dueUs = spec.fireImmediately === true ? startUs : startUs + intervalUs;
    // Skip grid points that passed before the timer existed, keeping the grid aligned to startUs.
    if (dueUs < now) dueUs += Math.ceil((now - dueUs) / intervalUs) * intervalUs;
    const timer = new Timer(++this.lastId, spec.name, dueUs, intervalUs, stopUs, spec.callback);
    // A timer whose whole window has passed never fires; its handle is simply inactive.
    if (dueUs <= stopUs) this.schedule(timer);
    return timer;
  }

  /** Sets a one-shot alarm; one at or before the current time is due now (see {@link Clock.setAlarm}). */
  setAlarm(atUs: UnixMicros, callback: TimerCallback, name?: string): TimerHandle {
    const id = ++this.lastId;
    const label = name ?? `alarm-${id}`;
    checkTime(`alarm ${label}: atUs`, atUs);
    const dueUs = Math.max(atUs, this.nowUs());
    const timer = new Timer(id, label, dueUs, 0, dueUs, callback);
    this.schedule(timer);
    return timer;
  }

  /** Cancels a pending timer or alarm; returns false if it was not pending on this clock. */
  cancel(handle: TimerHandle): boolean {
    if (!(handle instanceof Timer) || !this.heap.remove(handle)) return false;
    this.scheduleChanged();
    return true;
  }

  /** Cancels every pending timer and alarm; returns how many there were. */
  cancelAll(): number {
    const count = this.heap.size;
    this.heap.clear();
    if (count > 0) this.scheduleChanged();
    return count;
  }

  /** Hook: the earliest due time may have changed. `LiveClock` re-arms its OS timer here. */
  protected scheduleChanged(): void {}

  /**
   * Fires every timer due at or before `untilUs`, in `(due time, id)` order, including timers the
   * callbacks set along the way. `enter(dueUs)` runs before each callback (a `SimClock` moves
   * its time there). Returns how many callbacks ran.
   */
  protected fireDue(untilUs: UnixMicros, enter?: (dueUs: UnixMicros) => void): number {
    let fired = 0;
    for (;;) {
      const timer = this.heap.peek();
      if (timer === undefined || timer.dueUs > untilUs) return fired;
      this.heap.pop();
      const tsEvent = timer.dueUs;
      // Reschedule before the callback runs, so the callback can cancel its own timer.
      if (timer.intervalUs > 0 && tsEvent + timer.intervalUs <= timer.stopUs) {
        timer.dueUs = tsEvent + timer.intervalUs;
        this.heap.push(timer);
      }
      enter?.(tsEvent);
      const event: TimeEvent = { name: timer.name, tsEvent, tsInit: this.nowUs() };
      fired++;
      try {
        timer.callback(event);
      } catch (cause) {
        this.report(new HandlerError('TimeEvent', timer.name, cause), event);
      }
    }
  }

  private schedule(timer: Timer): void {
    this.heap.push(timer);
    if (this.heap.peek() === timer) this.scheduleChanged();
  }

  private report(error: HandlerError, event: TimeEvent): void {
    try {
      this.onError(error, event);
    } catch (reporterError) {
      // Never recurse into onError: the reporter itself failed, so fall back to stderr.
      writeToStderr(error);
      process.stderr.write(`clock onError threw: ${inspect(reporterError)}\n`);
    }
  }
}

function checkTime(what: string, value: number): void {
  if (!isUnixMicros(value)) {
    throw new ClockError(`${what} must be a non-negative integer of microseconds, got ${value}`);
  }
}

function writeToStderr(error: Error): void {
  process.stderr.write(`${inspect(error)}\n`);
}
