import { threadId } from 'node:worker_threads';
import { LiveClock } from '@quantkubera/core';
import { RingError } from '../errors/index.js';
import {
  checkGeometry,
  initHeader,
  L_PRODUCER_HEARTBEAT,
  L_PRODUCER_START,
  type RingKind,
  resolveSlotSize,
  ringSegmentSize,
  STATE_ACTIVE,
  STATE_CLOSED,
  W_PRODUCER_PID,
  W_PRODUCER_STATE,
} from '../layout/header-layout.js';
import { BroadcastConsumer } from '../ring/broadcast-consumer.js';
import {
  RingMemory,
  type RingPlatform,
  WAIT_NOT_EQUAL,
  WAIT_TIMED_OUT,
  WAIT_WOKEN,
} from '../ring/ring-memory.js';
import { RingProducerImpl } from '../ring/ring-producer.js';
import type {
  BroadcastConsumerOptions,
  RingConsumer,
  RingEndpointOptions,
  RingProducer,
} from '../ring/ring-types.js';
import { SpscConsumer } from '../ring/spsc-consumer.js';

/** The name shared rings report: they live in a `SharedArrayBuffer`, not under a name. */
export const SHARED_RING_NAME = '(shared)';

/** How long the `'yield'` strategy sleeps per round: JavaScript has no sched_yield. */
const YIELD_SLEEP_MS = 0.05;

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
type AtomicsWithWaitAsync = typeof Atomics & {
  waitAsync?: (words: Int32Array, index: number, expected: number, timeoutMs: number) => WaitAsyncResult;
};

function waitCode(result: string): number {
  if (result === 'not-equal') return WAIT_NOT_EQUAL;
  if (result === 'timed-out') return WAIT_TIMED_OUT;
  return WAIT_WOKEN;
}

const yieldWord = new Int32Array(new SharedArrayBuffer(4));

/**
 * The platform of a ring in a `SharedArrayBuffer`: Atomics.wait/notify (which only reach threads
 * of this process, the only ones that can share the buffer), per-thread identity tokens, and
 * liveness by heartbeat alone.
 */
const sharedPlatform: RingPlatform = {
  wait: (words, index, expected, timeoutMs) => waitCode(Atomics.wait(words, index, expected, timeoutMs)),
  waitAsync: (words, index, expected, timeoutMs) => {
    const waitAsync = (Atomics as AtomicsWithWaitAsync).waitAsync;
    if (waitAsync === undefined) {
      return new Promise((resolve) => setTimeout(() => resolve(WAIT_TIMED_OUT), Math.min(timeoutMs, 1)));
    }
    const result = waitAsync(words, index, expected, timeoutMs);
    return result.async ? result.value.then(waitCode) : Promise.resolve(waitCode(result.value));
  },
  wake: (words, index) => {
    Atomics.notify(words, index);
  },
  yieldCpu: () => {
    Atomics.wait(yieldWord, 0, 0, YIELD_SLEEP_MS);
  },
  release: () => {
    // A SharedArrayBuffer cannot be detached; the garbage collector frees it.
  },
  // Every endpoint is a thread of this process: a dead peer shows as a stale heartbeat.
  processAlive: () => true,
  self: () => ({ pid: threadId + 1, startTicks: 0 }),
  unlinkOnClose: false,
  unlink: () => {
    // Nothing is named.
  },
};

/** Options for {@link allocateSharedRing}. */
export interface SharedRingOptions {
  /** `'spsc'` or `'broadcast'`. */
  readonly kind: RingKind;
  /** Slots, a power of two. */
  readonly capacity: number;
  /** The largest message to carry; the slot size is this plus 8, rounded up to a multiple of 8. */
  readonly maxMessageSize?: number;
  /** The slot size in bytes, instead of `maxMessageSize`. */
  readonly slotSize?: number;
}

/**
 * Allocates a ring in a `SharedArrayBuffer`, with the same layout and API as a native ring, for
 * `worker_threads`: post the buffer to the workers, then attach with {@link sharedRingProducer}
 * and {@link sharedRingConsumer}. Needs no native addon.
 *
 * @example
 * ```ts
 * const buffer = allocateSharedRing({ kind: 'spsc', capacity: 4096, maxMessageSize: 120 });
 * new Worker(new URL('./producer.js', import.meta.url), { workerData: buffer });
 * const consumer = sharedRingConsumer(buffer, { waitStrategy: 'block' });
 * ```
 */
export function allocateSharedRing(options: SharedRingOptions): SharedArrayBuffer {
  if (options.kind !== 'spsc' && options.kind !== 'broadcast') {
    throw new RingError(
      'RING_INVALID_ARGUMENT',
      SHARED_RING_NAME,
      `kind must be 'spsc' or 'broadcast', got ${String(options.kind)}`,
    );
  }
  const slotSize = resolveSlotSize(SHARED_RING_NAME, options);
  checkGeometry(SHARED_RING_NAME, options.capacity, slotSize);
  const buffer = new SharedArrayBuffer(ringSegmentSize(options.capacity, slotSize));
  initHeader(buffer, { kind: options.kind, capacity: options.capacity, slotSize }, undefined, 0);
  return buffer;
}

function sharedMemory(buffer: SharedArrayBuffer, kind?: RingKind): RingMemory {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new RingError(
      'RING_INVALID_ARGUMENT',
      SHARED_RING_NAME,
      'expected a SharedArrayBuffer from allocateSharedRing',
    );
  }
  return new RingMemory(SHARED_RING_NAME, buffer, sharedPlatform, kind);
}

/**
 * Attaches the producer of a shared ring (one per ring). Throws `RING_BUSY` if it already has one
 * and `RING_CLOSED` if its producer already finished.
 */
export function sharedRingProducer(
  buffer: SharedArrayBuffer,
  options: RingEndpointOptions = {},
): RingProducer {
  const memory = sharedMemory(buffer);
  const words = memory.words;
  const token = sharedPlatform.self().pid;
  const holder = Atomics.compareExchange(words, W_PRODUCER_PID, 0, token);
  if (holder !== 0) {
    if (Atomics.load(words, W_PRODUCER_STATE) === STATE_CLOSED) {
      throw new RingError('RING_CLOSED', SHARED_RING_NAME, 'its producer has already closed the ring');
    }
    throw new RingError('RING_BUSY', SHARED_RING_NAME, `already has a producer (thread token ${holder})`);
  }
  const clock = options.clock ?? new LiveClock();
  Atomics.store(memory.longs, L_PRODUCER_START, 0n);
  Atomics.store(memory.longs, L_PRODUCER_HEARTBEAT, BigInt(clock.nowUs()));
  Atomics.store(words, W_PRODUCER_STATE, STATE_ACTIVE);
  return new RingProducerImpl(memory, { ...options, clock });
}

/**
 * Attaches a consumer to a shared ring: the SPSC ring's one consumer, or one more broadcast
 * reader. `options.kind` refuses the other kind.
 */
export function sharedRingConsumer(
  buffer: SharedArrayBuffer,
  options: BroadcastConsumerOptions & { readonly kind?: RingKind } = {},
): RingConsumer {
  const memory = sharedMemory(buffer, options.kind);
  return memory.kind === 'spsc' ? new SpscConsumer(memory, options) : new BroadcastConsumer(memory, options);
}
