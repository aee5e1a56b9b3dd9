export {
  isNativeRingAvailable,
  type NativeBinding,
  type NativeRingReader,
  type NativeRingWriter,
  nativeBinding,
} from './binding.js';
export {
  type CreateRingOptions,
  createRing,
  type InspectRingOptions,
  inspectRing,
  listRings,
  type OpenRingOptions,
  openRingConsumer,
  RING_NAME_PATTERN,
  type RingInfo,
  type RingLayoutCheck,
  reclaimRing,
  SHM_PREFIX,
  unlinkRing,
} from './native-ring.js';
