// Crash tests: a producer killed with SIGKILL is detected by its consumers and leaves a stale
// segment that is detected and reclaimed; a killed consumer never stalls the producer.
import {
  createRing,
  inspectRing,
  listRings,
  openRingConsumer,
  type RingConsumer,
  RingError,
  reclaimRing,
  unlinkRing,
} from '@quantkubera/native-ring';
import { afterEach, describe, expect, it } from 'vitest';
import { lengthOf, Verifier, WordView, writeMessage } from './children/message-format.js';
import { type Child, forkChild, uniqueRingName } from './helpers/fork-child.js';

const children: Child[] = [];
const names: string[] = [];

function spawnPeer(role: 'producer' | 'consumer', name: string, kind: string, count: number): Child {
  const child = forkChild('crash-peer', [role, name, kind, String(count)]);
  children.push(child);
  return child;
}

async function kill(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  child.process.kill(signal);
  await child.exited();
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
  for (const name of names.splice(0)) unlinkRing(name);
});

function newName(what: string): string {
  const name = uniqueRingName(what);
  names.push(name);
  return name;
}

/** Polls `predicate` every 20 ms until it holds (true) or 10 s pass (false). */
async function until(predicate: () => boolean): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function drain(consumer: RingConsumer, verifier: Verifier): number {
  let n = 0;
  for (let got = consumer.poll(verifier.handler); got > 0; got = consumer.poll(verifier.handler)) n += got;
  return n;
}

function expectRingError(fn: () => unknown, code: string): RingError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RingError);
    expect((err as RingError).code).toBe(code);
    return err as RingError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('a killed producer', () => {
  for (const kind of ['spsc', 'broadcast'] as const) {
    it(`is detected by a ${kind} consumer waiting on it, after it drained what was published`, async () => {
      const name = newName(`dead-${kind}`);
      const producer = spawnPeer('producer', name, kind, 500);
      await producer.next('wrote');
      const consumer = openRingConsumer(name, {
        waitStrategy: 'block',
        start: 'oldest',
        heartbeatIntervalMs: 50,
      });
      expect(consumer.producerStatus()).toBe('alive');
      const verifier = new Verifier(0);
      expect(drain(consumer, verifier)).toBe(500);
      await kill(producer);
      expect(consumer.producerStatus()).toBe('dead');
      const error = expectRingError(() => consumer.wait(10_000), 'RING_PRODUCER_DEAD');
      expect(error.message).toContain('dead');
      await expect(consumer.waitAsync(10_000)).rejects.toMatchObject({ code: 'RING_PRODUCER_DEAD' });
      expect(verifier.report()).toMatchObject({ received: 500, bad: 0, reordered: 0, gaps: 0 });
      consumer.close();
    });
  }

  it('is detected while a blocking consumer sleeps on the futex', async () => {
    const name = newName('dead-asleep');
    const producer = spawnPeer('producer', name, 'spsc', 0);
    await producer.next('wrote');
    const consumer = openRingConsumer(name, { waitStrategy: 'block', heartbeatIntervalMs: 50 });
    const waiting = consumer.waitAsync(10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    producer.process.kill('SIGKILL');
    await expect(waiting).rejects.toMatchObject({ code: 'RING_PRODUCER_DEAD' });
    consumer.close();
  });

  it('leaves a stale segment that is detected and reclaimed', async () => {
    const name = newName('stale');
    const producer = spawnPeer('producer', name, 'broadcast', 10);
    await producer.next('wrote');
    expectRingError(
      () => createRing(name, { kind: 'broadcast', capacity: 64, maxMessageSize: 64 }),
      'RING_EXISTS',
    );
    expectRingError(() => reclaimRing(name), 'RING_EXISTS');
    await kill(producer);
    expect(listRings()).toContain(name);
    const info = inspectRing(name);
    expect(info).toMatchObject({ kind: 'broadcast', layout: 'ok', producer: 'dead', reclaimable: true });
    expect(info.producerPid).toBe(producer.process.pid);
    expect(info.writePosition).toBe(10);
    // Without reclaiming, the name stays taken; with it (the default) a new ring replaces it.
    expectRingError(
      () => createRing(name, { kind: 'spsc', capacity: 64, maxMessageSize: 64, reclaimStale: false }),
      'RING_EXISTS',
    );
    const fresh = createRing(name, { kind: 'spsc', capacity: 64, maxMessageSize: 64 });
    expect(inspectRing(name)).toMatchObject({ kind: 'spsc', producer: 'alive', writePosition: 0 });
    fresh.close({ unlink: false });
    expect(inspectRing(name).producer).toBe('closed');
    expect(reclaimRing(name)).toBe(true);
    expect(listRings()).not.toContain(name);
    expect(reclaimRing(name)).toBe(false);
  });

  it('shows as stale while stopped, and alive again when continued', async () => {
    const name = newName('sigstop');
    const producer = spawnPeer('producer', name, 'broadcast', 1);
    await producer.next('wrote');
    const consumer = openRingConsumer(name, { staleAfterMs: 300, waitStrategy: 'block' });
    // Heartbeats come every 50 ms; poll rather than assume the scheduler's timing.
    expect(await until(() => consumer.producerStatus() === 'alive')).toBe(true);
    producer.process.kill('SIGSTOP');
    expect(await until(() => consumer.producerStatus() === 'stale')).toBe(true);
    expect(inspectRing(name, { staleAfterMs: 300 }).producer).toBe('stale');
    producer.process.kill('SIGCONT');
    expect(await until(() => consumer.producerStatus() === 'alive')).toBe(true);
    consumer.close();
  });
});

describe('a killed consumer', () => {
  it('does not stall an SPSC producer: a blocked write fails fast, and a successor resumes with no loss', async () => {
    const name = newName('dead-consumer');
    const producer = createRing(name, {
      kind: 'spsc',
      capacity: 256,
      maxMessageSize: 64,
      waitStrategy: 'block',
    });
    const words = new WordView().of(producer.bytes);
    let seq = 0;
    const writeOne = (): boolean => {
      const at = producer.tryClaim();
      if (at < 0) return false;
      writeMessage(words, at >>> 2, seq, lengthOf(seq));
      producer.commit(lengthOf(seq));
      producer.flush();
      seq++;
      return true;
    };
    for (let i = 0; i < 200; i++) writeOne();
    const consumer = spawnPeer('consumer', name, 'spsc', 150);
    const consumed = await consumer.next<{ type: string; position: number }>('consumed');
    expect(consumed.position).toBe(150);
    expect(producer.consumerStatus()).toBe('alive');
    await kill(consumer);
    expect(producer.consumerStatus()).toBe('dead');
    while (writeOne()) {
      // fill the ring
    }
    expect(seq).toBe(150 + 256);
    // A producer waiting for room learns the consumer is dead instead of waiting out its
    // timeout (which would return false) or forever.
    expectRingError(() => producer.write(new Uint8Array(16), 0, 16, 60_000), 'RING_CONSUMER_DEAD');
    expectRingError(() => producer.waitForRoom(), 'RING_CONSUMER_DEAD');
    // A successor takes the dead consumer's place and continues from its released position.
    const successor = openRingConsumer(name);
    expect(successor.position).toBe(150);
    const verifier = new Verifier(150);
    expect(drain(successor, verifier)).toBe(256);
    expect(verifier.report()).toMatchObject({ received: 256, bad: 0, reordered: 0, gaps: 0, next: 406 });
    expect(writeOne()).toBe(true);
    successor.close();
    producer.close();
  });

  it('refuses a second live SPSC consumer', async () => {
    const name = newName('busy');
    const producer = createRing(name, { kind: 'spsc', capacity: 64, maxMessageSize: 64 });
    const consumer = spawnPeer('consumer', name, 'spsc', 0);
    await consumer.next('consumed');
    expectRingError(() => openRingConsumer(name), 'RING_BUSY');
    await kill(consumer);
    const successor = openRingConsumer(name);
    successor.close();
    producer.close();
  });

  it('does not slow a broadcast producer, and other readers carry on', async () => {
    const name = newName('bcast-dead-consumer');
    const producer = createRing(name, { kind: 'broadcast', capacity: 1024, maxMessageSize: 64 });
    const words = new WordView().of(producer.bytes);
    let seq = 0;
    const writeMany = (n: number): void => {
      for (let i = 0; i < n; i++, seq++) {
        const at = producer.tryClaim();
        expect(at).toBeGreaterThanOrEqual(0);
        writeMessage(words, at >>> 2, seq, lengthOf(seq));
        producer.commit(lengthOf(seq));
      }
      producer.flush();
    };
    const survivor = openRingConsumer(name, { start: 'next' });
    const verifier = new Verifier(0);
    writeMany(100);
    const doomed = spawnPeer('consumer', name, 'broadcast', 100);
    await doomed.next('consumed');
    await kill(doomed);
    // The producer never waits for readers: 100,000 more messages go straight through.
    writeMany(100_000);
    expect(producer.stats).toMatchObject({ written: 100_100, full: 0 });
    drain(survivor, verifier);
    const report = verifier.report();
    expect(report.bad).toBe(0);
    expect(report.reordered).toBe(0);
    expect(report.received + survivor.stats.missed).toBe(100_100);
    expect(report.next).toBe(100_100);
    survivor.close();
    producer.close();
  });
});
