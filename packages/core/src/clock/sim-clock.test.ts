import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClockError, HandlerError } from '../errors/index.js';
import type { TimeEvent } from './clock.js';
import { SimClock } from './sim-clock.js';

/** Records every firing as `name@tsEvent (now=nowUs)`. */
function recorder(clock: SimClock) {
  const log: string[] = [];
  const cb =
    (name: string) =>
    (e: TimeEvent): void => {
      log.push(`${name}@${e.tsEvent}`);
      expect(e.tsInit).toBe(e.tsEvent);
      expect(clock.nowUs()).toBe(e.tsEvent);
    };
  return { log, cb };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SimClock basics', () => {
  it('starts at the given time and only moves when advanced', () => {
    expect(new SimClock().nowUs()).toBe(0);
    const clock = new SimClock(1_000);
    expect(clock.nowUs()).toBe(1_000);
    expect(clock.advanceTo(5_000)).toBe(0);
    expect(clock.nowUs()).toBe(5_000);
    clock.advanceBy(250);
    expect(clock.nowUs()).toBe(5_250);
    clock.advanceTo(5_250); // standing still is allowed
    expect(clock.nowUs()).toBe(5_250);
  });

  it('throws ClockError when moving backwards or given bad times', () => {
    const clock = new SimClock(100);
    expect(() => clock.advanceTo(99)).toThrow(ClockError);
    expect(() => clock.advanceTo(99)).toThrow(/backwards from 100 to 99/);
    expect(() => clock.advanceTo(100.5)).toThrow(ClockError);
    expect(() => clock.advanceBy(-1)).toThrow(ClockError);
    expect(() => new SimClock(-1)).toThrow(ClockError);
    expect(clock.nowUs()).toBe(100);
  });

  it('validates timer and alarm arguments', () => {
    const clock = new SimClock(100);
    const callback = (): void => {};
    expect(() => clock.setTimer({ name: 't', intervalUs: 0, callback })).toThrow(/intervalUs/);
    expect(() => clock.setTimer({ name: 't', intervalUs: 1.5, callback })).toThrow(ClockError);
    expect(() => clock.setTimer({ name: 't', intervalUs: 10, startUs: 50, stopUs: 40, callback })).toThrow(
      /stopUs 40 is before startUs 50/,
    );
    expect(() => clock.setAlarm(Number.NaN, callback)).toThrow(ClockError);
    expect(clock.pendingCount).toBe(0);
  });
});

describe('SimClock.advanceToEvent (the replay step)', () => {
  it('moves to a later event, stands still for an equal or earlier one, and fires due timers', () => {
    const clock = new SimClock(1_000);
    const { log, cb } = recorder(clock);
    clock.setAlarm(2_000, cb('a'));
    clock.setTimer({ name: 't', intervalUs: 1_500, callback: cb('t') });
    expect(clock.advanceToEvent({ tsEvent: 1_900 })).toBe(0);
    expect(clock.nowUs()).toBe(1_900);
    expect(clock.advanceToEvent({ tsEvent: 1_900 })).toBe(0);
    expect(clock.advanceToEvent({ tsEvent: 1_200 })).toBe(0);
    expect(clock.nowUs()).toBe(1_900);
    expect(log).toEqual([]);
    expect(clock.advanceToEvent({ tsEvent: 4_000 })).toBe(3);
    expect(log).toEqual(['a@2000', 't@2500', 't@4000']);
    expect(clock.nowUs()).toBe(4_000);
  });

  it('agrees with advanceTo over random event times and timer schedules', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 10 }),
        (times, alarms) => {
          const a = new SimClock(0);
          const b = new SimClock(0);
          const la = recorder(a);
          const lb = recorder(b);
          alarms.forEach((at, i) => {
            a.setAlarm(at, la.cb(`x${i}`));
            b.setAlarm(at, lb.cb(`x${i}`));
          });
          for (const tsEvent of times) {
            if (tsEvent > a.nowUs()) a.advanceTo(tsEvent);
            b.advanceToEvent({ tsEvent });
            expect(b.nowUs()).toBe(a.nowUs());
          }
          expect(lb.log).toEqual(la.log);
        },
      ),
    );
  });

  it('throws ClockError for a later time that is not an integer, as advanceTo does', () => {
    const clock = new SimClock(100);
    expect(() => clock.advanceToEvent({ tsEvent: 100.5 })).toThrow(ClockError);
    expect(() => clock.advanceToEvent({ tsEvent: Number.POSITIVE_INFINITY })).toThrow(ClockError);
    expect(clock.nowUs()).toBe(100);
  });
});

describe('SimClock firing order', () => {
  it('fires alarms in time order with nowUs() at each scheduled time', () => {
    const clock = new SimClock();
    const { log, cb } = recorder(clock);
    clock.setAlarm(30, cb('c'));
    clock.setAlarm(10, cb('a'));
    clock.setAlarm(20, cb('b'));
    clock.setAlarm(40, cb('d'));
    expect(clock.nextDueUs()).toBe(10);
    expect(clock.advanceTo(30)).toBe(3);
    expect(log).toEqual(['a@10', 'b@20', 'c@30']);
    expect(clock.nowUs()).toBe(30);
    expect(clock.nextDueUs()).toBe(40);
    expect(clock.pendingCount).toBe(1);
  });

  it('breaks ties by creation order, across alarms and timers', () => {
    const clock = new SimClock();
    const { log, cb } = recorder(clock);
    clock.setAlarm(10, cb('first'));
    clock.setTimer({ name: 'timer', intervalUs: 10, callback: cb('timer') });
    clock.setAlarm(10, cb('third'));
    clock.setAlarm(20, cb('late'));
    clock.advanceTo(20);
    // The timer keeps its creation id when it repeats, so at 20 it still beats "late".
    expect(log).toEqual(['first@10', 'timer@10', 'third@10', 'timer@20', 'late@20']);
  });

  it('fires timers that callbacks schedule during the same advance, in order', () => {
    const clock = new SimClock();
    const { log, cb } = recorder(clock);
    clock.setAlarm(10, (e) => {
      cb('parent')(e);
      clock.setAlarm(25, cb('child-25'));
      clock.setAlarm(10, cb('child-now'));
      clock.setAlarm(3, cb('child-past'));
      clock.setAlarm(100, cb('child-future'));
    });
    clock.setAlarm(10, cb('sibling'));
    clock.setAlarm(20, cb('other'));
    clock.advanceTo(50);
    expect(log).toEqual([
      'parent@10',
      'sibling@10',
      'child-now@10',
      'child-past@10',
      'other@20',
      'child-25@25',
    ]);
    expect(clock.nextDueUs()).toBe(100);
  });

  it('honours cancellation from inside a callback', () => {
    const clock = new SimClock();
    const { log, cb } = recorder(clock);
    const later = clock.setAlarm(20, cb('later'));
    clock.setAlarm(10, (e) => {
      cb('canceller')(e);
      expect(clock.cancel(later)).toBe(true);
    });
    const ticker = clock.setTimer({
      name: 'ticker',
      intervalUs: 5,
      callback: (e) => {
        cb('ticker')(e);
        if (e.tsEvent === 15) clock.cancel(ticker);
      },
    });
    clock.advanceTo(100);
    expect(log).toEqual(['ticker@5', 'canceller@10', 'ticker@10', 'ticker@15']);
    expect(later.active).toBe(false);
    expect(ticker.active).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });

  it('rejects advanceTo from inside a callback (reported as a handler error)', () => {
    const errors: HandlerError[] = [];
    const clock = new SimClock(0, { onError: (err) => errors.push(err) });
    clock.setAlarm(10, () => clock.advanceTo(20));
    clock.advanceTo(15);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.cause).toBeInstanceOf(ClockError);
    expect(clock.nowUs()).toBe(15);
  });
});

describe('SimClock repeating timers', () => {
  it('fires on the grid after startUs, through stopUs inclusive', () => {
    const clock = new SimClock(0);
    const { log, cb } = recorder(clock);
    const handle = clock.setTimer({
      name: 't',
      intervalUs: 10,
      startUs: 100,
      stopUs: 140,
      callback: cb('t'),
    });
    expect(handle.nextDueUs).toBe(110);
    clock.advanceTo(1_000);
    expect(log).toEqual(['t@110', 't@120', 't@130', 't@140']);
    expect(handle.active).toBe(false);
    expect(handle.nextDueUs).toBeUndefined();
  });

  it('fires at startUs too with fireImmediately, and starts at now by default', () => {
    const clock = new SimClock(50);
    const { log, cb } = recorder(clock);
    clock.setTimer({ name: 'imm', intervalUs: 20, fireImmediately: true, stopUs: 90, callback: cb('imm') });
    clock.setTimer({ name: 'def', intervalUs: 25, stopUs: 100, callback: cb('def') });
    clock.advanceTo(200);
    expect(log).toEqual(['imm@50', 'imm@70', 'def@75', 'imm@90', 'def@100']);
  });

  it('skips grid points that passed before it was set, staying aligned to startUs', () => {
    const clock = new SimClock(1_005);
    const { log, cb } = recorder(clock);
    clock.setTimer({ name: 't', intervalUs: 100, startUs: 0, callback: cb('t') });
    clock.setTimer({ name: 'on-now', intervalUs: 5, startUs: 0, stopUs: 1_010, callback: cb('on-now') });
    clock.advanceTo(1_300);
    expect(log).toEqual(['on-now@1005', 'on-now@1010', 't@1100', 't@1200', 't@1300']);
  });

  it('never fires a timer whose window has already passed', () => {
    const clock = new SimClock(500);
    const handle = clock.setTimer({
      name: 'gone',
      intervalUs: 10,
      startUs: 0,
      stopUs: 100,
      callback: () => {},
    });
    expect(handle.active).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });
});

describe('SimClock alarms in the past', () => {
  it('are due now and fire on the next advance, even advanceTo(now)', () => {
    const clock = new SimClock(1_000);
    const { log, cb } = recorder(clock);
    const handle = clock.setAlarm(10, cb('past'));
    expect(handle.nextDueUs).toBe(1_000);
    expect(clock.advanceTo(1_000)).toBe(1);
    expect(log).toEqual(['past@1000']);
  });
});

describe('SimClock handles', () => {
  it('exposes id, name, active and nextDueUs; default alarm names are unique', () => {
    const clock = new SimClock();
    const a = clock.setAlarm(10, () => {});
    const b = clock.setAlarm(10, () => {}, 'named');
    expect(a.id).toBeLessThan(b.id);
    expect(a.name).toBe(`alarm-${a.id}`);
    expect(b.name).toBe('named');
    expect(a.active).toBe(true);
    expect(clock.cancel(a)).toBe(true);
    expect(clock.cancel(a)).toBe(false);
    expect(a.active).toBe(false);
  });

  it('does not cancel handles of another clock or foreign objects', () => {
    const one = new SimClock();
    const two = new SimClock();
    const handle = one.setAlarm(10, () => {});
    two.setAlarm(10, () => {});
    expect(two.cancel(handle)).toBe(false);
    expect(two.cancel({ id: handle.id, name: 'x', active: true, nextDueUs: 10 })).toBe(false);
    expect(handle.active).toBe(true);
  });

  it('cancelAll() removes everything and reports the count', () => {
    const clock = new SimClock();
    const fired: string[] = [];
    clock.setAlarm(10, () => fired.push('a'));
    clock.setTimer({ name: 't', intervalUs: 3, callback: () => fired.push('t') });
    expect(clock.cancelAll()).toBe(2);
    expect(clock.nextDueUs()).toBeUndefined();
    clock.advanceTo(100);
    expect(fired).toEqual([]);
  });
});

describe('SimClock error containment', () => {
  it('reports a throwing callback as HandlerError and keeps firing', () => {
    const errors: [HandlerError, TimeEvent][] = [];
    const clock = new SimClock(0, { onError: (err, event) => errors.push([err, event]) });
    const fired: number[] = [];
    clock.setAlarm(
      10,
      () => {
        throw new Error('boom');
      },
      'bad',
    );
    clock.setTimer({ name: 'good', intervalUs: 10, callback: (e) => fired.push(e.tsEvent) });
    clock.advanceTo(30);
    expect(fired).toEqual([10, 20, 30]);
    expect(errors).toHaveLength(1);
    const [err, event] = errors[0]!;
    expect(err).toBeInstanceOf(HandlerError);
    expect(err.subscriber).toBe('bad');
    expect(err.code).toBe('HANDLER_FAILED');
    expect(err.message).toContain('boom');
    expect(event).toEqual({ name: 'bad', tsEvent: 10, tsInit: 10 });
  });

  it('writes to stderr by default and when onError itself throws', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const quiet = new SimClock();
    quiet.setAlarm(1, () => {
      throw new Error('default-path');
    });
    quiet.advanceTo(1);
    expect(writes.join('')).toContain('default-path');

    writes.length = 0;
    let calls = 0;
    const clock = new SimClock(0, {
      onError: () => {
        calls++;
        throw new Error('reporter broke');
      },
    });
    clock.setAlarm(1, () => {
      throw new Error('first');
    });
    clock.setAlarm(2, () => {
      throw new Error('second');
    });
    expect(clock.advanceTo(5)).toBe(2);
    expect(calls).toBe(2);
    const out = writes.join('');
    expect(out).toContain('first');
    expect(out).toContain('second');
    expect(out).toContain('reporter broke');
  });
});

describe('SimClock determinism', () => {
  type Plan =
    | { readonly op: 'alarm'; readonly at: number }
    | { readonly op: 'timer'; readonly start: number; readonly interval: number; readonly stop: number }
    | { readonly op: 'advance'; readonly by: number };

  const plan = fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('alarm' as const), at: fc.integer({ min: 0, max: 200 }) }),
      fc.record({
        op: fc.constant('timer' as const),
        start: fc.integer({ min: 0, max: 200 }),
        interval: fc.integer({ min: 1, max: 40 }),
        stop: fc.integer({ min: 0, max: 300 }),
      }),
      fc.record({ op: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 60 }) }),
    ),
    { maxLength: 40 },
  );

  /** Runs a plan; alarm callbacks also schedule follow-ups, to exercise re-entrancy. */
  function run(steps: readonly Plan[]): { id: number; ts: number }[] {
    const clock = new SimClock(0);
    const log: { id: number; ts: number }[] = [];
    const fire = (id: number) => (e: TimeEvent) => {
      log.push({ id, ts: e.tsEvent });
      if (id % 3 === 0 && e.tsEvent < 400) clock.setAlarm(e.tsEvent + (id % 7), fire(id + 1000));
    };
    let n = 0;
    for (const step of steps) {
      n++;
      if (step.op === 'alarm') clock.setAlarm(step.at, fire(n));
      else if (step.op === 'timer') {
        const startUs = Math.max(step.start, 0);
        clock.setTimer({
          name: `t${n}`,
          intervalUs: step.interval,
          startUs,
          stopUs: Math.max(step.stop, startUs),
          callback: fire(n),
        });
      } else clock.advanceBy(step.by);
    }
    clock.advanceBy(1_000);
    return log;
  }

  it('produces the same firing log for the same schedule, in non-decreasing time', () => {
    fc.assert(
      fc.property(plan, (steps) => {
        const first = run(steps);
        expect(run(steps)).toEqual(first);
        for (let i = 1; i < first.length; i++) expect(first[i]!.ts).toBeGreaterThanOrEqual(first[i - 1]!.ts);
      }),
    );
  });

  it('fires exactly what a reference model predicts, ordered by (time, id)', () => {
    fc.assert(
      fc.property(plan, (steps) => {
        const clock = new SimClock(0);
        const log: { id: number; ts: number }[] = [];
        const expected: { id: number; ts: number }[] = [];
        for (const step of steps) {
          const now = clock.nowUs();
          if (step.op === 'alarm') {
            const h = clock.setAlarm(step.at, (e) => log.push({ id: h.id, ts: e.tsEvent }));
            expected.push({ id: h.id, ts: Math.max(step.at, now) });
          } else if (step.op === 'timer') {
            const stop = Math.max(step.stop, step.start);
            const h = clock.setTimer({
              name: 't',
              intervalUs: step.interval,
              startUs: step.start,
              stopUs: stop,
              callback: (e) => log.push({ id: h.id, ts: e.tsEvent }),
            });
            for (let t = step.start + step.interval; t <= stop; t += step.interval) {
              if (t >= now) expected.push({ id: h.id, ts: t });
            }
          } else clock.advanceBy(step.by);
        }
        clock.advanceBy(1_000);
        expected.sort((a, b) => a.ts - b.ts || a.id - b.id);
        expect(log).toEqual(expected);
      }),
    );
  });
});
