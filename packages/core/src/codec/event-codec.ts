import { DecodeError, EncodeError } from '../errors/index.js';
import {
  compileCurrentDecoderLookup,
  compileDecoder,
  compileEncoder,
  compileEncoderLookup,
  type FrameDecoder,
  type FrameEncoder,
} from './codegen.js';
import { FRAME_TRAILER_SIZE, MAX_FRAME_SIZE, MIN_FRAME_SIZE } from './frame.js';
import type { Layout } from './layout.js';
import { checkXxhash32 } from './xxhash32.js';

export { FRAME_HEADER_SIZE, FRAME_TRAILER_SIZE, MAX_FRAME_SIZE, MIN_FRAME_SIZE } from './frame.js';

/** One version of a record kind's binary layout. */
export interface VersionDefinition {
  /** Version number, 1..255, as written in the frame. */
  readonly v: number;
  /** Body layout for this version. */
  readonly layout: Layout;
  /**
   * Converts a decoded record of this version into the next version's shape. Every version but
   * the newest has one, so old bytes always decode to the current type.
   */
  readonly upgrade?: (record: Record<string, unknown>) => Record<string, unknown>;
}

/** A record kind: its name, its frame id and all its versions, oldest first. */
export interface KindDefinition {
  readonly kind: string;
  /** Frame kind id, 1..255. Never reused. */
  readonly id: number;
  readonly versions: readonly VersionDefinition[];
}

/** The fields every encodable record has. */
export interface FramedRecord {
  readonly kind: string;
  readonly v: number;
  readonly tsEvent: number;
  readonly tsInit: number;
}

interface CompiledVersion {
  readonly v: number;
  readonly decode: FrameDecoder;
  readonly upgrade: ((record: Record<string, unknown>) => Record<string, unknown>) | undefined;
}

interface CompiledKind {
  readonly kind: string;
  readonly id: number;
  readonly current: number;
  readonly encode: FrameEncoder;
  readonly versions: (CompiledVersion | undefined)[];
}

/**
 * A binary codec for a set of record kinds: compact little-endian frames with a versioned header
 * and an xxHash32 check value, decoded with full bounds checking. Decoding bytes that are truncated or corrupt
 * throws {@link DecodeError} with the kind and byte offset; it never returns garbage.
 *
 * Use the ready-made {@link eventCodec} for canonical events; construct one only for your own
 * record kinds.
 */
export class EventCodec<E extends FramedRecord> {
  readonly #byName = new Map<string, CompiledKind>();
  readonly #byId: (CompiledKind | undefined)[] = new Array(256).fill(undefined);
  #encBytes: Uint8Array | undefined;
  #encView: DataView | undefined;
  #decBytes: Uint8Array | undefined;
  #decView: DataView | undefined;
  #scratch = new Uint8Array(4096);
  /** Compiled: a switch from a kind name to that kind's frame encoder. */
  readonly #encoderOf: (kind: unknown) => FrameEncoder | undefined;
  /** Compiled: a switch from header bytes 4..7 to the current version's frame decoder. */
  readonly #currentDecoderOf: (header: number) => FrameDecoder | undefined;

  constructor(definitions: readonly KindDefinition[]) {
    for (const def of definitions) {
      if (!Number.isInteger(def.id) || def.id < 1 || def.id > 255)
        throw new Error(`${def.kind}: kind id must be 1..255`);
      if (this.#byId[def.id] !== undefined) throw new Error(`${def.kind}: kind id ${def.id} already used`);
      if (this.#byName.has(def.kind)) throw new Error(`${def.kind}: defined twice`);
      if (def.versions.length === 0) throw new Error(`${def.kind}: no versions`);
      const versions: (CompiledVersion | undefined)[] = [];
      let previous = 0;
      let encode: FrameEncoder | undefined;
      def.versions.forEach((ver, i) => {
        const last = i === def.versions.length - 1;
        if (!Number.isInteger(ver.v) || ver.v <= previous || ver.v > 255) {
          throw new Error(`${def.kind}: versions must increase within 1..255`);
        }
        if (!last && ver.upgrade === undefined)
          throw new Error(`${def.kind} v${ver.v}: an older version needs upgrade()`);
        previous = ver.v;
        versions[ver.v] = {
          v: ver.v,
          decode: compileDecoder(def.kind, ver.v, ver.layout),
          upgrade: ver.upgrade,
        };
        // Only the current version is ever written.
        if (last) encode = compileEncoder(def.kind, def.id, ver.v, ver.layout);
      });
      const compiled: CompiledKind = {
        kind: def.kind,
        id: def.id,
        current: previous,
        encode: encode!,
        versions,
      };
      this.#byName.set(def.kind, compiled);
      this.#byId[def.id] = compiled;
    }
    const all = [...this.#byName.values()];
    this.#encoderOf = compileEncoderLookup(all);
    this.#currentDecoderOf = compileCurrentDecoderLookup(
      all.map((k) => ({ id: k.id, v: k.current, decode: k.versions[k.current]!.decode })),
    );
  }

  /** The kinds this codec knows, with their ids and current versions. */
  kinds(): { kind: string; id: number; version: number }[] {
    return [...this.#byName.values()].map((k) => ({ kind: k.kind, id: k.id, version: k.current }));
  }

  /** The frame kind id of `kind`, or `undefined` if unknown. */
  kindId(kind: string): number | undefined {
    return this.#byName.get(kind)?.id;
  }

  /** The kind name of a frame kind id, or `undefined` if unknown. */
  kindName(id: number): string | undefined {
    return this.#byId[id]?.kind;
  }

  /**
   * Encodes `record` into `target` at `offset`. Returns the number of bytes written, or -1 when
   * `target` has too little room (nothing meaningful is written then; grow and retry). Throws
   * {@link EncodeError} when a field cannot be encoded. The hot-path form: no allocation.
   */
  encodeInto(record: E, target: Uint8Array, offset = 0): number {
    const encode = this.#encoderOf(record.kind);
    if (encode === undefined) throw new EncodeError(String(record.kind), 'kind', 'unknown record kind');
    let dv = this.#encView;
    if (target !== this.#encBytes || dv === undefined) {
      dv = new DataView(target.buffer, target.byteOffset, target.byteLength);
      this.#encBytes = target;
      this.#encView = dv;
    }
    // The kind's compiled frame encoder checks the version and writes header, body and check value.
    return encode(record, target, dv, offset);
  }

  /** Encodes `record` into a new `Uint8Array` of exactly its frame length. */
  encode(record: E): Uint8Array {
    for (;;) {
      const n = this.encodeInto(record, this.#scratch, 0);
      if (n >= 0) return this.#scratch.slice(0, n);
      if (this.#scratch.length >= MAX_FRAME_SIZE * 2) {
        throw new EncodeError(record.kind, '(frame)', `frame exceeds ${MAX_FRAME_SIZE} bytes`);
      }
      this.#scratch = new Uint8Array(this.#scratch.length * 2);
    }
  }

  /**
   * Reads and validates the frame header at `offset`, returning the frame's total length. Throws
   * {@link DecodeError} if the header is truncated or impossible. Does not verify the checksum.
   */
  frameLength(bytes: Uint8Array, offset = 0): number {
    const available = bytes.length - offset;
    if (available < 4) {
      throw new DecodeError(
        'DECODE_TRUNCATED',
        `need 4 bytes of frame length, have ${Math.max(0, available)}`,
        undefined,
        offset,
      );
    }
    const length =
      (bytes[offset]! |
        (bytes[offset + 1]! << 8) |
        (bytes[offset + 2]! << 16) |
        (bytes[offset + 3]! << 24)) >>>
      0;
    if (length < MIN_FRAME_SIZE || length > MAX_FRAME_SIZE) {
      throw new DecodeError(
        'DECODE_CORRUPT',
        `impossible frame length ${length}`,
        this.#kindAt(bytes, offset),
        offset,
      );
    }
    if (available < length) {
      throw new DecodeError(
        'DECODE_TRUNCATED',
        `frame of ${length} bytes but only ${available} remain`,
        this.#kindAt(bytes, offset),
        offset + available,
      );
    }
    return length;
  }

  /** The kind named by a (possibly damaged) header, for error messages only. */
  #kindAt(bytes: Uint8Array, offset: number): string | undefined {
    return bytes.length - offset > 4 ? this.#byId[bytes[offset + 4]!]?.kind : undefined;
  }

  /**
   * Decodes the frame at `offset`. Older versions are upgraded to the current shape. Throws
   * {@link DecodeError} on truncated, corrupt, unknown or too-new input.
   */
  decode(bytes: Uint8Array, offset = 0): E {
    return this.#decode(bytes, offset, true);
  }

  /**
   * Decodes the frame at `offset` like {@link EventCodec.decode}, every structural check included,
   * but without recomputing the frame's check value. Only for callers that have already verified
   * the bytes' integrity by other means, such as the WAL's CRC-32C over the whole record.
   */
  decodeUnchecked(bytes: Uint8Array, offset = 0): E {
    return this.#decode(bytes, offset, false);
  }

  #decode(bytes: Uint8Array, offset: number, verify: boolean): E {
    let dv = this.#decView;
    if (bytes !== this.#decBytes || dv === undefined) {
      dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.#decBytes = bytes;
      this.#decView = dv;
    }
    // frameLength's checks, with the length read as one word; any failure goes to frameLength
    // itself, which throws the error that names it.
    const available = bytes.length - offset;
    let length = available >= 4 && offset >= 0 ? dv.getUint32(offset, true) : 0;
    if (length < MIN_FRAME_SIZE || length > available || length > MAX_FRAME_SIZE) {
      length = this.frameLength(bytes, offset);
    }
    const bodyEnd = offset + length - FRAME_TRAILER_SIZE;
    // The common case, a known kind at its current version with no flags, in one compiled
    // switch, whose frame decoder verifies the check value itself (inline, as the encoders write
    // it: about a tenth cheaper than a call); anything else takes the checks below, which also
    // name what is wrong.
    const decode = this.#currentDecoderOf(dv.getUint32(offset + 4, true));
    if (decode !== undefined) return decode(bytes, dv, offset, bodyEnd, verify) as E;
    return this.#decodeOther(bytes, dv, offset, bodyEnd, verify);
  }

  /** Decodes an older version (upgrading it) or throws the DecodeError the header deserves. */
  #decodeOther(bytes: Uint8Array, dv: DataView, offset: number, bodyEnd: number, verify: boolean): E {
    if (verify && !checkXxhash32(dv, bytes, offset, bodyEnd)) {
      throw new DecodeError('DECODE_CORRUPT', 'checksum mismatch', this.#kindAt(bytes, offset), offset);
    }
    const id = bytes[offset + 4]!;
    const def = this.#byId[id];
    if (def === undefined)
      throw new DecodeError('DECODE_UNKNOWN_KIND', `kind id ${id}`, undefined, offset + 4);
    const v = bytes[offset + 5]!;
    if (v > def.current) {
      throw new DecodeError(
        'DECODE_UNSUPPORTED_VERSION',
        `version ${v}, newest known is ${def.current}`,
        def.kind,
        offset + 5,
      );
    }
    const version = def.versions[v];
    if (version === undefined)
      throw new DecodeError('DECODE_CORRUPT', `no version ${v}`, def.kind, offset + 5);
    if (bytes[offset + 6] !== 0 || bytes[offset + 7] !== 0) {
      throw new DecodeError('DECODE_CORRUPT', 'reserved flags set', def.kind, offset + 6);
    }
    // The version's compiled frame decoder reads the timestamps and the body.
    let record = version.decode(bytes, dv, offset, bodyEnd, false) as Record<string, unknown>;
    for (let ver: CompiledVersion | undefined = version; ver?.upgrade !== undefined; ) {
      record = ver.upgrade(record);
      ver = def.versions.find((x, i) => x !== undefined && i > ver!.v);
    }
    return record as unknown as E;
  }

  /**
   * Decodes every frame in `bytes`, in order. Stops with a {@link DecodeError} at the first bad
   * frame (its offset says where).
   */
  *decodeAll(bytes: Uint8Array, offset = 0): Generator<E> {
    let at = offset;
    while (at < bytes.length) {
      const record = this.decode(bytes, at);
      at += this.frameLength(bytes, at);
      yield record;
    }
  }
}
