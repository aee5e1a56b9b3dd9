// A ring endpoint that does some work and then idles until it is killed.
// argv: role name kind count
//   producer: creates the ring (heartbeat every 50 ms), writes `count` stress messages, sends
//             {type:'wrote'} and idles.
//   consumer: opens the ring, consumes `count` messages, sends {type:'consumed', position} and
//             idles, holding its place.
import { createRing, openRingConsumer, type RingKind } from '@quantkubera/native-ring';
import { lengthOf, Verifier, writeMessage } from './message-format.js';

const [role, name, kind, countArg] = process.argv.slice(2);
const count = Number(countArg);
const send = (message: object): void => {
  process.send?.(message);
};
// Idle: keep the process (and its ring endpoint) alive until killed.
setInterval(() => undefined, 1_000);

if (role === 'producer') {
  const producer = createRing(name!, {
    kind: kind as RingKind,
    capacity: 1024,
    maxMessageSize: 64,
    heartbeatIntervalMs: 50,
  });
  const words = new Int32Array(producer.bytes.buffer, 0, producer.bytes.byteLength >>> 2);
  for (let seq = 0; seq < count; seq++) {
    const at = producer.tryClaim();
    if (at < 0) throw new Error('crash-peer producer: ring full');
    writeMessage(words, at >>> 2, seq, lengthOf(seq));
    producer.commit(lengthOf(seq));
  }
  producer.flush();
  send({ type: 'wrote' });
} else {
  const consumer = openRingConsumer(name!, { timeoutMs: 10_000, start: 'oldest', heartbeatIntervalMs: 50 });
  const verifier = new Verifier(consumer.position);
  let consumed = 0;
  while (consumed < count) {
    consumed += consumer.poll(verifier.handler, count - consumed);
    if (consumed < count) consumer.wait(10_000);
  }
  send({ type: 'consumed', position: consumer.position, report: verifier.report() });
}
