import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueueError } from '../errors/index.js';
import { BoundedQueue, type QueuePolicy } from './bounded-queue.js';

const queue = <T = number>(policy: QueuePolicy, capacity = 3) =>
  new BoundedQueue<T>({ name: `q-${policy}`, capacity, policy });

/** Resolves after pending promise callbacks have run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function queueError(fn: () => unknown, code: 'QUEUE_FULL' | 'QUEUE_CLOSED'): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(QueueError);
    expect((err as QueueError).code).toBe(code);
    return;
  }
  expect.fail(`expected QueueError ${code}`);
}

describe('BoundedQueue construction', () => {
  it('requires a positive integer capacity', () => {
    expect(() => queue('block', 0)).toThrow(RangeError);
    expect(() => queue('block', 1.5)).toThrow(/capacity must be a positive integer/);
    const q = queue('fail', 2);
    expect([q.name, q.capacity, q.policy, q.size, q.closed]).toEqual(['q-fail', 2, 'fail', 0, false]);
  });
});

describe('BoundedQueue policies', () => {
  it('drop-oldest discards the oldest queued items', async () => {
    const q = queue('drop-oldest');
    for (const n of [1, 2, 3, 4]) expect(q.tryPut(n)).toBe(true);
    await q.put(5);
    expect(q.toArray()).toEqual([3, 4, 5]);
    expect(q.stats).toEqual({
      enqueued: 5,
      dequeued: 0,
      droppedOldest: 2,
      droppedNewest: 0,
      rejected: 0,
      blockedPuts: 0,
      maxDepth: 3,
      size: 3,
    });
  });

  it('drop-newest discards incoming items', async () => {
    const q = queue('drop-newest');
    for (const n of [1, 2, 3]) expect(q.tryPut(n)).toBe(true);
    expect(q.tryPut(4)).toBe(false);
    await q.put(5);
    expect(q.toArray()).toEqual([1, 2, 3]);
    expect(q.tryTake()).toBe(1);
    expect(q.stats).toMatchObject({ enqueued: 3, dequeued: 1, droppedNewest: 2, droppedOldest: 0, size: 2 });
  });

  it('fail throws from tryPut and rejects put with QUEUE_FULL', async () => {
    const q = queue('fail', 2);
    q.tryPut(1);
    await q.put(2);
    queueError(() => q.tryPut(3), 'QUEUE_FULL');
    await expect(q.put(4)).rejects.toMatchObject({ code: 'QUEUE_FULL', queue: 'q-fail' });
    expect(q.toArray()).toEqual([1, 2]);
    expect(q.stats).toMatchObject({ enqueued: 2, rejected: 2, size: 2, maxDepth: 2 });
  });

  it('block: tryPut refuses when full, counted as rejected', () => {
    const q = queue('block', 1);
    expect(q.tryPut(1)).toBe(true);
    expect(q.tryPut(2)).toBe(false);
    expect(q.toArray()).toEqual([1]);
    expect(q.stats).toMatchObject({ enqueued: 1, rejected: 1, blockedPuts: 0 });
  });

  it('block: put waits for space and waiting producers are admitted in FIFO order', async () => {
    const q = queue<string>('block', 2);
    await q.put('a');
    await q.put('b');
    const resolved: string[] = [];
    const waits = ['c', 'd', 'e'].map((item) => q.put(item).then(() => resolved.push(item)));
    await settle();
    expect(resolved).toEqual([]);
    expect(q.stats.blockedPuts).toBe(3);
    expect(q.tryTake()).toBe('a');
    await settle();
    expect(resolved).toEqual(['c']);
    expect(q.toArray()).toEqual(['b', 'c']);
    expect(await q.take()).toBe('b');
    expect(await q.take()).toBe('c');
    await Promise.all(waits);
    expect(resolved).toEqual(['c', 'd', 'e']);
    expect(q.toArray()).toEqual(['d', 'e']);
    expect(q.stats).toMatchObject({ enqueued: 5, dequeued: 3, blockedPuts: 3, maxDepth: 2, size: 2 });
  });
});

describe('BoundedQueue take', () => {
  it('take waits for the next item and receives it directly', async () => {
    const q = queue('block');
    const first = q.take();
    const second = q.take();
    expect(q.tryPut(7)).toBe(true);
    await q.put(8);
    expect(await first).toBe(7);
    expect(await second).toBe(8);
    expect(q.size).toBe(0);
    expect(q.stats).toMatchObject({ enqueued: 2, dequeued: 2, maxDepth: 0 });
  });

  it('tryTake returns undefined when empty', () => {
    const q = queue('fail');
    expect(q.tryTake()).toBeUndefined();
    q.tryPut(1);
    expect(q.tryTake()).toBe(1);
    expect(q.tryTake()).toBeUndefined();
  });
});

describe('BoundedQueue close', () => {
  it('refuses puts after close but lets queued items drain', async () => {
    const q = queue('drop-oldest');
    q.tryPut(1);
    q.tryPut(2);
    q.close();
    q.close(); // idempotent
    expect(q.closed).toBe(true);
    queueError(() => q.tryPut(3), 'QUEUE_CLOSED');
    await expect(q.put(3)).rejects.toMatchObject({ code: 'QUEUE_CLOSED' });
    expect(await q.take()).toBe(1);
    expect(q.tryTake()).toBe(2);
    await expect(q.take()).rejects.toMatchObject({ code: 'QUEUE_CLOSED' });
  });

  it('rejects waiting takers and waiting producers', async () => {
    const takers = queue('block');
    const waiting = takers.take();
    takers.close();
    await expect(waiting).rejects.toBeInstanceOf(QueueError);

    const producers = queue<number>('block', 1);
    producers.tryPut(1);
    const blocked = producers.put(2);
    producers.close();
    await expect(blocked).rejects.toMatchObject({ code: 'QUEUE_CLOSED' });
    expect(producers.toArray()).toEqual([1]);
  });
});

describe('BoundedQueue async iteration', () => {
  it('yields items in order and ends after close once drained', async () => {
    const q = queue<number>('block', 2);
    const consumed: number[] = [];
    const consumer = (async () => {
      for await (const item of q) consumed.push(item);
    })();
    for (let i = 0; i < 10; i++) await q.put(i);
    q.close();
    await consumer;
    expect(consumed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.stats).toMatchObject({ enqueued: 10, dequeued: 10, size: 0 });
  });

  it('stops cleanly when the consumer breaks out', async () => {
    const q = queue<number>('drop-newest', 5);
    for (const n of [1, 2, 3]) q.tryPut(n);
    for await (const item of q) {
      if (item === 2) break;
    }
    expect(q.toArray()).toEqual([3]);
  });
});

describe('BoundedQueue matches an array model (property)', () => {
  const ops = fc.array(fc.oneof(fc.constant('take' as const), fc.integer({ min: 0, max: 1_000 })), {
    maxLength: 300,
  });
  const policies: QueuePolicy[] = ['block', 'drop-oldest', 'drop-newest', 'fail'];

  it.each(policies)('synchronous tryPut/tryTake under %s', (policy) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), ops, (capacity, steps) => {
        const q = new BoundedQueue<number>({ name: 'model', capacity, policy });
        const model: number[] = [];
        let puts = 0;
        let maxDepth = 0;
        for (const step of steps) {
          if (step === 'take') {
            expect(q.tryTake()).toBe(model.shift());
            continue;
          }
          puts++;
          const full = model.length === capacity;
          if (full && policy === 'fail') {
            expect(() => q.tryPut(step)).toThrow(QueueError);
            continue;
          }
          const accepted = q.tryPut(step);
          if (full && policy === 'drop-oldest') model.shift();
          if (!full || policy === 'drop-oldest') model.push(step);
          expect(accepted).toBe(!full || policy === 'drop-oldest');
          maxDepth = Math.max(maxDepth, model.length);
          expect(q.toArray()).toEqual(model);
        }
        const s = q.stats;
        expect(s.size).toBe(model.length);
        expect(q.size).toBe(model.length);
        expect(s.maxDepth).toBe(maxDepth);
        expect(s.enqueued + s.droppedNewest + s.rejected).toBe(puts);
        expect(s.enqueued - s.dequeued - s.droppedOldest).toBe(s.size);
        if (policy !== 'drop-oldest') expect(s.droppedOldest).toBe(0);
        if (policy !== 'drop-newest') expect(s.droppedNewest).toBe(0);
        if (policy === 'drop-oldest' || policy === 'drop-newest') expect(s.rejected).toBe(0);
        expect(s.blockedPuts).toBe(0);
      }),
    );
  });

  it('blocking put/tryTake admits waiting producers in FIFO order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), ops, async (capacity, steps) => {
        const q = new BoundedQueue<number>({ name: 'model', capacity, policy: 'block' });
        const model: number[] = [];
        const waiting: number[] = [];
        const admitted: number[] = [];
        const expectedAdmitted: number[] = [];
        for (const step of steps) {
          if (step === 'take') {
            expect(q.tryTake()).toBe(model.shift());
            const next = waiting.shift();
            if (next !== undefined) {
              model.push(next);
              expectedAdmitted.push(next);
            }
          } else if (model.length < capacity) {
            void q.put(step);
            model.push(step);
          } else {
            // Producers still waiting at the end are rejected by close(); that is expected.
            q.put(step).then(
              () => admitted.push(step),
              () => {},
            );
            waiting.push(step);
          }
          expect(q.toArray()).toEqual(model);
        }
        await settle();
        expect(admitted).toEqual(expectedAdmitted);
        expect(q.stats.blockedPuts).toBe(waiting.length + expectedAdmitted.length);
        q.close(); // rejects the producers still waiting
        expect(q.stats.enqueued - q.stats.dequeued).toBe(model.length);
      }),
      { numRuns: 50 },
    );
  });
});
