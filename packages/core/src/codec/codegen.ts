import { DecodeError, EncodeError } from '../errors/index.js';
import { FRAME_HEADER_SIZE, FRAME_TRAILER_SIZE, MAX_FRAME_SIZE } from './frame.js';
import { type FieldSpec, type FieldType, fixedSize, type Layout } from './layout.js';
import {
  betting,
  internState,
  readOther,
  readSkipped,
  remembers,
  stringMemo,
  writeString,
} from './strings.js';
import { xxhash32Statements } from './xxhash32.js';

// Layouts are compiled to straight-line JavaScript once, at codec construction (the technique of
// avsc and protobuf.js): no per-field interpretation, object literals of a stable shape on decode,
// one bounds check per run of fixed-size fields. Each kind and version gets its own whole-frame
// functions (header, body and check value in one), so every field access and helper call in them
// sees one record shape and stays monomorphic, and numbers known at compile time (kind id,
// version, frame sizes from frame.ts) are literals in the code rather than loads. The check value
// is computed inline too (xxhash32Statements), not through a helper call. The generated source
// only ever contains numbers, field names (checked to be identifiers), kind names and enum values
// quoted with JSON.stringify, and the fixed check-value statements.

/** The largest high word of a timestamp that keeps it a safe integer (2^53 - 1). */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

/**
 * Encodes `record` as a whole frame at `u8[start]`: header, body and check value. Returns the
 * frame length, or -1 when `u8` has too little room. `dv` views the same bytes as `u8`.
 */
export type FrameEncoder = (record: unknown, u8: Uint8Array, dv: DataView, start: number) => number;
/**
 * Decodes the frame at `u8[start]` whose header the caller has validated (length, kind, version
 * and flags): checks the check value at `end` when `verify` is set, then reads the timestamps
 * and the body up to `end`. Throws DecodeError on a wrong check value and unless the body is
 * exactly `[start + 24, end)`.
 */
export type FrameDecoder = (
  u8: Uint8Array,
  dv: DataView,
  start: number,
  end: number,
  verify: boolean,
) => unknown;

/** Runtime helpers the generated code calls. */
const helpers = {
  writeString,
  betting,
  remembers,
  readOther,
  readSkipped,
  internState,
  stringMemo,
  badTime(kind: string, field: string, value: unknown): never {
    throw new EncodeError(kind, field, `expected integer µs, got ${value}`);
  },
  badVersion(kind: string, current: number, value: unknown): never {
    throw new EncodeError(kind, 'v', `only the current version ${current} is written, got ${value}`);
  },
  tooLong(kind: string, length: number): never {
    throw new EncodeError(kind, '(frame)', `frame of ${length} bytes exceeds ${MAX_FRAME_SIZE}`);
  },
  bad(kind: string, field: string, value: unknown, expected: string): never {
    throw new EncodeError(kind, field, `expected ${expected}, got ${describe(value)}`);
  },
  trunc(kind: string, offset: number): never {
    throw new DecodeError('DECODE_TRUNCATED', 'record body ends early', kind, offset);
  },
  badCheck(kind: string, offset: number): never {
    throw new DecodeError('DECODE_CORRUPT', 'checksum mismatch', kind, offset);
  },
  corrupt(kind: string, offset: number, detail: string): never {
    throw new DecodeError('DECODE_CORRUPT', detail, kind, offset);
  },
  bool(byte: number, kind: string, off: number): boolean {
    if (byte > 1) helpers.corrupt(kind, off, `boolean byte ${byte}`);
    return byte === 1;
  },
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  return typeof value;
}

class Source {
  readonly lines: string[] = [];
  readonly constants: unknown[] = [];
  #n = 0;
  tmp(prefix: string): string {
    this.#n += 1;
    return `${prefix}${this.#n}`;
  }
  constant(value: unknown): string {
    this.constants.push(value);
    return `C[${this.constants.length - 1}]`;
  }
  /** Declarations made once, in the closure around the generated function. */
  readonly closure: string[] = [];
  /** A closure constant initialised by `init` (state that lives as long as the codec). */
  closureConstant(prefix: string, init: string): string {
    const name = this.tmp(prefix);
    this.closure.push(`const ${name} = ${init};`);
    return name;
  }
  emit(line: string): void {
    this.lines.push(line);
  }
}

const q = JSON.stringify;

// ---------------------------------------------------------------- encoding

function encodeFixed(s: Source, type: FieldType, value: string, at: string, path: string): void {
  const bad = (expected: string) => `H.bad(K, ${q(path)}, ${value}, ${q(expected)})`;
  switch (type) {
    case 'f64':
      s.emit(`if (typeof ${value} !== 'number') ${bad('a number')};`);
      s.emit(`dv.setFloat64(${at}, ${value}, true);`);
      return;
    case 'i64':
      s.emit(`if (!Number.isSafeInteger(${value})) ${bad('a safe integer')};`);
      s.emit(
        `dv.setUint32(${at}, ${value} >>> 0, true); dv.setInt32(${at} + 4, Math.floor(${value} / 4294967296), true);`,
      );
      return;
    case 'u32':
      s.emit(`if (${value} >>> 0 !== ${value}) ${bad('an integer 0..4294967295')};`);
      s.emit(`dv.setUint32(${at}, ${value}, true);`);
      return;
    case 'u16':
      s.emit(`if ((${value} & 0xffff) !== ${value}) ${bad('an integer 0..65535')};`);
      s.emit(`dv.setUint16(${at}, ${value}, true);`);
      return;
    case 'u8':
      s.emit(`if ((${value} & 0xff) !== ${value}) ${bad('an integer 0..255')};`);
      s.emit(`u8[${at}] = ${value};`);
      return;
    case 'bool':
      s.emit(`if (typeof ${value} !== 'boolean') ${bad('a boolean')};`);
      s.emit(`u8[${at}] = ${value} ? 1 : 0;`);
      return;
    default: {
      if (typeof type === 'object' && 'enum' in type) {
        s.emit(`switch (${value}) {`);
        type.enum.forEach((name, i) => {
          s.emit(`case ${q(name)}: u8[${at}] = ${i}; break;`);
        });
        s.emit(`default: ${bad(`one of ${type.enum.join('|')}`)};`);
        s.emit('}');
        return;
      }
      throw new Error(`not a fixed-size type: ${q(type)}`);
    }
  }
}

function encodeVariable(s: Source, type: FieldType, value: string, path: string): void {
  if (type === 'str') {
    const memo = s.closureConstant('m', 'H.stringMemo()');
    s.emit(
      `off = H.writeString(u8, dv, off, end, ${value}, K, ${q(path)}, ${memo}); if (off < 0) return -1;`,
    );
    return;
  }
  if (typeof type === 'object' && 'group' in type) {
    const arr = s.tmp('a');
    const i = s.tmp('i');
    const el = s.tmp('e');
    s.emit(`const ${arr} = ${value};`);
    s.emit(
      `if (!Array.isArray(${arr}) || ${arr}.length > 0xffff) H.bad(K, ${q(path)}, ${arr}, 'an array of at most 65535');`,
    );
    s.emit(`if (off + 2 > end) return -1; dv.setUint16(off, ${arr}.length, true); off += 2;`);
    s.emit(`for (let ${i} = 0; ${i} < ${arr}.length; ${i}++) {`);
    s.emit(`const ${el} = ${arr}[${i}];`);
    encodeRecord(s, type.group, el, `${path}[]`);
    s.emit('}');
    return;
  }
  if (typeof type === 'object' && 'record' in type) {
    const r = s.tmp('r');
    s.emit(`const ${r} = ${value};`);
    s.emit(`if (${r} === null || typeof ${r} !== 'object') H.bad(K, ${q(path)}, ${r}, 'an object');`);
    encodeRecord(s, type.record, r, path);
    return;
  }
  throw new Error(`not a variable-size type: ${q(type)}`);
}

function encodeRecord(s: Source, layout: Layout, src: string, path: string): void {
  const optional = layout.filter((f) => f.optional === true);
  const bitmapBytes = Math.ceil(optional.length / 8);
  if (bitmapBytes > 0) {
    s.emit(`if (off + ${bitmapBytes} > end) return -1;`);
    for (let b = 0; b < bitmapBytes; b++) {
      const bits = optional
        .slice(b * 8, b * 8 + 8)
        .map((f, i) => `(${src}.${f.name} !== undefined ? ${1 << i} : 0)`)
        .join(' | ');
      s.emit(`u8[off + ${b}] = ${bits};`);
    }
    s.emit(`off += ${bitmapBytes};`);
  }
  let run: { field: FieldSpec; size: number }[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const total = run.reduce((sum, r) => sum + r.size, 0);
    s.emit(`if (off + ${total} > end) return -1;`);
    let at = 0;
    for (const { field, size } of run) {
      const v = s.tmp('v');
      s.emit(`const ${v} = ${src}.${field.name};`);
      encodeFixed(s, field.type, v, at === 0 ? 'off' : `off + ${at}`, joinPath(path, field.name));
      at += size;
    }
    s.emit(`off += ${total};`);
    run = [];
  };
  for (const field of layout) {
    const size = fixedSize(field.type);
    const fieldPath = joinPath(path, field.name);
    if (field.optional === true) {
      flush();
      const v = s.tmp('v');
      s.emit(`const ${v} = ${src}.${field.name};`);
      s.emit(`if (${v} !== undefined) {`);
      if (size === undefined) {
        encodeVariable(s, field.type, v, fieldPath);
      } else {
        s.emit(`if (off + ${size} > end) return -1;`);
        encodeFixed(s, field.type, v, 'off', fieldPath);
        s.emit(`off += ${size};`);
      }
      s.emit('}');
    } else if (size !== undefined) {
      run.push({ field, size });
    } else {
      flush();
      encodeVariable(s, field.type, `${src}.${field.name}`, fieldPath);
    }
  }
  flush();
}

// ---------------------------------------------------------------- decoding

function decodeFixed(s: Source, type: FieldType, at: string): string {
  switch (type) {
    case 'f64':
      return `dv.getFloat64(${at}, true)`;
    case 'i64': {
      // Inline rather than a helper call: a double returned from a call V8 does not inline is
      // boxed in a new heap number.
      const v = s.tmp('q');
      s.emit(`const ${v} = dv.getInt32(${at} + 4, true) * 4294967296 + dv.getUint32(${at}, true);`);
      s.emit(`if (!Number.isSafeInteger(${v})) H.corrupt(K, ${at}, 'int64 outside the safe integer range');`);
      return v;
    }
    case 'u32':
      return `dv.getUint32(${at}, true)`;
    case 'u16':
      return `dv.getUint16(${at}, true)`;
    case 'u8':
      return `u8[${at}]`;
    case 'bool':
      return `H.bool(u8[${at}], K, ${at})`;
    default: {
      if (typeof type === 'object' && 'enum' in type) {
        const values = s.constant(type.enum);
        const e = s.tmp('n');
        s.emit(`const ${e} = u8[${at}];`);
        s.emit(
          `if (${e} >= ${type.enum.length}) H.corrupt(K, ${at}, 'enum index ' + ${e} + ' out of range');`,
        );
        return `${values}[${e}]`;
      }
      throw new Error(`not a fixed-size type: ${q(type)}`);
    }
  }
}

/** Smallest number of bytes one element of a layout can occupy (guards group counts). */
function minSize(layout: Layout): number {
  const optional = layout.filter((f) => f.optional === true).length;
  let size = Math.ceil(optional / 8);
  for (const f of layout) {
    if (f.optional === true) continue;
    const fixed = fixedSize(f.type);
    if (fixed !== undefined) size += fixed;
    else if (f.type === 'str' || (typeof f.type === 'object' && 'group' in f.type)) size += 2;
    else if (typeof f.type === 'object' && 'record' in f.type) size += minSize(f.type.record);
  }
  return size;
}

function decodeVariable(s: Source, type: FieldType, into: string): void {
  if (type === 'str') {
    const len = s.tmp('l');
    s.emit(`if (off + 2 > end) H.trunc(K, off);`);
    s.emit(`const ${len} = dv.getUint16(off, true); off += 2;`);
    s.emit(`if (off + ${len} > end) H.trunc(K, off);`);
    const intern = s.closureConstant('s', 'H.internState()');
    s.emit(
      `${into} = !H.betting(${intern}) ? H.readSkipped(u8, off, ${len}, K, ${intern}) : H.remembers(dv, off, ${len}, ${intern}) ? ${intern}.value : H.readOther(u8, dv, off, ${len}, K, ${intern}); off += ${len};`,
    );
    return;
  }
  if (typeof type === 'object' && 'group' in type) {
    const count = s.tmp('c');
    const arr = s.tmp('a');
    const i = s.tmp('i');
    const el = s.tmp('e');
    s.emit(`if (off + 2 > end) H.trunc(K, off);`);
    s.emit(`const ${count} = dv.getUint16(off, true); off += 2;`);
    s.emit(`if (off + ${count} * ${Math.max(1, minSize(type.group))} > end) H.trunc(K, off);`);
    s.emit(`const ${arr} = new Array(${count});`);
    s.emit(`for (let ${i} = 0; ${i} < ${count}; ${i}++) {`);
    s.emit(`let ${el};`);
    decodeRecord(s, type.group, el, []);
    s.emit(`${arr}[${i}] = ${el};`);
    s.emit('}');
    s.emit(`${into} = ${arr};`);
    return;
  }
  if (typeof type === 'object' && 'record' in type) {
    decodeRecord(s, type.record, into, []);
    return;
  }
  throw new Error(`not a variable-size type: ${q(type)}`);
}

function decodeRecord(s: Source, layout: Layout, into: string, head: readonly string[]): void {
  const optional = layout.filter((f) => f.optional === true);
  const bitmapBytes = Math.ceil(optional.length / 8);
  const bitmaps: string[] = [];
  if (bitmapBytes > 0) {
    s.emit(`if (off + ${bitmapBytes} > end) H.trunc(K, off);`);
    for (let b = 0; b < bitmapBytes; b++) {
      const bm = s.tmp('b');
      bitmaps.push(bm);
      const used = Math.min(8, optional.length - b * 8);
      s.emit(`const ${bm} = u8[off + ${b}];`);
      if (used < 8) s.emit(`if (${bm} >> ${used} !== 0) H.corrupt(K, off + ${b}, 'unknown presence bits');`);
    }
    s.emit(`off += ${bitmapBytes};`);
  }
  const locals = new Map<string, string>();
  const presence = new Map<string, string>();
  let run: { field: FieldSpec; size: number; local: string }[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const total = run.reduce((sum, r) => sum + r.size, 0);
    s.emit(`if (off + ${total} > end) H.trunc(K, off);`);
    let at = 0;
    for (const { field, size, local } of run) {
      const expr = decodeFixed(s, field.type, at === 0 ? 'off' : `off + ${at}`);
      s.emit(`const ${local} = ${expr};`);
      at += size;
    }
    s.emit(`off += ${total};`);
    run = [];
  };
  let optIndex = 0;
  for (const field of layout) {
    const local = s.tmp('f');
    locals.set(field.name, local);
    const size = fixedSize(field.type);
    if (field.optional === true) {
      flush();
      const bit = `(${bitmaps[optIndex >> 3]} & ${1 << (optIndex & 7)})`;
      presence.set(field.name, bit);
      optIndex += 1;
      s.emit(`let ${local};`);
      s.emit(`if (${bit} !== 0) {`);
      if (size === undefined) {
        decodeVariable(s, field.type, local);
      } else {
        s.emit(`if (off + ${size} > end) H.trunc(K, off);`);
        s.emit(`${local} = ${decodeFixed(s, field.type, 'off')};`);
        s.emit(`off += ${size};`);
      }
      s.emit('}');
    } else if (size !== undefined) {
      run.push({ field, size, local });
    } else {
      flush();
      s.emit(`let ${local};`);
      decodeVariable(s, field.type, local);
    }
  }
  flush();
  const required = layout
    .filter((f) => f.optional !== true)
    .map((f) => `${q(f.name)}: ${locals.get(f.name)}`);
  s.emit(`${into} = { ${[...head, ...required].join(', ')} };`);
  for (const field of optional) {
    s.emit(`if (${presence.get(field.name)} !== 0) ${into}.${field.name} = ${locals.get(field.name)};`);
  }
}

function joinPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function checkLayout(layout: Layout, where: string): void {
  const seen = new Set<string>();
  for (const field of layout) {
    if (!IDENTIFIER.test(field.name))
      throw new Error(`${where}: field name ${q(field.name)} is not an identifier`);
    if (seen.has(field.name)) throw new Error(`${where}: duplicate field ${q(field.name)}`);
    seen.add(field.name);
    const t = field.type;
    if (typeof t === 'object' && 'enum' in t && (t.enum.length === 0 || t.enum.length > 256)) {
      throw new Error(`${where}.${field.name}: an enum needs 1..256 values`);
    }
    if (typeof t === 'object' && 'group' in t) checkLayout(t.group, `${where}.${field.name}[]`);
    if (typeof t === 'object' && 'record' in t) checkLayout(t.record, `${where}.${field.name}`);
  }
}

/** A generated function's name: the kind with anything but identifier characters replaced. */
function functionName(prefix: string, kind: string, v: number): string {
  return `${prefix}_${kind.replace(/[^A-Za-z0-9_$]/g, '_')}_v${v}`;
}

/** Statements that validate a header timestamp of the record `o` and bind it to a local. */
function encodeTime(s: Source, field: 'tsEvent' | 'tsInit'): void {
  s.emit(`const ${field} = o.${field};`);
  s.emit(`if (!Number.isSafeInteger(${field}) || ${field} < 0) H.badTime(K, ${q(field)}, ${field});`);
}

/**
 * Compiles the whole-frame encoder of record `kind` (frame id `id`) at its current version `v`.
 *
 * The result, for a Trade event, reads like this (body statements shortened):
 *
 * ```js
 * function encode_trade_v1(o, u8, dv, start) {
 *   if (o.v !== 1) H.badVersion(K, 1, o.v);
 *   const end = u8.length - 4;                       // room for the check value
 *   if (start + 24 > end) return -1;
 *   const tsEvent = o.tsEvent; if (!Number.isSafeInteger(tsEvent) || tsEvent < 0) H.badTime(...);
 *   const tsInit = o.tsInit; ...
 *   dv.setUint32(start + 4, 259, true);               // kind 3, version 1, flags 0
 *   dv.setUint32(start + 8, tsEvent >>> 0, true); ... // timestamps as two 32-bit halves
 *   let off = start + 24;
 *   if (off + 17 > end) return -1;                     // price, size, aggressor
 *   ...
 *   const length = off + 4 - start;
 *   dv.setUint32(start, length, true);
 *   let h; { ... }                                    // xxHash32 of [start, off), inline
 *   dv.setInt32(off, h, true);                        // the check value, at off
 *   return length;
 * }
 * ```
 */
export function compileEncoder(kind: string, id: number, v: number, layout: Layout): FrameEncoder {
  checkLayout(layout, `${kind} v${v}`);
  const s = new Source();
  s.emit(`if (o.v !== ${v}) H.badVersion(K, ${v}, o.v);`);
  s.emit(`const end = u8.length - ${FRAME_TRAILER_SIZE};`);
  s.emit(`if (start + ${FRAME_HEADER_SIZE} > end) return -1;`);
  encodeTime(s, 'tsEvent');
  encodeTime(s, 'tsInit');
  // Bytes 4..7 as one little-endian word: kind id, version, then the reserved flags (0).
  s.emit(`dv.setUint32(start + 4, ${id | (v << 8)}, true);`);
  s.emit('dv.setUint32(start + 8, tsEvent >>> 0, true);');
  s.emit('dv.setUint32(start + 12, Math.floor(tsEvent / 4294967296), true);');
  s.emit('dv.setUint32(start + 16, tsInit >>> 0, true);');
  s.emit('dv.setUint32(start + 20, Math.floor(tsInit / 4294967296), true);');
  s.emit(`let off = start + ${FRAME_HEADER_SIZE};`);
  encodeRecord(s, layout, 'o', '');
  s.emit(`const length = off + ${FRAME_TRAILER_SIZE} - start;`);
  s.emit(`if (length > ${MAX_FRAME_SIZE}) H.tooLong(K, length);`);
  s.emit('dv.setUint32(start, length, true);');
  s.emit(xxhash32Statements('off'));
  s.emit('dv.setInt32(off, h, true);');
  s.emit('return length;');
  const source = `${s.closure.join('\n')}\nreturn function ${functionName('encode', kind, v)}(o, u8, dv, start) {\n${s.lines.join('\n')}\n};`;
  // new Function: see the note at the top on what the source can contain.
  const make = new Function('H', 'C', 'K', source) as (
    h: typeof helpers,
    c: unknown[],
    k: string,
  ) => FrameEncoder;
  return make(helpers, s.constants, kind);
}

/** Statements that read a header timestamp into a local, refusing one beyond 2^53 - 1. */
function decodeTime(s: Source, field: 'tsEvent' | 'tsInit', at: number): void {
  const high = s.tmp('t');
  s.emit(`const ${high} = dv.getUint32(start + ${at + 4}, true);`);
  s.emit(
    `if (${high} > ${MAX_SAFE_HIGH_WORD}) H.corrupt(K, start + ${at}, 'timestamp outside the safe integer range');`,
  );
  s.emit(`const ${field} = ${high} * 4294967296 + dv.getUint32(start + ${at}, true);`);
}

/**
 * Compiles the frame decoder of record `kind` at version `v` (see {@link FrameDecoder}: the
 * caller has checked the frame's length, check value, kind, version and flags). It reads both
 * timestamps itself, so they stay unboxed doubles until they are stored in the record, and
 * builds the record as one object literal whose kind and version are literals.
 */
export function compileDecoder(kind: string, v: number, layout: Layout): FrameDecoder {
  checkLayout(layout, `${kind} v${v}`);
  const s = new Source();
  s.emit('if (verify) {');
  s.emit(xxhash32Statements('end'));
  s.emit('if (dv.getInt32(end, true) !== h) H.badCheck(K, start);');
  s.emit('}');
  decodeTime(s, 'tsEvent', 8);
  decodeTime(s, 'tsInit', 16);
  s.emit(`let off = start + ${FRAME_HEADER_SIZE};`);
  s.emit('let out;');
  decodeRecord(s, layout, 'out', [`kind: ${q(kind)}`, `v: ${v}`, 'tsEvent', 'tsInit']);
  s.emit(`if (off !== end) H.corrupt(K, off, (end - off) + ' unread bytes at the end of the record');`);
  s.emit('return out;');
  const source = `${s.closure.join('\n')}\nreturn function ${functionName('decode', kind, v)}(u8, dv, start, end, verify) {\n${s.lines.join('\n')}\n};`;
  // new Function: see the note at the top on what the source can contain.
  const make = new Function('H', 'C', 'K', source) as (
    h: typeof helpers,
    c: unknown[],
    k: string,
  ) => FrameDecoder;
  return make(helpers, s.constants, kind);
}

/**
 * Compiles a codec's encoder lookup: a `switch` on a kind name with one case per kind, returning
 * that kind's frame encoder, or `undefined` for an unknown kind. A switch of string constants
 * costs a few pointer compares (kind names are usually internalized literals) where a `Map`
 * lookup by kind measured about 15 ns, a seventh of encoding a Quote; and it is small enough
 * for V8 to inline into its caller.
 */
export function compileEncoderLookup(
  kinds: readonly { readonly kind: string; readonly encode: FrameEncoder }[],
): (kind: unknown) => FrameEncoder | undefined {
  const cases = kinds.map((k, i) => `case ${q(k.kind)}: return E[${i}];`);
  const source = `return function encoderOf(kind) {\nswitch (kind) {\n${cases.join('\n')}\n}\nreturn undefined;\n};`;
  // new Function: see the note at the top on what the source can contain.
  const make = new Function('E', source) as (
    e: FrameEncoder[],
  ) => (kind: unknown) => FrameEncoder | undefined;
  return make(kinds.map((k) => k.encode));
}

/**
 * Compiles a codec's decoder lookup for current versions: a `switch` on header bytes 4..7 read
 * as one word (kind id, version, and the two flag bytes, which must be 0), returning the frame
 * decoder of that kind's current version, or `undefined` for any other header (an older version,
 * an unknown kind, flags set), which the caller then decodes or rejects with the general checks.
 * For the canonical events the cases are the consecutive integers 257..271, which V8 compiles
 * to a jump table.
 */
export function compileCurrentDecoderLookup(
  kinds: readonly { readonly id: number; readonly v: number; readonly decode: FrameDecoder }[],
): (header: number) => FrameDecoder | undefined {
  const cases = kinds.map((k, i) => `case ${k.id | (k.v << 8)}: return D[${i}];`);
  const source = `return function currentDecoderOf(header) {\nswitch (header) {\n${cases.join('\n')}\n}\nreturn undefined;\n};`;
  // new Function: compiled from numbers only.
  const make = new Function('D', source) as (
    d: FrameDecoder[],
  ) => (header: number) => FrameDecoder | undefined;
  return make(kinds.map((k) => k.decode));
}
