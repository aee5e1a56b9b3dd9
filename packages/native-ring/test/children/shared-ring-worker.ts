// A worker thread that produces stress messages (message-format.ts) into a SharedArrayBuffer ring.
// workerData: { buffer, total }; posts {type:'done', written} when finished.
import { parentPort, workerData } from 'node:worker_threads';
import { sharedRingProducer } from '@quantkubera/native-ring';
import { lengthOf, writeMessage } from './message-format.js';

const { buffer, total } = workerData as { buffer: SharedArrayBuffer; total: number };
const producer = sharedRingProducer(buffer, { waitStrategy: 'block' });
const words = new Int32Array(buffer);
let seq = 0;
while (seq < total) {
  const at = producer.tryClaim();
  if (at < 0) {
    producer.flush();
    producer.waitForRoom();
    continue;
  }
  writeMessage(words, at >>> 2, seq, lengthOf(seq));
  producer.commit(lengthOf(seq));
  seq++;
  if ((seq & 15) === 0) producer.flush();
}
producer.flush();
producer.close();
parentPort?.postMessage({ type: 'done', written: seq });
