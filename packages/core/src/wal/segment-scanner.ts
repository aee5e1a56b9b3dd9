import { closeSync, openSync, readSync } from 'node:fs';
import { crc32cView } from '../codec/crc32c.js';
import { ioError } from './wal-errors.js';
import {
  decodeSegmentHeader,
  getU64,
  type HeaderResult,
  MAX_RECORD_SIZE,
  MIN_RECORD_SIZE,
  RECORD_HEADER_SIZE,
  SEGMENT_HEADER_SIZE,
} from './wal-format.js';

/** {@link SegmentScanner.next}: the segment ended cleanly at a record boundary. */
export const SCAN_END = -1;
/** {@link SegmentScanner.next}: the file ends inside a record (header or body cut short). */
export const SCAN_TORN = -2;
/** {@link SegmentScanner.next}: a complete record failed a check; `problem` says which. */
export const SCAN_BAD = -3;

/** Default bytes read per system call while scanning. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Reads one segment file's records in big chunks and verifies each in place (length, CRC-32C,
 * sequence, frame length) without copying or decoding it. The replay hot path: one `readSync`
 * per chunk, no allocation per record. After `next()` returns a buffer position `p`, the codec
 * frame starts at `buf[p + 16]` and is valid until the next call.
 */
export class SegmentScanner {
  /** The chunk buffer; replaced (never shrunk) when a record is larger than it. */
  buf: Uint8Array;
  /** A view of `buf`. */
  dv: DataView;
  /** The segment being scanned (for error messages). */
  path = '';
  /** Sequence number the next record must have. */
  expectedSeq = 0;
  /** Length of the record returned by the last successful `next()`. */
  recordLength = 0;
  /** Why the last `next()` returned SCAN_TORN or SCAN_BAD. */
  problem = '';
  /** File offset of the record the problem is in. */
  problemOffset = 0;
  #fd = -1;
  #base = 0; // file offset of buf[0]
  #end = 0; // bytes of buf holding file data
  #p = 0; // next record's position in buf

  constructor(chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.buf = new Uint8Array(Math.max(chunkBytes, 4096));
    this.dv = new DataView(this.buf.buffer);
  }

  /** Opens `path` and reads its header; positions at the first record when the header is valid. */
  open(path: string): HeaderResult {
    this.close();
    this.path = path;
    try {
      this.#fd = openSync(path, 'r');
    } catch (cause) {
      throw ioError(path, 'open the segment', cause);
    }
    this.#base = 0;
    this.#end = 0;
    this.#p = 0;
    const got = this.#fill(SEGMENT_HEADER_SIZE);
    const header = decodeSegmentHeader(this.buf.subarray(0, got < 0 ? this.#end : SEGMENT_HEADER_SIZE));
    if (header.ok) {
      this.#p = SEGMENT_HEADER_SIZE;
      this.expectedSeq = header.firstSeq;
    }
    return header;
  }

  /** Positions at the record starting at file offset `offset`, whose sequence must be `seq`. */
  seek(offset: number, seq: number): void {
    if (offset >= this.#base && offset <= this.#base + this.#end) {
      this.#p = offset - this.#base;
    } else {
      this.#base = offset;
      this.#end = 0;
      this.#p = 0;
    }
    this.expectedSeq = seq;
  }

  /** File offset of the next record (just after the last verified one). */
  get offset(): number {
    return this.#base + this.#p;
  }

  /**
   * Verifies the next record and returns its position in `buf`, or SCAN_END, SCAN_TORN or
   * SCAN_BAD. After a problem the position stays at the failing record.
   */
  next(): number {
    let p = this.#p;
    if (this.#end - p < RECORD_HEADER_SIZE) {
      p = this.#fill(RECORD_HEADER_SIZE);
      if (p < 0) return p;
    }
    const dv = this.dv;
    const length = dv.getUint32(p + 4, true);
    if (length < MIN_RECORD_SIZE || length > MAX_RECORD_SIZE) {
      return this.#fail(p, SCAN_BAD, `impossible record length ${length}`);
    }
    if (this.#end - p < length) {
      p = this.#fill(length);
      if (p < 0) return p;
    }
    const buf = this.buf;
    if (crc32cView(this.dv, buf, p + 4, p + length) !== this.dv.getUint32(p, true)) {
      return this.#fail(p, SCAN_BAD, 'record checksum mismatch');
    }
    const seq = getU64(this.dv, p + 8);
    if (seq !== this.expectedSeq) {
      return this.#fail(p, SCAN_BAD, `record has sequence ${seq}, expected ${this.expectedSeq}`);
    }
    if (this.dv.getUint32(p + RECORD_HEADER_SIZE, true) !== length - RECORD_HEADER_SIZE) {
      return this.#fail(p, SCAN_BAD, 'frame length disagrees with the record length');
    }
    this.#p = p + length;
    this.recordLength = length;
    this.expectedSeq = seq + 1;
    return p;
  }

  /** Closes the file; the scanner can be opened again. */
  close(): void {
    if (this.#fd >= 0) {
      const fd = this.#fd;
      this.#fd = -1;
      try {
        closeSync(fd);
      } catch (cause) {
        throw ioError(this.path, 'close the segment', cause);
      }
    }
  }

  #fail(p: number, code: number, problem: string): number {
    this.#p = p;
    this.problem = problem;
    this.problemOffset = this.#base + p;
    return code;
  }

  /** Makes at least `need` bytes available from the current record on; returns its position. */
  #fill(need: number): number {
    if (this.#p > 0) {
      this.buf.copyWithin(0, this.#p, this.#end);
      this.#base += this.#p;
      this.#end -= this.#p;
      this.#p = 0;
    }
    if (need > this.buf.length) {
      const bigger = new Uint8Array(Math.min(Math.max(need, this.buf.length * 2), MAX_RECORD_SIZE));
      bigger.set(this.buf.subarray(0, this.#end));
      this.buf = bigger;
      this.dv = new DataView(bigger.buffer);
    }
    while (this.#end < need) {
      let n: number;
      try {
        n = readSync(this.#fd, this.buf, this.#end, this.buf.length - this.#end, this.#base + this.#end);
      } catch (cause) {
        throw ioError(this.path, `read at byte ${this.#base + this.#end}`, cause);
      }
      if (n === 0) break;
      this.#end += n;
    }
    if (this.#end >= need) return 0;
    if (this.#end === 0) return SCAN_END;
    return this.#fail(0, SCAN_TORN, `the file ends after ${this.#end} of the ${need} bytes needed`);
  }
}
