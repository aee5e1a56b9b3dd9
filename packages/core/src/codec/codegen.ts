import { DecodeError, EncodeError } from '../errors/index.js';
import { type FieldSpec, type FieldType, fixedSize, type Layout } from './layout.js';
import { readString, writeString } from './strings.js';

// Layouts are compiled to straight-line JavaScript once, at codec construction (the technique of
// avsc and protobuf.js): no per-field interpretation, object literals of a stable shape on decode,
// one bounds check per run of fixed-size fields. The generated source only ever contains field
// names and enum values from our own frozen layouts, quoted with JSON.stringify.

/** Encodes a record body into `u8[off, end)`; returns the new offset, or -1 when it does not fit. */
export type BodyEncoder = (record: unknown, dv: DataView, u8: Uint8Array, off: number, end: number) => number;
/** Decodes a record body from `u8[off, end)`; throws DecodeError unless it consumes exactly that range. */
export type BodyDecoder = (
  dv: DataView,
  u8: Uint8Array,
  off: number,
  end: number,
  tsEvent: number,
  tsInit: number,
) => unknown;

/** Runtime helpers the generated code calls. */
const helpers = {
  writeString,
  readString,
  bad(kind: string, field: string, value: unknown, expected: string): never {
    throw new EncodeError(kind, field, `expected ${expected}, got ${describe(value)}`);
  },
  trunc(kind: string, offset: number): never {
    throw new DecodeError('DECODE_TRUNCATED', 'record body ends early', kind, offset);
  },
  corrupt(kind: string, offset: number, detail: string): never {
    throw new DecodeError('DECODE_CORRUPT', detail, kind, offset);
  },
  i64(dv: DataView, off: number, kind: string): number {
    const value = dv.getInt32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
    if (!Number.isSafeInteger(value)) helpers.corrupt(kind, off, 'int64 outside the safe integer range');
    return value;
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
  readonly lasts: string[] = [];
  /** A per-call-site "last decoded value" variable for a string field, kept in the closure. */
  lastString(): string {
    const name = `last${this.lasts.length}`;
    this.lasts.push(name);
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
    s.emit(`off = H.writeString(u8, off, end, ${value}, K, ${q(path)}); if (off < 0) return -1;`);
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
    case 'i64':
      return `H.i64(dv, ${at}, K)`;
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
    const last = s.lastString();
    s.emit(`${into} = ${last} = H.readString(u8, dv, off, ${len}, K, ${last}); off += ${len};`);
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

/** Compiles a record layout into a body encoder and decoder for record `kind`, version `v`. */
export function compileLayout(
  kind: string,
  v: number,
  layout: Layout,
): { encode: BodyEncoder; decode: BodyDecoder } {
  checkLayout(layout, `${kind} v${v}`);

  const enc = new Source();
  encodeRecord(enc, layout, 'o', '');
  const encodeSource = `return function encode_${kind}_v${v}(o, dv, u8, off, end) {\n${enc.lines.join('\n')}\nreturn off;\n};`;

  const dec = new Source();
  dec.emit('let out;');
  decodeRecord(dec, layout, 'out', [`kind: K`, `v: ${v}`, 'tsEvent: tsEvent', 'tsInit: tsInit']);
  dec.emit(`if (off !== end) H.corrupt(K, off, (end - off) + ' unread bytes at the end of the record');`);
  const lastDecls = dec.lasts.map((name) => `let ${name} = '';`).join('\n');
  const decodeSource = `${lastDecls}\nreturn function decode_${kind}_v${v}(dv, u8, off, end, tsEvent, tsInit) {\n${dec.lines.join('\n')}\nreturn out;\n};`;

  // new Function: compiled from our own frozen layouts, see the note at the top.
  const makeEncoder = new Function('H', 'C', 'K', encodeSource) as (
    h: typeof helpers,
    c: unknown[],
    k: string,
  ) => BodyEncoder;
  const makeDecoder = new Function('H', 'C', 'K', decodeSource) as (
    h: typeof helpers,
    c: unknown[],
    k: string,
  ) => BodyDecoder;
  return {
    encode: makeEncoder(helpers, enc.constants, kind),
    decode: makeDecoder(helpers, dec.constants, kind),
  };
}
