// The SharedArrayBuffer ring between worker threads: a producer worker and a consumer on the
// main thread, with the same API as the native ring.
import { allocateSharedRing, sharedRingConsumer } from '@quantkubera/native-ring';
import { describe, expect, it } from 'vitest';
import { Verifier } from './children/message-format.js';
import { startWorker } from './helpers/fork-child.js';

const MESSAGES = 1_000_000;

describe('SharedArrayBuffer ring between worker threads', () => {
  for (const kind of ['spsc', 'broadcast'] as const) {
    it(`${kind}: a worker's ${MESSAGES} messages arrive intact and in order`, async () => {
      const buffer = allocateSharedRing({ kind, capacity: 4096, maxMessageSize: 64 });
      const consumer = sharedRingConsumer(buffer, { waitStrategy: 'block', start: 'oldest' });
      const worker = startWorker('shared-ring-worker', { buffer, total: MESSAGES });
      const done = new Promise<{ written: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const verifier = new Verifier(0);
      // Poll on the main thread while the worker produces; an async wait lets the worker's
      // messages (and errors) through.
      for (;;) {
        if (consumer.poll(verifier.handler) > 0) continue;
        if ((await consumer.waitAsync(30_000)) === 'closed') break;
      }
      expect((await done).written).toBe(MESSAGES);
      const report = verifier.report();
      expect(report.bad).toBe(0);
      expect(report.reordered).toBe(0);
      expect(report.next).toBe(MESSAGES);
      if (kind === 'spsc') {
        expect(report.received).toBe(MESSAGES);
      } else {
        expect(report.received + consumer.stats.missed).toBe(MESSAGES);
        expect(consumer.stats.missed).toBe(report.gapMessages);
        expect(consumer.stats.overruns).toBe(report.gaps);
      }
      consumer.close();
      await worker.terminate();
    }, 120_000);
  }
});
