import { Observable } from 'rxjs';
import type { Clock, TimerHandle } from '../clock/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import type { CanonicalEvent } from '../schemas/index.js';
import { type ReadWalOptions, readWal } from './wal-reader.js';

/** Options of {@link replayPaced$}. */
export interface PacedReplayOptions extends ReadWalOptions {
  /** The clock replay time follows: a `SimClock` in tests and backtests, a `LiveClock` for demos. */
  readonly clock: Clock;
  /** How many times faster than recorded: 1 is real time, 10 ten times faster. Default 1. */
  readonly speed?: number;
}

/**
 * Replays a log paced against a clock: the first delivered event is emitted at subscription,
 * each later one when the clock reaches `start + (tsEvent - firstTsEvent) / speed`. Events whose
 * `tsEvent` goes backwards are emitted right after their predecessor, so log order is kept.
 * Cold: every subscription replays from the start; unsubscribing cancels the pending alarm.
 *
 * @example
 * ```ts
 * const clock = new SimClock(startUs);
 * replayPaced$(dir, { clock, speed: 10 }).subscribe((e) => bus.publish(e));
 * clock.advanceBy(MICROS_PER_SECOND); // emits what was recorded in the first 10 s
 * ```
 */
export function replayPaced$(dir: string, options: PacedReplayOptions): Observable<CanonicalEvent> {
  const speed = options.speed ?? 1;
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new InvalidArgumentError('replayPaced$ speed', speed, 'a finite number > 0');
  }
  const clock = options.clock;
  return new Observable<CanonicalEvent>((subscriber) => {
    const reader = readWal(dir, options);
    const anchorUs = clock.nowUs();
    let firstTs = -1;
    let lastDue = anchorUs;
    let pending: CanonicalEvent | undefined;
    let pendingDue = 0;
    let alarm: TimerHandle | undefined;
    const pump = (): void => {
      alarm = undefined;
      try {
        for (;;) {
          if (subscriber.closed) return;
          let event = pending;
          let due = pendingDue;
          pending = undefined;
          if (event === undefined) {
            event = reader.next();
            if (event === undefined) {
              subscriber.complete();
              return;
            }
            if (firstTs < 0) firstTs = event.tsEvent;
            due = Math.max(lastDue, anchorUs + Math.ceil((event.tsEvent - firstTs) / speed));
            lastDue = due;
          }
          if (due > clock.nowUs()) {
            pending = event;
            pendingDue = due;
            alarm = clock.setAlarm(due, pump, 'wal-paced-replay');
            return;
          }
          subscriber.next(event);
        }
      } catch (error) {
        subscriber.error(error);
      }
    };
    pump();
    return () => {
      if (alarm !== undefined) clock.cancel(alarm);
      reader.close();
    };
  });
}
