import { SimClock } from '@quantkubera/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RingError } from '../errors/index.js';
import type { RingConsumer, RingProducer } from '../ring/ring-types.js';
import { allocateSharedRing, sharedRingConsumer, sharedRingProducer } from './shared-ring.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const endpoint of open.splice(0)) endpoint.close();
});

function track<T extends { close(): void }>(endpoint: T): T {
  open.push(endpoint);
  return endpoint;
}

/** Message `seq` of `length` bytes: byte i is (seq * 7 + i) mod 256, so any mix-up shows. */
function message(seq: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seq * 7 + i) & 255;
  return bytes;
}

/** Everything `consumer.poll` delivers, copied. */
function received(consumer: RingConsumer, limit?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  consumer.poll((bytes, offset, length) => out.push(bytes.slice(offset, offset + length)), limit);
  return out;
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

function spsc(capacity: number, maxMessageSize = 24): { producer: RingProducer; consumer: RingConsumer } {
  const buffer = allocateSharedRing({ kind: 'spsc', capacity, maxMessageSize });
  return { producer: track(sharedRingProducer(buffer)), consumer: track(sharedRingConsumer(buffer)) };
}

describe('SPSC ring in a SharedArrayBuffer', () => {
  type Op =
    | { op: 'write'; length: number }
    | { op: 'batch'; lengths: number[] }
    | { op: 'claim'; length: number }
    | { op: 'poll'; limit: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('write' as const), length: fc.nat(24) }),
    fc.record({ op: fc.constant('batch' as const), lengths: fc.array(fc.nat(24), { maxLength: 12 }) }),
    fc.record({ op: fc.constant('claim' as const), length: fc.nat(24) }),
    fc.record({ op: fc.constant('poll' as const), limit: fc.integer({ min: 1, max: 40 }) }),
  );

  it('behaves as a bounded FIFO queue: no loss, no reordering, "full" exactly at capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(opArb, { maxLength: 80 }), (log2, ops) => {
        const capacity = 2 ** log2;
        const { producer, consumer } = spsc(capacity);
        const model: Uint8Array[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op.op === 'write') {
            const m = message(seq, op.length);
            const ok = producer.tryWrite(m);
            expect(ok).toBe(model.length < capacity);
            if (ok) {
              model.push(m);
              seq++;
            }
          } else if (op.op === 'batch') {
            const batch = op.lengths.map((length, i) => message(seq + i, length));
            const n = producer.tryWriteBatch(batch);
            expect(n).toBe(Math.min(batch.length, capacity - model.length));
            model.push(...batch.slice(0, n));
            seq += n;
          } else if (op.op === 'claim') {
            const at = producer.tryClaim();
            expect(at < 0).toBe(model.length === capacity);
            if (at >= 0) {
              const m = message(seq++, op.length);
              producer.bytes.set(m, at);
              producer.commit(m.length);
              producer.flush();
              model.push(m);
            }
          } else {
            expect(consumer.available()).toBe(model.length);
            expect(received(consumer, op.limit)).toEqual(model.splice(0, op.limit));
          }
        }
        expect(received(consumer)).toEqual(model);
        expect(consumer.stats).toEqual({ received: seq, overruns: 0, missed: 0 });
        expect(producer.stats.written).toBe(seq);
        producer.close();
        consumer.close();
      }),
      { numRuns: 150 },
    );
  });

  it('keeps committed messages invisible until flush', () => {
    const { producer, consumer } = spsc(8);
    const at = producer.tryClaim();
    producer.bytes.set([1, 2, 3], at);
    producer.commit(3);
    expect(consumer.poll(() => undefined)).toBe(0);
    producer.flush();
    expect(received(consumer)).toEqual([Uint8Array.from([1, 2, 3])]);
  });

  it('counts a message whose handler threw as consumed and keeps the rest', () => {
    const { producer, consumer } = spsc(8);
    for (let i = 0; i < 5; i++) producer.tryWrite(message(i, 4));
    let calls = 0;
    expect(() =>
      consumer.poll(() => {
        calls++;
        if (calls === 2) throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(consumer.stats.received).toBe(2);
    expect(received(consumer)).toEqual([2, 3, 4].map((s) => message(s, 4)));
  });

  it('rejects bad input with typed errors and writes nothing', () => {
    const { producer, consumer } = spsc(4, 16);
    expect(codeOf(() => producer.tryWrite(new Uint8Array(17)))).toBe('RING_MESSAGE_TOO_LARGE');
    expect(() => producer.tryWrite(new Uint8Array(17))).toThrow(
      'does not fit a 24-byte slot (at most 16 bytes)',
    );
    expect(codeOf(() => producer.tryWriteBatch([new Uint8Array(1), new Uint8Array(40)]))).toBe(
      'RING_MESSAGE_TOO_LARGE',
    );
    expect(codeOf(() => producer.tryWrite(new Uint8Array(8), 4, 8))).toBe('RING_INVALID_ARGUMENT');
    expect(codeOf(() => producer.commit(3))).toBe('RING_INVALID_ARGUMENT');
    producer.tryClaim();
    expect(codeOf(() => producer.commit(17))).toBe('RING_MESSAGE_TOO_LARGE');
    expect(codeOf(() => producer.commit(-1))).toBe('RING_INVALID_ARGUMENT');
    expect(codeOf(() => producer.commit(1.5))).toBe('RING_INVALID_ARGUMENT');
    expect(consumer.available()).toBe(0);
  });

  it('has one consumer and one producer at a time', () => {
    const buffer = allocateSharedRing({ kind: 'spsc', capacity: 4, slotSize: 32 });
    const producer = track(sharedRingProducer(buffer));
    const consumer = sharedRingConsumer(buffer);
    expect(codeOf(() => sharedRingConsumer(buffer))).toBe('RING_BUSY');
    expect(codeOf(() => sharedRingProducer(buffer))).toBe('RING_BUSY');
    consumer.close();
    track(sharedRingConsumer(buffer));
    producer.close();
    expect(codeOf(() => sharedRingProducer(buffer))).toBe('RING_CLOSED');
  });

  it('refuses use after close', () => {
    const { producer, consumer } = spsc(4);
    producer.close();
    consumer.close();
    expect(producer.closed).toBe(true);
    expect(codeOf(() => producer.tryClaim())).toBe('RING_CLOSED');
    expect(codeOf(() => producer.tryWrite(new Uint8Array(1)))).toBe('RING_CLOSED');
    expect(codeOf(() => consumer.poll(() => undefined))).toBe('RING_CLOSED');
    expect(codeOf(() => consumer.wait(0))).toBe('RING_CLOSED');
    expect(codeOf(() => consumer.producerStatus())).toBe('RING_CLOSED');
  });

  it('validates allocation and endpoint options', () => {
    expect(codeOf(() => allocateSharedRing({ kind: 'spsc', capacity: 3, slotSize: 32 }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    expect(codeOf(() => allocateSharedRing({ kind: 'queue' as 'spsc', capacity: 4, slotSize: 32 }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    const buffer = allocateSharedRing({ kind: 'spsc', capacity: 4, slotSize: 32 });
    expect(codeOf(() => sharedRingConsumer(new ArrayBuffer(8) as unknown as SharedArrayBuffer))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    expect(codeOf(() => sharedRingConsumer(buffer, { kind: 'broadcast' }))).toBe('RING_LAYOUT_MISMATCH');
    expect(codeOf(() => sharedRingConsumer(buffer, { spinIterations: 0 }))).toBe('RING_INVALID_ARGUMENT');
    expect(codeOf(() => sharedRingProducer(buffer, { waitStrategy: 'nap' as 'spin' }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
    expect(codeOf(() => sharedRingConsumer(buffer, { heartbeatIntervalMs: -5 }))).toBe(
      'RING_INVALID_ARGUMENT',
    );
  });

  it('waits: a timeout when nothing comes, "closed" once the producer closed and all is read', () => {
    for (const waitStrategy of ['spin', 'yield', 'block'] as const) {
      const buffer = allocateSharedRing({ kind: 'spsc', capacity: 4, slotSize: 32 });
      const producer = sharedRingProducer(buffer, { waitStrategy });
      const consumer = track(sharedRingConsumer(buffer, { waitStrategy }));
      expect(consumer.wait(5)).toBe('timeout');
      producer.tryWrite(message(0, 3));
      expect(consumer.wait(5)).toBe('ready');
      producer.close();
      expect(consumer.wait(1000)).toBe('ready');
      received(consumer);
      expect(consumer.wait(1000)).toBe('closed');
      expect(consumer.producerStatus()).toBe('closed');
    }
  });

  it('lets a full producer wait for room and time out', () => {
    const { producer, consumer } = spsc(2);
    producer.tryWrite(message(0, 1));
    producer.tryWrite(message(1, 1));
    expect(producer.write(message(2, 1), 0, 1, 5)).toBe(false);
    expect(producer.waitForRoom(5)).toBe('timeout');
    received(consumer, 1);
    expect(producer.waitForRoom(5)).toBe('ready');
    expect(producer.write(message(2, 1))).toBe(true);
    expect(producer.stats.full).toBeGreaterThan(0);
  });

  it('wakes an asynchronous blocking wait when the producer publishes', async () => {
    const buffer = allocateSharedRing({ kind: 'spsc', capacity: 4, slotSize: 32 });
    const producer = track(sharedRingProducer(buffer));
    const consumer = track(sharedRingConsumer(buffer, { waitStrategy: 'block' }));
    const waiting = consumer.waitAsync(5_000);
    setTimeout(() => producer.tryWrite(message(0, 2)), 20);
    await expect(waiting).resolves.toBe('ready');
    expect(received(consumer)).toEqual([message(0, 2)]);
  });

  it('reports a producer whose heartbeat stopped as stale, by the consumer clock', () => {
    const t0 = 1_732_000_000_000_000;
    const buffer = allocateSharedRing({ kind: 'broadcast', capacity: 4, slotSize: 32 });
    const producer = track(sharedRingProducer(buffer, { clock: new SimClock(t0) }));
    const clock = new SimClock(t0);
    const consumer = track(sharedRingConsumer(buffer, { clock, staleAfterMs: 1_000 }));
    expect(consumer.producerStatus()).toBe('alive');
    clock.advanceTo(t0 + 1_500_000);
    expect(consumer.producerStatus()).toBe('stale');
    expect(codeOf(() => consumer.wait(10))).toBe('RING_PRODUCER_DEAD');
    producer.heartbeat();
    expect(consumer.producerStatus()).toBe('stale');
  });
});

describe('broadcast ring in a SharedArrayBuffer', () => {
  type Op = { op: 'write'; count: number } | { op: 'poll'; reader: 0 | 1; limit: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('write' as const), count: fc.integer({ min: 1, max: 70 }) }),
    fc.record({
      op: fc.constant('poll' as const),
      reader: fc.constantFrom<0 | 1>(0, 1),
      limit: fc.integer({ min: 1, max: 50 }),
    }),
  );

  it('never blocks the producer; lapped readers skip ahead and count exactly what they missed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(opArb, { maxLength: 60 }), (log2, ops) => {
        const capacity = 2 ** log2;
        const buffer = allocateSharedRing({ kind: 'broadcast', capacity, maxMessageSize: 16 });
        const producer = sharedRingProducer(buffer);
        const readers = [
          sharedRingConsumer(buffer, { start: 'oldest' }),
          sharedRingConsumer(buffer, { start: 'next' }),
        ];
        const seen: number[][] = [[], []];
        const collect = (r: 0 | 1, limit?: number): void => {
          readers[r]!.poll((bytes, offset, length) => {
            const seq = seqOf(bytes.slice(offset, offset + length));
            expect(seq).toBeGreaterThan(seen[r]!.at(-1) ?? -1);
            seen[r]!.push(seq);
          }, limit);
        };
        let total = 0;
        for (const op of ops) {
          if (op.op === 'write') {
            for (let i = 0; i < op.count; i++, total++) {
              expect(producer.tryWrite(seqMessage(total))).toBe(true);
            }
          } else {
            collect(op.reader, op.limit);
          }
        }
        for (const r of [0, 1] as const) {
          while (readers[r]!.available() > 0) collect(r);
          const got = seen[r]!;
          const stats = readers[r]!.stats;
          let gaps = 0;
          let missed = 0;
          let next = 0;
          for (const s of got) {
            if (s > next) {
              gaps++;
              missed += s - next;
            }
            next = s + 1;
          }
          expect(stats.received).toBe(got.length);
          expect(stats.missed).toBe(missed);
          expect(stats.overruns).toBe(gaps);
          if (total > 0) expect(got.at(-1)).toBe(total - 1);
          expect(got.length + missed).toBe(total);
          readers[r]!.close();
        }
        expect(producer.stats).toEqual({ written: total, full: 0 });
        producer.close();
      }),
      { numRuns: 150 },
    );
  });

  it('starts a reader at the latest message by default', () => {
    const buffer = allocateSharedRing({ kind: 'broadcast', capacity: 8, maxMessageSize: 16 });
    const producer = track(sharedRingProducer(buffer));
    for (let i = 0; i < 5; i++) producer.tryWrite(message(i, 3));
    const reader = track(sharedRingConsumer(buffer));
    expect(reader.position).toBe(4);
    expect(received(reader)).toEqual([message(4, 3)]);
  });
});

/** A message carrying its sequence number in its first 4 bytes, 4 to 16 bytes long. */
function seqMessage(seq: number): Uint8Array {
  const bytes = message(seq, 4 + (seq % 13));
  new DataView(bytes.buffer).setUint32(0, seq, true);
  return bytes;
}

/** The sequence number in a `seqMessage`, checking every other byte. */
function seqOf(bytes: Uint8Array): number {
  const seq = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  expect(bytes).toEqual(seqMessage(seq));
  return seq;
}
