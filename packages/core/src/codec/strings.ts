import { DecodeError, EncodeError } from '../errors/index.js';

// Strings in events are mostly short ASCII identifiers. Some repeat millions of times
// (instrument ids, strategy ids), others never (trade ids, order ids).
//
// - Encoding copies char codes directly, four to a 32-bit store, and each string field of a
//   compiled encoder remembers the last string it wrote (StringMemo): writing the same string
//   again copies its bytes as words, without reading its characters.
// - Decoding interns ASCII strings of up to 48 bytes in a small hash-indexed cache, so the same
//   bytes return the same string without allocating.
//
// Both are per-field bets that values repeat. A field whose values never do would pay for
// them on every value, so after INTERN_PATIENCE misses in a row a field bets only on one value
// in INTERN_PATIENCE, and a single win (its values do repeat after all) restores it at once.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Longest string (in UTF-8 bytes) a codec string field can hold. */
export const MAX_STRING_BYTES = 0xffff;

/** Longest string (in bytes) the decoder interns and the encoder remembers. */
const CACHE_MAX_LEN = 48;
/** Misses in a row after which a field mostly stops betting on repeats (a power of two). */
const INTERN_PATIENCE = 64;
/** Miss counts wrap long before leaving V8's small-integer range; a wrap means 64 more bets. */
const MISS_COUNT_MASK = 0x3ffffff;

/** Whether a field that has missed `misses` times in a row bets on a repeat this time. */
function bets(misses: number): boolean {
  return misses < INTERN_PATIENCE || (misses & (INTERN_PATIENCE - 1)) === 0;
}

// ---------------------------------------------------------------- encoding

/** Index of the word holding a remembered string's last four bytes. */
const LAST_MEMO_WORD = CACHE_MAX_LEN / 4 - 1;

/**
 * The last string one string field of a compiled encoder wrote, with its bytes as 32-bit words,
 * so that writing the same string again (the instrument id of every quote in a stream) copies
 * at most 12 words instead of making a charCodeAt call per character: that loop was a third of
 * the time of encoding a Quote. Word k holds bytes [4k, 4k + 4) for every k with 4k < n - 4,
 * and the last word the last four bytes, overlapping the one before, as in the decoder's intern
 * cache. Only ASCII strings of 4 to 48 characters are remembered (besides the initial '').
 *
 * A field whose values keep changing (a trade id) would pay on every write for the comparison
 * (two strings of one length compare character by character) and for remembering the new value
 * (a store that costs a write barrier); after {@link INTERN_PATIENCE} misses in a row it does
 * both for only one write in {@link INTERN_PATIENCE}.
 */
export interface StringMemo {
  value: string;
  misses: number;
  readonly words: Int32Array;
}

/** A fresh {@link StringMemo}, for one string field of a compiled encoder. */
export function stringMemo(): StringMemo {
  return { value: '', misses: 0, words: new Int32Array(LAST_MEMO_WORD + 1) };
}

/**
 * Writes `value` as u16 length + UTF-8 at `u8[off]`; returns the new offset, or -1 when it does
 * not fit before `end`. `dv` must view the same bytes as `u8`; `memo` is the writing field's
 * {@link StringMemo}.
 */
export function writeString(
  u8: Uint8Array,
  dv: DataView,
  off: number,
  end: number,
  value: unknown,
  kind: string,
  field: string,
  memo: StringMemo,
): number {
  const misses = memo.misses;
  const bet = bets(misses);
  if (bet && value === memo.value) {
    const n = memo.value.length;
    if (off + 2 + n > end) return -1;
    dv.setUint16(off, n, true);
    const body = off + 2;
    if (n > 0) {
      const words = memo.words;
      for (let p = 0, w = 0; p < n - 4; p += 4, w++) dv.setInt32(body + p, words[w]!, true);
      dv.setInt32(body + n - 4, words[LAST_MEMO_WORD]!, true);
    }
    memo.misses = 0;
    return body + n;
  }
  const next = writeChars(u8, dv, off, end, value, kind, field);
  memo.misses = (misses + 1) & MISS_COUNT_MASK;
  // A value replaces the remembered one only on the second miss in a row, so that one field
  // mostly of one value with others in between (instrument ids B R R R B R R R) keeps the value
  // that repeats rather than trading it for each interloper.
  if (bet && misses > 0 && next >= 0) remember(dv, off, next, value as string, memo);
  return next;
}

/** Makes `memo` remember `value`, just written at `off` and ending at `next`, if it qualifies. */
function remember(dv: DataView, off: number, next: number, value: string, memo: StringMemo): void {
  const n = value.length;
  // Fewer than 4 characters have no last word; a byte count other than n means UTF-8.
  if (n < 4 || n > CACHE_MAX_LEN || next - off - 2 !== n) return;
  const body = off + 2;
  const words = memo.words;
  for (let p = 0, w = 0; p < n - 4; p += 4, w++) words[w] = dv.getInt32(body + p, true);
  words[LAST_MEMO_WORD] = dv.getInt32(body + n - 4, true);
  memo.value = value;
}

/** {@link writeString} without the memo: checks `value` and copies its characters. */
function writeChars(
  u8: Uint8Array,
  dv: DataView,
  off: number,
  end: number,
  value: unknown,
  kind: string,
  field: string,
): number {
  if (typeof value !== 'string') notAString(kind, field, value);
  const n = value.length;
  if (off + 2 + n > end) return -1;
  // ASCII, the common case, is one byte per UTF-16 code unit. Four code units are checked and
  // stored as one little-endian word: each charCodeAt and each typed-array store carries its own
  // type and bounds checks, so a word store is about half the cost of four byte stores.
  const body = off + 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c0 = value.charCodeAt(i);
    const c1 = value.charCodeAt(i + 1);
    const c2 = value.charCodeAt(i + 2);
    const c3 = value.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return writeUtf8(u8, off, end, value, kind, field);
    dv.setInt32(body + i, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), true);
  }
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return writeUtf8(u8, off, end, value, kind, field);
    u8[body + i] = c;
  }
  if (n > MAX_STRING_BYTES) tooLong(kind, field, n);
  dv.setUint16(off, n, true);
  return body + n;
}

// The throws live in functions of their own, to keep the hot functions small enough to inline.
function notAString(kind: string, field: string, value: unknown): never {
  throw new EncodeError(kind, field, `expected a string, got ${value === null ? 'null' : typeof value}`);
}

function tooLong(kind: string, field: string, n: number): never {
  throw new EncodeError(kind, field, `string of ${n} bytes exceeds ${MAX_STRING_BYTES}`);
}

function writeUtf8(
  u8: Uint8Array,
  off: number,
  end: number,
  value: string,
  kind: string,
  field: string,
): number {
  // A lone surrogate would be replaced by U+FFFD and decode to a different string: refuse it.
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed())
    throw new EncodeError(kind, field, 'string contains a lone UTF-16 surrogate');
  const room = end - off - 2;
  const { read, written } = encoder.encodeInto(
    value,
    u8.subarray(off + 2, off + 2 + Math.min(room, MAX_STRING_BYTES + 4)),
  );
  if (read < value.length) {
    if (written >= MAX_STRING_BYTES)
      throw new EncodeError(kind, field, `string exceeds ${MAX_STRING_BYTES} UTF-8 bytes`);
    return -1;
  }
  if (written > MAX_STRING_BYTES)
    throw new EncodeError(kind, field, `string exceeds ${MAX_STRING_BYTES} UTF-8 bytes`);
  u8[off] = written & 0xff;
  u8[off + 1] = written >>> 8;
  return off + 2 + written;
}

// ---------------------------------------------------------------- decoding

// The intern cache: direct-mapped, CACHE_SLOTS entries of an ASCII string of at most
// CACHE_MAX_LEN bytes. Each slot also has a row of ROW_WORDS 32-bit words in `cachedRows`:
// the string's length, its last four bytes, then its bytes as words. A lookup verifies the row
// word by word (a 21-byte id is 7 compares instead of 21 charCodeAt calls) and touches the
// string itself only on a hit: the cached strings are scattered over the old generation, and
// reading one just to learn that its length differs was, for ids that never repeat, a cache
// miss costing more than the rest of the lookup. A row is 64 bytes, one cache line.
//
// Word k of the bytes (row word 2 + k) holds bytes [4k, 4k + 4) for every k with 4k < len - 4;
// the last four bytes [len - 4, len) overlap the word before them, so every byte is covered
// without a byte-by-byte tail. Strings shorter than 4 bytes pack their bytes 0, len >> 1 and
// len - 1 into the "last" word instead, which with the length identifies them exactly.
const CACHE_SLOTS = 4096; // power of two
const ROW_WORDS = 16; // length, last word, 11 words of bytes, 3 unused
const cachedStrings: string[] = new Array<string>(CACHE_SLOTS).fill('');
const cachedRows = new Int32Array(CACHE_SLOTS * ROW_WORDS);

/**
 * Builds the string of `len` (1..CACHE_MAX_LEN) bytes at `u8[off]`, or returns `undefined` if
 * any byte is not ASCII. Generated once as a switch over the length with one
 * `String.fromCharCode(c0, c1, ...)` call per case: a call with its arguments written out
 * allocates the string directly and costs half of `fromCharCode.apply` over a scratch array
 * (measured on Node 20: 23 ns against 55 ns for a 9-byte id). The source is built here from
 * nothing but the loop counters.
 */
const asciiString = ((): ((u8: Uint8Array, off: number, len: number) => string | undefined) => {
  const cases: string[] = [];
  for (let len = 1; len <= CACHE_MAX_LEN; len++) {
    const names = Array.from({ length: len }, (_, i) => `c${i}`);
    const loads = names.map((c, i) => `${c} = u8[off + ${i}]`).join(', ');
    cases.push(
      `case ${len}: { const ${loads}; return (${names.join(' | ')}) < 128 ? String.fromCharCode(${names.join(', ')}) : undefined; }`,
    );
  }
  const source = `return function asciiString(u8, off, len) {\nswitch (len) {\n${cases.join('\n')}\n}\nreturn undefined;\n};`;
  return new Function(source)() as (u8: Uint8Array, off: number, len: number) => string | undefined;
})();

/**
 * How one string field of a compiled decoder has fared in the intern cache: its reads in a row
 * that missed.
 *
 * A field whose values never repeat (a trade id) would otherwise replace a cache entry on every
 * read: a store of a young string into the long-lived cache array, which costs a write-barrier
 * slow path and keeps every such string alive until it is evicted; that was a quarter of the
 * time of decoding a Trade event. After {@link INTERN_PATIENCE} misses in a row a field stores
 * only one miss in {@link INTERN_PATIENCE}. The lookup itself is kept for every read: skipping
 * it too measured no faster.
 */
export interface InternState {
  misses: number;
}

/** A fresh {@link InternState}, for one string field of a compiled decoder. */
export function internState(): InternState {
  return { misses: 0 };
}

/**
 * Reads `len` UTF-8 bytes at `u8[off]` as a string; invalid UTF-8 throws DecodeError. ASCII
 * strings of up to 48 bytes are interned: the same bytes return the same string without
 * allocating, found through a hash of their length and up to three 32-bit words and verified
 * word by word. `dv` must view the same bytes as `u8`; `field` is the reading field's
 * {@link InternState}.
 *
 * This is the lookup alone, kept small for V8 to inline into the compiled decoders; the rest is
 * in {@link internNew} and {@link readUncached}.
 */
export function readString(
  u8: Uint8Array,
  dv: DataView,
  off: number,
  len: number,
  kind: string,
  field: InternState,
): string {
  if (len === 0 || len > CACHE_MAX_LEN) return readUncached(u8, off, len, kind);
  const last =
    len >= 4
      ? dv.getInt32(off + len - 4, true)
      : u8[off]! | (u8[off + (len >> 1)]! << 8) | (u8[off + len - 1]! << 16);
  let h = Math.imul(len ^ last, 0x9e3779b1);
  if (len > 4) h = Math.imul(h ^ dv.getInt32(off, true), 0x85ebca6b);
  if (len >= 12) h = Math.imul(h ^ dv.getInt32(off + (len >> 1) - 2, true), 0xc2b2ae35);
  const slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
  const row = slot * ROW_WORDS;
  if (cachedRows[row] === len && cachedRows[row + 1] === last) {
    let p = 0;
    for (let w = row + 2; p < len - 4 && dv.getInt32(off + p, true) === cachedRows[w]; w++) p += 4;
    if (p >= len - 4) {
      field.misses = 0;
      return cachedStrings[slot]!;
    }
  }
  return internNew(u8, dv, off, len, kind, field, slot, last);
}

/**
 * A string of 1..48 bytes that missed the intern cache: builds it and, if its field still bets
 * on repeats, stores it in `slot`.
 */
function internNew(
  u8: Uint8Array,
  dv: DataView,
  off: number,
  len: number,
  kind: string,
  field: InternState,
  slot: number,
  last: number,
): string {
  const s = asciiString(u8, off, len);
  if (s === undefined) return readUncached(u8, off, len, kind);
  const misses = field.misses;
  field.misses = (misses + 1) & MISS_COUNT_MASK;
  if (bets(misses)) {
    const row = slot * ROW_WORDS;
    cachedStrings[slot] = s;
    cachedRows[row] = len;
    cachedRows[row + 1] = last;
    for (let p = 0, w = row + 2; p < len - 4; p += 4, w++) cachedRows[w] = dv.getInt32(off + p, true);
  }
  return s;
}

/** Decodes a string the cache does not hold: empty, longer than 48 bytes, or not ASCII. */
function readUncached(u8: Uint8Array, off: number, len: number, kind: string): string {
  if (len === 0) return '';
  try {
    return decoder.decode(u8.subarray(off, off + len));
  } catch (cause) {
    throw new DecodeError('DECODE_CORRUPT', 'invalid UTF-8 in a string field', kind, off, { cause });
  }
}
