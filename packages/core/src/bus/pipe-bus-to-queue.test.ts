import { describe, expect, it } from 'vitest';
import type { HandlerError } from '../errors/index.js';
import { BoundedQueue, type QueuePolicy } from './bounded-queue.js';
import { EventBus } from './event-bus.js';
import { pipeBusToQueue } from './pipe-bus-to-queue.js';

type Bar = { readonly kind: 'bar'; readonly close: number };
type Fill = { readonly kind: 'fill'; readonly qty: number };
type Ev = Bar | Fill;

function setup(policy: QueuePolicy) {
  const errors: HandlerError[] = [];
  const bus = new EventBus<Ev>({ onError: (err) => errors.push(err) });
  const queue = new BoundedQueue<Bar>({ name: 'bars-out', capacity: 2, policy });
  const stop = pipeBusToQueue(bus, 'bar', queue);
  for (const close of [1, 2, 3]) bus.publish({ kind: 'bar', close });
  bus.publish({ kind: 'fill', qty: 9 });
  return { bus, queue, errors, stop };
}

describe('pipeBusToQueue', () => {
  it('forwards only the chosen kind and stops on unsubscribe', () => {
    const { bus, queue, stop } = setup('drop-newest');
    expect(queue.toArray().map((b) => b.close)).toEqual([1, 2]);
    expect(bus.subscriberCount('bar')).toBe(1);
    stop();
    expect(bus.subscriberCount('bar')).toBe(0);
  });

  it('forwards every event with "*"', () => {
    const bus = new EventBus<Ev>();
    const queue = new BoundedQueue<Ev>({ name: 'all', capacity: 8, policy: 'fail' });
    pipeBusToQueue(bus, '*', queue);
    bus.publish({ kind: 'bar', close: 1 });
    bus.publish({ kind: 'fill', qty: 2 });
    expect(queue.toArray().map((e) => e.kind)).toEqual(['bar', 'fill']);
  });

  it('applies drop policies silently (they are counted by the queue)', () => {
    const oldest = setup('drop-oldest');
    expect(oldest.queue.toArray().map((b) => b.close)).toEqual([2, 3]);
    expect(oldest.queue.stats.droppedOldest).toBe(1);
    expect(oldest.errors).toEqual([]);
    const newest = setup('drop-newest');
    expect(newest.queue.stats.droppedNewest).toBe(1);
    expect(newest.errors).toEqual([]);
  });

  it.each(['block', 'fail'] as const)(
    'under %s, a full queue is rejected and reported to the bus',
    (policy) => {
      const { bus, queue, errors } = setup(policy);
      expect(queue.toArray().map((b) => b.close)).toEqual([1, 2]);
      expect(queue.stats.rejected).toBe(1);
      expect(bus.stats.handlerErrors).toBe(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.subscriber).toBe('pipe→bars-out');
      expect(errors[0]?.cause).toMatchObject({ code: 'QUEUE_FULL', queue: 'bars-out' });
    },
  );

  it('rejects a queue of the wrong event type at compile time', () => {
    const bus = new EventBus<Ev>();
    const fills = new BoundedQueue<Fill>({ name: 'fills', capacity: 1, policy: 'fail' });
    // @ts-expect-error bars cannot go into a queue of fills
    pipeBusToQueue(bus, 'bar', fills);
    pipeBusToQueue(bus, 'fill', fills);
    expect(bus.subscriberCount('fill')).toBe(1);
  });
});
