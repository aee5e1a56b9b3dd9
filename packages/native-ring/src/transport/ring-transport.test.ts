import {
  type CanonicalEvent,
  DecodeError,
  EventBus,
  eventCodec,
  type HandlerError,
  type QuantKuberaError,
} from '@quantkubera/core';
import { arbitraryCanonicalEvent } from '@quantkubera/core/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RingError } from '../errors/index.js';
import { createRing, openRingConsumer } from '../native/native-ring.js';
import type { RingConsumer, RingProducer } from '../ring/ring-types.js';
import { allocateSharedRing, sharedRingConsumer, sharedRingProducer } from '../shared/shared-ring.js';
import { RingEventPublisher, RingEventReceiver, RingTransport } from './ring-transport.js';

const T0 = 1_732_000_000_000_000;

function trade(i: number): CanonicalEvent {
  return {
    kind: 'trade',
    v: 1,
    tsEvent: T0 + i,
    tsInit: T0 + i + 5,
    instrumentId: 'RELIANCE.NSE',
    price: 2945.35 + i,
    size: 1 + i,
    aggressor: 'BUYER',
    tradeId: String(1000 + i),
  };
}

function quote(i: number): CanonicalEvent {
  return {
    kind: 'quote',
    v: 1,
    tsEvent: T0 + i,
    tsInit: T0 + i,
    instrumentId: 'BTCUSDT.BINANCE',
    bidPrice: 97_000 + i,
    bidSize: 0.5,
    askPrice: 97_000.5 + i,
    askSize: 0.25,
  };
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const endpoint of open.splice(0)) endpoint.close();
});

interface Pipe {
  readonly source: EventBus<CanonicalEvent>;
  readonly sink: EventBus<CanonicalEvent>;
  readonly producer: RingProducer;
  readonly consumer: RingConsumer;
  readonly received: CanonicalEvent[];
  readonly errors: HandlerError[];
}

function sharedPipe(kind: 'spsc' | 'broadcast', capacity: number, maxMessageSize: number): Pipe {
  const buffer = allocateSharedRing({ kind, capacity, maxMessageSize });
  const producer = sharedRingProducer(buffer);
  const consumer = sharedRingConsumer(buffer, { waitStrategy: 'block', start: 'oldest' });
  open.push(producer, consumer);
  return pipe(producer, consumer);
}

function pipe(producer: RingProducer, consumer: RingConsumer): Pipe {
  const errors: HandlerError[] = [];
  const source = new EventBus<CanonicalEvent>({ onError: (error) => errors.push(error) });
  const sink = new EventBus<CanonicalEvent>();
  const received: CanonicalEvent[] = [];
  sink.subscribeAll((event) => received.push(event));
  return { source, sink, producer, consumer, received, errors };
}

describe('RingEventPublisher and RingEventReceiver', () => {
  it('carry every canonical event kind from one bus to another unchanged', () => {
    fc.assert(
      fc.property(fc.array(arbitraryCanonicalEvent(), { maxLength: 40 }), (events) => {
        const p = sharedPipe('spsc', 64, 16_384);
        const publisher = new RingEventPublisher(p.source, p.producer);
        const receiver = new RingEventReceiver(p.consumer, p.sink);
        for (const event of events) {
          p.source.publish(event);
          if (p.producer.stats.written % 50 === 0) receiver.pump();
        }
        while (receiver.pump() > 0) {
          // drain
        }
        expect(p.errors).toEqual([]);
        expect(p.received).toEqual(events);
        expect(publisher.stats).toEqual({ published: events.length, dropped: 0, failed: 0 });
        expect(receiver.stats).toEqual({ received: events.length, decodeErrors: 0, missed: 0 });
        publisher.stop();
      }),
      { numRuns: 60 },
    );
  });

  it('forwards only the chosen kinds, and nothing after stop()', () => {
    const p = sharedPipe('spsc', 16, 512);
    const publisher = new RingEventPublisher(p.source, p.producer, { kinds: ['trade'] });
    const receiver = new RingEventReceiver(p.consumer, p.sink, { verify: false });
    p.source.publish(quote(1));
    p.source.publish(trade(2));
    publisher.stop();
    p.source.publish(trade(3));
    receiver.pump();
    expect(p.received).toEqual([trade(2)]);
  });

  it('reports an event larger than a slot through the bus, never silently', () => {
    const p = sharedPipe('spsc', 16, 32);
    new RingEventPublisher(p.source, p.producer);
    p.source.publish(trade(1));
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]!.cause).toBeInstanceOf(RingError);
    expect((p.errors[0]!.cause as RingError).code).toBe('RING_MESSAGE_TOO_LARGE');
  });

  it('applies the full-ring policy: drop counts, fail and block report RING_FULL', () => {
    for (const onFull of ['drop', 'fail', 'block'] as const) {
      const p = sharedPipe('spsc', 2, 256);
      const publisher = new RingEventPublisher(p.source, p.producer, { onFull, blockTimeoutMs: 5 });
      for (let i = 0; i < 3; i++) p.source.publish(trade(i));
      if (onFull === 'drop') {
        expect(publisher.stats).toEqual({ published: 2, dropped: 1, failed: 0 });
        expect(p.errors).toEqual([]);
      } else {
        expect(publisher.stats).toEqual({ published: 2, dropped: 0, failed: 1 });
        expect((p.errors[0]!.cause as RingError).code).toBe('RING_FULL');
      }
    }
  });

  it('counts and reports frames that do not decode, and keeps going', () => {
    const p = sharedPipe('spsc', 16, 256);
    const errors: QuantKuberaError[] = [];
    const receiver = new RingEventReceiver(p.consumer, p.sink, { onError: (e) => errors.push(e) });
    const good = eventCodec.encode(trade(1));
    const corrupt = good.slice();
    corrupt[30] = (corrupt[30]! + 1) & 255;
    const padded = new Uint8Array(good.length + 1);
    padded.set(good);
    p.producer.tryWriteBatch([new Uint8Array([1, 2, 3]), corrupt, padded, good]);
    expect(receiver.pump()).toBe(4);
    expect(p.received).toEqual([trade(1)]);
    expect(receiver.stats).toMatchObject({ received: 1, decodeErrors: 3 });
    expect(errors.map((e) => e.code)).toEqual(['DECODE_TRUNCATED', 'DECODE_CORRUPT', 'DECODE_CORRUPT']);
    expect(errors[2]!.message).toContain(`but the ring message is ${good.length + 1} bytes`);

    const strict = sharedPipe('spsc', 16, 256);
    const throwing = new RingEventReceiver(strict.consumer, strict.sink);
    strict.producer.tryWrite(corrupt);
    expect(() => throwing.pump()).toThrow(DecodeError);
    expect(throwing.stats.decodeErrors).toBe(1);
  });

  it('run() delivers until the producer closes, without blocking the event loop', async () => {
    const p = sharedPipe('broadcast', 64, 256);
    const publisher = new RingEventPublisher(p.source, p.producer);
    const receiver = new RingEventReceiver(p.consumer, p.sink);
    const running = receiver.run();
    for (let i = 0; i < 20; i++) {
      p.source.publish(i % 2 === 0 ? trade(i) : quote(i));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    publisher.stop();
    p.producer.close();
    await expect(running).resolves.toBe('closed');
    expect(p.received).toHaveLength(20);
    expect(receiver.stats.missed).toBe(0);
  });

  it('run() returns after stop()', async () => {
    const p = sharedPipe('spsc', 8, 256);
    const receiver = new RingEventReceiver(p.consumer, p.sink);
    const running = receiver.run();
    setTimeout(() => receiver.stop(), 10);
    await expect(running).resolves.toBe('stopped');
  });

  it('works over a named native ring', () => {
    const name = `unit-transport-${process.pid}`;
    const producer = createRing(name, { kind: 'spsc', capacity: 64, maxMessageSize: 1024 });
    const consumer = openRingConsumer(name);
    open.push(producer, consumer);
    const p = pipe(producer, consumer);
    RingTransport.publish(p.source, p.producer);
    const receiver = RingTransport.receive(p.consumer, p.sink);
    const events = [trade(1), quote(2), trade(3)];
    for (const event of events) p.source.publish(event);
    receiver.pump();
    expect(p.received).toEqual(events);
  });
});
