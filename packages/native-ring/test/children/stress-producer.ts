// Creates a ring and writes `total` stress messages (see message-format.ts) when told 'go'.
// argv: name kind total capacity strategy [holdOpen]
// IPC out: {type:'ready'}, {type:'done', written, full, ms}; in: {type:'go'}, {type:'close'}.
import { createRing, type RingKind, type WaitStrategy } from '@quantkubera/native-ring';
import { lengthOf, writeMessage } from './message-format.js';

const [name, kind, totalArg, capacityArg, strategy, holdOpen] = process.argv.slice(2);
const total = Number(totalArg);
const producer = createRing(name!, {
  kind: kind as RingKind,
  capacity: Number(capacityArg),
  maxMessageSize: 64,
  waitStrategy: strategy as WaitStrategy,
});
const send = (message: object): void => {
  process.send?.(message);
};

function produce(): void {
  const words = new Int32Array(
    producer.bytes.buffer,
    producer.bytes.byteOffset,
    producer.bytes.byteLength >>> 2,
  );
  const started = performance.now();
  let seq = 0;
  while (seq < total) {
    const at = producer.tryClaim();
    if (at < 0) {
      producer.flush();
      producer.waitForRoom();
      continue;
    }
    const length = lengthOf(seq);
    writeMessage(words, at >>> 2, seq, length);
    producer.commit(length);
    seq++;
    if ((seq & 31) === 0) producer.flush();
  }
  producer.flush();
  const { full } = producer.stats;
  send({ type: 'done', written: seq, full, ms: performance.now() - started });
  if (holdOpen !== 'hold') {
    producer.close();
    process.disconnect();
  }
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'go') produce();
  if (message.type === 'close') {
    producer.close();
    process.disconnect();
  }
});
send({ type: 'ready' });
