import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingError } from '../errors/index.js';
import { nativeBinding } from '../native/binding.js';
import {
  checkGeometry,
  geometryProblem,
  initHeader,
  KIND_CODE,
  L_CONSUMER_HEARTBEAT,
  L_CONSUMER_START,
  L_CREATED_US,
  L_PRODUCER_HEARTBEAT,
  L_PRODUCER_START,
  LAYOUT_STATUS,
  layoutStatus,
  RING_HEADER_SIZE,
  RING_MAGIC,
  type RingGeometry,
  readGeometry,
  resolveSlotSize,
  ringSegmentSize,
  slotSizeFor,
  W_CONSUMER_PID,
  W_CONSUMER_STATE,
  W_CONSUMER_WAITERS,
  W_INTENT,
  W_MAGIC,
  W_PRODUCER_PID,
  W_PRODUCER_STATE,
  W_PRODUCER_WAITERS,
  W_READ,
  W_SIZE_LO,
  W_VERSION,
  W_WRITE,
} from './header-layout.js';

function ring(
  geometry: RingGeometry,
  size = ringSegmentSize(geometry.capacity, geometry.slotSize),
): ArrayBuffer {
  const buffer = new ArrayBuffer(size);
  initHeader(buffer, geometry, { pid: 4242, startTicks: 0 }, 1_732_000_000_000_000);
  return buffer;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RingError);
    return (err as RingError).code;
  }
  return 'none';
}

describe('ring header layout', () => {
  it('places every field at the byte offset csrc/ring_layout.h asserts', () => {
    expect(
      [W_MAGIC, W_VERSION, W_SIZE_LO, W_PRODUCER_PID, W_PRODUCER_STATE, W_CONSUMER_PID, W_CONSUMER_STATE].map(
        (w) => w * 4,
      ),
    ).toEqual([0, 4, 24, 32, 36, 40, 44]);
    expect([W_WRITE, W_INTENT, W_READ, W_CONSUMER_WAITERS, W_PRODUCER_WAITERS].map((w) => w * 4)).toEqual([
      256, 268, 384, 512, 640,
    ]);
    expect(
      [L_CREATED_US, L_PRODUCER_START, L_CONSUMER_START, L_PRODUCER_HEARTBEAT, L_CONSUMER_HEARTBEAT].map(
        (l) => l * 8,
      ),
    ).toEqual([48, 56, 64, 128, 136]);
    // Hot words written by different sides sit at least 128 bytes apart.
    expect(W_READ * 4 - W_INTENT * 4).toBeGreaterThanOrEqual(64);
    expect(W_CONSUMER_WAITERS * 4 - W_READ * 4).toBeGreaterThanOrEqual(128);
  });

  it('accepts power-of-two capacities and 8-byte-multiple slots, and says what is wrong otherwise', () => {
    expect(geometryProblem(1024, 72)).toBeUndefined();
    expect(geometryProblem(2, 16)).toBeUndefined();
    expect(geometryProblem(1000, 72)).toMatch(/capacity must be a power of two/);
    expect(geometryProblem(1, 72)).toMatch(/capacity/);
    expect(geometryProblem(1024, 12)).toMatch(/slotSize/);
    expect(geometryProblem(1024, 70)).toMatch(/multiple of 8/);
    expect(geometryProblem(1 << 24, 1 << 20)).toMatch(/exceeds/);
    expect(codeOf(() => checkGeometry('r', 3, 64))).toBe('RING_INVALID_ARGUMENT');
  });

  it('sizes slots for a largest message', () => {
    expect(slotSizeFor(64)).toBe(72);
    expect(slotSizeFor(0)).toBe(16);
    expect(slotSizeFor(65)).toBe(80);
    expect(resolveSlotSize('r', { maxMessageSize: 512 })).toBe(520);
    expect(resolveSlotSize('r', { slotSize: 128 })).toBe(128);
    expect(codeOf(() => resolveSlotSize('r', {}))).toBe('RING_INVALID_ARGUMENT');
    expect(codeOf(() => resolveSlotSize('r', { slotSize: 64, maxMessageSize: 56 }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    expect(codeOf(() => resolveSlotSize('r', { maxMessageSize: -1 }))).toBe('RING_INVALID_ARGUMENT');
  });

  it('reads back the geometry it wrote, for any valid geometry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 2, max: 64 }),
        fc.constantFrom<RingGeometry['kind']>('spsc', 'broadcast'),
        (log2, slotWords, kind) => {
          const geometry = { kind, capacity: 2 ** log2, slotSize: slotWords * 8 };
          const buffer = ring(geometry);
          expect(layoutStatus(buffer)).toBe(LAYOUT_STATUS.ok);
          expect(readGeometry(buffer, 'r')).toEqual(geometry);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tells a segment still being initialised from one of another layout', () => {
    const geometry: RingGeometry = { kind: 'spsc', capacity: 8, slotSize: 64 };
    const size = ringSegmentSize(8, 64);
    expect(codeOf(() => readGeometry(new ArrayBuffer(0), 'r'))).toBe('RING_NOT_READY');
    expect(codeOf(() => readGeometry(new ArrayBuffer(size), 'r'))).toBe('RING_NOT_READY');
    expect(codeOf(() => readGeometry(new ArrayBuffer(100), 'r'))).toBe('RING_LAYOUT_MISMATCH');

    const foreign = ring(geometry);
    new Int32Array(foreign)[W_MAGIC] = 0x12345678;
    expect(() => readGeometry(foreign, 'r')).toThrow(/magic at byte 0 is 0x12345678/);

    const newer = ring(geometry);
    new Int32Array(newer)[W_VERSION] = 2;
    expect(() => readGeometry(newer, 'r')).toThrow(/layout version 2 at byte 4/);

    const odd = ring(geometry);
    new Int32Array(odd)[3] = 6;
    expect(() => readGeometry(odd, 'r')).toThrow(/impossible header/);

    const bigger = new ArrayBuffer(size + 64);
    initHeader(bigger, geometry, { pid: 1, startTicks: 0 }, 0);
    expect(layoutStatus(bigger)).toBe(LAYOUT_STATUS.sizeMismatch);
    expect(() => readGeometry(bigger, 'r')).toThrow(
      `segment is ${size + 64} bytes but its header (byte 24) describes ${size}`,
    );

    expect(() => readGeometry(ring(geometry), 'r', 'broadcast')).toThrow(
      /is a spsc ring, opened as broadcast/,
    );
    for (const buffer of [foreign, newer, odd, bigger]) {
      expect(codeOf(() => readGeometry(buffer, 'r'))).toBe('RING_LAYOUT_MISMATCH');
    }
  });

  it('writes the magic last and leaves the producer place empty when there is no creator yet', () => {
    const buffer = new ArrayBuffer(ringSegmentSize(4, 16));
    initHeader(buffer, { kind: 'broadcast', capacity: 4, slotSize: 16 }, undefined, 5);
    const words = new Int32Array(buffer);
    expect(words[W_MAGIC]).toBe(RING_MAGIC);
    expect(words[W_PRODUCER_PID]).toBe(0);
    expect(words[W_PRODUCER_STATE]).toBe(0);
    expect(words[2]).toBe(KIND_CODE.broadcast);
  });

  describe('against the C++ implementation', () => {
    it('initialises byte-identical headers', () => {
      const geometry: RingGeometry = { kind: 'broadcast', capacity: 64, slotSize: 80 };
      const js = ring(geometry);
      const cpp = new ArrayBuffer(js.byteLength);
      nativeBinding().initHeader(cpp, KIND_CODE.broadcast, 64, 80, 4242, 1_732_000_000_000_000);
      expect(new Uint8Array(cpp, 0, RING_HEADER_SIZE)).toEqual(new Uint8Array(js, 0, RING_HEADER_SIZE));
    });

    it('classifies every header the same way', () => {
      const geometry: RingGeometry = { kind: 'spsc', capacity: 8, slotSize: 64 };
      const size = ringSegmentSize(8, 64);
      const damaged: ArrayBuffer[] = [ring(geometry), new ArrayBuffer(size), new ArrayBuffer(100)];
      for (const [word, value] of [
        [W_MAGIC, 7],
        [W_VERSION, 9],
        [2, 3],
        [3, 6],
        [4, 60],
        [5, 512],
        [W_SIZE_LO, 12],
      ] as const) {
        const buffer = ring(geometry);
        new Int32Array(buffer)[word] = value;
        damaged.push(buffer);
      }
      const bigger = new ArrayBuffer(size + 8);
      initHeader(bigger, geometry, { pid: 1, startTicks: 0 }, 0);
      damaged.push(bigger);
      const statuses = damaged.map((b) => layoutStatus(b));
      expect(new Set(statuses).size).toBe(7);
      expect(damaged.map((b) => nativeBinding().validateHeader(b))).toEqual(statuses);
    });
  });
});
