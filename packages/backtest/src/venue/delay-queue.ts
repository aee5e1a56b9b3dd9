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
  #times: number[] = [];
  #items: (T | undefined)[] = [];
  #head = 0;
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
    return this.#times.length - this.#head;
  }

  /** The earliest time a new message can be due: the due time of the last one queued. */
  get lastDueUs(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.#last;
  }

  /** Queues `item`, due at `atUs` or when the message ahead of it is, whichever is later; returns that time. */
  push(atUs: UnixMicros, item: T): UnixMicros {
    const at = this.size > 0 && this.#last > atUs ? this.#last : atUs;
    this.#times.push(at);
    this.#items.push(item);
    this.#last = at;
    return at;
  }

  /** The head message if it is due at or before `nowUs` (removing it), else undefined. */
  shiftDue(nowUs: UnixMicros): T | undefined {
    if (this.#head >= this.#times.length || this.#times[this.#head]! > nowUs) return undefined;
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#times.length) {
      this.#times.length = 0;
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Makes sure an alarm is set for the head message, if any. */
  schedule(): void {
    if (this.#head >= this.#times.length) return;
    const due = this.#times[this.#head]!;
    if (due >= this.#alarmAt) return;
    if (this.#alarm !== undefined) this.#clock.cancel(this.#alarm);
    this.#alarmAt = due;
    this.#alarm = this.#clock.setAlarm(due, this.#fire, this.#name);
  }

  /** Drops every message and the alarm; returns how many messages were dropped. */
  clear(): number {
    const dropped = this.size;
    this.#times = [];
    this.#items = [];
    this.#head = 0;
    if (this.#alarm !== undefined) this.#clock.cancel(this.#alarm);
    this.#alarm = undefined;
    this.#alarmAt = Number.POSITIVE_INFINITY;
    return dropped;
  }
}
