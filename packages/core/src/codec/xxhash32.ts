/**
 * xxHash32 (Yann Collet's specification), the check value of codec frames. Chosen over CRC-32C
 * for frames because a table-driven CRC costs about 1 ns per byte in JavaScript, more than the
 * rest of encoding a Trade event, while xxHash32 reads whole 32-bit words. Every step is a
 * bijection of the changed word, so any corruption confined to one aligned 4-byte word (every
 * single-byte error) is always detected; other corruption escapes with probability 2^-32.
 * Storage layers that promise CRC-32C (the WAL) add it on top.
 */

const P1 = 2654435761 | 0;
const P2 = 2246822519 | 0;
const P3 = 3266489917 | 0;
const P4 = 668265263;
const P5 = 374761393;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * xxHash32 of `u8[start, end)`; `dv` must view the same bytes as `u8` (same buffer and offset).
 *
 * @example
 * ```ts
 * const u8 = new TextEncoder().encode('abc');
 * xxhash32(new DataView(u8.buffer), u8, 0, 3); // 0x32d153ff
 * ```
 */
export function xxhash32(dv: DataView, u8: Uint8Array, start: number, end: number, seed = 0): number {
  const len = end - start;
  let i = start;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const limit = end - 16;
    for (; i <= limit; i += 16) {
      v1 = Math.imul(rotl((v1 + Math.imul(dv.getInt32(i, true), P2)) | 0, 13), P1);
      v2 = Math.imul(rotl((v2 + Math.imul(dv.getInt32(i + 4, true), P2)) | 0, 13), P1);
      v3 = Math.imul(rotl((v3 + Math.imul(dv.getInt32(i + 8, true), P2)) | 0, 13), P1);
      v4 = Math.imul(rotl((v4 + Math.imul(dv.getInt32(i + 12, true), P2)) | 0, 13), P1);
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + len) | 0;
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(rotl((h + Math.imul(dv.getInt32(i, true), P3)) | 0, 17), P4);
  }
  for (; i < end; i++) {
    h = Math.imul(rotl((h + Math.imul(u8[i]!, P5)) | 0, 11), P1);
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}
