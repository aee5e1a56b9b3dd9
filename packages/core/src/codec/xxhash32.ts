/**
 * xxHash32 (Yann Collet's specification), the check value of codec frames. Chosen over CRC-32C
 * for frames because a table-driven CRC costs about 1 ns per byte in JavaScript, more than the
 * rest of encoding a Trade event, while xxHash32 reads whole 32-bit words. Every step is a
 * bijection of the changed word, so any corruption confined to one aligned 4-byte word (every
 * single-byte error) is always detected; other corruption escapes with probability 2^-32.
 * Storage layers that promise CRC-32C (the WAL) add it on top.
 *
 * The primes are written as int32 literals in the code rather than module constants: a module
 * constant is a context slot that V8 (Node 20's, at least) reloads and type-checks at every
 * use, and three of the five primes do not fit a small integer, so each `Math.imul` paid a
 * heap-number load and a float-to-int conversion. Literals fold into the multiply
 * instructions, which made hashing a 70-byte frame about a third cheaper. The values, as
 * uint32 / int32:
 *
 * | prime | uint32     | int32 literal |
 * |-------|-----------:|--------------:|
 * | P1    | 2654435761 | -1640531535   |
 * | P2    | 2246822519 | -2048144777   |
 * | P3    | 3266489917 | -1028477379   |
 * | P4    |  668265263 |   668265263   |
 * | P5    |  374761393 |   374761393   |
 *
 * and the lane seeds P1 + P2 = 606290984, -P1 = 1640531535 (mod 2^32). Rotations are written
 * out (`(x << r) | (x >>> (32 - r))`, one `ror` instruction) for the same reason: a module-level
 * helper was inlined, but behind a context load and a check that it was still the same function.
 */

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
  return hashTo(dv, u8, start, end, seed) >>> 0;
}

/**
 * The source of statements that compute the xxHash32 of `u8[start, end)` into a new variable `h`
 * (an int32), where `u8`, `dv` and `start` are in scope, `end` is the source expression given
 * and `seed` another (a literal folds into the constants). The code generator (codegen.ts)
 * writes them into every compiled frame encoder, which stores `h` at `end`, and decoder, which
 * compares it with the word there: computed inline, the check value made encoding and decoding
 * Quote and Trade events 5-10% faster than a call to a function like {@link checkXxhash32},
 * whose arguments the callee must check and untag again. {@link xxhash32} and
 * {@link checkXxhash32} are compiled from the same source. Its other names are local to a block
 * of their own.
 */
export function xxhash32Statements(end: string, seed = '0'): string {
  // Lane seeds: seed + P1 + P2, seed + P2, seed, seed - P1; the single-lane start: seed + P5.
  return `let h;
{
  let i = start;
  const len = ${end} - start;
  if (len >= 16) {
    let v1 = (${seed} + 606290984) | 0, v2 = (${seed} - 2048144777) | 0, v3 = ${seed} | 0, v4 = (${seed} + 1640531535) | 0;
    const limit = ${end} - 16;
    do {
      // v = rotl(v + word * P2, 13) * P1, for the four lanes of a 16-byte stripe.
      v1 = (v1 + Math.imul(dv.getInt32(i, true), -2048144777)) | 0;
      v1 = Math.imul((v1 << 13) | (v1 >>> 19), -1640531535);
      v2 = (v2 + Math.imul(dv.getInt32(i + 4, true), -2048144777)) | 0;
      v2 = Math.imul((v2 << 13) | (v2 >>> 19), -1640531535);
      v3 = (v3 + Math.imul(dv.getInt32(i + 8, true), -2048144777)) | 0;
      v3 = Math.imul((v3 << 13) | (v3 >>> 19), -1640531535);
      v4 = (v4 + Math.imul(dv.getInt32(i + 12, true), -2048144777)) | 0;
      v4 = Math.imul((v4 << 13) | (v4 >>> 19), -1640531535);
      i += 16;
    } while (i <= limit);
    h = (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20))) | 0;
    h = (h + ((v4 << 18) | (v4 >>> 14)) + len) | 0;
  } else {
    h = (${seed} + 374761393 + len) | 0;
  }
  for (; i + 4 <= ${end}; i += 4) {
    // h = rotl(h + word * P3, 17) * P4
    h = (h + Math.imul(dv.getInt32(i, true), -1028477379)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), 668265263);
  }
  for (; i < ${end}; i++) {
    // h = rotl(h + byte * P5, 11) * P1
    h = (h + Math.imul(u8[i], 374761393)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), -1640531535);
  }
  h ^= h >>> 15;
  h = Math.imul(h, -2048144777);
  h ^= h >>> 13;
  h = Math.imul(h, -1028477379);
  h ^= h >>> 16;
}`;
}

/** Whether the four bytes at `end` hold the xxHash32 (seed 0) of `u8[start, end)`. */
export function checkXxhash32(dv: DataView, u8: Uint8Array, start: number, end: number): boolean {
  return checkAt(dv, u8, start, end);
}

// Compiled from the statements above (new Function, as the codec's frame functions are: the
// source holds only numbers and fixed names). The check compares in place rather than returning
// the value: a 32-bit value usually does not fit V8's small integers, so returning one from a
// function that is not inlined allocates a heap number.
const hashTo = new Function(
  'dv',
  'u8',
  'start',
  'end',
  'seed',
  `${xxhash32Statements('end', 'seed')}\nreturn h;`,
) as (dv: DataView, u8: Uint8Array, start: number, end: number, seed: number) => number;
const checkAt = new Function(
  'dv',
  'u8',
  'start',
  'end',
  `${xxhash32Statements('end')}\nreturn dv.getInt32(end, true) === h;`,
) as (dv: DataView, u8: Uint8Array, start: number, end: number) => boolean;
