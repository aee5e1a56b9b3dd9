import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyBytes, copyWords, loadPosition, storePosition } from './ring-memory.js';

describe('64-bit positions in three 32-bit words', () => {
  it('read back every value written, across 2^32 boundaries', () => {
    const words = new Int32Array(new SharedArrayBuffer(64));
    const edges = [
      0,
      1,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      3 * 2 ** 32 - 1,
      2 ** 53 - 1,
    ];
    for (const value of edges) {
      storePosition(words, 4, value);
      expect(loadPosition(words, 4)).toBe(value);
    }
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { minLength: 1, maxLength: 20 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        for (const value of sorted) {
          storePosition(words, 8, value);
          expect(loadPosition(words, 8)).toBe(value);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('write the hi words only when they change', () => {
    const words = new Int32Array(16);
    storePosition(words, 0, 5);
    expect(Array.from(words.subarray(0, 3))).toEqual([5, 0, 0]);
    storePosition(words, 0, 2 ** 32 + 7);
    expect(Array.from(words.subarray(0, 3))).toEqual([7, 1, 1]);
  });
});

describe('copies', () => {
  it('copy short and long byte ranges exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(40), fc.nat(40), (data, skip, at) => {
        const from = Math.min(skip, data.length);
        const length = data.length - from;
        const dst = new Uint8Array(length + at + 8);
        copyBytes(data, from, dst, at, length);
        expect(dst.subarray(at, at + length)).toEqual(data.subarray(from));
        expect(dst.subarray(0, at).every((b) => b === 0)).toBe(true);
      }),
    );
  });

  it('copy words', () => {
    const src = Int32Array.from([1, 2, 3, 4, 5]);
    const dst = new Int32Array(6);
    copyWords(src, 1, dst, 2, 3);
    expect(Array.from(dst)).toEqual([0, 0, 2, 3, 4, 0]);
  });
});
