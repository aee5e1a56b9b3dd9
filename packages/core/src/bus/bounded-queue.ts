import { QueueError } from '../errors/index.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * What a full {@link BoundedQueue} does with one more item:
 * - `block`: `put` waits for space (producers are admitted in FIFO order); `tryPut` returns false.
 * - `drop-oldest`: the oldest queued item is discarded to make room.
 * - `drop-newest`: the incoming item is discarded.
 * - `fail`: `put` rejects and `tryPut` throws a `QueueError` with code `QUEUE_FULL`.
 */
export type QueuePolicy = 'block' | 'drop-oldest' | 'drop-newest' | 'fail';

/** Options for a {@link BoundedQueue}. */
export interface BoundedQueueOptions {
  /** Names the queue in errors and metrics. */
  readonly name: string;
  /** Maximum number of queued items: a positive integer. */
  readonly capacity: number;
  /** What happens when the queue is full. */
  readonly policy: QueuePolicy;
}

/**
 * Counters of a {@link BoundedQueue}. Every put ends up in exactly one of `enqueued`,
 * `droppedNewest` or `rejected` (or is refused as closed), and
 * `size = enqueued - dequeued - droppedOldest`.
 */
export interface BoundedQueueStats {
  /** Items that entered the queue (including ones handed straight to a waiting taker). */
  readonly enqueued: number;
  /** Items taken out. */
  readonly dequeued: number;
  /** Queued items discarded by `drop-oldest`. */
  readonly droppedOldest: number;
  /** Incoming items discarded by `drop-newest`. */
  readonly droppedNewest: number;
  /** Items refused because the queue was full (`fail`, or `tryPut` under `block`). */
  readonly rejected: number;
  /** `put` calls that had to wait for space under `block`. */
  readonly blockedPuts: number;
  /** Largest `size` seen. */
  readonly maxDepth: number;
  /** Items queued now. */
  readonly size: number;
}

interface Producer<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: QueueError) => void;
}

interface Consumer<T> {
  readonly resolve: (item: T) => void;
  readonly reject: (error: QueueError) => void;
}

/**
 * A bounded FIFO for crossing an asynchronous boundary (worker thread, process, socket) with an
 * explicit backpressure policy and counters. Storage is a ring preallocated to `capacity`.
 * Items must not be `undefined`, which `tryTake` uses to mean "empty".
 *
 * @example
 * ```ts
 * const queue = new BoundedQueue<Order>({ name: 'orders-out', capacity: 1024, policy: 'block' });
 * const sender = (async () => { for await (const order of queue) await socket.send(order); })();
 * await queue.put(order); // waits while 1024 orders are in flight
 * queue.close();          // the loop ends once the queue is drained
 * await sender;
 * ```
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  /** The queue's name. */
  readonly name: string;
  /** Maximum number of queued items. */
  readonly capacity: number;
  /** What happens when the queue is full. */
  readonly policy: QueuePolicy;
  private readonly items: RingBuffer<T>;
  // Producers wait only while the queue is full and consumers only while it is empty, so at most
  // one of these is non-empty at a time.
  private readonly producers = new RingBuffer<Producer<T>>(4);
  private readonly consumers = new RingBuffer<Consumer<T>>(4);
  private isClosed = false;
  private readonly counters = {
    enqueued: 0,
    dequeued: 0,
    droppedOldest: 0,
    droppedNewest: 0,
    rejected: 0,
    blockedPuts: 0,
    maxDepth: 0,
    size: 0,
  };

  /** Creates an empty queue; throws `RangeError` if `capacity` is not a positive integer. */
  constructor(options: BoundedQueueOptions) {
    if (!Number.isSafeInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(
        `queue ${options.name}: capacity must be a positive integer, got ${options.capacity}`,
      );
    }
    this.name = options.name;
    this.capacity = options.capacity;
    this.policy = options.policy;
    this.items = new RingBuffer<T>(options.capacity);
  }

  /** Live counters (read-only view). */
  get stats(): BoundedQueueStats {
    return this.counters;
  }

  /** Items queued now. */
  get size(): number {
    return this.items.size;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Offers an item. Under `block` it resolves once the item is queued, waiting for space if
   * needed; under the other policies it resolves at once after applying the policy. Rejects with
   * `QUEUE_FULL` under `fail` when full, and with `QUEUE_CLOSED` after `close()` (including puts
   * still waiting when the queue is closed).
   */
  put(item: T): Promise<void> {
    if (this.policy !== 'block' || this.isClosed || this.items.size < this.capacity) {
      try {
        this.tryPut(item);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.counters.blockedPuts++;
    return new Promise<void>((resolve, reject) => this.producers.push({ item, resolve, reject }));
  }

  /**
   * Offers an item without waiting; returns true if it was queued. When full: `drop-oldest`
   * discards the oldest item and returns true, `drop-newest` discards this one and returns
   * false, `block` refuses it (counted as rejected) and returns false, `fail` throws.
   *
   * @throws QueueError `QUEUE_FULL` under `fail` when full; `QUEUE_CLOSED` after `close()`.
   */
  tryPut(item: T): boolean {
    if (this.isClosed) throw new QueueError('QUEUE_CLOSED', this.name, 'put after close');
    const consumer = this.consumers.shift();
    if (consumer !== undefined) {
      // A taker is waiting, so the queue is empty: hand the item over directly.
      this.counters.enqueued++;
      this.counters.dequeued++;
      consumer.resolve(item);
      return true;
    }
    if (this.items.size >= this.capacity) {
      switch (this.policy) {
        case 'drop-oldest':
          this.items.shift();
          this.counters.droppedOldest++;
          break;
        case 'drop-newest':
          this.counters.droppedNewest++;
          return false;
        case 'block':
          this.counters.rejected++;
          return false;
        case 'fail':
          this.counters.rejected++;
          throw new QueueError('QUEUE_FULL', this.name, `full at capacity ${this.capacity}`);
      }
    }
    this.enqueue(item);
    return true;
  }

  /** Takes the oldest item, waiting for one; rejects with `QUEUE_CLOSED` once closed and drained. */
  take(): Promise<T> {
    if (this.items.size > 0) return Promise.resolve(this.dequeue());
    if (this.isClosed) {
      return Promise.reject(new QueueError('QUEUE_CLOSED', this.name, 'take from a closed, empty queue'));
    }
    return new Promise<T>((resolve, reject) => this.consumers.push({ resolve, reject }));
  }

  /** Takes the oldest item, or returns `undefined` when empty. */
  tryTake(): T | undefined {
    return this.items.size > 0 ? this.dequeue() : undefined;
  }

  /** A copy of the queued items, oldest first (for inspection and tests). */
  toArray(): T[] {
    return this.items.toArray();
  }

  /**
   * Stops accepting items. Queued items can still be taken; waiting takers and waiting
   * producers are rejected with `QUEUE_CLOSED`. Idempotent.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const error = new QueueError('QUEUE_CLOSED', this.name, 'closed while waiting');
    for (let c = this.consumers.shift(); c !== undefined; c = this.consumers.shift()) c.reject(error);
    for (let p = this.producers.shift(); p !== undefined; p = this.producers.shift()) p.reject(error);
  }

  /** Yields items as they arrive; ends once the queue is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.take();
      } catch (error) {
        if (error instanceof QueueError && error.code === 'QUEUE_CLOSED') return;
        throw error;
      }
      yield item;
    }
  }

  private enqueue(item: T): void {
    this.items.push(item);
    this.counters.enqueued++;
    this.counters.size = this.items.size;
    if (this.items.size > this.counters.maxDepth) this.counters.maxDepth = this.items.size;
  }

  private dequeue(): T {
    const item = this.items.shift() as T;
    this.counters.dequeued++;
    // Space just opened: admit the longest-waiting producer.
    const producer = this.producers.shift();
    if (producer === undefined) {
      this.counters.size = this.items.size;
    } else {
      this.enqueue(producer.item);
      producer.resolve();
    }
    return item;
  }
}
