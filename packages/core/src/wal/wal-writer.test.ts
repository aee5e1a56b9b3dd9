import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  crashImage,
  eventForSeq,
  FIXTURE_RUN,
  removeDir,
  scratchDir,
  segmentPaths,
} from '../../test/fixtures/wal/wal-fixtures.js';
import { SimClock } from '../clock/index.js';
import { EncodeError, InvalidArgumentError } from '../errors/index.js';
import type { CanonicalEvent } from '../schemas/index.js';
import { arbitraryCanonicalEvent } from '../testing/index.js';
import { readRunManifest, WalError, WalWriter, type WalWriterOptions } from './index.js';
import { readWal } from './wal-reader.js';

const dirs: string[] = [];
function tempDir(label: string): string {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function open(dir: string, options: Partial<WalWriterOptions> = {}): WalWriter {
  return WalWriter.open({ dir, run: FIXTURE_RUN, clock: new SimClock(0), ...options });
}

function readAll(dir: string): { seq: number; event: CanonicalEvent }[] {
  const out: { seq: number; event: CanonicalEvent }[] = [];
  readWal(dir).forEach((event, seq) => {
    out.push({ seq, event });
  });
  return out;
}

/** How many records a crash right now would leave on disk (read from a copy of the files). */
function onDisk(dir: string): number {
  const image = crashImage(dir);
  try {
    return readAll(image).length;
  } finally {
    removeDir(image);
  }
}

/** Deep equality that also insists on the same keys (fast-check builds null-prototype objects). */
function expectSameEvents(actual: readonly CanonicalEvent[], expected: readonly CanonicalEvent[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i]).toEqual(expected[i]);
    expect(Object.keys(actual[i]!).sort()).toEqual(Object.keys(expected[i]!).sort());
  }
}

describe('round trip', () => {
  it('reads back any generated event stream identically, across buffer flushes and segment rollovers', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryCanonicalEvent(), { maxLength: 120 }),
        fc.integer({ min: 4096, max: 16_384 }),
        fc.integer({ min: 1, max: 9 }),
        (events, segmentBytes, indexInterval) => {
          const dir = scratchDir('roundtrip');
          try {
            const writer = open(dir, { bufferBytes: 4096, segmentBytes, indexInterval, durability: 'none' });
            events.forEach((event, i) => {
              expect(writer.append(event)).toBe(i + 1);
            });
            writer.close();
            const back = readAll(dir);
            expect(back.map((r) => r.seq)).toEqual(events.map((_, i) => i + 1));
            expectSameEvents(
              back.map((r) => r.event),
              events,
            );
          } finally {
            removeDir(dir);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('numbers records from 1, continues after reopening, and rolls segments by size', () => {
    const dir = tempDir('numbers');
    const writer = open(dir, { segmentBytes: 8192, durability: 'none' });
    for (let seq = 1; seq <= 500; seq++) expect(writer.append(eventForSeq(seq))).toBe(seq);
    expect(writer.lastSeq).toBe(500);
    writer.close();
    expect(writer.stats.rollovers).toBeGreaterThan(3);
    const reopened = open(dir, { segmentBytes: 8192 });
    expect(reopened.recovery.lastSeq).toBe(500);
    expect(reopened.append(eventForSeq(501))).toBe(501);
    reopened.close();
    const all = readAll(dir);
    expect(all.length).toBe(501);
    expect(all.every((r) => isDeepStrictEqual(r.event, eventForSeq(r.seq)))).toBe(true);
    // Segment files are named by first sequence and sort in log order.
    const names = segmentPaths(dir).map((p) => p.slice(p.lastIndexOf('/') + 1));
    expect(names[0]).toBe('seg-0000000000000001.wal');
    expect([...names].sort()).toEqual(names);
  });

  it('takes a record larger than the append buffer', () => {
    const dir = tempDir('large');
    const writer = open(dir, { bufferBytes: 4096, durability: 'none' });
    const big: CanonicalEvent = { ...eventForSeq(3), message: 'm'.repeat(1000) } as CanonicalEvent;
    const depth: CanonicalEvent = {
      kind: 'depth',
      v: 1,
      tsEvent: 1,
      tsInit: 2,
      instrumentId: 'BTCUSDT.BINANCE',
      snapshot: true,
      sequence: 9,
      bids: Array.from({ length: 400 }, (_, i) => ({ price: 100 - i, size: 1, orders: 0 })),
      asks: Array.from({ length: 400 }, (_, i) => ({ price: 101 + i, size: 1, orders: 0 })),
    };
    writer.append(eventForSeq(1));
    writer.append(depth);
    writer.append(big);
    writer.close();
    expectSameEvents(
      readAll(dir).map((r) => r.event),
      [eventForSeq(1), depth, big],
    );
  });

  it('an event the codec cannot encode throws EncodeError and uses no sequence number', () => {
    const dir = tempDir('encode');
    const writer = open(dir, { durability: 'none' });
    writer.append(eventForSeq(1));
    const bad = { ...eventForSeq(2), tsEvent: -5 } as CanonicalEvent;
    expect(() => writer.append(bad)).toThrow(EncodeError);
    expect(writer.append(eventForSeq(3))).toBe(2);
    writer.close();
    expect(readAll(dir).map((r) => r.event)).toEqual([eventForSeq(1), eventForSeq(3)]);
  });
});

describe('durability', () => {
  it('interval: the group commit runs on the injected clock and reports durable sequences', async () => {
    const dir = tempDir('interval');
    const clock = new SimClock(0);
    const reported: number[] = [];
    const writer = open(dir, { clock, groupCommitMs: 5, onDurable: (seq) => reported.push(seq) });
    for (let seq = 1; seq <= 10; seq++) writer.append(eventForSeq(seq));
    expect(writer.durableSeq).toBe(0);
    // Nothing reaches the file before the group commit: appends only buffer.
    expect(onDisk(dir)).toBe(0);
    clock.advanceBy(4_999);
    expect(onDisk(dir)).toBe(0);
    clock.advanceBy(1);
    // Written at the tick; durable once the asynchronous fdatasync returns.
    expect(onDisk(dir)).toBe(10);
    await expect.poll(() => writer.durableSeq).toBe(10);
    expect(reported).toEqual([10]);
    writer.append(eventForSeq(11));
    await expect(writer.flush()).resolves.toBe(11);
    expect(reported).toEqual([10, 11]);
    writer.close();
  });

  it('always: every append is written and fsynced before it returns', () => {
    const dir = tempDir('always');
    const writer = open(dir, { durability: 'always' });
    for (let seq = 1; seq <= 5; seq++) {
      writer.append(eventForSeq(seq));
      expect(writer.durableSeq).toBe(seq);
      expect(onDisk(dir)).toBe(seq);
    }
    expect(writer.stats.syncs).toBe(5);
    writer.close();
  });

  it('none: records reach the file only when the buffer fills or on sync/flush/close', async () => {
    const dir = tempDir('none');
    const clock = new SimClock(0);
    const writer = open(dir, { durability: 'none', clock, bufferBytes: 4096 });
    writer.append(eventForSeq(1));
    clock.advanceBy(1_000_000);
    expect(writer.durableSeq).toBe(0);
    expect(onDisk(dir)).toBe(0);
    for (let seq = 2; seq <= 100; seq++) writer.append(eventForSeq(seq));
    const written = onDisk(dir);
    expect(written).toBeGreaterThan(0); // full buffers were written
    expect(written).toBeLessThan(100);
    expect(writer.durableSeq).toBe(0); // but nothing was fsynced
    expect(writer.sync()).toBe(100);
    expect(writer.durableSeq).toBe(100);
    writer.append(eventForSeq(101));
    await expect(writer.flush()).resolves.toBe(101);
    writer.close();
  });

  it('close writes and fsyncs everything; a closed writer refuses appends', async () => {
    const dir = tempDir('close');
    const writer = open(dir);
    writer.append(eventForSeq(1));
    const pending = writer.flush();
    writer.close();
    writer.close(); // idempotent
    await expect(pending).resolves.toBe(1);
    expect(writer.durableSeq).toBe(1);
    expect(writer.isOpen).toBe(false);
    expect(() => writer.append(eventForSeq(2))).toThrow(WalError);
    try {
      writer.append(eventForSeq(2));
    } catch (error) {
      expect((error as WalError).code).toBe('WAL_CLOSED');
    }
    await expect(writer.flush()).rejects.toThrow(WalError);
    expect(readAll(dir).length).toBe(1);
  });

  it('onDurable errors are contained and reported', async () => {
    const dir = tempDir('ondurable');
    const errors: unknown[] = [];
    const writer = open(dir, {
      onDurable: () => {
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    writer.append(eventForSeq(1));
    await writer.flush();
    expect(errors.length).toBe(1);
    expect((errors[0] as Error).message).toContain('boom');
    writer.close();
  });
});

describe('directory, lock and manifest', () => {
  it('writes a run manifest with schema versions, code version, config hash and seed', () => {
    const dir = tempDir('manifest');
    open(dir).close();
    const manifest = readRunManifest(dir)!;
    expect(manifest.configHash).toBe(FIXTURE_RUN.configHash);
    expect(manifest.seed).toBe(7);
    expect(manifest.createdUs).toBe(FIXTURE_RUN.createdUs);
    expect(manifest.schemaVersions.trade).toBe(1);
    expect(Object.keys(manifest.schemaVersions).length).toBe(14);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(manifest.codeVersion).toBe(pkg.version);
  });

  it('refuses to create a log without run info, or to append another run to a log', () => {
    const dir = tempDir('runs');
    expect(() => WalWriter.open({ dir, clock: new SimClock(0) })).toThrow(/needs the run info/);
    expect(existsSync(join(dir, 'LOCK'))).toBe(false); // the failed open released the lock
    open(dir).close();
    expect(() => open(dir, { run: { ...FIXTURE_RUN, seed: 8 } })).toThrow(/belongs to run/);
    open(dir, { run: FIXTURE_RUN }).close();
    WalWriter.open({ dir, clock: new SimClock(0) }).close();
  });

  it('one writer per directory: a second one is WAL_LOCKED until the first closes', () => {
    const dir = tempDir('lock');
    const first = open(dir);
    let error: unknown;
    try {
      open(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WalError);
    expect((error as WalError).code).toBe('WAL_LOCKED');
    first.close();
    open(dir).close();
  });

  it('rejects invalid options with InvalidArgumentError', () => {
    const dir = tempDir('options');
    expect(() => open(dir, { segmentBytes: 10 })).toThrow(InvalidArgumentError);
    expect(() => open(dir, { groupCommitMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => open(dir, { durability: 'sometimes' as 'none' })).toThrow(InvalidArgumentError);
  });

  it('a new log can start at a given sequence number', () => {
    const dir = tempDir('first');
    const writer = open(dir, { firstSeq: 1_000 });
    expect(writer.append(eventForSeq(1_000))).toBe(1_000);
    writer.close();
    const reader = readWal(dir);
    expect(reader.firstSeq).toBe(1_000);
    expect(reader.next()).toEqual(eventForSeq(1_000));
    expect(reader.seq).toBe(1_000);
    reader.close();
  });
});
