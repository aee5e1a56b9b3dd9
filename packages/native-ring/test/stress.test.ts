// Multi-process stress: forked producer and consumer processes exchange millions of messages
// carrying sequence numbers and checksums (test/children/message-format.ts).
// QK_RING_STRESS_MESSAGES sets the SPSC count (default 10,000,000; the acceptance run uses tens
// of millions); broadcast runs use a fifth of it.
import { describe, expect, it } from 'vitest';
import type { VerifyReport } from './children/message-format.js';
import { forkChild, uniqueRingName } from './helpers/fork-child.js';

const SPSC_MESSAGES = Number(process.env.QK_RING_STRESS_MESSAGES ?? 10_000_000);
const BROADCAST_MESSAGES = Math.max(100_000, Math.floor(SPSC_MESSAGES / 5));

interface ConsumerResult extends VerifyReport {
  readonly type: 'result';
  readonly missed: number;
  readonly overruns: number;
  readonly ms: number;
}

interface ProducerDone {
  readonly type: 'done';
  readonly written: number;
  readonly full: number;
  readonly ms: number;
}

describe('native ring across processes', () => {
  it(`SPSC carries ${SPSC_MESSAGES} messages between two processes with no loss, reordering or tearing`, async () => {
    const name = uniqueRingName('stress-spsc');
    const producer = forkChild('stress-producer', [name, 'spsc', String(SPSC_MESSAGES), '4096', 'yield']);
    await producer.next('ready');
    const consumer = forkChild('stress-consumer', [name, 'yield', 'oldest', '0']);
    await consumer.next('attached');
    producer.send({ type: 'go' });
    const [done, result] = await Promise.all([
      producer.next<ProducerDone>('done', 120_000),
      consumer.next<ConsumerResult>('result', 120_000),
    ]);
    expect(await producer.exited()).toBe(0);
    expect(await consumer.exited()).toBe(0);
    expect(done.written).toBe(SPSC_MESSAGES);
    expect(result).toMatchObject({
      received: SPSC_MESSAGES,
      bad: 0,
      reordered: 0,
      gaps: 0,
      gapMessages: 0,
      next: SPSC_MESSAGES,
      missed: 0,
      overruns: 0,
    });
  }, 180_000);

  it(`broadcast: readers report exactly the overruns they suffered over ${BROADCAST_MESSAGES} messages`, async () => {
    const name = uniqueRingName('stress-bcast');
    const producer = forkChild('stress-producer', [
      name,
      'broadcast',
      String(BROADCAST_MESSAGES),
      '1024',
      'yield',
    ]);
    await producer.next('ready');
    // One reader keeps up as well as it can; one spends ~2 µs per message and is lapped.
    const fast = forkChild('stress-consumer', [name, 'block', 'oldest', '0']);
    const slow = forkChild('stress-consumer', [name, 'yield', 'oldest', '2000']);
    await Promise.all([fast.next('attached'), slow.next('attached')]);
    producer.send({ type: 'go' });
    const [done, fastResult, slowResult] = await Promise.all([
      producer.next<ProducerDone>('done', 120_000),
      fast.next<ConsumerResult>('result', 120_000),
      slow.next<ConsumerResult>('result', 120_000),
    ]);
    expect(done.written).toBe(BROADCAST_MESSAGES);
    for (const r of [fastResult, slowResult]) {
      // Never a torn or reordered message; every loss counted, in the runs the reader saw.
      expect(r.bad).toBe(0);
      expect(r.reordered).toBe(0);
      expect(r.missed).toBe(r.gapMessages);
      expect(r.overruns).toBe(r.gaps);
      expect(r.received + r.missed).toBe(BROADCAST_MESSAGES - r.start);
      // The last message is never lost: a lapped reader resumes at the latest one.
      expect(r.next).toBe(BROADCAST_MESSAGES);
    }
    expect(slowResult.overruns).toBeGreaterThan(0);
    for (const c of [producer, fast, slow]) expect(await c.exited()).toBe(0);
  }, 180_000);
});
