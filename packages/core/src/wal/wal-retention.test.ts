import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventForSeq,
  FIXTURE_RUN,
  removeDir,
  scratchDir,
  segmentPaths,
  T0,
} from '../../test/fixtures/wal/wal-fixtures.js';
import { SimClock } from '../clock/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { applyRetention, readWal, WalError, WalWriter } from './index.js';

const dirs: string[] = [];
function tempDir(label: string): string {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function open(dir: string, clock = new SimClock(0)): WalWriter {
  return WalWriter.open({
    dir,
    run: FIXTURE_RUN,
    clock,
    durability: 'none',
    segmentBytes: 8192,
    indexInterval: 8,
  });
}

function fill(writer: WalWriter, upTo: number): void {
  while (writer.lastSeq < upTo) writer.append(eventForSeq(writer.lastSeq + 1));
}

function seqs(dir: string): number[] {
  const out: number[] = [];
  readWal(dir).forEach((_, seq) => {
    out.push(seq);
  });
  return out;
}

describe('retention', () => {
  it('by count keeps the newest segments and never the active one', () => {
    const dir = tempDir('count');
    const writer = open(dir);
    fill(writer, 400);
    const before = segmentPaths(dir);
    const result = writer.applyRetention({ maxSegments: 3 });
    expect(result.dropped.map((d) => d.file)).toEqual(before.slice(0, -3));
    expect(segmentPaths(dir)).toEqual(before.slice(-3));
    expect(result.firstSeq).toBe(result.dropped.at(-1)!.lastSeq + 1);
    // Even a policy that keeps nothing keeps the segment being written.
    const all = writer.applyRetention({ maxSegments: 1 });
    expect(segmentPaths(dir)).toEqual(before.slice(-1));
    expect(all.dropped.length).toBe(2);
    writer.append(eventForSeq(401));
    writer.close();
    const read = seqs(dir);
    expect(read[0]).toBe(all.firstSeq);
    expect(read.at(-1)).toBe(401);
    // The start is recorded, so reopening sees no missing segment.
    expect(JSON.parse(readFileSync(join(dir, 'log-start.json'), 'utf8'))).toEqual({ firstSeq: all.firstSeq });
    const again = open(dir);
    expect(again.recovery.firstSeq).toBe(all.firstSeq);
    again.close();
  });

  it('by age drops segments whose newest event is older than the limit', () => {
    const dir = tempDir('age');
    const clock = new SimClock(0);
    const writer = open(dir, clock);
    fill(writer, 400);
    const segments = segmentPaths(dir);
    // eventForSeq puts seq s at T0 + s ms; keep everything from seq 200's time on.
    const result = writer.applyRetention({ maxAgeUs: 1_000 * 200, nowUs: T0 + 400_000 });
    for (const d of result.dropped) expect(d.maxTs).toBeLessThan(T0 + 200_000);
    expect(result.dropped.length).toBeGreaterThan(0);
    const kept = segmentPaths(dir);
    expect(kept).toEqual(segments.slice(result.dropped.length));
    expect(seqs(dir)[0]).toBeLessThanOrEqual(200);
    // Without nowUs the writer's clock is used: at time 0 nothing is old.
    expect(writer.applyRetention({ maxAgeUs: 1 }).dropped).toEqual([]);
    writer.close();
  });

  it('by size drops the oldest segments until the log fits', () => {
    const dir = tempDir('size');
    const writer = open(dir);
    fill(writer, 400);
    writer.sync();
    const limit = 20_000;
    writer.applyRetention({ maxBytes: limit });
    const total = segmentPaths(dir).reduce((sum, p) => sum + statSync(p).size, 0);
    expect(total).toBeLessThanOrEqual(limit);
    writer.close();
  });

  it('applyRetention on a closed log takes the lock; a live writer makes it WAL_LOCKED', () => {
    const dir = tempDir('closed');
    const writer = open(dir);
    fill(writer, 300);
    expect(() => applyRetention(dir, { maxSegments: 2 })).toThrow(WalError);
    writer.close();
    const result = applyRetention(dir, { maxSegments: 2 });
    expect(result.recovery?.lastSeq).toBe(300);
    expect(segmentPaths(dir).length).toBe(2);
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    expect(seqs(dir).at(-1)).toBe(300);
    expect(() => applyRetention(dir, { maxAgeUs: 5 })).toThrow(InvalidArgumentError);
    expect(() => applyRetention(dir, { maxSegments: 0 })).toThrow(InvalidArgumentError);
  });
});
