export { CANONICAL_DEFINITIONS, decodeEvent, encodeEvent, eventCodec } from './canonical-codec.js';
export { crc32c, crc32cView } from './crc32c.js';
export {
  EventCodec,
  FRAME_HEADER_SIZE,
  FRAME_TRAILER_SIZE,
  type FramedRecord,
  type KindDefinition,
  MAX_FRAME_SIZE,
  MIN_FRAME_SIZE,
  type VersionDefinition,
} from './event-codec.js';
export {
  enumOf,
  type FieldSpec,
  type FieldType,
  groupOf,
  type Layout,
  opt,
  recordOf,
  req,
} from './layout.js';
export { LAYOUTS_V1 } from './layouts.js';
export { MAX_STRING_BYTES } from './strings.js';
export { xxhash32 } from './xxhash32.js';
