/**
 * @quantkubera/native-ring: lock-free shared-memory rings between processes (a node-addon-api
 * addon maps the segment once; the ring operations are Atomics over it), the same rings over a
 * `SharedArrayBuffer` for worker_threads, and a transport that carries canonical events between
 * buses.
 *
 * @packageDocumentation
 */

export { RingError, type RingErrorCode } from './errors/index.js';
export {
  MAX_CAPACITY,
  MAX_SLOT_SIZE,
  MIN_CAPACITY,
  MIN_SLOT_SIZE,
  RING_HEADER_SIZE,
  RING_LAYOUT_VERSION,
  type RingKind,
  ringSegmentSize,
  SLOT_HEADER_SIZE,
  slotSizeFor,
} from './layout/index.js';
export {
  type CreateRingOptions,
  createRing,
  type InspectRingOptions,
  inspectRing,
  isNativeRingAvailable,
  listRings,
  type NativeBinding,
  type NativeRingReader,
  type NativeRingWriter,
  nativeBinding,
  type OpenRingOptions,
  openRingConsumer,
  RING_NAME_PATTERN,
  type RingInfo,
  type RingLayoutCheck,
  reclaimRing,
  unlinkRing,
} from './native/index.js';
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
} from './ring/index.js';
export {
  allocateSharedRing,
  type SharedRingOptions,
  sharedRingConsumer,
  sharedRingProducer,
} from './shared/index.js';
export {
  RingEventPublisher,
  type RingEventPublisherOptions,
  type RingEventPublisherStats,
  RingEventReceiver,
  type RingEventReceiverOptions,
  type RingEventReceiverStats,
  type RingFullPolicy,
  RingTransport,
} from './transport/index.js';
