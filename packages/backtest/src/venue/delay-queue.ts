import type { Clock, TimerHandle, UnixMicros } from '@quantkubera/core';

/**
 * A first-in first-out queue of messages in flight, each due at a time, delivered in order: a
 * message is never due before the one ahead of it (like one TCP connection), so a cancel never
 * overtakes its submit and a fill never overtakes its ack. One clock alarm, for the head, wakes
 * the owner; the callback is bound once, so queueing allocates no closure.
 */
export class DelayQueue<T> {
  readonly #clock: Clock;
  readonly #name: string;
  readonly #wake: () => void;
  readonly #fire = (): void => {
    this.#alarm = undefined;
    this.#alarmAt = Number.POSITIVE_INFINITY;
    this.#wake();
  };
  // The messages in flight are slots [#head, #tail) of two arrays that keep their storage when
  // the queue empties: setting an array's length to 0 drops its backing store, and the next
  // push allocated a new one (a few hundred bytes per order on a backtest's order path).
  readonly #times: number[] = [];
  readonly #items: (T | undefined)[] = [];
  #head = 0;
  #tail = 0;
  #last = Number.NEGATIVE_INFINITY;
  #alarm: TimerHandle | undefined;
  #alarmAt = Number.POSITIVE_INFINITY;

  /** A queue on `clock` whose alarms are named `name` and call `wake` when the head is due. */
  constructor(clock: Clock, name: string, wake: () => void) {
    this.#clock = clock;
    this.#name = name;
    this.#wake = wake;
  }

  /** Messages in flight. */
  get size(): number {
    return this.#tail - this.#head;
  }

  /** The earliest time a new message can be due: the due time of the last one queued. */
  get lastDueUs(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.#last;
  }

  /** Queues `item`, due at `atUs` or when the message ahead of it is, whichever is later; returns that time. */
  push(atUs: UnixMicros, item: T): UnixMicros {
    const at = this.size > 0 && this.#last > atUs ? this.#last : atUs;
    const tail = this.#tail;
    if (tail < this.#times.length) {
      this.#times[tail] = at;
      this.#items[tail] = item;
    } else {
      this.#times.push(at);
      this.#items.push(item);
    }
    this.#tail = tail + 1;
    this.#last = at;
    return at;
  }

  /** The head message if it is due at or before `nowUs` (removing it), else undefined. */
  shiftDue(nowUs: UnixMicros): T | undefined {
    const head = this.#head;
    if (head >= this.#tail || this.#times[head]! > nowUs) return undefined;
    const item = this.#items[head]!;
    this.#items[head] = undefined;
    if (head + 1 === this.#tail) {
      this.#head = 0;
      this.#tail = 0;
    } else if (head >= 1023 && (head + 1) * 2 >= this.#tail) {
      // Mostly consumed: move the rest to the front (no allocation; the arrays keep their length).
      const rest = this.#tail - head - 1;
      this.#times.copyWithin(0, head + 1, this.#tail);
      this.#items.copyWithin(0, head + 1, this.#tail);
      this.#items.fill(undefined, rest, this.#tail);
      this.#head = 0;
      this.#tail = rest;
    } else {
      this.#head = head + 1;
    }
    return item;
  }

  /** Makes sure an alarm is set for the head message, if any. */
  schedule(): void {
    if (this.#head >= this.#tail) return;
    const due = this.#times[this.#head]!;
    if (due >= this.#alarmAt) return;
    if (this.#alarm !== undefined) this.#clock.cancel(this.#alarm);
    this.#alarmAt = due;
    this.#alarm = this.#clock.setAlarm(due, this.#fire, this.#name);
  }

  /** Drops every message and the alarm; returns how many messages were dropped. */
  clear(): number {
    const dropped = this.size;
    this.#items.fill(undefined, this.#head, this.#tail);
    this.#head = 0;
    this.#tail = 0;
    if (this.#alarm !== undefined) this.#clock.cancel(this.#alarm);
    this.#alarm = undefined;
    this.#alarmAt = Number.POSITIVE_INFINITY;
    return dropped;
  }
}
