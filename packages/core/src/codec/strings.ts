import { DecodeError, EncodeError } from '../errors/index.js';

// Strings in events are mostly short ASCII identifiers repeated millions of times (instrument
// ids, strategy ids). Encoding copies char codes directly; decoding interns short ASCII strings
// in a small hash-indexed cache so the same bytes return the same string without allocating.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Longest string (in UTF-8 bytes) a codec string field can hold. */
export const MAX_STRING_BYTES = 0xffff;

const CACHE_MAX_LEN = 48;
const CACHE_SLOTS = 4096; // power of two
const cache: (string | undefined)[] = new Array(CACHE_SLOTS).fill(undefined);

/**
 * Writes `value` as u16 length + UTF-8 at `u8[off]`; returns the new offset, or -1 when it does
 * not fit before `end`.
 */
export function writeString(
  u8: Uint8Array,
  off: number,
  end: number,
  value: unknown,
  kind: string,
  field: string,
): number {
  if (typeof value !== 'string') {
    throw new EncodeError(kind, field, `expected a string, got ${value === null ? 'null' : typeof value}`);
  }
  const n = value.length;
  if (off + 2 + n > end) return -1;
  let p = off + 2;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return writeUtf8(u8, off, end, value, kind, field);
    u8[p++] = c;
  }
  if (n > MAX_STRING_BYTES)
    throw new EncodeError(kind, field, `string of ${n} bytes exceeds ${MAX_STRING_BYTES}`);
  u8[off] = n & 0xff;
  u8[off + 1] = n >>> 8;
  return p;
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

// One reusable array per length: setting an array's length is a runtime call, not a store.
const scratchByLength: number[][] = Array.from({ length: CACHE_MAX_LEN + 1 }, (_, n) =>
  new Array<number>(n).fill(0),
);

/** Builds a string from bytes with one allocation, or `undefined` if any byte is not ASCII. */
function asciiString(u8: Uint8Array, off: number, len: number): string | undefined {
  const scratch = scratchByLength[len]!;
  for (let i = 0; i < len; i++) {
    const c = u8[off + i]!;
    if (c >= 0x80) return undefined;
    scratch[i] = c;
  }
  return String.fromCharCode.apply(null, scratch);
}

/**
 * Reads `len` UTF-8 bytes at `u8[off]` as a string; invalid UTF-8 throws DecodeError. `last` is
 * the string this field decoded to last time: when the bytes are the same it is returned as is
 * (a stream of one instrument decodes its id without hashing or allocating). Other short ASCII
 * strings are interned through a hash of their length and up to three 32-bit words, verified
 * byte for byte.
 */
export function readString(
  u8: Uint8Array,
  dv: DataView,
  off: number,
  len: number,
  kind: string,
  last: string,
): string {
  if (len === 0) return '';
  if (last.length === len && sameAscii(last, u8, off)) return last;
  if (len <= CACHE_MAX_LEN) {
    let h = len;
    if (len >= 4) {
      h = Math.imul(h ^ dv.getInt32(off, true), 0x9e3779b1);
      h = Math.imul(h ^ dv.getInt32(off + len - 4, true), 0x85ebca6b);
      if (len >= 12) h = Math.imul(h ^ dv.getInt32(off + (len >> 1) - 2, true), 0xc2b2ae35);
    } else {
      for (let i = 0; i < len; i++) h = Math.imul(h ^ u8[off + i]!, 0x01000193);
    }
    const slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
    const hit = cache[slot];
    if (hit !== undefined && hit.length === len && sameAscii(hit, u8, off)) return hit;
    const s = asciiString(u8, off, len);
    if (s !== undefined) {
      cache[slot] = s;
      return s;
    }
  }
  try {
    return decoder.decode(u8.subarray(off, off + len));
  } catch (cause) {
    throw new DecodeError('DECODE_CORRUPT', 'invalid UTF-8 in a string field', kind, off, { cause });
  }
}

function sameAscii(s: string, u8: Uint8Array, off: number): boolean {
  // Ids that differ (sequential trade ids) mostly differ in their last character: test it first.
  const last = s.length - 1;
  if (s.charCodeAt(last) !== u8[off + last]) return false;
  for (let i = 0; i < last; i++) if (s.charCodeAt(i) !== u8[off + i]) return false;
  return true;
}
