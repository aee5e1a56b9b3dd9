// The stress tests' message format: a sequence number and a checksum in every message, with a
// length that varies with the sequence number, so loss, reordering and torn copies all show.
//
// Words (int32, little-endian): [0] seq low, [1] seq high, [2..n-2] a pattern derived from seq,
// [n-1] an FNV-style hash of words [0..n-2].

/** Payload bytes of message `seq`: 16 to 64, a multiple of 4. */
export function lengthOf(seq: number): number {
  return 16 + 4 * (seq % 13);
}

function mix(hash: number, word: number): number {
  return Math.imul(hash ^ word, 0x01000193);
}

/** Writes message `seq` of `length` bytes at word index `at`. */
export function writeMessage(words: Int32Array, at: number, seq: number, length: number): void {
  const n = length >>> 2;
  const lo = seq | 0;
  const hi = Math.floor(seq / 4294967296) | 0;
  words[at] = lo;
  words[at + 1] = hi;
  let hash = mix(mix(0x811c9dc5 | 0, lo), hi);
  const base = Math.imul(lo, 0x9e3779b1);
  for (let k = 2; k < n - 1; k++) {
    const v = (base + k) | 0;
    words[at + k] = v;
    hash = mix(hash, v);
  }
  words[at + n - 1] = hash;
}

/** The sequence number of the message at word `at`, or -1 if its length or checksum is wrong. */
export function checkMessage(words: Int32Array, at: number, length: number): number {
  if (length < 16 || length > 64 || (length & 3) !== 0) return -1;
  const n = length >>> 2;
  const lo = words[at]!;
  const hi = words[at + 1]!;
  let hash = mix(mix(0x811c9dc5 | 0, lo), hi);
  const base = Math.imul(lo, 0x9e3779b1);
  for (let k = 2; k < n - 1; k++) {
    const v = words[at + k]!;
    if (v !== ((base + k) | 0)) return -1;
    hash = mix(hash, v);
  }
  if (words[at + n - 1] !== hash) return -1;
  const seq = (hi >>> 0) * 4294967296 + (lo >>> 0);
  return lengthOf(seq) === length ? seq : -1;
}

/** Word views of handler byte arrays, cached by identity (a ring or scratch array is stable). */
export class WordView {
  private bytes: Uint8Array | undefined;
  private words: Int32Array = new Int32Array(0);

  /** An Int32Array over the same memory as `bytes`. */
  of(bytes: Uint8Array): Int32Array {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    }
    return this.words;
  }
}

/** What a verifying consumer reports. */
export interface VerifyReport {
  readonly received: number;
  /** Messages whose length or checksum was wrong (a torn or corrupt message). */
  readonly bad: number;
  /** Messages that arrived with a sequence number not above the previous one. */
  readonly reordered: number;
  /** Jumps forward in the sequence (each a run of lost messages). */
  readonly gaps: number;
  /** Messages lost in those jumps. */
  readonly gapMessages: number;
  /** The first sequence number this consumer could have received. */
  readonly start: number;
  /** The next sequence number expected. */
  readonly next: number;
}

/** Checks every delivered message against the format and the sequence so far. */
export class Verifier {
  private readonly view = new WordView();
  private received = 0;
  private bad = 0;
  private reordered = 0;
  private gaps = 0;
  private gapMessages = 0;
  private next: number;
  private readonly start: number;
  /** A handler for `consumer.poll`, bound once. */
  readonly handler = (bytes: Uint8Array, offset: number, length: number): void => {
    const seq = checkMessage(this.view.of(bytes), offset >>> 2, length);
    this.received++;
    if (seq < 0) {
      this.bad++;
      return;
    }
    if (seq < this.next) {
      this.reordered++;
      return;
    }
    if (seq > this.next) {
      this.gaps++;
      this.gapMessages += seq - this.next;
    }
    this.next = seq + 1;
  };

  /** Expects sequence numbers from `start`. */
  constructor(start: number) {
    this.start = start;
    this.next = start;
  }

  /** The next sequence number expected. */
  get expected(): number {
    return this.next;
  }

  /** The counts so far. */
  report(): VerifyReport {
    return {
      received: this.received,
      bad: this.bad,
      reordered: this.reordered,
      gaps: this.gaps,
      gapMessages: this.gapMessages,
      start: this.start,
      next: this.next,
    };
  }
}
