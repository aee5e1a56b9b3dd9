/**
 * The WAL's on-disk format: segment and index file headers, record headers, index entries and
 * file names. docs/wal-format.md describes the same layout for readers in other languages.
 * All integers are little-endian; 64-bit fields hold safe integers (high word ≤ 0x1fffff).
 */

import { crc32cView } from '../codec/crc32c.js';
import { MAX_FRAME_SIZE, MIN_FRAME_SIZE } from '../codec/index.js';

/** Version of the segment, index and record layout written by this build. */
export const WAL_FORMAT_VERSION = 1;

/** Bytes before the codec frame in every record: CRC-32C, record length, sequence number. */
export const RECORD_HEADER_SIZE = 16;
/** The smallest valid record. */
export const MIN_RECORD_SIZE = RECORD_HEADER_SIZE + MIN_FRAME_SIZE;
/** The largest valid record. */
export const MAX_RECORD_SIZE = RECORD_HEADER_SIZE + MAX_FRAME_SIZE;
/** Bytes of the header at the start of every segment file. */
export const SEGMENT_HEADER_SIZE = 32;
/** Bytes of the header at the start of every index file. */
export const INDEX_HEADER_SIZE = 32;
/** Bytes of one index entry (a sparse seek point or the seal). */
export const INDEX_ENTRY_SIZE = 32;
/** Index entry tag of a seek point. */
export const ENTRY_SEEK = 1;
/** Index entry tag of the seal written when the segment is complete. */
export const ENTRY_SEAL = 2;

const SEGMENT_MAGIC = [0x51, 0x4b, 0x57, 0x41, 0x4c, 0x53, 0x45, 0x47]; // "QKWALSEG"
const INDEX_MAGIC = [0x51, 0x4b, 0x57, 0x41, 0x4c, 0x49, 0x44, 0x58]; // "QKWALIDX"
const SEQ_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits, so names sort by sequence.
const SEGMENT_NAME = /^seg-(\d{16})\.wal$/;

/** Largest high word of a safe 64-bit integer. */
const MAX_SAFE_HIGH = 0x1fffff;

/** Writes a safe non-negative integer as a little-endian u64. */
export function setU64(dv: DataView, offset: number, value: number): void {
  dv.setUint32(offset, value >>> 0, true);
  dv.setUint32(offset + 4, Math.floor(value / 4294967296), true);
}

/** Reads a little-endian u64; returns -1 when it is not a safe integer. */
export function getU64(dv: DataView, offset: number): number {
  const hi = dv.getUint32(offset + 4, true);
  if (hi > MAX_SAFE_HIGH) return -1;
  return hi * 4294967296 + dv.getUint32(offset, true);
}

/** The segment file name for a segment whose first record has sequence `firstSeq`. */
export function segmentFileName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(SEQ_DIGITS, '0')}.wal`;
}

/** The index file name that goes with a segment's first sequence. */
export function indexFileName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(SEQ_DIGITS, '0')}.idx`;
}

/** The first sequence encoded in a segment file name, or `undefined` if it is not one. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  if (m === null) return undefined;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : undefined;
}

function writeHeader(magic: readonly number[], firstSeq: number, extra: number): Uint8Array {
  const u8 = new Uint8Array(32);
  const dv = new DataView(u8.buffer);
  u8.set(magic, 0);
  dv.setUint16(8, WAL_FORMAT_VERSION, true);
  dv.setUint16(10, 32, true);
  dv.setUint32(12, extra, true);
  setU64(dv, 16, firstSeq);
  dv.setUint32(28, crc32cView(dv, u8, 0, 28), true);
  return u8;
}

/** A parsed segment or index file header, or why it is invalid. */
export type HeaderResult =
  | { readonly ok: true; readonly firstSeq: number; readonly extra: number }
  | { readonly ok: false; readonly reason: string };

function readHeader(magic: readonly number[], u8: Uint8Array, what: string): HeaderResult {
  if (u8.length < 32) return { ok: false, reason: `${what} header is ${u8.length} of 32 bytes` };
  const dv = new DataView(u8.buffer, u8.byteOffset, 32);
  for (let i = 0; i < 8; i++) {
    if (u8[i] !== magic[i]) return { ok: false, reason: `not a ${what} file (bad magic)` };
  }
  if (dv.getUint32(28, true) !== crc32cView(dv, u8, 0, 28)) {
    return { ok: false, reason: `${what} header checksum mismatch` };
  }
  const version = dv.getUint16(8, true);
  if (version !== WAL_FORMAT_VERSION) {
    return { ok: false, reason: `${what} format version ${version}, this build reads ${WAL_FORMAT_VERSION}` };
  }
  const firstSeq = getU64(dv, 16);
  if (firstSeq < 1) return { ok: false, reason: `${what} header has an invalid first sequence` };
  return { ok: true, firstSeq, extra: dv.getUint32(12, true) };
}

/** The 32-byte header of a segment whose first record will have sequence `firstSeq`. */
export function encodeSegmentHeader(firstSeq: number): Uint8Array {
  return writeHeader(SEGMENT_MAGIC, firstSeq, 0);
}

/** Parses a segment file header. */
export function decodeSegmentHeader(u8: Uint8Array): HeaderResult {
  return readHeader(SEGMENT_MAGIC, u8, 'segment');
}

/** The 32-byte header of an index file; `stride` is the number of records between seek points. */
export function encodeIndexHeader(firstSeq: number, stride: number): Uint8Array {
  return writeHeader(INDEX_MAGIC, firstSeq, stride);
}

/** Parses an index file header; `extra` is the stride. */
export function decodeIndexHeader(u8: Uint8Array): HeaderResult {
  return readHeader(INDEX_MAGIC, u8, 'index');
}

/**
 * Writes one index entry at `offset`. A seek point holds (seq, byte offset of that record,
 * greatest tsEvent of the segment's records before it); the seal holds (last seq, segment length,
 * greatest tsEvent in the segment).
 */
export function encodeIndexEntry(
  dv: DataView,
  u8: Uint8Array,
  offset: number,
  tag: number,
  a: number,
  b: number,
  c: number,
): void {
  setU64(dv, offset, a);
  setU64(dv, offset + 8, b);
  setU64(dv, offset + 16, c);
  dv.setUint32(offset + 24, tag, true);
  dv.setUint32(offset + 28, crc32cView(dv, u8, offset, offset + 28), true);
}

/** A decoded index entry; `tag` 0 means the entry is damaged. */
export interface IndexEntry {
  readonly tag: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/** Decodes the index entry at `offset`; a damaged entry has tag 0. */
export function decodeIndexEntry(dv: DataView, u8: Uint8Array, offset: number): IndexEntry {
  const bad = { tag: 0, a: 0, b: 0, c: 0 };
  if (dv.getUint32(offset + 28, true) !== crc32cView(dv, u8, offset, offset + 28)) return bad;
  const tag = dv.getUint32(offset + 24, true);
  const a = getU64(dv, offset);
  const b = getU64(dv, offset + 8);
  const c = getU64(dv, offset + 16);
  if ((tag !== ENTRY_SEEK && tag !== ENTRY_SEAL) || a < 0 || b < 0 || c < 0) return bad;
  return { tag, a, b, c };
}

/**
 * Fills in the record header for the codec frame already encoded at `offset + 16` and returns the
 * record length. The CRC-32C covers the length, the sequence number and the frame.
 */
export function sealRecord(
  dv: DataView,
  u8: Uint8Array,
  offset: number,
  frameLength: number,
  seq: number,
): number {
  const length = RECORD_HEADER_SIZE + frameLength;
  dv.setUint32(offset + 4, length, true);
  dv.setUint32(offset + 8, seq >>> 0, true);
  dv.setUint32(offset + 12, Math.floor(seq / 4294967296), true);
  dv.setUint32(offset, crc32cView(dv, u8, offset + 4, offset + length), true);
  return length;
}

/** True when `length`, read from a record header, is a possible record length. */
export function isPlausibleRecordLength(length: number): boolean {
  return length >= MIN_RECORD_SIZE && length <= MAX_RECORD_SIZE;
}
