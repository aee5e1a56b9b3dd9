import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
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
import {
  readWal,
  recoverWal,
  recoveryHealthEvents,
  WalCorruptionError,
  WalError,
  WalWriter,
  type WalWriterOptions,
} from './index.js';
import { SCAN_END, SegmentScanner } from './segment-scanner.js';
import { SEGMENT_HEADER_SIZE } from './wal-format.js';

const dirs: string[] = [];
function tempDir(label: string): string {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

const SMALL: Partial<WalWriterOptions> = { segmentBytes: 8192, indexInterval: 8, bufferBytes: 4096 };

function open(dir: string, options: Partial<WalWriterOptions> = {}): WalWriter {
  return WalWriter.open({
    dir,
    run: FIXTURE_RUN,
    clock: new SimClock(0),
    durability: 'none',
    ...SMALL,
    ...options,
  });
}

function makeLog(dir: string, records: number): void {
  const writer = open(dir);
  for (let seq = 1; seq <= records; seq++) writer.append(eventForSeq(seq));
  writer.close();
}

/** Reads the whole log, checking every record's content against its sequence number. */
function verifiedCount(dir: string): number {
  let count = 0;
  readWal(dir).forEach((event, seq) => {
    if (!isDeepStrictEqual(event, eventForSeq(seq))) throw new Error(`seq ${seq} differs`);
    count++;
  });
  return count;
}

/** Each record of a segment: its sequence and byte range. */
function recordsOf(path: string): { seq: number; start: number; end: number }[] {
  const scanner = new SegmentScanner(4096);
  const header = scanner.open(path);
  if (!header.ok) throw new Error(header.reason);
  const out: { seq: number; start: number; end: number }[] = [];
  for (;;) {
    const start = scanner.offset;
    const p = scanner.next();
    if (p === SCAN_END) break;
    if (p < 0) throw new Error(scanner.problem);
    out.push({ seq: scanner.expectedSeq - 1, start, end: scanner.offset });
  }
  scanner.close();
  return out;
}

function flipByte(path: string, offset: number, mask = 0xff): void {
  const bytes = readFileSync(path);
  bytes[offset]! ^= mask;
  writeFileSync(path, bytes);
}

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function expectCorruption(
  error: unknown,
  code: WalCorruptionError['code'],
  where: { file?: string; offset?: number; seq?: number },
): WalCorruptionError {
  expect(error).toBeInstanceOf(WalCorruptionError);
  const e = error as WalCorruptionError;
  expect(e.code).toBe(code);
  if (where.file !== undefined) expect(e.file).toBe(where.file);
  if (where.offset !== undefined) expect(e.offset).toBe(where.offset);
  if (where.seq !== undefined) expect(e.seq).toBe(where.seq);
  expect(e.message).toContain(e.file);
  return e;
}

describe('torn tails', () => {
  it('truncation anywhere in the last segment: recovery keeps the complete records and reports the rest', () => {
    const base = tempDir('torn-base');
    makeLog(base, 300);
    const last = segmentPaths(base).at(-1)!;
    const records = recordsOf(last);
    const size = statSync(last).size;
    fc.assert(
      fc.property(fc.integer({ min: SEGMENT_HEADER_SIZE, max: size }), (cut) => {
        const dir = crashImage(base, 'torn');
        try {
          const path = join(dir, last.slice(last.lastIndexOf('/') + 1));
          truncateSync(path, cut);
          const complete = records.filter((r) => r.end <= cut);
          const lastComplete = complete.at(-1)?.seq ?? records[0]!.seq - 1;
          const partial = records.find((r) => r.start < cut && r.end > cut);
          // Before recovery a reader says so, or stops before it when asked to.
          if (partial !== undefined) {
            expectCorruption(
              catchError(() => readWal(dir).forEach(() => {})),
              'WAL_TORN_TAIL',
              { file: path, offset: partial.start, seq: partial.seq },
            );
            const reader = readWal(dir, { tornTail: 'stop' });
            expect(reader.forEach(() => {})).toBe(lastComplete);
            expect(reader.tornTail).toEqual({ file: path, offset: partial.start, seq: partial.seq });
          }
          const writer = open(dir);
          expect(writer.recovery.lastSeq).toBe(lastComplete);
          if (partial === undefined) {
            expect(writer.recovery.tornTail).toBeUndefined();
          } else {
            expect(writer.recovery.tornTail).toMatchObject({
              file: path,
              offset: partial.start,
              bytes: cut - partial.start,
              seq: partial.seq,
            });
          }
          expect(writer.append(eventForSeq(lastComplete + 1))).toBe(lastComplete + 1);
          writer.close();
          expect(verifiedCount(dir)).toBe(lastComplete + 1);
        } finally {
          removeDir(dir);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('zeros or garbage after the last record (a torn write after power loss) are a torn tail', () => {
    const dir = tempDir('zeros');
    makeLog(dir, 50);
    const last = segmentPaths(dir).at(-1)!;
    const size = statSync(last).size;
    writeFileSync(last, Buffer.concat([readFileSync(last), Buffer.alloc(700), Buffer.from('garbage')]));
    const writer = open(dir);
    expect(writer.recovery.tornTail).toMatchObject({ file: last, offset: size, bytes: 707, seq: 51 });
    writer.close();
    expect(statSync(last).size).toBe(size);
    expect(verifiedCount(dir)).toBe(50);
    const health = recoveryHealthEvents(writer.recovery, 123);
    expect(health).toHaveLength(1);
    expect(health[0]).toMatchObject({
      kind: 'health',
      component: 'wal',
      code: 'MALFORMED_MESSAGE',
      value: 707,
    });
  });

  it('a segment whose creation was cut short is removed and reported', () => {
    const dir = tempDir('half');
    makeLog(dir, 40);
    const next = join(dir, 'seg-0000000000000041.wal');
    writeFileSync(next, Buffer.from('QKWAL'));
    const writer = open(dir);
    expect(writer.recovery.tornTail).toMatchObject({ file: next, offset: 0, bytes: 5, seq: 41 });
    expect(writer.append(eventForSeq(41))).toBe(41);
    writer.close();
    expect(verifiedCount(dir)).toBe(41);
  });

  it('crash images of a live writer always reopen with everything reported durable', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('append' as const), n: fc.integer({ min: 1, max: 120 }) }),
            fc.record({ op: fc.constant('tick' as const) }),
            fc.record({ op: fc.constant('sync' as const) }),
            fc.record({ op: fc.constant('crash' as const) }),
          ),
          { maxLength: 25 },
        ),
        (ops) => {
          const dir = scratchDir('images');
          const clock = new SimClock(0);
          const writer = open(dir, { durability: 'interval', groupCommitMs: 1, clock });
          try {
            for (const step of [...ops, { op: 'crash' as const }]) {
              if (step.op === 'append') {
                for (let i = 0; i < step.n; i++) writer.append(eventForSeq(writer.lastSeq + 1));
              } else if (step.op === 'tick') {
                clock.advanceBy(1_000);
              } else if (step.op === 'sync') {
                writer.sync();
              } else {
                const durable = writer.durableSeq;
                const image = crashImage(dir);
                try {
                  const reopened = open(image);
                  expect(reopened.recovery.lastSeq).toBeGreaterThanOrEqual(durable);
                  expect(reopened.recovery.lastSeq).toBeLessThanOrEqual(writer.lastSeq);
                  reopened.close();
                  expect(verifiedCount(image)).toBe(reopened.recovery.lastSeq);
                } finally {
                  removeDir(image);
                }
              }
            }
          } finally {
            writer.close();
            removeDir(dir);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('corruption', () => {
  it('a flipped byte in the last segment: the last record is a torn tail, any other a typed error', () => {
    const base = tempDir('flip-base');
    makeLog(base, 200);
    const last = segmentPaths(base).at(-1)!;
    const records = recordsOf(last);
    const size = statSync(last).size;
    fc.assert(
      fc.property(
        fc.integer({ min: SEGMENT_HEADER_SIZE, max: size - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, mask) => {
          const dir = crashImage(base, 'flip');
          try {
            const path = join(dir, last.slice(last.lastIndexOf('/') + 1));
            flipByte(path, at, mask);
            const hit = records.find((r) => r.start <= at && at < r.end)!;
            const isLastRecord = hit === records.at(-1);
            // A reader never returns the damaged record; like recovery, it calls damage at the very
            // end a torn tail.
            const readError = catchError(() => readWal(dir).forEach(() => {}));
            expectCorruption(readError, isLastRecord ? 'WAL_TORN_TAIL' : 'WAL_CORRUPT', {
              file: path,
              offset: hit.start,
              seq: hit.seq,
            });
            if (isLastRecord) {
              const writer = open(dir);
              expect(writer.recovery.tornTail).toMatchObject({ file: path, offset: hit.start, seq: hit.seq });
              writer.close();
              expect(verifiedCount(dir)).toBe(hit.seq - 1);
            } else {
              const e = expectCorruption(
                catchError(() => open(dir)),
                'WAL_CORRUPT',
                {
                  file: path,
                  offset: hit.start,
                  seq: hit.seq,
                },
              );
              expect(e.message).toMatch(/not a torn tail/);
              expect(existsSync(join(dir, 'LOCK'))).toBe(false);
            }
          } finally {
            removeDir(dir);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('repair quarantines the damaged tail, reports it, and the log continues', () => {
    const dir = tempDir('repair');
    makeLog(dir, 200);
    const last = segmentPaths(dir).at(-1)!;
    const records = recordsOf(last);
    const victim = records[2]!;
    const sizeBefore = statSync(last).size;
    flipByte(last, victim.start + 20);
    const writer = open(dir, { repair: true });
    const { quarantined } = writer.recovery;
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({
      file: last,
      offset: victim.start,
      bytes: sizeBefore - victim.start,
      fromSeq: victim.seq,
    });
    expect(readFileSync(quarantined[0]!.movedTo).length).toBe(sizeBefore - victim.start);
    expect(quarantined[0]!.movedTo).toContain(`${join(dir, 'quarantine')}/`);
    expect(writer.append(eventForSeq(victim.seq))).toBe(victim.seq);
    writer.close();
    expect(verifiedCount(dir)).toBe(victim.seq);
    expect(recoveryHealthEvents(writer.recovery, 1)[0]).toMatchObject({ code: 'SEQUENCE_GAP' });
  });

  it('damage in a sealed segment: readers and full verification fail typed; repair cuts the log there', () => {
    const dir = tempDir('sealed');
    makeLog(dir, 300);
    const segments = segmentPaths(dir);
    expect(segments.length).toBeGreaterThan(3);
    const victimFile = segments[1]!;
    const victim = recordsOf(victimFile)[5]!;
    flipByte(victimFile, victim.end - 1);
    // Opening trusts sealed segments (it verifies where crashes leave damage)...
    open(dir).close();
    // ...but no reader returns the record, and a full verification finds it.
    expectCorruption(
      catchError(() => readWal(dir).forEach(() => {})),
      'WAL_CORRUPT',
      { file: victimFile, offset: victim.start, seq: victim.seq },
    );
    expectCorruption(
      catchError(() => recoverWal(dir, { verify: 'full' })),
      'WAL_CORRUPT',
      { file: victimFile, offset: victim.start, seq: victim.seq },
    );
    const writer = open(dir, { verify: 'full', repair: true });
    const moved = writer.recovery.quarantined.map((q) => q.file);
    expect(moved).toEqual(segments.slice(1));
    expect(writer.recovery.quarantined[0]).toMatchObject({ offset: victim.start, fromSeq: victim.seq });
    expect(writer.lastSeq).toBe(victim.seq - 1);
    writer.close();
    expect(verifiedCount(dir)).toBe(victim.seq - 1);
    expect(readdirSync(join(dir, 'quarantine')).length).toBeGreaterThanOrEqual(segments.length - 1);
  });

  it('a truncated sealed segment is corruption, not a torn tail', () => {
    const dir = tempDir('trunc');
    makeLog(dir, 300);
    const victim = segmentPaths(dir)[0]!;
    const records = recordsOf(victim);
    truncateSync(victim, records[10]!.end);
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_CORRUPT',
      { file: victim, seq: records[11]!.seq },
    );
    expectCorruption(
      catchError(() => readWal(dir).forEach(() => {})),
      'WAL_CORRUPT',
      {
        file: victim,
        seq: records[11]!.seq,
      },
    );
    truncateSync(victim, records[10]!.end + 7);
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_CORRUPT',
      { file: victim, offset: records[11]!.start },
    );
  });

  it('a damaged segment header is corruption at offset 0', () => {
    const dir = tempDir('header');
    makeLog(dir, 100);
    const last = segmentPaths(dir).at(-1)!;
    flipByte(last, 3);
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_CORRUPT',
      { file: last, offset: 0 },
    );
    expectCorruption(
      catchError(() => readWal(dir).forEach(() => {})),
      'WAL_CORRUPT',
      {
        file: last,
        offset: 0,
      },
    );
    const before = segmentPaths(dir).at(-2)!;
    const lastBefore = recordsOf(before).at(-1)!.seq;
    const writer = open(dir, { repair: true });
    expect(writer.recovery.quarantined).toEqual([
      expect.objectContaining({ file: last, offset: 0, fromSeq: lastBefore + 1 }),
    ]);
    expect(writer.recovery.quarantined[0]!.reason).toMatch(/checksum|magic/);
    expect(writer.append(eventForSeq(lastBefore + 1))).toBe(lastBefore + 1);
    writer.close();
    expect(verifiedCount(dir)).toBe(lastBefore + 1);
  });

  it('random damage anywhere (segments and indexes) never yields a wrong record', () => {
    const base = tempDir('chaos-base');
    makeLog(base, 250);
    const files = readdirSync(base).filter((n) => n.startsWith('seg-'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: files.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat({ max: 250 }),
        (flips, fromSeq) => {
          const dir = crashImage(base, 'chaos');
          try {
            for (const [f, at, mask] of flips) {
              const path = join(dir, files[f]!);
              flipByte(path, at % statSync(path).size, mask);
            }
            try {
              readWal(dir, { fromSeq }).forEach((event, seq) => {
                if (!isDeepStrictEqual(event, eventForSeq(seq)))
                  throw new Error(`wrong record at seq ${seq}`);
              });
            } catch (error) {
              expect(error).toBeInstanceOf(WalCorruptionError);
            }
          } finally {
            removeDir(dir);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('missing segments', () => {
  it('a missing middle segment is WAL_SEQUENCE_GAP for readers and writers; repair keeps the head', () => {
    const dir = tempDir('gap');
    makeLog(dir, 300);
    const segments = segmentPaths(dir);
    const missing = segments[2]!;
    const firstMissingSeq = recordsOf(missing)[0]!.seq;
    unlinkSync(missing);
    expectCorruption(
      catchError(() => readWal(dir)),
      'WAL_SEQUENCE_GAP',
      { seq: firstMissingSeq },
    );
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_SEQUENCE_GAP',
      {
        file: segments[3]!,
        seq: firstMissingSeq,
      },
    );
    const writer = open(dir, { repair: true });
    expect(writer.recovery.missing[0]).toMatchObject({ fromSeq: firstMissingSeq });
    expect(writer.recovery.quarantined.map((q) => q.file)).toEqual(segments.slice(3));
    expect(writer.lastSeq).toBe(firstMissingSeq - 1);
    writer.close();
    expect(verifiedCount(dir)).toBe(firstMissingSeq - 1);
  });

  it('a missing first segment is a gap unless retention recorded it', () => {
    const dir = tempDir('head');
    makeLog(dir, 300);
    const segments = segmentPaths(dir);
    const secondStarts = recordsOf(segments[1]!)[0]!.seq;
    unlinkSync(segments[0]!);
    expectCorruption(
      catchError(() => readWal(dir)),
      'WAL_SEQUENCE_GAP',
      { seq: 1 },
    );
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_SEQUENCE_GAP',
      { file: segments[1]!, seq: 1 },
    );
    const writer = open(dir, { repair: true });
    expect(writer.recovery.missing).toEqual([{ fromSeq: 1, toSeq: secondStarts - 1 }]);
    expect(writer.recovery.firstSeq).toBe(secondStarts);
    writer.close();
    const reader = readWal(dir);
    expect(reader.firstSeq).toBe(secondStarts);
    expect(reader.forEach(() => {})).toBe(300 - secondStarts + 1);
  });

  it('a missing last segment is detected through the seal of the one before it', () => {
    const dir = tempDir('tail');
    makeLog(dir, 300);
    const segments = segmentPaths(dir);
    const lastFirstSeq = recordsOf(segments.at(-1)!)[0]!.seq;
    unlinkSync(segments.at(-1)!);
    expectCorruption(
      catchError(() => readWal(dir)),
      'WAL_SEQUENCE_GAP',
      { seq: lastFirstSeq },
    );
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_SEQUENCE_GAP',
      { seq: lastFirstSeq },
    );
    const writer = open(dir, { repair: true });
    expect(writer.recovery.missing).toEqual([{ fromSeq: lastFirstSeq, toSeq: undefined }]);
    expect(writer.append(eventForSeq(lastFirstSeq))).toBe(lastFirstSeq);
    writer.close();
    expect(verifiedCount(dir)).toBe(lastFirstSeq);
  });
});

describe('other recovery duties', () => {
  it('rebuilds a missing or damaged index; readers seek without one', () => {
    const dir = tempDir('index');
    makeLog(dir, 300);
    const indexes = readdirSync(dir).filter((n) => n.endsWith('.idx'));
    unlinkSync(join(dir, indexes[0]!));
    flipByte(join(dir, indexes[1]!), 40);
    const seen: number[] = [];
    readWal(dir, { fromSeq: 150, toSeq: 152 }).forEach((_, seq) => {
      seen.push(seq);
    });
    expect(seen).toEqual([150, 151, 152]);
    const report = recoverWal(dir);
    expect(report.rebuiltIndexes).toEqual([join(dir, indexes[0]!), join(dir, indexes[1]!)]);
    expect(recoverWal(dir).rebuiltIndexes).toEqual([]);
    expect(verifiedCount(dir)).toBe(300);
  });

  it('a stale index entry falls back to scanning the segment', () => {
    const dir = tempDir('stale');
    makeLog(dir, 300);
    // Swap two segments' indexes: seek points now name offsets of the wrong records.
    const [a, b] = readdirSync(dir).filter((n) => n.endsWith('.idx'));
    const bytesA = readFileSync(join(dir, a!));
    const bytesB = readFileSync(join(dir, b!));
    writeFileSync(join(dir, a!), bytesB);
    writeFileSync(join(dir, b!), bytesA);
    const seen: number[] = [];
    readWal(dir, { fromSeq: 40, toSeq: 41 }).forEach((_, seq) => {
      seen.push(seq);
    });
    expect(seen).toEqual([40, 41]);
  });

  it('finishes a retention that a crash interrupted', () => {
    const dir = tempDir('retention-crash');
    makeLog(dir, 300);
    const segments = segmentPaths(dir);
    const keepFrom = recordsOf(segments[2]!)[0]!.seq;
    writeFileSync(join(dir, 'log-start.json'), JSON.stringify({ firstSeq: keepFrom }));
    const report = recoverWal(dir);
    expect(report.removedFiles).toContain(segments[0]);
    expect(report.removedFiles).toContain(segments[1]);
    expect(report.firstSeq).toBe(keepFrom);
    expect(segmentPaths(dir)).toEqual(segments.slice(2));
  });

  it('a damaged manifest or log-start marker is a typed error', () => {
    const dir = tempDir('manifest');
    makeLog(dir, 10);
    writeFileSync(join(dir, 'log-start.json'), '{"firstSeq": "x"}');
    expectCorruption(
      catchError(() => open(dir)),
      'WAL_CORRUPT',
      {},
    );
    unlinkSync(join(dir, 'log-start.json'));
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    const e = catchError(() => open(dir));
    expect(e).toBeInstanceOf(WalError);
    expect((e as WalError).code).toBe('WAL_MANIFEST');
    renameSync(join(dir, 'manifest.json'), join(dir, 'other.json'));
    expect((catchError(() => open(dir)) as WalError).code).toBe('WAL_MANIFEST');
  });
});
