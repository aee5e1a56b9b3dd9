import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { eventForSeq, FIXTURE_RUN, removeDir, scratchDir } from '../../test/fixtures/wal/wal-fixtures.js';
import { SimClock } from '../clock/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { type CanonicalEvent, EVENT_KINDS, type EventKind } from '../schemas/index.js';
import { arbitraryEvent } from '../testing/index.js';
import { readWal, readWal$, WalWriter } from './index.js';

const COUNT = 2_000;
const dir = scratchDir('reader');
const events: CanonicalEvent[] = [];
{
  const writer = WalWriter.open({
    dir,
    run: FIXTURE_RUN,
    clock: new SimClock(0),
    durability: 'none',
    segmentBytes: 16_384,
    indexInterval: 16,
  });
  for (let seq = 1; seq <= COUNT; seq++) {
    // tsEvent jitters backwards now and then, as merged feeds do.
    const base = eventForSeq(seq);
    const event = { ...base, tsEvent: base.tsEvent - (seq % 7 === 0 ? 9_000 : 0) } as CanonicalEvent;
    events.push(event);
    writer.append(event);
  }
  writer.close();
}
afterAll(() => removeDir(dir));

function instrumentOf(event: CanonicalEvent): string | undefined {
  return 'instrumentId' in event ? event.instrumentId : undefined;
}

describe('readWal filters', () => {
  it('agree with filtering the whole stream, for any combination', () => {
    const minTs = Math.min(...events.map((e) => e.tsEvent));
    const maxTs = Math.max(...events.map((e) => e.tsEvent));
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: COUNT + 5 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: COUNT + 5 }), { nil: undefined }),
        fc.option(fc.integer({ min: minTs - 10, max: maxTs + 10 }), { nil: undefined }),
        fc.option(fc.subarray([...EVENT_KINDS]), { nil: undefined }),
        fc.option(fc.subarray(['RELIANCE.NSE', 'BTCUSDT.BINANCE', 'NIFTY24NOVFUT.NFO', 'X.Y']), {
          nil: undefined,
        }),
        (fromSeq, toSeq, fromTime, kinds, instrumentIds) => {
          const expected: number[] = [];
          events.forEach((e, i) => {
            const seq = i + 1;
            if (fromSeq !== undefined && seq < fromSeq) return;
            if (toSeq !== undefined && seq > toSeq) return;
            if (fromTime !== undefined && e.tsEvent < fromTime) return;
            if (kinds !== undefined && !kinds.includes(e.kind)) return;
            const id = instrumentOf(e);
            if (instrumentIds !== undefined && (id === undefined || !instrumentIds.includes(id))) return;
            expected.push(seq);
          });
          const got: number[] = [];
          const options = {
            ...(fromSeq === undefined ? {} : { fromSeq }),
            ...(toSeq === undefined ? {} : { toSeq }),
            ...(fromTime === undefined ? {} : { fromTime }),
            ...(kinds === undefined ? {} : { kinds: kinds as EventKind[] }),
            ...(instrumentIds === undefined ? {} : { instrumentIds }),
          };
          readWal(dir, options).forEach((event, seq) => {
            if (!isDeepStrictEqual(event, events[seq - 1])) throw new Error(`seq ${seq} differs`);
            got.push(seq);
          });
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('filters instrument definitions by their id', () => {
    const own = scratchDir('instrument');
    try {
      const writer = WalWriter.open({
        dir: own,
        run: FIXTURE_RUN,
        clock: new SimClock(0),
        durability: 'none',
      });
      const [definition] = fc.sample(arbitraryEvent('instrument'), { seed: 42, numRuns: 1 });
      writer.append(definition!);
      writer.append(eventForSeq(2));
      writer.close();
      const kinds: string[] = [];
      readWal(own, { instrumentIds: [definition!.instrument.id] }).forEach((e) => {
        kinds.push(e.kind);
      });
      expect(kinds).toEqual(['instrument']);
    } finally {
      removeDir(own);
    }
  });

  it('rejects invalid options', () => {
    expect(() => readWal(dir, { fromSeq: -1 })).toThrow(InvalidArgumentError);
    expect(() => readWal(dir, { kinds: ['nope' as EventKind] })).toThrow(InvalidArgumentError);
  });
});

describe('replay forms', () => {
  it('the async iterable yields every event in order and closes early on break', async () => {
    const seen: number[] = [];
    const reader = readWal(dir);
    for await (const event of reader) {
      seen.push(reader.seq);
      expect(event).toEqual(events[reader.seq - 1]);
    }
    expect(seen.length).toBe(COUNT);
    expect(seen.every((s, i) => s === i + 1)).toBe(true);
    const early = readWal(dir);
    let n = 0;
    for await (const _ of early) if (++n === 3) break;
    expect(early.next()).toBeUndefined();
  });

  it('the Observable emits everything, is cold, and stops reading when unsubscribed', async () => {
    const all = await lastValueFrom(readWal$(dir).pipe(toArray()));
    expect(all).toEqual(events);
    const again = await lastValueFrom(readWal$(dir, { kinds: ['quote'] }).pipe(toArray()));
    expect(again).toEqual(events.filter((e) => e.kind === 'quote'));
    const reader = readWal(dir);
    const firstFive = await lastValueFrom(reader.toObservable().pipe(take(5), toArray()));
    expect(firstFive).toEqual(events.slice(0, 5));
    expect(reader.next()).toBeUndefined(); // unsubscribing closed the reader
  });

  it('forEach returns the count and an empty log replays nothing', () => {
    expect(readWal(dir, { fromSeq: COUNT - 9 }).forEach(() => {})).toBe(10);
    const empty = scratchDir('empty');
    try {
      WalWriter.open({ dir: empty, run: FIXTURE_RUN, clock: new SimClock(0) }).close();
      expect(readWal(empty).forEach(() => {})).toBe(0);
      expect(readWal(empty).manifest?.configHash).toBe(FIXTURE_RUN.configHash);
    } finally {
      removeDir(empty);
    }
  });
});
