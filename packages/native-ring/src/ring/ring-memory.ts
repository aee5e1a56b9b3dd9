import {
  maxMessageSize,
  RING_HEADER_SIZE,
  type RingGeometry,
  type RingKind,
  readGeometry,
} from '../layout/header-layout.js';

/** What a platform wait returned: woken (re-check), the word differed, or the timeout passed. */
export const WAIT_WOKEN = 0;
/** The word no longer held the expected value when the wait began. */
export const WAIT_NOT_EQUAL = 1;
/** The wait's timeout passed. */
export const WAIT_TIMED_OUT = 2;

/**
 * The operations a ring needs from where its memory lives: native shared memory (futex, process
 * liveness) or a `SharedArrayBuffer` (Atomics.wait, one process).
 */
export interface RingPlatform {
  /** Sleeps while `words[index] === expected`, at most `timeoutMs`; returns a WAIT_* code. */
  wait(words: Int32Array, index: number, expected: number, timeoutMs: number): number;
  /** `wait` on another thread, resolving with a WAIT_* code. */
  waitAsync(words: Int32Array, index: number, expected: number, timeoutMs: number): Promise<number>;
  /** Wakes every sleeper on `words[index]`. */
  wake(words: Int32Array, index: number): void;
  /** Gives the CPU away briefly. */
  yieldCpu(): void;
  /** Releases the memory: detaches a native mapping so no view can reach it afterwards. */
  release(buffer: ArrayBufferLike): void;
  /** Whether the process (pid, start ticks) recorded in a header is alive. */
  processAlive(pid: number, startTicks: number): boolean;
  /** This process's identity to record in a header. */
  self(): { readonly pid: number; readonly startTicks: number };
  /** Whether endpoints default to unlinking the ring's name on close. */
  readonly unlinkOnClose: boolean;
  /** Removes the ring's name (native); a no-op for unnamed memory. */
  unlink(name: string): void;
}

/** A validated ring segment with its typed views and geometry. */
export class RingMemory {
  readonly name: string;
  readonly buffer: ArrayBufferLike;
  readonly platform: RingPlatform;
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly longs: BigInt64Array;
  readonly kind: RingKind;
  readonly capacity: number;
  readonly mask: number;
  readonly slotSize: number;
  readonly maxMessageSize: number;

  /** Validates the header (throwing RingError) and builds the views. */
  constructor(name: string, buffer: ArrayBufferLike, platform: RingPlatform, expectedKind?: RingKind) {
    const geometry: RingGeometry = readGeometry(buffer, name, expectedKind);
    this.name = name;
    this.buffer = buffer;
    this.platform = platform;
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.longs = new BigInt64Array(buffer, 0, RING_HEADER_SIZE / 8);
    this.kind = geometry.kind;
    this.capacity = geometry.capacity;
    this.mask = geometry.capacity - 1;
    this.slotSize = geometry.slotSize;
    this.maxMessageSize = maxMessageSize(geometry.slotSize);
  }
}

const TWO_POW_32 = 4294967296;

/**
 * Reads a 64-bit position {lo, hiA, hiB} at word `at` (see csrc/ring_layout.h): hiA, lo, hiB,
 * retried while the hi words disagree. Exact up to 2^53.
 */
export function loadPosition(words: Int32Array, at: number): number {
  for (;;) {
    const a = Atomics.load(words, at + 1);
    const lo = Atomics.load(words, at);
    const b = Atomics.load(words, at + 2);
    if (a === b) return (a >>> 0) * TWO_POW_32 + (lo >>> 0);
  }
}

/** Stores a position; single writer only. The hi words are written only when they change. */
export function storePosition(words: Int32Array, at: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  if (words[at + 1] !== hi) {
    Atomics.store(words, at + 2, hi);
    Atomics.store(words, at, value | 0);
    Atomics.store(words, at + 1, hi);
  } else {
    Atomics.store(words, at, value | 0);
  }
}

/**
 * Copies `length` bytes. Short copies are a byte loop (no allocation); longer ones use
 * `TypedArray.set`, which is a memmove once past its call overhead.
 */
export function copyBytes(
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  length: number,
): void {
  if (length <= 48) {
    for (let i = 0; i < length; i++) dst[dstOffset + i] = src[srcOffset + i]!;
  } else if (srcOffset === 0 && length === src.length) {
    dst.set(src, dstOffset);
  } else {
    dst.set(src.subarray(srcOffset, srcOffset + length), dstOffset);
  }
}

/**
 * Copies `count` 32-bit words between two Int32Array views (offsets in words). Faster than
 * `TypedArray.set` for the short, aligned payloads a ring carries.
 */
export function copyWords(
  src: Int32Array,
  srcWord: number,
  dst: Int32Array,
  dstWord: number,
  count: number,
): void {
  for (let i = 0; i < count; i++) dst[dstWord + i] = src[srcWord + i]!;
}
