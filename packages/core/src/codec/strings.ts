import { DecodeError, EncodeError } from '../errors/index.js';

// Strings in events are mostly short ASCII identifiers. Some repeat millions of times
// (instrument ids, strategy ids), others never (trade ids, order ids).
//
// - Encoding copies char codes directly, four to a 32-bit store, and each string field of a
//   compiled encoder remembers the last string it wrote (StringMemo): writing the same string
//   again copies its bytes as words, without reading its characters.
// - Decoding interns ASCII strings of up to 48 bytes: each string field of a compiled decoder
//   remembers the last string it read (InternState), and a small hash-indexed cache shared by
//   all fields holds the rest, so the same bytes return the same string without allocating.
//
// Both are per-field bets that values repeat. A field whose values never do would pay for
// them on every value, so a field that keeps missing bets only on one value in INTERN_PATIENCE
// (see there), and goes back to betting on every value once it finds its values again.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Longest string (in UTF-8 bytes) a codec string field can hold. */
export const MAX_STRING_BYTES = 0xffff;

/** Longest string (in bytes) the decoder interns and the encoder remembers. */
const CACHE_MAX_LEN = 48;
/**
 * The miss score beyond which a field mostly stops betting on repeats. Each string field keeps a
 * score: one up for a value it looked for and did not find (or did not look for), one down, to
 * no less than 0, for a value it found. While the score is at most INTERN_PATIENCE the field
 * looks every value up; beyond, the score runs up to 2 * INTERN_PATIENCE - 1 and wraps back to
 * INTERN_PATIENCE, so the field looks up one value in INTERN_PATIENCE, and a find brings it
 * back to looking every value up for as long as at least half of them are found.
 *
 * An earlier rule counted misses in a row and restored a field at its first find. It kept
 * trade ids with the caches whenever a few of them came round again, as when a benchmark or a
 * parameter sweep decodes the same frames repeatedly: the stored ids were found on the next
 * pass and each find bought another 64 lookups, stores and write barriers.
 */
const INTERN_PATIENCE = 64;

/** Whether a field with miss score `score` looks this value up. */
function bets(score: number): boolean {
  return score <= INTERN_PATIENCE;
}

/**
 * The miss score after a miss: one more, up to 2 * INTERN_PATIENCE - 1 and then back to
 * INTERN_PATIENCE, so that a field that has given up bets on one value in INTERN_PATIENCE.
 */
function missed(score: number): number {
  return score < 2 * INTERN_PATIENCE - 1 ? score + 1 : INTERN_PATIENCE;
}

/** The miss score after a hit. */
function hit(score: number): number {
  return score > 0 ? score - 1 : 0;
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
 * (a store that costs a write barrier); once its miss score exceeds {@link INTERN_PATIENCE} it
 * does both for only one write in {@link INTERN_PATIENCE}.
 */
export interface StringMemo {
  value: string;
  /** The field's miss score (see {@link INTERN_PATIENCE}). */
  misses: number;
  /** 1 when the last write did not find the remembered string, else 0. */
  memoMissed: number;
  readonly words: Int32Array;
}

/** A fresh {@link StringMemo}, for one string field of a compiled encoder. */
export function stringMemo(): StringMemo {
  return { value: '', misses: 0, memoMissed: 0, words: new Int32Array(LAST_MEMO_WORD + 1) };
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
    memo.misses = hit(misses);
    memo.memoMissed = 0;
    return body + n;
  }
  const next = writeChars(u8, dv, off, end, value, kind, field);
  memo.misses = missed(misses);
  // A value replaces the remembered one only on the second miss in a row, so that one field
  // mostly of one value with others in between (instrument ids B R R R B R R R) keeps the value
  // that repeats rather than trading it for each interloper.
  if (bet && next >= 0) {
    if (memo.memoMissed === 0) memo.memoMissed = 1;
    else remember(dv, off, next, value as string, memo);
  }
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
 * A read by a field that does not bet on a repeat this time (see {@link betting}): builds the
 * string without looking at the remembered one or the cache. Invalid UTF-8 throws DecodeError.
 */
export function readSkipped(
  u8: Uint8Array,
  off: number,
  len: number,
  kind: string,
  field: InternState,
): string {
  field.misses = missed(field.misses);
  const s = len > 0 && len <= CACHE_MAX_LEN ? asciiString(u8, off, len) : undefined;
  return s === undefined ? readUncached(u8, off, len, kind) : s;
}

/**
 * Whether a string field of a compiled decoder bets on a repeat this time. A compiled decoder
 * reads each string of `len` bytes at `u8[off]` (ASCII strings of up to 48 bytes interned: the
 * same bytes give the same string without allocating) as
 *
 * ```js
 * !betting(field) ? readSkipped(u8, off, len, kind, field)
 *   : remembers(dv, off, len, field) ? field.value
 *   : readOther(u8, dv, off, len, kind, field)
 * ```
 *
 * split so that V8 inlines the first two tests into the decoder; `dv` views the same bytes as
 * `u8`, and `field` is the reading field's {@link InternState}.
 */
export function betting(field: InternState): boolean {
  return bets(field.misses);
}

/**
 * What one string field of a compiled decoder remembers: the last string it read (of 4 to 48
 * ASCII bytes) with its bytes as words, laid out as in {@link StringMemo}, and how it has fared.
 *
 * The remembered string is the first place a read looks: the instrument id of every quote in a
 * stream is then a length and at most 12 word compares, where a lookup in the shared cache
 * hashes three words and verifies a row, a chain of dependent multiplies and loads (decoding a
 * Quote measured 5-7% faster). Like the encoder's memo, a new value replaces the remembered one
 * only on the second miss in a row (B R R R keeps R).
 *
 * A field whose values never repeat (a trade id) would otherwise look every value up in the
 * shared cache and replace an entry with it: the lookup lands on a random row of a 256 KiB
 * table, and the store is a young string in the long-lived cache array, which costs a
 * write-barrier slow path and keeps every such string alive until it is evicted. The miss score
 * (see {@link INTERN_PATIENCE}) makes such a field build its strings directly, without a
 * lookup. With that and the remembered strings, decoding 300,000 distinct Trade events (two
 * instrument ids, B R R R) measured 12-19% faster than with a lookup of every string.
 */
export interface InternState {
  /** The miss score (see {@link INTERN_PATIENCE}). */
  misses: number;
  /** 1 when the last read did not find the remembered string, else 0. */
  memoMissed: number;
  /** Byte length of the remembered string, -1 while there is none. */
  length: number;
  value: string;
  readonly words: Int32Array;
}

/** A fresh {@link InternState}, for one string field of a compiled decoder. */
export function internState(): InternState {
  return { misses: 0, memoMissed: 0, length: -1, value: '', words: new Int32Array(LAST_MEMO_WORD + 1) };
}

/**
 * Whether the `len` bytes at `off` are those of the string `field` remembers, which a read then
 * returns as `field.value`; for a field that bets on a repeat (see {@link betting}).
 */
export function remembers(dv: DataView, off: number, len: number, field: InternState): boolean {
  if (len !== field.length) return false;
  const words = field.words;
  let p = 0;
  for (let w = 0; p < len - 4 && dv.getInt32(off + p, true) === words[w]; w++) p += 4;
  if (p < len - 4 || dv.getInt32(off + len - 4, true) !== words[LAST_MEMO_WORD]) return false;
  field.misses = hit(field.misses);
  field.memoMissed = 0;
  return true;
}

/**
 * A read by a field that bets on a repeat, of a string other than the one it remembers: looks it
 * up in the shared cache (through a hash of its length and up to three 32-bit words, verified
 * word by word), else builds it and stores it there. Invalid UTF-8 throws DecodeError.
 */
export function readOther(
  u8: Uint8Array,
  dv: DataView,
  off: number,
  len: number,
  kind: string,
  field: InternState,
): string {
  if (len === 0 || len > CACHE_MAX_LEN) return readUncached(u8, off, len, kind);
  const misses = field.misses;
  const last =
    len >= 4
      ? dv.getInt32(off + len - 4, true)
      : u8[off]! | (u8[off + (len >> 1)]! << 8) | (u8[off + len - 1]! << 16);
  let h = Math.imul(len ^ last, 0x9e3779b1);
  if (len > 4) h = Math.imul(h ^ dv.getInt32(off, true), 0x85ebca6b);
  if (len >= 12) h = Math.imul(h ^ dv.getInt32(off + (len >> 1) - 2, true), 0xc2b2ae35);
  const slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
  const row = slot * ROW_WORDS;
  let s: string | undefined;
  if (cachedRows[row] === len && cachedRows[row + 1] === last) {
    let p = 0;
    for (let w = row + 2; p < len - 4 && dv.getInt32(off + p, true) === cachedRows[w]; w++) p += 4;
    if (p >= len - 4) s = cachedStrings[slot]!;
  }
  if (s !== undefined) {
    field.misses = hit(misses);
  } else {
    s = asciiString(u8, off, len);
    if (s === undefined) return readUncached(u8, off, len, kind);
    field.misses = missed(misses);
    cachedStrings[slot] = s;
    cachedRows[row] = len;
    cachedRows[row + 1] = last;
    for (let p = 0, w = row + 2; p < len - 4; p += 4, w++) cachedRows[w] = dv.getInt32(off + p, true);
  }
  // The second read in a row that missed the remembered string replaces it.
  if (field.memoMissed === 0) {
    field.memoMissed = 1;
  } else if (len >= 4 && misses < INTERN_PATIENCE) {
    // Remember s with its bytes as words (see InternState).
    const words = field.words;
    for (let p = 0, w = 0; p < len - 4; p += 4, w++) words[w] = dv.getInt32(off + p, true);
    words[LAST_MEMO_WORD] = last;
    field.value = s;
    field.length = len;
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
