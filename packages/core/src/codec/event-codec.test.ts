import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, EncodeError } from '../errors/index.js';
import { type CanonicalEvent, EVENT_KINDS, EVENT_SCHEMAS, type EventOf } from '../schemas/event.js';
import { arbitraryCanonicalEvent, arbitraryEvent } from '../testing/arbitraries.js';
import { CANONICAL_DEFINITIONS, decodeEvent, encodeEvent, eventCodec } from './canonical-codec.js';
import { crc32c } from './crc32c.js';
import { EventCodec, FRAME_HEADER_SIZE } from './event-codec.js';
import { opt, req } from './layout.js';
import { LAYOUTS_V1 } from './layouts.js';
import { checkXxhash32, xxhash32, xxhash32Statements } from './xxhash32.js';

const RUNS_PER_KIND = 2_000;

const trade: EventOf<'trade'> = {
  kind: 'trade',
  v: 1,
  tsEvent: 1_732_000_000_000_000,
  tsInit: 1_732_000_000_000_123,
  instrumentId: 'RELIANCE.NSE',
  price: 2_945.35,
  size: 12,
  aggressor: 'BUYER',
  tradeId: 'T-881',
};

/** Deep equality that also insists on the same keys (fast-check builds null-prototype objects). */
function expectSameRecord(actual: unknown, expected: unknown): void {
  expect(actual).toEqual(expected);
  expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected as object).sort());
}

function expectDecodeError(bytes: Uint8Array, codes?: readonly string[]): DecodeError {
  try {
    decodeEvent(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    const e = err as DecodeError;
    if (codes !== undefined) expect(codes).toContain(e.code);
    expect(e.offset).toBeGreaterThanOrEqual(0);
    return e;
  }
  throw new Error('decoding was expected to fail but returned a record');
}

/** Rewrites the frame's check value after a deliberate edit, to reach the checks behind it. */
function reseal(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 4;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dv.setUint32(end, xxhash32(dv, bytes, 0, end), true);
  return bytes;
}

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('continues from a seed exactly as one pass over the whole', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, cut) => {
        const at = bytes.length === 0 ? 0 : cut % bytes.length;
        expect(crc32c(bytes, at, bytes.length, crc32c(bytes, 0, at))).toBe(crc32c(bytes));
      }),
    );
  });
});

describe('xxhash32', () => {
  it('matches the reference vectors', () => {
    const vectors: [string, number][] = [
      ['', 0x02cc5d05],
      ['a', 0x550d7456],
      ['abc', 0x32d153ff],
      ['Nobody inspects the spammish repetition', 0xe2293b2f],
    ];
    for (const [text, expected] of vectors) {
      const u8 = new TextEncoder().encode(text);
      expect(xxhash32(new DataView(u8.buffer), u8, 0, u8.length)).toBe(expected);
    }
  });

  it('agrees with a literal reading of the specification, for any seed', () => {
    // The specification, step by step, with unsigned 32-bit arithmetic and byte-wise reads.
    const P1 = 2654435761;
    const P2 = 2246822519;
    const P3 = 3266489917;
    const P4 = 668265263;
    const P5 = 374761393;
    const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
    const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
    const word = (b: Uint8Array, i: number) =>
      (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
    const reference = (b: Uint8Array, seed: number): number => {
      let i = 0;
      let acc: number;
      if (b.length >= 16) {
        const v = [(seed + P1 + P2) >>> 0, (seed + P2) >>> 0, seed >>> 0, (seed - P1) >>> 0];
        for (; i + 16 <= b.length; i += 16) {
          for (let lane = 0; lane < 4; lane++) {
            v[lane] = mul(rotl((v[lane]! + mul(word(b, i + lane * 4), P2)) >>> 0, 13), P1);
          }
        }
        acc = (rotl(v[0]!, 1) + rotl(v[1]!, 7) + rotl(v[2]!, 12) + rotl(v[3]!, 18)) >>> 0;
      } else {
        acc = (seed + P5) >>> 0;
      }
      acc = (acc + b.length) >>> 0;
      for (; i + 4 <= b.length; i += 4) acc = mul(rotl((acc + mul(word(b, i), P3)) >>> 0, 17), P4);
      for (; i < b.length; i++) acc = mul(rotl((acc + mul(b[i]!, P5)) >>> 0, 11), P1);
      acc = mul((acc ^ (acc >>> 15)) >>> 0, P2);
      acc = mul((acc ^ (acc >>> 13)) >>> 0, P3);
      return (acc ^ (acc >>> 16)) >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 0xffffffff }), (bytes, seed) => {
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        expect(xxhash32(dv, bytes, 0, bytes.length, seed)).toBe(reference(bytes, seed));
      }),
    );
  });

  it('hashes a range inside a larger buffer the same as a copy of it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat({ max: 9 }), (bytes, pad) => {
        const big = new Uint8Array(bytes.length + pad * 2);
        big.set(bytes, pad);
        const a = xxhash32(
          new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          bytes,
          0,
          bytes.length,
        );
        expect(xxhash32(new DataView(big.buffer), big, pad, pad + bytes.length)).toBe(a);
      }),
    );
  });
});

describe('frame check values', () => {
  // The statements the code generator writes into every frame encoder and decoder.
  const inlineXxhash32 = new Function(
    'dv',
    'u8',
    'start',
    'end',
    `${xxhash32Statements('end')}\nreturn h;`,
  ) as (dv: DataView, u8: Uint8Array, start: number, end: number) => number;

  it('are computed inline exactly as xxhash32 computes them, and checked by checkXxhash32', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 7 }), (bytes, pad) => {
        const big = new Uint8Array(pad + bytes.length + 4);
        big.set(bytes, pad);
        const dv = new DataView(big.buffer);
        const end = pad + bytes.length;
        dv.setInt32(end, inlineXxhash32(dv, big, pad, end), true);
        expect(dv.getUint32(end, true)).toBe(xxhash32(dv, big, pad, end));
        expect(checkXxhash32(dv, big, pad, end)).toBe(true);
        big[end + (pad & 3)] = big[end + (pad & 3)]! ^ 0x40;
        expect(checkXxhash32(dv, big, pad, end)).toBe(false);
      }),
    );
  });

  it('of every encoded frame are the xxhash32 of its bytes', () => {
    fc.assert(
      fc.property(arbitraryCanonicalEvent(), (event) => {
        const bytes = encodeEvent(event);
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        expect(dv.getUint32(bytes.length - 4, true)).toBe(xxhash32(dv, bytes, 0, bytes.length - 4));
      }),
      { numRuns: 500 },
    );
  });
});

describe('layouts cover their schemas exactly', () => {
  const HEADER = ['kind', 'v', 'tsEvent', 'tsInit'];
  for (const kind of EVENT_KINDS) {
    it(kind, () => {
      const schemaKeys = Object.keys(EVENT_SCHEMAS[kind].shape).filter((k) => !HEADER.includes(k));
      expect(LAYOUTS_V1[kind].map((f) => f.name).sort()).toEqual(schemaKeys.sort());
    });
  }
});

describe('round trip', () => {
  for (const kind of EVENT_KINDS) {
    it(`decode(encode(x)) equals x for ${RUNS_PER_KIND} generated ${kind} events`, () => {
      const schema = EVENT_SCHEMAS[kind];
      fc.assert(
        fc.property(arbitraryEvent(kind), (event) => {
          expect(schema.safeParse(event).success).toBe(true); // the generator makes valid events
          const bytes = encodeEvent(event);
          expect(eventCodec.frameLength(bytes)).toBe(bytes.length);
          expectSameRecord(decodeEvent(bytes), event);
        }),
        { numRuns: RUNS_PER_KIND },
      );
    });
  }

  it('encodes into a shared buffer at any offset and decodes a stream of frames', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryCanonicalEvent(), { maxLength: 30 }),
        fc.nat({ max: 7 }),
        (events, pad) => {
          const buffer = new Uint8Array(1 << 20);
          let at = pad;
          for (const e of events) {
            const n = eventCodec.encodeInto(e, buffer, at);
            expect(n).toBeGreaterThan(0);
            at += n;
          }
          expect([...eventCodec.decodeAll(buffer.subarray(0, at), pad)]).toEqual(events);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a target that is too small with -1 and then succeeds with room', () => {
    const size = encodeEvent(trade).length;
    for (let room = 0; room < size; room++)
      expect(eventCodec.encodeInto(trade, new Uint8Array(room))).toBe(-1);
    expect(eventCodec.encodeInto(trade, new Uint8Array(size))).toBe(size);
  });

  it('keeps a Trade event compact', () => {
    // 24-byte header + price, size, aggressor + two short strings + CRC.
    expect(encodeEvent(trade).length).toBe(24 + 8 + 8 + 1 + (2 + 12) + (2 + 5) + 4);
  });

  it('round-trips non-ASCII text and interns repeated ASCII ids', () => {
    const health: EventOf<'health'> = {
      kind: 'health',
      v: 1,
      tsEvent: 1,
      tsInit: 2,
      component: 'feed:ZERODHA',
      status: 'DEGRADED',
      code: 'SEQUENCE_GAP',
      message: 'अंतराल — gap of 3 ticks 📉',
    };
    expect(decodeEvent(encodeEvent(health))).toStrictEqual(health);
    const a = decodeEvent(encodeEvent(trade)) as EventOf<'trade'>;
    const b = decodeEvent(encodeEvent(trade)) as EventOf<'trade'>;
    expect(a.instrumentId).toBe(b.instrumentId);
  });
});

describe('string fields', () => {
  // The encoder remembers each field's last string and the decoder interns strings, both with
  // a patience rule for fields whose values keep changing; neither may ever change the bytes
  // written or the strings read, whatever the order of values.
  const pool = [
    'RELIANCE.NSE',
    'BANKNIFTY24NOVFUT.NFO',
    'RELIANCE.NSE'.slice(0), // equal content, possibly another string object
    '',
    'X',
    'ABC',
    'ABCD',
    'A'.repeat(48),
    'B'.repeat(49),
    'NİFTY', // UTF-8
    'अंतराल',
  ];
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pool) },
    { weight: 2, arbitrary: fc.nat().map((n) => String(400_000_000 + n)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );

  it('encode to the bytes of a fresh codec and decode back, in any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 400 }), (pairs) => {
        const buffer = new Uint8Array(1 << 16);
        let at = 0;
        for (const [instrumentId, tradeId] of pairs) {
          const event = { ...trade, instrumentId, tradeId };
          const n = eventCodec.encodeInto(event, buffer, at);
          const fresh = new EventCodec(CANONICAL_DEFINITIONS).encode(event);
          expect(buffer.subarray(at, at + n)).toEqual(fresh);
          expect(eventCodec.decode(buffer, at)).toEqual(event);
          at = n > buffer.length / 2 ? 0 : at + n;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('are told apart when they differ in a single byte, wherever it is', () => {
    // Strings of one length that differ in one byte share most of the intern cache's hash, and
    // often its slot, and a field's remembered string is compared word by word: the verification
    // must catch every position. A fresh codec per length keeps the field betting on repeats, so
    // both are exercised (the sequence ends with a read of a while b is remembered).
    for (let len = 1; len <= 50; len++) {
      const codec = new EventCodec<CanonicalEvent>(CANONICAL_DEFINITIONS);
      for (let at = 0; at < len; at++) {
        const a = 'K'.repeat(len);
        const b = `${a.slice(0, at)}Q${a.slice(at + 1)}`;
        for (const tradeId of [a, b, a, b, b, a]) {
          const event = { ...trade, tradeId };
          expect(codec.decode(codec.encode(event))).toEqual(event);
        }
      }
    }
  });

  it('survive a long run of values that never repeat, then one that does', () => {
    // A fresh codec, so that its fields give up on repeats during the first run and have to
    // find the repeated value again.
    const codec = new EventCodec<CanonicalEvent>(CANONICAL_DEFINITIONS);
    const buffer = new Uint8Array(1 << 16);
    const frames: number[] = [];
    let at = 0;
    for (let i = 0; i < 300; i++) {
      frames.push(at);
      at += codec.encodeInto({ ...trade, tradeId: `T-${i}-${'x'.repeat(i % 40)}` }, buffer, at);
    }
    for (let i = 0; i < 300; i++) {
      expect((codec.decode(buffer, frames[i]) as EventOf<'trade'>).tradeId).toBe(
        `T-${i}-${'x'.repeat(i % 40)}`,
      );
    }
    const repeated = { ...trade, tradeId: 'SAME-ID' };
    for (let i = 0; i < 200; i++) {
      const bytes = codec.encode(repeated);
      expect(bytes).toEqual(new EventCodec(CANONICAL_DEFINITIONS).encode(repeated));
      expect(codec.decode(bytes)).toEqual(repeated);
    }
  });
});

describe('bad bytes give typed errors, never garbage', () => {
  it('every truncation of every kind is DECODE_TRUNCATED with an offset', () => {
    fc.assert(
      fc.property(arbitraryCanonicalEvent(), (event) => {
        const bytes = encodeEvent(event);
        for (let len = 0; len < bytes.length; len++) {
          const err = expectDecodeError(bytes.slice(0, len), ['DECODE_TRUNCATED']);
          expect(err.offset).toBeLessThanOrEqual(len);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any single changed byte is detected', () => {
    fc.assert(
      fc.property(
        arbitraryCanonicalEvent(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (event, pos, delta) => {
          const bytes = encodeEvent(event);
          const at = pos % bytes.length;
          bytes[at] = (bytes[at]! + delta) & 0xff;
          expectDecodeError(bytes);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('random multi-byte corruption is detected', () => {
    fc.assert(
      fc.property(
        arbitraryCanonicalEvent(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 16 }),
        (event, edits) => {
          const bytes = encodeEvent(event);
          for (const [pos, delta] of edits) {
            const at = pos % bytes.length;
            bytes[at] = (bytes[at]! + delta) & 0xff;
          }
          if (bytes.every((b, i) => b === encodeEvent(event)[i])) return; // edits cancelled out
          expectDecodeError(bytes);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('decodeUnchecked skips only the check value, never the structural checks', () => {
    const bytes = encodeEvent(trade);
    bytes[FRAME_HEADER_SIZE] = bytes[FRAME_HEADER_SIZE]! ^ 1; // a bit of the price
    expect(() => decodeEvent(bytes)).toThrow(/checksum mismatch/);
    expect((eventCodec.decodeUnchecked(bytes) as EventOf<'trade'>).price).not.toBe(trade.price);
    for (let len = 0; len < bytes.length; len++) {
      expect(() => eventCodec.decodeUnchecked(bytes.slice(0, len))).toThrow(DecodeError);
    }
  });

  it('names the kind and offset of a checksum failure', () => {
    const bytes = encodeEvent(trade);
    bytes[30] = bytes[30]! ^ 0x10;
    const err = expectDecodeError(bytes, ['DECODE_CORRUPT']);
    expect(err.kind).toBe('trade');
    expect(err.message).toMatch(/trade at byte 0: checksum mismatch/);
  });

  it('reports an offset within a larger buffer', () => {
    const first = encodeEvent(trade);
    const buffer = new Uint8Array(first.length + 10);
    buffer.set(first, 0);
    buffer.set(first.subarray(0, 10), first.length);
    expect(() => eventCodec.decode(buffer, first.length)).toThrow(`trade at byte ${first.length + 10}`);
  });

  it('rejects unknown kinds, newer versions and reserved flags even with a valid checksum', () => {
    const unknown = encodeEvent(trade);
    unknown[4] = 200;
    expectDecodeError(reseal(unknown), ['DECODE_UNKNOWN_KIND']);
    const newer = encodeEvent(trade);
    newer[5] = 2;
    expect(expectDecodeError(reseal(newer), ['DECODE_UNSUPPORTED_VERSION']).kind).toBe('trade');
    const flagged = encodeEvent(trade);
    flagged[6] = 1;
    expectDecodeError(reseal(flagged), ['DECODE_CORRUPT']);
  });

  it('rejects structurally impossible bodies behind a valid checksum', () => {
    const badEnum = encodeEvent(trade);
    badEnum[FRAME_HEADER_SIZE + 16] = 9; // aggressor index
    expect(expectDecodeError(reseal(badEnum), ['DECODE_CORRUPT']).message).toMatch(/enum index 9/);
    const badLength = encodeEvent(trade);
    badLength[FRAME_HEADER_SIZE + 17] = 200; // instrumentId length runs past the body
    expectDecodeError(reseal(badLength), ['DECODE_TRUNCATED']);
    const depth = encodeEvent({
      kind: 'depth',
      v: 1,
      tsEvent: 5,
      tsInit: 5,
      instrumentId: 'BTCUSDT.BINANCE',
      snapshot: true,
      sequence: 7,
      bids: [{ price: 1, size: 1, orders: 1 }],
      asks: [],
    });
    depth[FRAME_HEADER_SIZE + 8] = 2; // snapshot boolean
    expect(expectDecodeError(reseal(depth), ['DECODE_CORRUPT']).message).toMatch(/boolean byte 2/);
  });
});

describe('encoding errors name the field', () => {
  it('rejects values the layout cannot hold', () => {
    expect(() => encodeEvent({ ...trade, aggressor: 'SIDEWAYS' as never })).toThrow(EncodeError);
    expect(() => encodeEvent({ ...trade, aggressor: 'SIDEWAYS' as never })).toThrow(/trade\.aggressor/);
    expect(() => encodeEvent({ ...trade, tsEvent: 1.5 })).toThrow(/trade\.tsEvent/);
    expect(() => encodeEvent({ ...trade, price: '1' as never })).toThrow(/trade\.price: expected a number/);
    expect(() => encodeEvent({ ...trade, tradeId: '\ud800x' })).toThrow(/lone UTF-16 surrogate/);
    expect(() => encodeEvent({ ...trade, kind: 'nope' } as never)).toThrow(/unknown record kind/);
    expect(() => encodeEvent({ ...trade, v: 2 } as never)).toThrow(/only the current version 1/);
  });
});

describe('schema evolution', () => {
  interface DemoV2 {
    kind: 'demo';
    v: 2;
    tsEvent: number;
    tsInit: number;
    price: number;
    venue: string;
    note?: string;
  }
  const v1 = new EventCodec([{ kind: 'demo', id: 1, versions: [{ v: 1, layout: [req('price', 'f64')] }] }]);
  const v2 = new EventCodec<DemoV2>([
    {
      kind: 'demo',
      id: 1,
      versions: [
        { v: 1, layout: [req('price', 'f64')], upgrade: (r) => ({ ...r, v: 2, venue: 'UNKNOWN' }) },
        { v: 2, layout: [req('price', 'f64'), req('venue', 'str'), opt('note', 'str')] },
      ],
    },
  ]);

  it('reads bytes written by an older version, upgraded to the current shape', () => {
    const old = v1.encode({ kind: 'demo', v: 1, tsEvent: 10, tsInit: 11, price: 99.5 } as never);
    expect(v2.decode(old)).toStrictEqual({
      kind: 'demo',
      v: 2,
      tsEvent: 10,
      tsInit: 11,
      price: 99.5,
      venue: 'UNKNOWN',
    });
  });

  it('refuses bytes from a newer version with a typed error', () => {
    const newer = v2.encode({ kind: 'demo', v: 2, tsEvent: 1, tsInit: 1, price: 1, venue: 'NSE' });
    expect(() => v1.decode(newer)).toThrow(DecodeError);
    expect(() => v1.decode(newer)).toThrow(/newest known is 1/);
  });

  it('accepts kind names that are not identifiers', () => {
    const codec = new EventCodec([
      { kind: 'order-fill.v2', id: 9, versions: [{ v: 1, layout: [req('price', 'f64')] }] },
    ]);
    const record = { kind: 'order-fill.v2', v: 1, tsEvent: 3, tsInit: 4, price: 1.5 };
    expect(codec.decode(codec.encode(record))).toStrictEqual(record);
  });

  it('refuses definitions that would break old data', () => {
    expect(
      () =>
        new EventCodec([
          {
            kind: 'x',
            id: 1,
            versions: [
              { v: 1, layout: [] },
              { v: 2, layout: [] },
            ],
          },
        ]),
    ).toThrow(/needs upgrade/);
    expect(
      () =>
        new EventCodec([
          { kind: 'x', id: 1, versions: [{ v: 1, layout: [] }] },
          { kind: 'y', id: 1, versions: [{ v: 1, layout: [] }] },
        ]),
    ).toThrow(/already used/);
  });
});
