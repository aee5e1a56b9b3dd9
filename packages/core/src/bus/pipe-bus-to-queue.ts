import { QueueError } from '../errors/index.js';
import type { BoundedQueue } from './bounded-queue.js';
import type { BusEvent, EventBus, EventOfKind, Unsubscribe } from './event-bus.js';

/**
 * Forwards events of one kind (or `'*'` for all) from a bus into a bounded queue, returning the
 * unsubscribe. It uses `tryPut`, because a synchronous bus cannot wait. When the queue is full:
 * `drop-oldest` and `drop-newest` drop as usual; under `block` and `fail` the event is refused
 * (counted in the queue's `stats.rejected`) and a `QueueError` `QUEUE_FULL` is thrown into the
 * bus, which reports it through its `onError` — so nothing is lost silently. Choose a drop
 * policy for streams where losing events under load is acceptable.
 *
 * @example
 * ```ts
 * const outbox = new BoundedQueue<Fill>({ name: 'fills-to-nats', capacity: 10_000, policy: 'fail' });
 * const stop = pipeBusToQueue(bus, 'fill', outbox);
 * ```
 */
export function pipeBusToQueue<E extends BusEvent>(
  bus: EventBus<E>,
  kind: '*',
  queue: BoundedQueue<E>,
): Unsubscribe;
export function pipeBusToQueue<E extends BusEvent, K extends E['kind']>(
  bus: EventBus<E>,
  kind: K,
  queue: BoundedQueue<EventOfKind<E, K>>,
): Unsubscribe;
export function pipeBusToQueue<E extends BusEvent>(
  bus: EventBus<E>,
  kind: string,
  queue: BoundedQueue<E>,
): Unsubscribe {
  const name = `pipe→${queue.name}`;
  const forward = (event: E): void => {
    if (!queue.tryPut(event) && queue.policy === 'block') {
      throw new QueueError(
        'QUEUE_FULL',
        queue.name,
        `full at capacity ${queue.capacity}; a bus cannot block`,
      );
    }
  };
  return kind === '*' ? bus.subscribeAll(forward, { name }) : bus.subscribe(kind, forward, { name });
}
