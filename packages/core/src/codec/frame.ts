// The frame every codec record is written in. Kept apart from event-codec.ts so that the code
// generator (codegen.ts), which event-codec.ts imports, can use the same sizes.

/**
 * Frame layout (little-endian), for every record:
 *
 * | offset | size | field                                             |
 * |-------:|-----:|---------------------------------------------------|
 * | 0      | 4    | frame length in bytes, header and checksum included |
 * | 4      | 1    | kind id                                           |
 * | 5      | 1    | schema version                                    |
 * | 6      | 2    | flags (reserved, 0)                               |
 * | 8      | 8    | tsEvent, int64 µs                                 |
 * | 16     | 8    | tsInit, int64 µs                                  |
 * | 24     | n    | body, in the kind/version's layout                |
 * | 24+n   | 4    | xxHash32 (seed 0) of bytes [0, 24+n)              |
 */
export const FRAME_HEADER_SIZE = 24;
/** Bytes after the body: the xxHash32 check value. */
export const FRAME_TRAILER_SIZE = 4;
/** The smallest possible frame. */
export const MIN_FRAME_SIZE = FRAME_HEADER_SIZE + FRAME_TRAILER_SIZE;
/** The largest frame a decoder accepts (64 MiB): a larger length field means corruption. */
export const MAX_FRAME_SIZE = 64 * 1024 * 1024;
