import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClockError, type HandlerError } from '../errors/index.js';
import type { TimeEvent } from './clock.js';
import { LiveClock } from './live-clock.js';
import { MICROS_PER_MILLI, MICROS_PER_SECOND } from './time.js';

const clocks: LiveClock[] = [];
function makeClock(options?: ConstructorParameters<typeof LiveClock>[0]): LiveClock {
  const clock = new LiveClock(options);
  clocks.push(clock);
  return clock;
}
afterEach(() => {
  for (const clock of clocks.splice(0)) clock.dispose();
});

/** The clock's single Node timeout; private, read here to check arming and unref. */
const nodeTimeout = (clock: LiveClock): NodeJS.Timeout | undefined =>
  (clock as unknown as { timeout: NodeJS.Timeout | undefined }).timeout;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LiveClock', () => {
  it('returns integer epoch microseconds that never decrease', () => {
    const clock = makeClock();
    let prev = clock.nowUs();
    // Sanity check of the epoch and unit only: within a day of Date.now() in microseconds.
    expect(Math.abs(prev - Date.now() * MICROS_PER_MILLI)).toBeLessThan(86_400 * MICROS_PER_SECOND);
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      const now = clock.nowUs();
      if (now < prev || !Number.isSafeInteger(now)) bad++;
      prev = now;
    }
    expect(bad).toBe(0);
  });

  it('fires a short alarm once, not before its scheduled time', async () => {
    const clock = makeClock();
    const at = clock.nowUs() + 3 * MICROS_PER_MILLI;
    const event = await new Promise<TimeEvent>((resolve) => clock.setAlarm(at, resolve, 'short'));
    expect(event.name).toBe('short');
    expect(event.tsEvent).toBe(at);
    expect(event.tsInit).toBeGreaterThanOrEqual(at);
    expect(clock.pendingCount).toBe(0);
  });

  it('fires an alarm set in the past as soon as possible', async () => {
    const clock = makeClock();
    const setAt = clock.nowUs();
    const event = await new Promise<TimeEvent>((resolve) => clock.setAlarm(0, resolve));
    expect(event.tsEvent).toBeGreaterThanOrEqual(setAt);
  });

  it('fires a repeating timer on its grid until cancelled', async () => {
    const clock = makeClock();
    const startUs = clock.nowUs();
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      const handle = clock.setTimer({
        name: 'tick',
        intervalUs: 2 * MICROS_PER_MILLI,
        startUs,
        callback: (e) => {
          seen.push(e.tsEvent);
          if (seen.length === 3) {
            clock.cancel(handle);
            resolve();
          }
        },
      });
    });
    expect(seen).toEqual([1, 2, 3].map((k) => startUs + k * 2 * MICROS_PER_MILLI));
    await sleep(10);
    expect(seen).toHaveLength(3);
  });

  it('fires same-time alarms in creation order', async () => {
    const clock = makeClock();
    const at = clock.nowUs() + MICROS_PER_MILLI;
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      clock.setAlarm(at, () => order.push('a'));
      clock.setAlarm(at, () => order.push('b'));
      clock.setAlarm(at, () => {
        order.push('c');
        resolve();
      });
    });
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('contains callback errors and keeps firing', async () => {
    const errors: HandlerError[] = [];
    const clock = makeClock({ onError: (err) => errors.push(err) });
    const at = clock.nowUs() + MICROS_PER_MILLI;
    clock.setAlarm(
      at,
      () => {
        throw new Error('live boom');
      },
      'bad',
    );
    await new Promise<TimeEvent>((resolve) => clock.setAlarm(at, resolve));
    expect(errors.map((e) => e.subscriber)).toEqual(['bad']);
  });

  it('re-arms for an earlier timer and after cancelling the earliest', async () => {
    const clock = makeClock();
    const fired: string[] = [];
    const far = clock.setAlarm(clock.nowUs() + 60 * MICROS_PER_SECOND, () => fired.push('far'));
    const soonest = clock.setAlarm(clock.nowUs() + MICROS_PER_MILLI, () => fired.push('cancelled'));
    clock.cancel(soonest);
    await new Promise<void>((resolve) => {
      clock.setAlarm(clock.nowUs() + 2 * MICROS_PER_MILLI, () => {
        fired.push('soon');
        resolve();
      });
    });
    expect(fired).toEqual(['soon']);
    expect(far.active).toBe(true);
  });

  it('dispose() cancels everything, releases the Node timer and refuses new timers', async () => {
    const clock = makeClock();
    let fired = false;
    clock.setAlarm(clock.nowUs() + MICROS_PER_MILLI, () => {
      fired = true;
    });
    clock.setTimer({ name: 't', intervalUs: MICROS_PER_MILLI, callback: () => {} });
    clock.dispose();
    expect(clock.pendingCount).toBe(0);
    expect(nodeTimeout(clock)).toBeUndefined();
    await sleep(10);
    expect(fired).toBe(false);
    expect(() => clock.setAlarm(0, () => {})).toThrow(ClockError);
    expect(() => clock.setTimer({ name: 't', intervalUs: 1, callback: () => {} })).toThrow(ClockError);
  });

  it('unrefs its Node timer when asked', () => {
    const refd = makeClock();
    const unrefd = makeClock({ unref: true });
    refd.setAlarm(refd.nowUs() + MICROS_PER_SECOND, () => {});
    unrefd.setAlarm(unrefd.nowUs() + MICROS_PER_SECOND, () => {});
    expect(nodeTimeout(refd)?.hasRef()).toBe(true);
    expect(nodeTimeout(unrefd)?.hasRef()).toBe(false);
  });

  it('caps the Node delay for far-off timers instead of overflowing', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const clock = makeClock({ unref: true });
    let fired = false;
    const handle = clock.setAlarm(clock.nowUs() + 365 * 86_400 * MICROS_PER_SECOND, () => {
      fired = true;
    });
    expect(handle.active).toBe(true);
    expect(nodeTimeout(clock)).toBeDefined();
    // An overflowing delay would make Node warn and fire after 1 ms.
    expect(warn).not.toHaveBeenCalled();
    expect(fired).toBe(false);
    warn.mockRestore();
  });
});
