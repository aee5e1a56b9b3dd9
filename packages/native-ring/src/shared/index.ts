export {
  allocateSharedRing,
  SHARED_RING_NAME,
  type SharedRingOptions,
  sharedRingConsumer,
  sharedRingProducer,
} from './shared-ring.js';
