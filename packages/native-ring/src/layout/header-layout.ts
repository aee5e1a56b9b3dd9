import { RingError } from '../errors/index.js';

// The segment layout, version 1: the TypeScript mirror of csrc/ring_layout.h (read that file's
// comment for the byte map). W_* constants index an Int32Array over the segment, L_* a
// BigInt64Array.

/** The magic number at byte 0 of every ring segment: 'QKRG' read little-endian. */
export const RING_MAGIC = 0x47524b51;
/** The layout version this build reads and writes. */
export const RING_LAYOUT_VERSION = 1;
/** Bytes before the first slot. */
export const RING_HEADER_SIZE = 1024;
/** Bytes at the start of every slot before the payload: length and sequence stamp. */
export const SLOT_HEADER_SIZE = 8;
/** Smallest slot size. */
export const MIN_SLOT_SIZE = 16;
/** Largest slot size (1 MiB). */
export const MAX_SLOT_SIZE = 1 << 20;
/** Fewest slots in a ring. */
export const MIN_CAPACITY = 2;
/** Most slots in a ring. */
export const MAX_CAPACITY = 1 << 24;
/** Largest segment (2 GiB): byte offsets into it stay int32, which typed-array code relies on. */
export const MAX_SEGMENT_SIZE = 2 ** 31;

/** The two ring shapes: an SPSC queue (no loss) or a single-producer broadcast (lossy readers). */
export type RingKind = 'spsc' | 'broadcast';

/** Kind codes as stored in the header. */
export const KIND_CODE = { spsc: 1, broadcast: 2 } as const;

/** Endpoint state in the header: not yet running. */
export const STATE_INITIALISING = 0;
/** An endpoint is attached and running. */
export const STATE_ACTIVE = 1;
/** An endpoint closed cleanly. */
export const STATE_CLOSED = 2;

/** Word index of the magic (byte 0). */
export const W_MAGIC = 0;
/** Word index of the layout version (byte 4). */
export const W_VERSION = 1;
/** Word index of the kind code (byte 8). */
export const W_KIND = 2;
/** Word index of the capacity in slots (byte 12). */
export const W_CAPACITY = 3;
/** Word index of the slot size (byte 16). */
export const W_SLOT_SIZE = 4;
/** Word index of the header size (byte 20). */
export const W_HEADER_SIZE = 5;
/** Word index of the segment size, low word (byte 24). */
export const W_SIZE_LO = 6;
/** Word index of the segment size, high word (byte 28). */
export const W_SIZE_HI = 7;
/** Word index of the producer pid (byte 32). */
export const W_PRODUCER_PID = 8;
/** Word index of the producer state (byte 36). */
export const W_PRODUCER_STATE = 9;
/** Word index of the SPSC consumer pid (byte 40). */
export const W_CONSUMER_PID = 10;
/** Word index of the SPSC consumer state (byte 44). */
export const W_CONSUMER_STATE = 11;
/** Write position {lo, hiA, hiB} at byte 256. */
export const W_WRITE = 64;
/** Intent position at byte 268. */
export const W_INTENT = 67;
/** Read position at byte 384. */
export const W_READ = 96;
/** Consumer waiter count at byte 512. */
export const W_CONSUMER_WAITERS = 128;
/** Producer waiter count at byte 640. */
export const W_PRODUCER_WAITERS = 160;

/** Long index of the creation time, epoch µs (byte 48). */
export const L_CREATED_US = 6;
/** Long index of the producer process start ticks (byte 56). */
export const L_PRODUCER_START = 7;
/** Long index of the SPSC consumer process start ticks (byte 64). */
export const L_CONSUMER_START = 8;
/** Long index of the producer heartbeat, epoch µs (byte 128). */
export const L_PRODUCER_HEARTBEAT = 16;
/** Long index of the SPSC consumer heartbeat, epoch µs (byte 136). */
export const L_CONSUMER_HEARTBEAT = 17;

/**
 * The header check's verdict, numbered like the C++ `LayoutStatus` so both validators can be
 * compared in tests.
 */
export const LAYOUT_STATUS = {
  ok: 0,
  tooSmall: 1,
  notInitialised: 2,
  badMagic: 3,
  badVersion: 4,
  badGeometry: 5,
  sizeMismatch: 6,
} as const;

/** A ring's fixed geometry, read from (or written to) its header. */
export interface RingGeometry {
  readonly kind: RingKind;
  /** Slots in the ring, a power of two. */
  readonly capacity: number;
  /** Bytes per slot, a multiple of 8. */
  readonly slotSize: number;
}

/** Total segment bytes for a geometry: header plus slots. */
export function ringSegmentSize(capacity: number, slotSize: number): number {
  return RING_HEADER_SIZE + capacity * slotSize;
}

/** The largest message a slot of `slotSize` bytes holds. */
export function maxMessageSize(slotSize: number): number {
  return slotSize - SLOT_HEADER_SIZE;
}

function isPowerOfTwo(v: number): boolean {
  return Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0;
}

/** Why a geometry is impossible, or `undefined` when it is fine. */
export function geometryProblem(capacity: number, slotSize: number): string | undefined {
  if (!isPowerOfTwo(capacity) || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
    return `capacity must be a power of two in [${MIN_CAPACITY}, ${MAX_CAPACITY}], got ${capacity}`;
  }
  if (
    !Number.isInteger(slotSize) ||
    slotSize < MIN_SLOT_SIZE ||
    slotSize > MAX_SLOT_SIZE ||
    slotSize % 8 !== 0
  ) {
    return `slotSize must be a multiple of 8 in [${MIN_SLOT_SIZE}, ${MAX_SLOT_SIZE}], got ${slotSize}`;
  }
  if (ringSegmentSize(capacity, slotSize) > MAX_SEGMENT_SIZE) {
    return `capacity × slotSize = ${capacity * slotSize} bytes exceeds the ${MAX_SEGMENT_SIZE}-byte limit`;
  }
  return undefined;
}

/** Throws `RING_INVALID_ARGUMENT` unless the geometry is possible. */
export function checkGeometry(ring: string, capacity: number, slotSize: number): void {
  const problem = geometryProblem(capacity, slotSize);
  if (problem !== undefined) throw new RingError('RING_INVALID_ARGUMENT', ring, problem);
}

/** The slot size that holds messages of up to `maxMessageBytes`: rounded up to a multiple of 8. */
export function slotSizeFor(maxMessageBytes: number): number {
  return Math.max(MIN_SLOT_SIZE, Math.ceil((maxMessageBytes + SLOT_HEADER_SIZE) / 8) * 8);
}

/**
 * The slot size a ring's options ask for: `slotSize` as given, or `maxMessageSize` rounded up.
 * Exactly one must be given.
 */
export function resolveSlotSize(
  ring: string,
  options: { maxMessageSize?: number; slotSize?: number },
): number {
  if (options.slotSize !== undefined && options.maxMessageSize !== undefined) {
    throw new RingError('RING_INVALID_ARGUMENT', ring, 'give slotSize or maxMessageSize, not both');
  }
  if (options.slotSize !== undefined) return options.slotSize;
  if (options.maxMessageSize === undefined) {
    throw new RingError('RING_INVALID_ARGUMENT', ring, 'give slotSize or maxMessageSize');
  }
  if (!Number.isInteger(options.maxMessageSize) || options.maxMessageSize < 0) {
    throw new RingError(
      'RING_INVALID_ARGUMENT',
      ring,
      `maxMessageSize must be a byte count, got ${options.maxMessageSize}`,
    );
  }
  return slotSizeFor(options.maxMessageSize);
}

/** The identity of the process creating a ring, stored in the header. */
export interface CreatorIdentity {
  /** Its pid (or, for `SharedArrayBuffer` rings, a per-thread token). */
  readonly pid: number;
  /** Process start time in clock ticks since boot, or 0 when unknown. */
  readonly startTicks: number;
}

/**
 * Writes a fresh header into zero-filled memory. The magic goes last with an atomic store, so a
 * reader that sees it sees every other field. Without a `creator` the producer place stays empty
 * (state initialising) for a producer that registers later, as `SharedArrayBuffer` rings do.
 */
export function initHeader(
  buffer: ArrayBufferLike,
  geometry: RingGeometry,
  creator: CreatorIdentity | undefined,
  nowUs: number,
): void {
  const words = new Int32Array(buffer, 0, RING_HEADER_SIZE / 4);
  const longs = new BigInt64Array(buffer, 0, RING_HEADER_SIZE / 8);
  const size = ringSegmentSize(geometry.capacity, geometry.slotSize);
  words[W_VERSION] = RING_LAYOUT_VERSION;
  words[W_KIND] = KIND_CODE[geometry.kind];
  words[W_CAPACITY] = geometry.capacity;
  words[W_SLOT_SIZE] = geometry.slotSize;
  words[W_HEADER_SIZE] = RING_HEADER_SIZE;
  words[W_SIZE_LO] = size | 0;
  words[W_SIZE_HI] = Math.floor(size / 2 ** 32);
  longs[L_CREATED_US] = BigInt(nowUs);
  if (creator !== undefined) {
    Atomics.store(longs, L_PRODUCER_START, BigInt(creator.startTicks));
    Atomics.store(longs, L_PRODUCER_HEARTBEAT, BigInt(nowUs));
    Atomics.store(words, W_PRODUCER_PID, creator.pid);
    Atomics.store(words, W_PRODUCER_STATE, STATE_ACTIVE);
  }
  Atomics.store(words, W_MAGIC, RING_MAGIC);
}

/** Classifies a segment's header; see {@link LAYOUT_STATUS}. */
export function layoutStatus(buffer: ArrayBufferLike): number {
  if (buffer.byteLength < RING_HEADER_SIZE) return LAYOUT_STATUS.tooSmall;
  const words = new Int32Array(buffer, 0, RING_HEADER_SIZE / 4);
  const magic = Atomics.load(words, W_MAGIC);
  if (magic === 0) return LAYOUT_STATUS.notInitialised;
  if (magic !== RING_MAGIC) return LAYOUT_STATUS.badMagic;
  if (words[W_VERSION] !== RING_LAYOUT_VERSION) return LAYOUT_STATUS.badVersion;
  const kind = words[W_KIND];
  const capacity = words[W_CAPACITY]!;
  const slotSize = words[W_SLOT_SIZE]!;
  if (
    (kind !== KIND_CODE.spsc && kind !== KIND_CODE.broadcast) ||
    words[W_HEADER_SIZE] !== RING_HEADER_SIZE ||
    geometryProblem(capacity, slotSize) !== undefined
  ) {
    return LAYOUT_STATUS.badGeometry;
  }
  const recorded = (words[W_SIZE_HI]! >>> 0) * 2 ** 32 + (words[W_SIZE_LO]! >>> 0);
  if (recorded !== ringSegmentSize(capacity, slotSize) || recorded !== buffer.byteLength) {
    return LAYOUT_STATUS.sizeMismatch;
  }
  return LAYOUT_STATUS.ok;
}

/**
 * Validates a segment's header and returns its geometry. Throws `RING_NOT_READY` while the
 * creator is still initialising, `RING_LAYOUT_MISMATCH` for another layout, version, size or
 * (when `expectedKind` is given) kind.
 */
export function readGeometry(buffer: ArrayBufferLike, ring: string, expectedKind?: RingKind): RingGeometry {
  const status = layoutStatus(buffer);
  const words = new Int32Array(buffer, 0, Math.min(buffer.byteLength, RING_HEADER_SIZE) >> 2);
  switch (status) {
    case LAYOUT_STATUS.ok:
      break;
    case LAYOUT_STATUS.tooSmall:
      if (buffer.byteLength === 0) {
        throw new RingError('RING_NOT_READY', ring, 'the segment exists but has not been sized yet');
      }
      throw new RingError(
        'RING_LAYOUT_MISMATCH',
        ring,
        `segment of ${buffer.byteLength} bytes is smaller than the ${RING_HEADER_SIZE}-byte header`,
      );
    case LAYOUT_STATUS.notInitialised:
      throw new RingError('RING_NOT_READY', ring, 'the header is not initialised yet (magic is 0)');
    case LAYOUT_STATUS.badMagic:
      throw new RingError(
        'RING_LAYOUT_MISMATCH',
        ring,
        `not a QuantKubera ring: magic at byte 0 is 0x${(words[W_MAGIC]! >>> 0).toString(16)}, expected 0x${RING_MAGIC.toString(16)}`,
      );
    case LAYOUT_STATUS.badVersion:
      throw new RingError(
        'RING_LAYOUT_MISMATCH',
        ring,
        `layout version ${words[W_VERSION]} at byte 4, this build reads version ${RING_LAYOUT_VERSION}`,
      );
    case LAYOUT_STATUS.badGeometry:
      throw new RingError(
        'RING_LAYOUT_MISMATCH',
        ring,
        `impossible header: kind ${words[W_KIND]} (byte 8), capacity ${words[W_CAPACITY]} (byte 12), slot size ${words[W_SLOT_SIZE]} (byte 16), header size ${words[W_HEADER_SIZE]} (byte 20)`,
      );
    default:
      throw new RingError(
        'RING_LAYOUT_MISMATCH',
        ring,
        `segment is ${buffer.byteLength} bytes but its header (byte 24) describes ${(words[W_SIZE_HI]! >>> 0) * 2 ** 32 + (words[W_SIZE_LO]! >>> 0)}`,
      );
  }
  const kind: RingKind = words[W_KIND] === KIND_CODE.spsc ? 'spsc' : 'broadcast';
  if (expectedKind !== undefined && kind !== expectedKind) {
    throw new RingError('RING_LAYOUT_MISMATCH', ring, `is a ${kind} ring, opened as ${expectedKind}`);
  }
  return { kind, capacity: words[W_CAPACITY]!, slotSize: words[W_SLOT_SIZE]! };
}
