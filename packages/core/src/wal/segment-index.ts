import { readFileSync } from 'node:fs';
import { ioError } from './wal-errors.js';
import {
  decodeIndexEntry,
  decodeIndexHeader,
  ENTRY_SEAL,
  ENTRY_SEEK,
  encodeIndexEntry,
  encodeIndexHeader,
  INDEX_ENTRY_SIZE,
  INDEX_HEADER_SIZE,
  SEGMENT_HEADER_SIZE,
} from './wal-format.js';

/** What a sealed segment's index says about the whole segment. */
export interface SegmentSeal {
  /** Sequence of the segment's last record. */
  readonly lastSeq: number;
  /** Length of the segment file in bytes. */
  readonly length: number;
  /** Greatest `tsEvent` in the segment. */
  readonly maxTs: number;
}

/**
 * A segment's sparse index: every `stride`-th record's sequence, byte offset and the greatest
 * `tsEvent` before it, plus the seal once the segment is complete. The index is derived data:
 * a damaged or missing index is rebuilt from the segment, never trusted over it.
 */
export interface SegmentIndex {
  readonly stride: number;
  readonly seekSeq: number[];
  readonly seekOffset: number[];
  readonly seekTsMax: number[];
  readonly seal: SegmentSeal | undefined;
}

/**
 * Reads the index file of the segment starting at `firstSeq`; `undefined` when it is missing or
 * its header is invalid. Entries stop at the first damaged or inconsistent one (a torn write).
 */
export function readSegmentIndex(path: string, firstSeq: number): SegmentIndex | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(path, 'read the index', cause);
  }
  const header = decodeIndexHeader(bytes.subarray(0, INDEX_HEADER_SIZE));
  if (!header.ok || header.firstSeq !== firstSeq || header.extra < 1) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index: SegmentIndex = {
    stride: header.extra,
    seekSeq: [],
    seekOffset: [],
    seekTsMax: [],
    seal: undefined,
  };
  let lastSeq = firstSeq - 1;
  let lastOffset = SEGMENT_HEADER_SIZE - 1;
  let lastTs = 0;
  for (let at = INDEX_HEADER_SIZE; at + INDEX_ENTRY_SIZE <= bytes.length; at += INDEX_ENTRY_SIZE) {
    const e = decodeIndexEntry(dv, bytes, at);
    if (e.tag === ENTRY_SEEK && e.a > lastSeq && e.b > lastOffset && e.c >= lastTs) {
      index.seekSeq.push(e.a);
      index.seekOffset.push(e.b);
      index.seekTsMax.push(e.c);
      lastSeq = e.a;
      lastOffset = e.b;
      lastTs = e.c;
      continue;
    }
    if (e.tag === ENTRY_SEAL && e.a >= Math.max(lastSeq, firstSeq) && e.b > lastOffset && e.c >= lastTs) {
      return { ...index, seal: { lastSeq: e.a, length: e.b, maxTs: e.c } };
    }
    break;
  }
  return index;
}

/** Encodes a whole index file: header, seek points and the seal when given. */
export function encodeSegmentIndex(firstSeq: number, index: SegmentIndex): Uint8Array {
  const count = index.seekSeq.length + (index.seal === undefined ? 0 : 1);
  const bytes = new Uint8Array(INDEX_HEADER_SIZE + count * INDEX_ENTRY_SIZE);
  const dv = new DataView(bytes.buffer);
  bytes.set(encodeIndexHeader(firstSeq, index.stride), 0);
  let at = INDEX_HEADER_SIZE;
  for (let i = 0; i < index.seekSeq.length; i++, at += INDEX_ENTRY_SIZE) {
    encodeIndexEntry(dv, bytes, at, ENTRY_SEEK, index.seekSeq[i]!, index.seekOffset[i]!, index.seekTsMax[i]!);
  }
  if (index.seal !== undefined) {
    encodeIndexEntry(dv, bytes, at, ENTRY_SEAL, index.seal.lastSeq, index.seal.length, index.seal.maxTs);
  }
  return bytes;
}

/** The position of the last seek point with sequence ≤ `seq`, or -1. */
export function seekPointForSeq(index: SegmentIndex, seq: number): number {
  let lo = 0;
  let hi = index.seekSeq.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index.seekSeq[mid]! <= seq) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The position of the last seek point before which every record has `tsEvent` < `ts`, or -1.
 * Exact even when `tsEvent` is not monotonic, because seek points carry the running maximum.
 */
export function seekPointForTime(index: SegmentIndex, ts: number): number {
  let lo = 0;
  let hi = index.seekTsMax.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index.seekTsMax[mid]! < ts) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
