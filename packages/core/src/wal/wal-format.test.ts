import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32cView } from '../codec/crc32c.js';
import { crc32c } from '../codec/index.js';
import { encodeSegmentIndex, readSegmentIndex, seekPointForSeq, seekPointForTime } from './segment-index.js';
import {
  decodeIndexHeader,
  decodeSegmentHeader,
  encodeIndexHeader,
  encodeSegmentHeader,
  getU64,
  parseSegmentFileName,
  segmentFileName,
  setU64,
} from './wal-format.js';

describe('crc32cView', () => {
  it('matches the standard check value', () => {
    const u8 = new TextEncoder().encode('123456789');
    expect(crc32cView(new DataView(u8.buffer), u8, 0, 9)).toBe(0xe3069283);
  });

  it('equals the codec crc32c on any range of any buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        expect(crc32cView(dv, bytes, start, end)).toBe(crc32c(bytes, start, end));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('file headers and names', () => {
  it('round-trip and reject any single changed byte', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: 31 }),
        fc.integer({ min: 1, max: 255 }),
        (seq, at, mask) => {
          const header = encodeSegmentHeader(seq);
          expect(decodeSegmentHeader(header)).toEqual({ ok: true, firstSeq: seq, extra: 0 });
          expect(decodeIndexHeader(header).ok).toBe(false); // a segment header is not an index header
          expect(decodeIndexHeader(encodeIndexHeader(seq, 64))).toEqual({
            ok: true,
            firstSeq: seq,
            extra: 64,
          });
          header[at]! ^= mask;
          expect(decodeSegmentHeader(header).ok).toBe(false);
        },
      ),
    );
    expect(decodeSegmentHeader(new Uint8Array(10))).toEqual({
      ok: false,
      reason: 'segment header is 10 of 32 bytes',
    });
  });

  it('u64 fields hold every safe integer and flag the rest', () => {
    const dv = new DataView(new ArrayBuffer(8));
    for (const n of [0, 1, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      setU64(dv, 0, n);
      expect(getU64(dv, 0)).toBe(n);
    }
    dv.setUint32(4, 0x200000, true);
    expect(getU64(dv, 0)).toBe(-1);
  });

  it('segment names sort by sequence', () => {
    const seqs = [1, 9, 10, 99_999, 2 ** 40, Number.MAX_SAFE_INTEGER];
    const names = seqs.map(segmentFileName);
    expect([...names].sort()).toEqual(names);
    expect(names.map(parseSegmentFileName)).toEqual(seqs);
    expect(parseSegmentFileName('seg-0000000000000000.wal')).toBeUndefined();
    expect(parseSegmentFileName('seg-1.wal')).toBeUndefined();
    expect(parseSegmentFileName('seg-0000000000000001.idx')).toBeUndefined();
  });
});

describe('segment index', () => {
  it('finds seek points by sequence and by time', () => {
    const index = {
      stride: 10,
      seekSeq: [1, 11, 21, 31],
      seekOffset: [32, 1000, 2000, 3000],
      seekTsMax: [0, 500, 500, 900],
      seal: undefined,
    };
    expect(seekPointForSeq(index, 0)).toBe(-1);
    expect(seekPointForSeq(index, 1)).toBe(0);
    expect(seekPointForSeq(index, 20)).toBe(1);
    expect(seekPointForSeq(index, 99)).toBe(3);
    // Every record before point k has tsEvent <= seekTsMax[k]: start at the last point below the time.
    expect(seekPointForTime(index, 0)).toBe(-1);
    expect(seekPointForTime(index, 1)).toBe(0);
    expect(seekPointForTime(index, 500)).toBe(0);
    expect(seekPointForTime(index, 501)).toBe(2);
    expect(seekPointForTime(index, 10_000)).toBe(3);
  });

  it('encodes and reads back, dropping entries after a torn or inconsistent one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qk-wal-index-'));
    try {
      const index = {
        stride: 4,
        seekSeq: [5, 9],
        seekOffset: [32, 400],
        seekTsMax: [0, 77],
        seal: { lastSeq: 12, length: 900, maxTs: 99 },
      };
      const bytes = encodeSegmentIndex(5, index);
      const path = join(dir, 'x.idx');
      writeFileSync(path, bytes);
      expect(readSegmentIndex(path, 5)).toEqual(index);
      expect(readSegmentIndex(path, 6)).toBeUndefined();
      expect(readSegmentIndex(join(dir, 'missing.idx'), 5)).toBeUndefined();
      writeFileSync(path, bytes.subarray(0, bytes.length - 5));
      expect(readSegmentIndex(path, 5)).toEqual({ ...index, seal: undefined });
      const damaged = bytes.slice();
      damaged[32 + 32 + 3]! ^= 1;
      writeFileSync(path, damaged);
      expect(readSegmentIndex(path, 5)?.seekSeq).toEqual([5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
