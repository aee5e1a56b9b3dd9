import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { eventForSeq, FIXTURE_RUN, removeDir, scratchDir } from '../../test/fixtures/wal/wal-fixtures.js';
import { SimClock } from '../clock/index.js';
import type { CanonicalEvent } from '../schemas/index.js';
import { arbitraryCanonicalEvent } from '../testing/index.js';
import {
  ARROW_MANIFEST_KEY,
  exportWalToArrow,
  importArrowToWal,
  readRunManifest,
  readWal,
  WalError,
  WalWriter,
} from './index.js';

const dirs: string[] = [];
function tempDir(label: string): string {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function record(dir: string, events: readonly CanonicalEvent[], firstSeq = 1): void {
  const writer = WalWriter.open({
    dir,
    run: FIXTURE_RUN,
    clock: new SimClock(0),
    durability: 'none',
    firstSeq,
  });
  for (const e of events) writer.append(e);
  writer.close();
}

function readAll(dir: string): { seq: number; event: CanonicalEvent }[] {
  const out: { seq: number; event: CanonicalEvent }[] = [];
  readWal(dir).forEach((event, seq) => {
    out.push({ seq, event });
  });
  return out;
}

function importOptions(dir: string) {
  return { dir, clock: new SimClock(0), durability: 'none' as const };
}

describe('Arrow IPC export and import', () => {
  it('round-trips any generated stream exactly, sequence numbers and manifest included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbitraryCanonicalEvent(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 50 }),
        async (events, batchRows) => {
          const src = scratchDir('arrow-src');
          const dst = scratchDir('arrow-dst');
          try {
            record(src, events, 5);
            const file = join(src, 'export.arrow');
            const out = await exportWalToArrow(src, file, { batchRows });
            expect(out).toEqual({
              rows: events.length,
              firstSeq: events.length > 0 ? 5 : 0,
              lastSeq: events.length > 0 ? 4 + events.length : 0,
            });
            const back = await importArrowToWal(file, importOptions(dst));
            expect(back.rows).toBe(events.length);
            const original = readAll(src);
            const imported = readAll(dst);
            expect(imported.map((r) => r.seq)).toEqual(original.map((r) => r.seq));
            // Object.is per field: the binary frame keeps -0, which JSON would lose.
            imported.forEach((r, i) => {
              expect(r.event).toEqual(original[i]!.event);
              for (const [k, v] of Object.entries(original[i]!.event)) {
                expect(Object.is((r.event as Record<string, unknown>)[k], v) || typeof v === 'object').toBe(
                  true,
                );
              }
            });
            expect(readRunManifest(dst)).toEqual(readRunManifest(src));
          } finally {
            removeDir(src);
            removeDir(dst);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('writes columns pandas and polars can use', async () => {
    const dir = tempDir('columns');
    record(dir, [1, 2, 3, 4].map(eventForSeq));
    const file = join(dir, 'x.arrow');
    await exportWalToArrow(dir, file, { kinds: ['trade', 'health'] });
    const table = arrow.tableFromIPC(readFileSync(file));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'seq:Int64',
      'kind:Utf8',
      'v:Uint8',
      'tsEvent:Timestamp<MICROSECOND, UTC>',
      'tsInit:Timestamp<MICROSECOND, UTC>',
      'instrumentId:Utf8',
      'event:Utf8',
      'frame:Binary',
    ]);
    expect(table.numRows).toBe(2);
    const rows = table.toArray().map((r) => r.toJSON());
    expect(rows.map((r) => Number(r.seq))).toEqual([3, 4]);
    expect(rows.map((r) => r.kind)).toEqual(['health', 'trade']);
    expect(rows.map((r) => r.instrumentId)).toEqual([
      null,
      (eventForSeq(4) as { instrumentId: string }).instrumentId,
    ]);
    expect(JSON.parse(rows[1]!.event as string)).toEqual(eventForSeq(4));
    expect(JSON.parse(table.schema.metadata.get(ARROW_MANIFEST_KEY)!)).toEqual(readRunManifest(dir));
  });

  it('imports a table without frames from validated JSON, renumbering when asked', async () => {
    const dir = tempDir('json');
    const events = [eventForSeq(10), eventForSeq(11)];
    const table = arrow.tableFromArrays({ event: events.map((e) => JSON.stringify(e)) });
    const file = join(dir, 'json.arrow');
    writeFileSync(file, arrow.tableToIPC(table, 'file'));
    const target = join(dir, 'log');
    await expect(importArrowToWal(file, importOptions(target))).rejects.toThrow(/no seq column/);
    const noRun = importArrowToWal(file, { ...importOptions(target), sequence: 'renumber' });
    await expect(noRun).rejects.toThrow(/no run manifest/);
    const result = await importArrowToWal(file, {
      ...importOptions(target),
      sequence: 'renumber',
      run: FIXTURE_RUN,
    });
    expect(result).toEqual({ rows: 2, firstSeq: 1, lastSeq: 2 });
    expect(readAll(target).map((r) => r.event)).toEqual(events);
  });

  it('bad rows and sequence gaps are WAL_IMPORT errors naming the row', async () => {
    const dir = tempDir('bad');
    const badJson = join(dir, 'bad.arrow');
    const bad = { ...eventForSeq(1), bidPrice: 'x' };
    writeFileSync(
      badJson,
      arrow.tableToIPC(
        arrow.tableFromArrays({
          seq: new BigInt64Array([1n, 2n]),
          event: [JSON.stringify(eventForSeq(4)), JSON.stringify(bad)],
        }),
        'file',
      ),
    );
    const error = await importArrowToWal(badJson, {
      ...importOptions(join(dir, 'a')),
      run: FIXTURE_RUN,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WalError);
    expect(error.code).toBe('WAL_IMPORT');
    expect(error.message).toContain('row 1');
    expect(error.message).toContain('bidPrice');

    const gap = join(dir, 'gap.arrow');
    writeFileSync(
      gap,
      arrow.tableToIPC(
        arrow.tableFromArrays({
          seq: new BigInt64Array([1n, 3n]),
          event: [1, 3].map((s) => JSON.stringify(eventForSeq(s))),
        }),
        'file',
      ),
    );
    const gapError = await importArrowToWal(gap, {
      ...importOptions(join(dir, 'b')),
      run: FIXTURE_RUN,
    }).catch((e) => e);
    expect(gapError.code).toBe('WAL_IMPORT');
    expect(gapError.message).toMatch(/row 1: seq 3 does not continue the log \(expected 2\)/);
    // What was imported before the bad row is in the log, durable.
    expect(readAll(join(dir, 'b')).map((r) => r.seq)).toEqual([1]);

    const notArrow = join(dir, 'nope.arrow');
    writeFileSync(notArrow, 'hello');
    expect((await importArrowToWal(notArrow, importOptions(join(dir, 'c'))).catch((e) => e)).code).toBe(
      'WAL_IMPORT',
    );
  });
});
