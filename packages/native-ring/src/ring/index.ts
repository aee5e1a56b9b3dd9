export { BroadcastConsumer } from './broadcast-consumer.js';
export { processAlive, processStartTicks } from './process-identity.js';
export {
  copyBytes,
  loadPosition,
  RingMemory,
  type RingPlatform,
  storePosition,
  WAIT_NOT_EQUAL,
  WAIT_TIMED_OUT,
  WAIT_WOKEN,
} from './ring-memory.js';
export { RingProducerImpl } from './ring-producer.js';
export type {
  BroadcastConsumerOptions,
  BroadcastStart,
  MessageHandler,
  PeerStatus,
  RingConsumer,
  RingConsumerStats,
  RingEndpointOptions,
  RingProducer,
  RingProducerStats,
  WaitOutcome,
  WaitStrategy,
} from './ring-types.js';
export { SpscConsumer } from './spsc-consumer.js';
