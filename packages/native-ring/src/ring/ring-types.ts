import type { Clock } from '@quantkubera/core';
import type { RingKind } from '../layout/header-layout.js';

/**
 * How an endpoint waits for data (consumer) or room (SPSC producer):
 * - `'spin'`: busy-polls; lowest latency, burns a core.
 * - `'yield'`: polls `spinIterations` times, then gives the CPU away between polls
 *   (`sched_yield` for native rings; a ~50 µs `Atomics.wait` for `SharedArrayBuffer` rings).
 * - `'block'`: polls `spinIterations` times, then sleeps on a futex (native) or `Atomics.wait`
 *   (`SharedArrayBuffer`) until the other side publishes; the other side pays one wake call
 *   per batch only while someone sleeps.
 */
export type WaitStrategy = 'spin' | 'yield' | 'block';

/** What a wait ended with: data or room is there, the time ran out, or the peer closed cleanly. */
export type WaitOutcome = 'ready' | 'timeout' | 'closed';

/**
 * The other side of a ring as seen from here: `'alive'`; `'closed'` cleanly; `'dead'` (its
 * process is gone, a zombie, or the pid now names another process); `'stale'` (its process
 * exists but its heartbeat is older than `staleAfterMs`: hung, stopped, or starved); `'none'`
 * (no SPSC consumer attached).
 */
export type PeerStatus = 'alive' | 'closed' | 'dead' | 'stale' | 'none';

/**
 * Receives one message: `length` bytes of `bytes` starting at `offset`. The bytes are valid only
 * during the call (they are the ring's slot, or the consumer's scratch copy): copy what you keep.
 */
export type MessageHandler = (bytes: Uint8Array, offset: number, length: number) => void;

/** Options every ring endpoint takes. */
export interface RingEndpointOptions {
  /** Source of time for heartbeats and timeouts; defaults to a `LiveClock`. */
  readonly clock?: Clock;
  /** How to wait; default `'yield'`. */
  readonly waitStrategy?: WaitStrategy;
  /** Polls before yielding or sleeping (ignored by `'spin'`); default 200. */
  readonly spinIterations?: number;
  /** How often this endpoint refreshes its heartbeat; default 250 ms. */
  readonly heartbeatIntervalMs?: number;
  /** A peer whose heartbeat is older than this is `'stale'`; default 5000 ms. */
  readonly staleAfterMs?: number;
}

/** Where a new broadcast consumer starts reading. */
export type BroadcastStart = 'latest' | 'next' | 'oldest';

/** Options for a broadcast consumer. */
export interface BroadcastConsumerOptions extends RingEndpointOptions {
  /**
   * `'latest'` (default): the most recent message already published, then everything after;
   * `'next'`: only messages published after attaching; `'oldest'`: the oldest message still in
   * the ring.
   */
  readonly start?: BroadcastStart;
}

/** Counters of a producer; they only grow. */
export interface RingProducerStats {
  /** Messages committed (published or awaiting `flush`). */
  readonly written: number;
  /** Times a claim found an SPSC ring full (always 0 for broadcast). */
  readonly full: number;
}

/** Counters of a consumer; they only grow. */
export interface RingConsumerStats {
  /** Messages delivered to handlers. */
  readonly received: number;
  /**
   * Broadcast only: overrun episodes, each a run of consecutive messages lost because the
   * producer lapped this consumer. Equals the number of gaps in the sequence it received.
   */
  readonly overruns: number;
  /** Broadcast only: messages lost to overruns, in total. */
  readonly missed: number;
}

/**
 * The producer side of a ring (SPSC or broadcast, native or `SharedArrayBuffer`).
 *
 * Zero-copy writing: `tryClaim()` returns the byte offset in `bytes` where the next message's
 * payload goes (at most `maxMessageSize` bytes), `commit(length)` completes it, and `flush()`
 * publishes every committed message at once (one atomic store).
 *
 * @example
 * ```ts
 * const producer = createRing('ticks', { kind: 'spsc', capacity: 1 << 16, maxMessageSize: 120 });
 * const at = producer.tryClaim();
 * if (at >= 0) {
 *   producer.bytes.set(payload, at);
 *   producer.commit(payload.length);
 *   producer.flush();
 * }
 * ```
 */
export interface RingProducer {
  /** The ring's name (`'(shared)'` for an unnamed `SharedArrayBuffer` ring). */
  readonly name: string;
  /** SPSC or broadcast. */
  readonly kind: RingKind;
  /** Slots in the ring. */
  readonly capacity: number;
  /** Bytes per slot. */
  readonly slotSize: number;
  /** The largest message: `slotSize - 8`. */
  readonly maxMessageSize: number;
  /** The whole segment; claimed payload offsets index into it. Length 0 once closed (native). */
  readonly bytes: Uint8Array;
  /** Live counters. */
  readonly stats: RingProducerStats;
  /** True once `close()` has run. */
  readonly closed: boolean;
  /** Claims the next slot: its payload offset in `bytes`, or -1 when an SPSC ring is full. */
  tryClaim(): number;
  /** Completes the claimed message with `length` payload bytes; invisible until `flush()`. */
  commit(length: number): void;
  /** Publishes every committed message and wakes sleeping consumers. */
  flush(): void;
  /** Copies and publishes one message; false when an SPSC ring is full. */
  tryWrite(message: Uint8Array, offset?: number, length?: number): boolean;
  /** Copies as many of `messages[start..end)` as fit and publishes them together; returns how many. */
  tryWriteBatch(messages: readonly Uint8Array[], start?: number, end?: number): number;
  /**
   * Like `tryWrite`, but waits with the wait strategy while an SPSC ring is full, up to
   * `timeoutMs` (default: forever). False on timeout; throws `RING_CONSUMER_DEAD` when the
   * consumer died holding the ring full.
   */
  write(message: Uint8Array, offset?: number, length?: number, timeoutMs?: number): boolean;
  /**
   * Waits with the wait strategy until a claim can succeed (at once for broadcast): `'ready'`, or
   * `'timeout'`. Throws `RING_CONSUMER_DEAD` when the SPSC consumer died holding the ring full.
   * Flush before waiting, or the consumer may be waiting for what you committed.
   */
  waitForRoom(timeoutMs?: number): WaitOutcome;
  /** The consumer's status (SPSC); `'none'` for broadcast, whose consumers are anonymous. */
  consumerStatus(): PeerStatus;
  /** Refreshes this producer's heartbeat now (it also does so on a timer and while waiting). */
  heartbeat(): void;
  /**
   * Flushes, marks the ring closed so consumers see a clean end, and releases the mapping.
   * With `unlink` (default true for native rings) the name is removed; attached consumers keep
   * their mapping until they close.
   */
  close(options?: { readonly unlink?: boolean }): void;
}

/** The consumer side of a ring. */
export interface RingConsumer {
  /** The ring's name. */
  readonly name: string;
  /** SPSC or broadcast. */
  readonly kind: RingKind;
  /** Slots in the ring. */
  readonly capacity: number;
  /** The largest message. */
  readonly maxMessageSize: number;
  /** Live counters. */
  readonly stats: RingConsumerStats;
  /** True once `close()` has run. */
  readonly closed: boolean;
  /** The sequence number of the next message this consumer will read (messages are numbered from 0). */
  readonly position: number;
  /** Messages published and not yet consumed (an SPSC count; for broadcast, capped by what is still intact). */
  available(): number;
  /**
   * Delivers up to `limit` messages to `handler`, in order, without waiting; returns how many.
   * A handler that throws stops the batch: the messages before it and the one that threw count
   * as consumed, the rest stay for the next poll.
   */
  poll(handler: MessageHandler, limit?: number): number;
  /**
   * Waits with the wait strategy until a message is available (`'ready'`), `timeoutMs` passes
   * (`'timeout'`), or the producer closed cleanly and everything is consumed (`'closed'`).
   * Throws `RING_PRODUCER_DEAD` when the producer died and nothing is left to read.
   */
  wait(timeoutMs?: number): WaitOutcome;
  /** `wait` that yields to the event loop: futex or `Atomics.waitAsync` for `'block'`, `setImmediate` otherwise. */
  waitAsync(timeoutMs?: number): Promise<WaitOutcome>;
  /** The producer's status. */
  producerStatus(): PeerStatus;
  /** Detaches from the ring (an SPSC consumer frees its place for a successor) and releases the mapping. */
  close(): void;
}
