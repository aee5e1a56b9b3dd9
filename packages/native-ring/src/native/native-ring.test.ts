import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RingError } from '../errors/index.js';
import {
  initHeader,
  KIND_CODE,
  RING_HEADER_SIZE,
  ringSegmentSize,
  W_VERSION,
} from '../layout/header-layout.js';
import type { RingConsumer, RingProducer } from '../ring/ring-types.js';
import { isNativeRingAvailable, nativeBinding } from './binding.js';
import {
  createRing,
  inspectRing,
  listRings,
  openRingConsumer,
  reclaimRing,
  SHM_PREFIX,
  unlinkRing,
} from './native-ring.js';

let counter = 0;
const names: string[] = [];
const endpoints: { close(): void }[] = [];

function newName(what: string): string {
  counter++;
  const name = `unit-${what}-${process.pid}-${counter}`;
  names.push(name);
  return name;
}

function track<T extends { close(): void }>(endpoint: T): T {
  endpoints.push(endpoint);
  return endpoint;
}

afterEach(() => {
  for (const endpoint of endpoints.splice(0)) endpoint.close();
  for (const name of names.splice(0)) unlinkRing(name);
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RingError);
    return (err as RingError).code;
  }
  return 'none';
}

function mappings(name: string): number {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter(
      (line) => line.endsWith(`/dev/shm/${SHM_PREFIX}${name}`) || line.includes(`${SHM_PREFIX}${name} `),
    ).length;
}

function collect(consumer: RingConsumer): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (consumer.poll((bytes, offset, length) => out.push(bytes.slice(offset, offset + length))) > 0) {
    // keep polling until empty
  }
  return out;
}

describe('named shared-memory rings', () => {
  it('load the addon built by the install script (npm rebuild @quantkubera/native-ring)', () => {
    expect(isNativeRingAvailable()).toBe(true);
    expect(nativeBinding().layoutVersion).toBe(1);
  });

  it('create, inspect, open, carry messages and close cleanly', () => {
    const name = newName('basic');
    const producer = createRing(name, { kind: 'spsc', capacity: 16, maxMessageSize: 100 });
    expect(producer).toMatchObject({ name, kind: 'spsc', capacity: 16, slotSize: 112, maxMessageSize: 104 });
    expect(listRings()).toContain(name);
    const consumer = openRingConsumer(name, { kind: 'spsc' });
    expect(inspectRing(name)).toMatchObject({
      kind: 'spsc',
      layout: 'ok',
      capacity: 16,
      producerPid: process.pid,
      producer: 'alive',
      consumerPid: process.pid,
      consumer: 'alive',
      reclaimable: false,
    });
    const messages = [Uint8Array.of(1), new Uint8Array(104).fill(9), new Uint8Array(0)];
    expect(producer.tryWriteBatch(messages)).toBe(3);
    expect(collect(consumer)).toEqual(messages);
    expect(inspectRing(name)).toMatchObject({ writePosition: 3, readPosition: 3 });
    producer.close();
    expect(listRings()).not.toContain(name);
    expect(consumer.wait(1_000)).toBe('closed');
    consumer.close();
  });

  it('reject wrong names, missing rings and bad geometry with typed errors', () => {
    for (const bad of ['', 'a/b', '.hidden', 'x'.repeat(129), 'sp ace']) {
      expect(codeOf(() => createRing(bad, { kind: 'spsc', capacity: 8, maxMessageSize: 8 }))).toBe(
        'RING_INVALID_ARGUMENT',
      );
    }
    const name = newName('missing');
    expect(codeOf(() => openRingConsumer(name))).toBe('RING_NOT_FOUND');
    expect(codeOf(() => inspectRing(name))).toBe('RING_NOT_FOUND');
    expect(codeOf(() => openRingConsumer(name, { timeoutMs: 20 }))).toBe('RING_NOT_FOUND');
    expect(codeOf(() => createRing(name, { kind: 'spsc', capacity: 6, maxMessageSize: 8 }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    expect(codeOf(() => createRing(name, { kind: 'fifo' as 'spsc', capacity: 8, maxMessageSize: 8 }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    expect(listRings()).not.toContain(name);
  });

  it('reject a segment of another layout, version, size or kind', () => {
    const binding = nativeBinding();
    const raw = (name: string, size: number): ArrayBuffer => binding.createSegment(SHM_PREFIX + name, size);
    const size = ringSegmentSize(8, 64);

    const uninitialised = newName('uninit');
    binding.releaseSegment(raw(uninitialised, size));
    expect(codeOf(() => openRingConsumer(uninitialised))).toBe('RING_NOT_READY');
    expect(codeOf(() => openRingConsumer(uninitialised, { timeoutMs: 20 }))).toBe('RING_NOT_READY');
    expect(inspectRing(uninitialised)).toMatchObject({ layout: 'notInitialised', reclaimable: false });
    expect(codeOf(() => reclaimRing(uninitialised))).toBe('RING_EXISTS');
    expect(reclaimRing(uninitialised, { force: true })).toBe(true);

    const foreign = newName('foreign');
    const buffer = raw(foreign, size);
    new Uint8Array(buffer).set([0xde, 0xad, 0xbe, 0xef]);
    binding.releaseSegment(buffer);
    expect(() => openRingConsumer(foreign)).toThrow(/not a QuantKubera ring: magic at byte 0 is 0xefbeadde/);
    expect(codeOf(() => createRing(foreign, { kind: 'spsc', capacity: 8, slotSize: 64 }))).toBe(
      'RING_EXISTS',
    );

    const newer = newName('newer');
    const v2 = raw(newer, size);
    binding.initHeader(v2, KIND_CODE.spsc, 8, 64, process.pid, 0);
    new Int32Array(v2)[W_VERSION] = 2;
    binding.releaseSegment(v2);
    expect(() => openRingConsumer(newer)).toThrow(/layout version 2/);

    const resized = newName('resized');
    const big = raw(resized, size + 4096);
    initHeader(big, { kind: 'spsc', capacity: 8, slotSize: 64 }, { pid: process.pid, startTicks: 0 }, 0);
    binding.releaseSegment(big);
    expect(codeOf(() => openRingConsumer(resized))).toBe('RING_LAYOUT_MISMATCH');

    const queue = newName('kind');
    track(createRing(queue, { kind: 'spsc', capacity: 8, slotSize: 64 }));
    expect(() => openRingConsumer(queue, { kind: 'broadcast' })).toThrow(
      /is a spsc ring, opened as broadcast/,
    );
  });

  it('refuses a message larger than a slot and a second SPSC consumer', () => {
    const name = newName('limits');
    const producer = track(createRing(name, { kind: 'spsc', capacity: 8, maxMessageSize: 24 }));
    expect(codeOf(() => producer.tryWrite(new Uint8Array(25)))).toBe('RING_MESSAGE_TOO_LARGE');
    track(openRingConsumer(name));
    expect(codeOf(() => openRingConsumer(name))).toBe('RING_BUSY');
  });

  it('detaches its memory on close, then unmaps it: no view reaches unmapped memory', async () => {
    const name = newName('unmap');
    const producer: RingProducer = createRing(name, { kind: 'broadcast', capacity: 8, maxMessageSize: 8 });
    const consumer = openRingConsumer(name);
    const view = new Int32Array(producer.bytes.buffer);
    const reader = new (nativeBinding().NativeRingReader)(producer.bytes.buffer as ArrayBuffer, true);
    expect(mappings(name)).toBe(2);
    consumer.close();
    producer.close();
    expect(producer.bytes.length).toBe(0);
    expect(view.length).toBe(0);
    expect(view[0]).toBeUndefined();
    expect(() => Atomics.load(view, 0)).toThrow(TypeError);
    expect(() => reader.readBatch(new Uint8Array(64), new Int32Array(8), 8)).toThrow(/closed/);
    expect(() => nativeBinding().futexWait(view, 0, 0, 1)).toThrow(RangeError);
    expect(codeOf(() => producer.tryClaim())).toBe('RING_CLOSED');
    // The unmap runs from the ArrayBuffer's finalizer, on a later turn of the event loop; the
    // native reader still holds the producer's segment, so only the consumer's mapping goes.
    await new Promise((resolve) => setImmediate(resolve));
    expect(mappings(name)).toBe(1);
  });

  it('waits on a futex: times out, and wakes when the producer publishes', async () => {
    const name = newName('futex');
    const producer = track(createRing(name, { kind: 'spsc', capacity: 8, maxMessageSize: 8 }));
    const consumer = track(openRingConsumer(name, { waitStrategy: 'block' }));
    expect(consumer.wait(20)).toBe('timeout');
    const waiting = consumer.waitAsync(10_000);
    setTimeout(() => producer.tryWrite(Uint8Array.of(7)), 20);
    await expect(waiting).resolves.toBe('ready');
    expect(collect(consumer)).toEqual([Uint8Array.of(7)]);
  });

  it('ends an asynchronous wait when the consumer is closed during it', async () => {
    const name = newName('close-while-waiting');
    track(createRing(name, { kind: 'broadcast', capacity: 8, maxMessageSize: 8 }));
    const consumer = openRingConsumer(name, { waitStrategy: 'block' });
    const waiting = consumer.waitAsync(10_000);
    setTimeout(() => consumer.close(), 20);
    await expect(waiting).rejects.toMatchObject({ code: 'RING_CLOSED' });
    expect(inspectRing(name).producer).toBe('alive');
  });
});

describe('the JavaScript and C++ rings speak one protocol', () => {
  const messagesArb = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 100 });

  it('SPSC: C++ reads what JavaScript writes, and JavaScript reads what C++ writes', () => {
    fc.assert(
      fc.property(messagesArb, (messages) => {
        const name = newName('interop-spsc');
        const producer = createRing(name, { kind: 'spsc', capacity: 128, maxMessageSize: 40 });
        const buffer = producer.bytes.buffer as ArrayBuffer;
        const reader = new (nativeBinding().NativeRingReader)(buffer, false);
        expect(producer.tryWriteBatch(messages)).toBe(messages.length);
        const dst = new Uint8Array(128 * 40);
        const lengths = new Int32Array(128);
        const n = reader.readBatch(dst, lengths, 128);
        expect(n).toBe(messages.length);
        let at = 0;
        for (let i = 0; i < n; i++) {
          expect(dst.subarray(at, at + lengths[i]!)).toEqual(messages[i]);
          at += lengths[i]!;
        }
        const writer = new (nativeBinding().NativeRingWriter)(buffer);
        const packed = new Uint8Array(messages.reduce((s, m) => s + m.length, 0));
        let offset = 0;
        for (const m of messages) {
          packed.set(m, offset);
          offset += m.length;
        }
        // The native writer has its own cursor: it starts where the JavaScript one left off.
        const consumer = openRingConsumer(name);
        expect(consumer.position).toBe(messages.length);
        expect(
          writer.writeBatch(
            packed,
            Int32Array.from(messages, (m) => m.length),
            messages.length,
          ),
        ).toBe(messages.length);
        expect(collect(consumer)).toEqual(messages);
        consumer.close();
        producer.close();
      }),
      { numRuns: 40 },
    );
  });

  it('broadcast: a C++ reader counts the same overruns a JavaScript reader does', () => {
    const name = newName('interop-bcast');
    const producer = track(createRing(name, { kind: 'broadcast', capacity: 16, maxMessageSize: 8 }));
    const js = track(openRingConsumer(name, { start: 'oldest' }));
    const cpp = new (nativeBinding().NativeRingReader)(producer.bytes.buffer as ArrayBuffer, true);
    const seqs: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) producer.tryWrite(new Uint8Array(Int32Array.of(round * 40 + i).buffer));
      collect(js);
      const dst = new Uint8Array(64 * 8);
      const lengths = new Int32Array(64);
      const n = cpp.readBatch(dst, lengths, 64);
      const view = new DataView(dst.buffer);
      for (let i = 0; i < n; i++) seqs.push(view.getInt32(i * 4, true));
    }
    expect(js.stats.missed).toBe(cpp.missed());
    expect(js.stats.overruns).toBe(cpp.overruns());
    expect(js.stats.overruns).toBe(5);
    expect(seqs.at(-1)).toBe(199);
  });

  it('refuses an oversized message in a native batch with a RangeError', () => {
    const name = newName('native-too-large');
    const producer = track(createRing(name, { kind: 'spsc', capacity: 8, maxMessageSize: 8 }));
    const writer = new (nativeBinding().NativeRingWriter)(producer.bytes.buffer as ArrayBuffer);
    expect(() => writer.writeBatch(new Uint8Array(32), Int32Array.of(4, 20), 2)).toThrow(
      /message 1 of 20 bytes exceeds the slot's 8/,
    );
    expect(RING_HEADER_SIZE).toBe(nativeBinding().headerSize);
  });
});
