import { readdirSync } from 'node:fs';
import { type Clock, LiveClock, MICROS_PER_MILLI } from '@quantkubera/core';
import { RingError } from '../errors/index.js';
import {
  checkGeometry,
  initHeader,
  KIND_CODE,
  L_CONSUMER_HEARTBEAT,
  L_CONSUMER_START,
  L_CREATED_US,
  L_PRODUCER_HEARTBEAT,
  L_PRODUCER_START,
  LAYOUT_STATUS,
  layoutStatus,
  maxMessageSize,
  RING_HEADER_SIZE,
  type RingKind,
  resolveSlotSize,
  ringSegmentSize,
  STATE_CLOSED,
  W_CAPACITY,
  W_CONSUMER_PID,
  W_CONSUMER_STATE,
  W_KIND,
  W_PRODUCER_PID,
  W_PRODUCER_STATE,
  W_READ,
  W_SLOT_SIZE,
  W_WRITE,
} from '../layout/header-layout.js';
import { BroadcastConsumer } from '../ring/broadcast-consumer.js';
import { processAlive, processStartTicks } from '../ring/process-identity.js';
import { loadPosition, RingMemory, type RingPlatform } from '../ring/ring-memory.js';
import { RingProducerImpl } from '../ring/ring-producer.js';
import type {
  BroadcastConsumerOptions,
  PeerStatus,
  RingConsumer,
  RingEndpointOptions,
  RingProducer,
} from '../ring/ring-types.js';
import { SpscConsumer } from '../ring/spsc-consumer.js';
import { type NativeBinding, nativeBinding } from './binding.js';

/** Ring names: what may follow the `qkring.` prefix in /dev/shm. */
export const RING_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** The prefix of every ring's POSIX shared-memory object name. */
export const SHM_PREFIX = 'qkring.';

function objectName(name: string): string {
  if (typeof name !== 'string' || !RING_NAME_PATTERN.test(name)) {
    throw new RingError(
      'RING_INVALID_ARGUMENT',
      String(name),
      `invalid ring name: use 1-128 of [A-Za-z0-9._-], starting with a letter or digit`,
    );
  }
  return SHM_PREFIX + name;
}

function systemError(name: string, what: string, err: unknown): RingError {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT')
    return new RingError('RING_NOT_FOUND', name, `no ring segment (${message})`, { cause: err });
  if (code === 'EEXIST') return new RingError('RING_EXISTS', name, `${what}: ${message}`, { cause: err });
  return new RingError('RING_SYSTEM', name, `${what} failed: ${message}`, { cause: err });
}

let self: { readonly pid: number; readonly startTicks: number } | undefined;

function nativePlatform(binding: NativeBinding): RingPlatform {
  return {
    wait: (words, index, expected, timeoutMs) => binding.futexWait(words, index, expected, timeoutMs),
    waitAsync: (words, index, expected, timeoutMs) =>
      binding.futexWaitAsync(words, index, expected, timeoutMs),
    wake: (words, index) => {
      binding.futexWake(words, index, 0x7fffffff);
    },
    yieldCpu: () => binding.yieldCpu(),
    release: (buffer) => binding.releaseSegment(buffer as ArrayBuffer),
    processAlive,
    self: () => {
      self ??= { pid: process.pid, startTicks: processStartTicks(process.pid) };
      return self;
    },
    unlinkOnClose: true,
    unlink: (name) => {
      try {
        binding.unlinkSegment(objectName(name));
      } catch (err) {
        throw systemError(name, 'shm_unlink', err);
      }
    },
  };
}

let platform: RingPlatform | undefined;

function getPlatform(): { binding: NativeBinding; platform: RingPlatform } {
  const binding = nativeBinding();
  platform ??= nativePlatform(binding);
  return { binding, platform };
}

/** Options for {@link createRing}. */
export interface CreateRingOptions extends RingEndpointOptions {
  /** `'spsc'` (a queue: no loss, the producer sees "full") or `'broadcast'` (many lossy readers). */
  readonly kind: RingKind;
  /** Slots, a power of two. */
  readonly capacity: number;
  /** The largest message to carry; the slot size is this plus 8, rounded up to a multiple of 8. */
  readonly maxMessageSize?: number;
  /** The slot size in bytes (a multiple of 8), instead of `maxMessageSize`. */
  readonly slotSize?: number;
  /**
   * When the name is held by a segment whose producer is dead or closed (left by a crashed or
   * finished run), unlink it and create afresh. Default true. A live producer's ring is never
   * reclaimed: that is `RING_EXISTS`.
   */
  readonly reclaimStale?: boolean;
}

/**
 * Creates a named shared-memory ring and returns its producer. The segment is created exclusively
 * and sized, the header written (magic last), then mapped once: all ring operations are Atomics
 * over that mapping, with no native call per message.
 *
 * @example
 * ```ts
 * const producer = createRing('md.quotes', { kind: 'broadcast', capacity: 1 << 16, maxMessageSize: 120 });
 * producer.tryWrite(frame);
 * producer.close(); // marks it closed for readers and unlinks the name
 * ```
 */
export function createRing(name: string, options: CreateRingOptions): RingProducer {
  const object = objectName(name);
  const { binding, platform } = getPlatform();
  if (options.kind !== 'spsc' && options.kind !== 'broadcast') {
    throw new RingError(
      'RING_INVALID_ARGUMENT',
      name,
      `kind must be 'spsc' or 'broadcast', got ${String(options.kind)}`,
    );
  }
  const slotSize = resolveSlotSize(name, options);
  checkGeometry(name, options.capacity, slotSize);
  const size = ringSegmentSize(options.capacity, slotSize);
  const clock = options.clock ?? new LiveClock();
  let buffer: ArrayBuffer;
  try {
    buffer = binding.createSegment(object, size);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw systemError(name, 'shm_open', err);
    const info = inspectRing(name, { clock });
    if (!(options.reclaimStale ?? true) || !info.reclaimable) {
      throw new RingError(
        'RING_EXISTS',
        name,
        `the name is held by a ring whose producer (pid ${info.producerPid}) is ${info.producer}${info.reclaimable ? '; reclaimStale is off' : ''}`,
        { cause: err },
      );
    }
    binding.unlinkSegment(object);
    try {
      buffer = binding.createSegment(object, size);
    } catch (again) {
      throw systemError(name, 'shm_open', again);
    }
  }
  try {
    initHeader(
      buffer,
      { kind: options.kind, capacity: options.capacity, slotSize },
      platform.self(),
      clock.nowUs(),
    );
    return new RingProducerImpl(new RingMemory(name, buffer, platform), { ...options, clock });
  } catch (err) {
    binding.releaseSegment(buffer);
    binding.unlinkSegment(object);
    throw err;
  }
}

/** Options for {@link openRingConsumer}. */
export interface OpenRingOptions extends BroadcastConsumerOptions {
  /** Refuse a ring of the other kind (`RING_LAYOUT_MISMATCH`); by default either is opened. */
  readonly kind?: RingKind;
  /**
   * How long to keep retrying while the ring does not exist yet or is still being initialised;
   * default 0 (one attempt). The retries block the thread (a consumer usually starts with this).
   */
  readonly timeoutMs?: number;
}

/** Sleeps the thread for `ms` (Atomics.wait on a private buffer); used only between open retries. */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Opens a named ring as a consumer: an SPSC ring's one consumer (resuming at the shared read
 * position) or one more broadcast reader. Throws `RING_NOT_FOUND`, `RING_NOT_READY`,
 * `RING_LAYOUT_MISMATCH` (wrong magic, version, size or kind) or `RING_BUSY`.
 *
 * @example
 * ```ts
 * const consumer = openRingConsumer('md.quotes', { waitStrategy: 'block', timeoutMs: 5_000 });
 * while (consumer.wait() === 'ready') consumer.poll((bytes, offset, length) => render(bytes, offset, length));
 * ```
 */
export function openRingConsumer(name: string, options: OpenRingOptions = {}): RingConsumer {
  const object = objectName(name);
  const { binding, platform } = getPlatform();
  const clock = options.clock ?? new LiveClock();
  const timeoutMs = options.timeoutMs ?? 0;
  const deadlineUs = clock.nowUs() + timeoutMs * MICROS_PER_MILLI;
  for (;;) {
    let buffer: ArrayBuffer | undefined;
    try {
      try {
        buffer = binding.openSegment(object);
      } catch (err) {
        throw systemError(name, 'shm_open', err);
      }
      const memory = new RingMemory(name, buffer, platform, options.kind);
      const endpointOptions = { ...options, clock };
      return memory.kind === 'spsc'
        ? new SpscConsumer(memory, endpointOptions)
        : new BroadcastConsumer(memory, endpointOptions);
    } catch (err) {
      if (buffer !== undefined) binding.releaseSegment(buffer);
      const retry =
        err instanceof RingError &&
        (err.code === 'RING_NOT_FOUND' || err.code === 'RING_NOT_READY') &&
        clock.nowUs() < deadlineUs;
      if (!retry) throw err;
      sleepMs(2);
    }
  }
}

/** The header check {@link inspectRing} reports: `'ok'`, or why the segment is not a usable ring. */
export type RingLayoutCheck =
  | 'ok'
  | 'tooSmall'
  | 'notInitialised'
  | 'badMagic'
  | 'badVersion'
  | 'badGeometry'
  | 'sizeMismatch';

/** What {@link inspectRing} reports about a named ring. */
export interface RingInfo {
  readonly name: string;
  /** SPSC or broadcast; `undefined` when the header is not a valid ring. */
  readonly kind: RingKind | undefined;
  /** The header check: `'ok'` or why the segment is not a usable ring. */
  readonly layout: RingLayoutCheck;
  readonly capacity: number;
  readonly slotSize: number;
  readonly maxMessageSize: number;
  /** Creation time, epoch microseconds. */
  readonly createdUs: number;
  readonly producerPid: number;
  /** The producer's status. */
  readonly producer: PeerStatus;
  /** Last producer heartbeat, epoch microseconds. */
  readonly producerHeartbeatUs: number;
  /** SPSC consumer pid, 0 when none. */
  readonly consumerPid: number;
  /** The SPSC consumer's status (`'none'` for broadcast). */
  readonly consumer: PeerStatus;
  /** Messages published. */
  readonly writePosition: number;
  /** SPSC: messages consumed and released. */
  readonly readPosition: number;
  /**
   * True when nothing live uses the name: the producer is dead or closed. A stale segment from a
   * crashed run reports `producer: 'dead'` and `reclaimable: true`.
   */
  readonly reclaimable: boolean;
}

/** Options for {@link inspectRing} and {@link reclaimRing}. */
export interface InspectRingOptions {
  /** The clock heartbeats are compared with; defaults to a `LiveClock`. */
  readonly clock?: Clock;
  /** Heartbeats older than this make a live process `'stale'`; default 5000 ms. */
  readonly staleAfterMs?: number;
}

const LAYOUT_NAMES = Object.fromEntries(Object.entries(LAYOUT_STATUS).map(([k, v]) => [v, k])) as Record<
  number,
  RingLayoutCheck
>;

function statusOf(
  words: Int32Array,
  longs: BigInt64Array,
  pidWord: number,
  stateWord: number,
  startLong: number,
  beatLong: number,
  nowUs: number,
  staleAfterUs: number,
): PeerStatus {
  if (Atomics.load(words, stateWord) === STATE_CLOSED) return 'closed';
  const pid = Atomics.load(words, pidWord);
  if (pid === 0) return 'none';
  if (!processAlive(pid, Number(Atomics.load(longs, startLong)))) return 'dead';
  return nowUs - Number(Atomics.load(longs, beatLong)) > staleAfterUs ? 'stale' : 'alive';
}

/**
 * Reads a named ring's header without attaching: geometry, positions, and the producer's and
 * consumer's status. Throws `RING_NOT_FOUND` when there is no such segment.
 */
export function inspectRing(name: string, options: InspectRingOptions = {}): RingInfo {
  const object = objectName(name);
  const { binding } = getPlatform();
  let buffer: ArrayBuffer;
  try {
    buffer = binding.openSegment(object);
  } catch (err) {
    throw systemError(name, 'shm_open', err);
  }
  try {
    const status = layoutStatus(buffer);
    const layout = LAYOUT_NAMES[status] ?? 'badGeometry';
    if (status !== LAYOUT_STATUS.ok) {
      return {
        name,
        kind: undefined,
        layout,
        capacity: 0,
        slotSize: 0,
        maxMessageSize: 0,
        createdUs: 0,
        producerPid:
          buffer.byteLength >= RING_HEADER_SIZE ? new Int32Array(buffer, 0, 16)[W_PRODUCER_PID]! : 0,
        producer: 'none',
        producerHeartbeatUs: 0,
        consumerPid: 0,
        consumer: 'none',
        writePosition: 0,
        readPosition: 0,
        reclaimable: false,
      };
    }
    const words = new Int32Array(buffer, 0, RING_HEADER_SIZE / 4);
    const longs = new BigInt64Array(buffer, 0, RING_HEADER_SIZE / 8);
    const nowUs = (options.clock ?? new LiveClock()).nowUs();
    const staleAfterUs = (options.staleAfterMs ?? 5_000) * MICROS_PER_MILLI;
    const kind: RingKind = words[W_KIND] === KIND_CODE.spsc ? 'spsc' : 'broadcast';
    const producer = statusOf(
      words,
      longs,
      W_PRODUCER_PID,
      W_PRODUCER_STATE,
      L_PRODUCER_START,
      L_PRODUCER_HEARTBEAT,
      nowUs,
      staleAfterUs,
    );
    const consumer =
      kind === 'spsc'
        ? statusOf(
            words,
            longs,
            W_CONSUMER_PID,
            W_CONSUMER_STATE,
            L_CONSUMER_START,
            L_CONSUMER_HEARTBEAT,
            nowUs,
            staleAfterUs,
          )
        : 'none';
    const slotSize = words[W_SLOT_SIZE]!;
    return {
      name,
      kind,
      layout,
      capacity: words[W_CAPACITY]!,
      slotSize,
      maxMessageSize: maxMessageSize(slotSize),
      createdUs: Number(longs[L_CREATED_US]),
      producerPid: Atomics.load(words, W_PRODUCER_PID),
      producer,
      producerHeartbeatUs: Number(Atomics.load(longs, L_PRODUCER_HEARTBEAT)),
      consumerPid: Atomics.load(words, W_CONSUMER_PID),
      consumer,
      writePosition: loadPosition(words, W_WRITE),
      readPosition: kind === 'spsc' ? loadPosition(words, W_READ) : 0,
      reclaimable: producer === 'dead' || producer === 'closed',
    };
  } finally {
    binding.releaseSegment(buffer);
  }
}

/**
 * Unlinks a ring left behind by a dead or closed producer. Returns true when it was removed,
 * false when there was none. Throws `RING_EXISTS` for a ring that is in use (or not a valid ring)
 * unless `force` is set.
 */
export function reclaimRing(
  name: string,
  options: InspectRingOptions & { readonly force?: boolean } = {},
): boolean {
  let info: RingInfo;
  try {
    info = inspectRing(name, options);
  } catch (err) {
    if (err instanceof RingError && err.code === 'RING_NOT_FOUND') return false;
    throw err;
  }
  if (!info.reclaimable && options.force !== true) {
    throw new RingError(
      'RING_EXISTS',
      name,
      info.layout === 'ok'
        ? `not reclaimable: its producer (pid ${info.producerPid}) is ${info.producer}`
        : `not reclaimable: the segment's header is ${info.layout}; pass force to remove it`,
    );
  }
  return unlinkRing(name);
}

/** Removes a ring's name (mappings stay valid until closed). True when it existed. */
export function unlinkRing(name: string): boolean {
  const object = objectName(name);
  try {
    return getPlatform().binding.unlinkSegment(object);
  } catch (err) {
    throw systemError(name, 'shm_unlink', err);
  }
}

/** The names of every ring segment on this machine (Linux: the `qkring.` objects in /dev/shm). */
export function listRings(): string[] {
  let entries: string[];
  try {
    entries = readdirSync('/dev/shm');
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.startsWith(SHM_PREFIX))
    .map((e) => e.slice(SHM_PREFIX.length))
    .sort();
}
