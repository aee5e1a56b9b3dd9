// Opens a ring and verifies every message until the producer closes (see message-format.ts).
// argv: name strategy start delayNsPerMessage
// IPC out: {type:'attached', start}, {type:'result', ...VerifyReport, missed, overruns, ms}.
import { type BroadcastStart, openRingConsumer, type WaitStrategy } from '@quantkubera/native-ring';
import { Verifier } from './message-format.js';

const [name, strategy, start, delayArg] = process.argv.slice(2);
const delayNs = Number(delayArg ?? 0);
const consumer = openRingConsumer(name!, {
  waitStrategy: strategy as WaitStrategy,
  start: start as BroadcastStart,
  timeoutMs: 10_000,
});
// The first message this consumer can see: where it starts for broadcast, the shared read
// position for SPSC.
const startSeq = consumer.position;
const verifier = new Verifier(startSeq);
process.send?.({ type: 'attached', start: startSeq });

// A slow consumer: spin a while per message, so a fast producer laps it.
function slowHandler(bytes: Uint8Array, offset: number, length: number): void {
  verifier.handler(bytes, offset, length);
  const until = process.hrtime.bigint() + BigInt(delayNs);
  while (process.hrtime.bigint() < until) {
    // spin
  }
}
const handler = delayNs > 0 ? slowHandler : verifier.handler;

const started = performance.now();
for (;;) {
  if (consumer.poll(handler) > 0) continue;
  if (consumer.wait() === 'closed') break;
}
const { missed, overruns } = consumer.stats;
process.send?.({ type: 'result', ...verifier.report(), missed, overruns, ms: performance.now() - started });
consumer.close();
process.disconnect();
