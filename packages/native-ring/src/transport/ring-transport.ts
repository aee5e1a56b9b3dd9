import {
  type CanonicalEvent,
  DecodeError,
  type EventBus,
  type EventKind,
  eventCodec,
  isQuantKuberaError,
  type QuantKuberaError,
  toQuantKuberaError,
  type Unsubscribe,
} from '@quantkubera/core';
import { RingError } from '../errors/index.js';
import { copyBytes } from '../ring/ring-memory.js';
import type { MessageHandler, RingConsumer, RingProducer } from '../ring/ring-types.js';

/** What a publisher does when an SPSC ring is full. */
export type RingFullPolicy = 'fail' | 'drop' | 'block';

/** Options for a {@link RingEventPublisher}. */
export interface RingEventPublisherOptions {
  /** The event kinds to forward, or `'*'` (default) for all. */
  readonly kinds?: readonly EventKind[] | '*';
  /**
   * When an SPSC ring is full: `'fail'` (default) throws `RingError` `RING_FULL` into the bus (its
   * `onError` reports it), `'drop'` counts the event in `stats.dropped`, `'block'` waits with the
   * producer's wait strategy up to `blockTimeoutMs`, then fails like `'fail'`.
   */
  readonly onFull?: RingFullPolicy;
  /** Longest wait under `'block'`; default 1000 ms. */
  readonly blockTimeoutMs?: number;
}

/** Counters of a {@link RingEventPublisher}; they only grow. */
export interface RingEventPublisherStats {
  /** Events written to the ring. */
  readonly published: number;
  /** Events dropped under the `'drop'` policy because the ring was full. */
  readonly dropped: number;
  /** Events refused because the ring was full (`'fail'`, or `'block'` timing out). */
  readonly failed: number;
}

/**
 * Publishes canonical events from this process's bus into a ring, each one a binary frame of
 * core's event codec, flushed at once (one atomic store). Errors surface through the bus's
 * `onError` as `HandlerError`s wrapping a `RingError` or `EncodeError`; nothing is lost silently.
 *
 * @example
 * ```ts
 * const producer = createRing('engine.events', { kind: 'broadcast', capacity: 1 << 16, maxMessageSize: 1024 });
 * const publisher = new RingEventPublisher(bus, producer, { kinds: ['quote', 'trade', 'fill'] });
 * // ... later
 * publisher.stop();
 * producer.close();
 * ```
 */
export class RingEventPublisher {
  private readonly producer: RingProducer;
  private readonly scratch: Uint8Array;
  private readonly onFull: RingFullPolicy;
  private readonly blockTimeoutMs: number;
  private readonly unsubscribes: Unsubscribe[] = [];
  private published = 0;
  private dropped = 0;
  private failed = 0;

  /** Subscribes to `bus` and forwards the chosen kinds into `producer`. */
  constructor(
    bus: EventBus<CanonicalEvent>,
    producer: RingProducer,
    options: RingEventPublisherOptions = {},
  ) {
    this.producer = producer;
    this.scratch = new Uint8Array(producer.maxMessageSize);
    this.onFull = options.onFull ?? 'fail';
    this.blockTimeoutMs = options.blockTimeoutMs ?? 1_000;
    const handler = (event: CanonicalEvent): void => {
      this.publish(event);
    };
    const kinds = options.kinds ?? '*';
    const name = `ring-publisher→${producer.name}`;
    if (kinds === '*') {
      this.unsubscribes.push(bus.subscribeAll(handler, { name }));
    } else {
      for (const kind of kinds) this.unsubscribes.push(bus.subscribe(kind, handler, { name }));
    }
  }

  /** Live counters. */
  get stats(): RingEventPublisherStats {
    return { published: this.published, dropped: this.dropped, failed: this.failed };
  }

  /**
   * Encodes and writes one event; true when written, false when dropped under `'drop'`. Throws
   * `RING_MESSAGE_TOO_LARGE` when its frame exceeds a slot, `EncodeError` when it cannot be
   * encoded, and `RING_FULL` when the ring is full under `'fail'` (or `'block'` timed out).
   */
  publish(event: CanonicalEvent): boolean {
    const producer = this.producer;
    const length = eventCodec.encodeInto(event, this.scratch, 0);
    if (length < 0) {
      throw new RingError(
        'RING_MESSAGE_TOO_LARGE',
        producer.name,
        `the ${event.kind} event's frame exceeds the ${producer.maxMessageSize}-byte slot payload`,
      );
    }
    const at = producer.tryClaim();
    if (at >= 0) {
      copyBytes(this.scratch, 0, producer.bytes, at, length);
      producer.commit(length);
      producer.flush();
      this.published++;
      return true;
    }
    if (this.onFull === 'drop') {
      this.dropped++;
      return false;
    }
    if (this.onFull === 'block' && producer.write(this.scratch, 0, length, this.blockTimeoutMs)) {
      this.published++;
      return true;
    }
    this.failed++;
    throw new RingError(
      'RING_FULL',
      producer.name,
      `ring full: the ${event.kind} event was not published (policy ${this.onFull})`,
    );
  }

  /** Unsubscribes from the bus; the producer stays open (close it yourself). */
  stop(): void {
    for (const off of this.unsubscribes.splice(0)) off();
  }
}

/** Options for a {@link RingEventReceiver}. */
export interface RingEventReceiverOptions {
  /** Recompute each frame's xxHash32 (default true); shared memory rarely corrupts, but can. */
  readonly verify?: boolean;
  /** Messages per poll; default 256. */
  readonly batchSize?: number;
  /**
   * Receives each frame that cannot be decoded (`DecodeError`, or `RingError` `RING_CORRUPT`).
   * Without it such an error is thrown from `pump()` (and rejects `run()`); either way it is
   * counted in `stats.decodeErrors`.
   */
  readonly onError?: (error: QuantKuberaError) => void;
}

/** Counters of a {@link RingEventReceiver}; they only grow. */
export interface RingEventReceiverStats {
  /** Events decoded and published on the bus. */
  readonly received: number;
  /** Frames that could not be decoded. */
  readonly decodeErrors: number;
  /** Broadcast rings: events lost to overruns (from the consumer). */
  readonly missed: number;
}

/**
 * Delivers canonical events from a ring onto this process's bus: decodes each frame with core's
 * event codec (straight out of the ring's slot for SPSC) and publishes it. Drive it with
 * `pump()` from your own loop, or `run()` for a loop that waits with the consumer's strategy.
 *
 * @example
 * ```ts
 * const consumer = openRingConsumer('engine.events', { waitStrategy: 'block', timeoutMs: 5_000 });
 * const receiver = new RingEventReceiver(consumer, bus);
 * await receiver.run(); // until the producer closes, or receiver.stop()
 * ```
 */
export class RingEventReceiver {
  private readonly consumer: RingConsumer;
  private readonly bus: EventBus<CanonicalEvent>;
  private readonly verify: boolean;
  private readonly batchSize: number;
  private readonly onError: ((error: QuantKuberaError) => void) | undefined;
  private received = 0;
  private decodeErrors = 0;
  private stopped = false;
  private readonly onMessage: MessageHandler = (bytes, offset, length) => {
    let event: CanonicalEvent;
    try {
      const frame = eventCodec.frameLength(bytes, offset);
      if (frame !== length) {
        throw new DecodeError(
          'DECODE_CORRUPT',
          `frame length ${frame} but the ring message is ${length} bytes`,
          undefined,
          offset,
        );
      }
      event = this.verify ? eventCodec.decode(bytes, offset) : eventCodec.decodeUnchecked(bytes, offset);
    } catch (err) {
      this.decodeErrors++;
      const error = isQuantKuberaError(err) ? err : toQuantKuberaError(err, 'ring frame');
      if (this.onError === undefined) throw error;
      this.onError(error);
      return;
    }
    this.received++;
    this.bus.publish(event);
  };

  /** Creates a receiver; nothing is read until `pump()` or `run()`. */
  constructor(consumer: RingConsumer, bus: EventBus<CanonicalEvent>, options: RingEventReceiverOptions = {}) {
    this.consumer = consumer;
    this.bus = bus;
    this.verify = options.verify ?? true;
    this.batchSize = options.batchSize ?? 256;
    this.onError = options.onError;
  }

  /** Live counters. */
  get stats(): RingEventReceiverStats {
    return { received: this.received, decodeErrors: this.decodeErrors, missed: this.consumer.stats.missed };
  }

  /** Decodes and publishes up to `limit` waiting events without waiting; returns how many messages were read. */
  pump(limit = this.batchSize): number {
    return this.consumer.poll(this.onMessage, limit);
  }

  /**
   * Pumps until `stop()` or until the producer closes and everything is delivered, waiting with
   * `consumer.waitAsync` when idle (so the event loop keeps running). Resolves `'closed'` or
   * `'stopped'`; rejects with `RING_PRODUCER_DEAD` when the producer dies.
   */
  async run(): Promise<'closed' | 'stopped'> {
    this.stopped = false;
    let batches = 0;
    while (!this.stopped) {
      if (this.pump() > 0) {
        // Let timers and I/O in now and then during a long burst.
        if ((++batches & 63) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const outcome = await this.consumer.waitAsync(100);
      // 'closed' comes only once everything published before the close was consumed.
      if (outcome === 'closed') return 'closed';
    }
    return 'stopped';
  }

  /** Makes `run()` return after its current wait (at most ~100 ms). */
  stop(): void {
    this.stopped = true;
  }
}

/**
 * The canonical-event transport over a ring: `publish` forwards events from this process's bus
 * into a ring producer, `receive` delivers a ring consumer's events onto this process's bus.
 *
 * @example
 * ```ts
 * // engine process
 * RingTransport.publish(engineBus, createRing('engine.events', { kind: 'broadcast', capacity: 1 << 16, maxMessageSize: 1024 }));
 * // UI process
 * const receiver = RingTransport.receive(openRingConsumer('engine.events', { waitStrategy: 'block', timeoutMs: 5_000 }), uiBus);
 * await receiver.run();
 * ```
 */
export const RingTransport = {
  /** Starts forwarding `bus` events into `producer`; see {@link RingEventPublisher}. */
  publish(
    bus: EventBus<CanonicalEvent>,
    producer: RingProducer,
    options?: RingEventPublisherOptions,
  ): RingEventPublisher {
    return new RingEventPublisher(bus, producer, options);
  },
  /** Creates a receiver delivering `consumer`'s events onto `bus`; see {@link RingEventReceiver}. */
  receive(
    consumer: RingConsumer,
    bus: EventBus<CanonicalEvent>,
    options?: RingEventReceiverOptions,
  ): RingEventReceiver {
    return new RingEventReceiver(consumer, bus, options);
  },
} as const;
