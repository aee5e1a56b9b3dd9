/**
 * Export of a recorded log to an Arrow IPC file (Feather v2) for research, and import back.
 * `apache-arrow` is an optional peer dependency, loaded only when these functions run.
 *
 * One row per record: `seq` (int64), `kind` (utf8), `v` (uint8), `tsEvent` and `tsInit`
 * (timestamp[us, UTC]), `instrumentId` (utf8, null for events without one), `event` (the full event
 * as JSON, for `json_normalize` in pandas or `str.json_decode` in polars) and `frame` (the exact
 * binary codec frame, which makes the import lossless: JSON cannot hold `-0`). The run manifest
 * travels as schema metadata under `quantkubera.manifest`.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AsyncRecordBatchFileReader,
  AsyncRecordBatchStreamReader,
  RecordBatch,
  Schema,
  Vector,
} from 'apache-arrow';
import { eventCodec } from '../codec/index.js';
import { DecodeError, InvalidArgumentError, isQuantKuberaError, ValidationError } from '../errors/index.js';
import { type CanonicalEvent, parseEvent } from '../schemas/index.js';
import { MANIFEST_FILE, parseRunManifest, type RunManifest, writeRunManifest } from './run-manifest.js';
import { ensureDir, listSegments } from './wal-directory.js';
import { ioError, WalError } from './wal-errors.js';
import { type ReadWalOptions, readWal } from './wal-reader.js';
import { WalWriter, type WalWriterOptions } from './wal-writer.js';

type Arrow = typeof import('apache-arrow');

/** Schema metadata key holding the run manifest as JSON. */
export const ARROW_MANIFEST_KEY = 'quantkubera.manifest';

async function loadArrow(): Promise<Arrow> {
  try {
    return await import('apache-arrow');
  } catch (cause) {
    throw new WalError(
      'WAL_IMPORT',
      'apache-arrow',
      'Arrow export and import need the optional peer dependency apache-arrow (npm i apache-arrow)',
      { cause },
    );
  }
}

/** Options of {@link exportWalToArrow}: which records (as for `readWal`) and the batch size. */
export interface ArrowExportOptions extends ReadWalOptions {
  /** Rows per record batch. Default 65,536. */
  readonly batchRows?: number;
}

/** What an export or import did. */
export interface ArrowTransferResult {
  /** Rows written or records appended. */
  readonly rows: number;
  /** Sequence of the first row (0 when there were none). */
  readonly firstSeq: number;
  /** Sequence of the last row (0 when there were none). */
  readonly lastSeq: number;
}

function instrumentOf(event: CanonicalEvent): string | null {
  if (event.kind === 'instrument') return event.instrument.id;
  return 'instrumentId' in event && event.instrumentId !== undefined ? event.instrumentId : null;
}

/** Column buffers of one record batch under construction. */
class BatchColumns {
  readonly seq: BigInt64Array;
  readonly tsEvent: BigInt64Array;
  readonly tsInit: BigInt64Array;
  readonly v: Uint8Array;
  readonly kind: string[] = [];
  readonly instrumentId: (string | null)[] = [];
  readonly event: string[] = [];
  readonly frameOffsets: Int32Array;
  frameBytes = new Uint8Array(1 << 16);
  rows = 0;
  readonly #seq32: Int32Array;
  readonly #tsEvent32: Int32Array;
  readonly #tsInit32: Int32Array;

  constructor(readonly capacity: number) {
    this.seq = new BigInt64Array(capacity);
    this.tsEvent = new BigInt64Array(capacity);
    this.tsInit = new BigInt64Array(capacity);
    this.v = new Uint8Array(capacity);
    this.frameOffsets = new Int32Array(capacity + 1);
    // 64-bit columns are filled through 32-bit views: no BigInt per row.
    this.#seq32 = new Int32Array(this.seq.buffer);
    this.#tsEvent32 = new Int32Array(this.tsEvent.buffer);
    this.#tsInit32 = new Int32Array(this.tsInit.buffer);
  }

  add(seq: number, event: CanonicalEvent, frame: Uint8Array): void {
    const r = this.rows;
    setInt64(this.#seq32, r, seq);
    setInt64(this.#tsEvent32, r, event.tsEvent);
    setInt64(this.#tsInit32, r, event.tsInit);
    this.v[r] = event.v;
    this.kind.push(event.kind);
    this.instrumentId.push(instrumentOf(event));
    this.event.push(JSON.stringify(event));
    const start = this.frameOffsets[r]!;
    if (start + frame.length > this.frameBytes.length) {
      const bigger = new Uint8Array(Math.max(this.frameBytes.length * 2, start + frame.length));
      bigger.set(this.frameBytes.subarray(0, start));
      this.frameBytes = bigger;
    }
    this.frameBytes.set(frame, start);
    this.frameOffsets[r + 1] = start + frame.length;
    this.rows = r + 1;
  }
}

function setInt64(view: Int32Array, row: number, value: number): void {
  view[row * 2] = value | 0;
  view[row * 2 + 1] = Math.floor(value / 4294967296);
}

function makeBatch(arrow: Arrow, schema: Schema, c: BatchColumns) {
  const n = c.rows;
  const { makeData, vectorFromArray } = arrow;
  const children = [
    makeData({ type: new arrow.Int64(), length: n, data: c.seq.subarray(0, n) }),
    vectorFromArray(c.kind, new arrow.Utf8()).data[0]!,
    makeData({ type: new arrow.Uint8(), length: n, data: c.v.subarray(0, n) }),
    makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, data: c.tsEvent.subarray(0, n) }),
    makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, data: c.tsInit.subarray(0, n) }),
    vectorFromArray(c.instrumentId, new arrow.Utf8()).data[0]!,
    vectorFromArray(c.event, new arrow.Utf8()).data[0]!,
    makeData({
      type: new arrow.Binary(),
      length: n,
      valueOffsets: c.frameOffsets.subarray(0, n + 1),
      data: c.frameBytes.subarray(0, c.frameOffsets[n]!),
    }),
  ];
  return new arrow.RecordBatch(
    schema,
    makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children }),
  );
}

function exportSchema(arrow: Arrow, manifest: RunManifest | undefined): Schema {
  const ts = () => new arrow.TimestampMicrosecond('UTC');
  const metadata = new Map<string, string>();
  if (manifest !== undefined) metadata.set(ARROW_MANIFEST_KEY, JSON.stringify(manifest));
  return new arrow.Schema(
    [
      new arrow.Field('seq', new arrow.Int64(), false),
      new arrow.Field('kind', new arrow.Utf8(), false),
      new arrow.Field('v', new arrow.Uint8(), false),
      new arrow.Field('tsEvent', ts(), false),
      new arrow.Field('tsInit', ts(), false),
      new arrow.Field('instrumentId', new arrow.Utf8(), true),
      new arrow.Field('event', new arrow.Utf8(), false),
      new arrow.Field('frame', new arrow.Binary(), false),
    ],
    metadata,
  );
}

/**
 * Exports the log in `dir` (or the records that pass `options`' filters) to an Arrow IPC file at
 * `file`, readable with `pandas.read_feather` or `polars.read_ipc`. Records are verified as in any
 * replay: damage is a typed error and the file is not completed.
 *
 * @example
 * ```ts
 * await exportWalToArrow('runs/2024-11-20', 'research/2024-11-20.arrow', { kinds: ['trade'] });
 * ```
 */
export async function exportWalToArrow(
  dir: string,
  file: string,
  options: ArrowExportOptions = {},
): Promise<ArrowTransferResult> {
  const batchRows = options.batchRows ?? 65_536;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) {
    throw new InvalidArgumentError('exportWalToArrow batchRows', batchRows, 'an integer >= 1');
  }
  const arrow = await loadArrow();
  const reader = readWal(dir, options);
  const schema = exportSchema(arrow, reader.manifest);
  const writer = new arrow.RecordBatchFileWriter();
  let fd = -1;
  try {
    fd = openSync(file, 'w');
  } catch (cause) {
    reader.close();
    throw ioError(file, 'create the Arrow file', cause);
  }
  const out = fd;
  const drained = (async () => {
    for await (const chunk of writer) {
      let at = 0;
      while (at < chunk.length) at += writeSync(out, chunk, at, chunk.length - at);
    }
  })();
  let rows = 0;
  let firstSeq = 0;
  let lastSeq = 0;
  try {
    writer.reset(undefined, schema);
    let columns = new BatchColumns(batchRows);
    for (let event = reader.next(); event !== undefined; event = reader.next()) {
      if (rows === 0) firstSeq = reader.seq;
      lastSeq = reader.seq;
      columns.add(reader.seq, event, eventCodec.encode(event));
      rows++;
      if (columns.rows === batchRows) {
        writer.write(makeBatch(arrow, schema, columns));
        columns = new BatchColumns(batchRows);
        // Let the drain loop write the batch before the next one is built: memory stays bounded.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (columns.rows > 0 || rows === 0) writer.write(makeBatch(arrow, schema, columns));
    writer.finish();
    await drained;
  } catch (error) {
    writer.abort();
    await drained.catch(() => undefined);
    throw isQuantKuberaError(error) ? error : ioError(file, 'write the Arrow file', error);
  } finally {
    reader.close();
    closeSync(fd);
  }
  return { rows, firstSeq, lastSeq };
}

/** Options of {@link importArrowToWal}: the writer to append with, and how to number records. */
export interface ArrowImportOptions extends WalWriterOptions {
  /**
   * `keep` (default): rows keep their `seq`, which must continue the log without a gap (a new
   * log starts at the first row's). `renumber`: rows get the log's next sequence numbers.
   */
  readonly sequence?: 'keep' | 'renumber';
}

interface ImportColumns {
  readonly seq: Vector | null;
  readonly frame: Vector | null;
  readonly event: Vector | null;
}

function columnsOf(batch: RecordBatch, file: string, keepSeq: boolean): ImportColumns {
  const cols: ImportColumns = {
    seq: batch.getChild('seq'),
    frame: batch.getChild('frame'),
    event: batch.getChild('event'),
  };
  if (cols.frame === null && cols.event === null) {
    throw new WalError('WAL_IMPORT', file, 'the file has neither a frame nor an event column');
  }
  if (keepSeq && cols.seq === null) {
    throw new WalError('WAL_IMPORT', file, "the file has no seq column (import with sequence: 'renumber')");
  }
  return cols;
}

function rowEvent(cols: ImportColumns, row: number, where: string): CanonicalEvent {
  const frame = cols.frame?.get(row) as Uint8Array | null | undefined;
  if (frame !== null && frame !== undefined) {
    try {
      const event = eventCodec.decode(frame);
      if (eventCodec.frameLength(frame) !== frame.length) {
        throw new DecodeError('DECODE_CORRUPT', 'trailing bytes after the frame', event.kind, frame.length);
      }
      return event;
    } catch (cause) {
      throw new WalError('WAL_IMPORT', where, `bad frame: ${(cause as Error).message}`, { cause });
    }
  }
  const json = cols.event?.get(row) as string | null | undefined;
  if (typeof json !== 'string')
    throw new WalError('WAL_IMPORT', where, 'the row has neither frame nor event');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new WalError('WAL_IMPORT', where, 'the event column is not valid JSON', { cause });
  }
  try {
    return parseEvent(value, where);
  } catch (cause) {
    if (cause instanceof ValidationError) throw new WalError('WAL_IMPORT', where, cause.message, { cause });
    throw cause;
  }
}

function rowSeq(cols: ImportColumns, row: number, where: string): number {
  const raw = cols.seq?.get(row) as bigint | number | null | undefined;
  const seq = typeof raw === 'bigint' ? Number(raw) : raw;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    throw new WalError('WAL_IMPORT', where, `invalid seq ${String(raw)}`);
  }
  return seq;
}

/**
 * Imports an Arrow IPC file (as written by {@link exportWalToArrow}, or any file with a `frame`
 * or `event` column) into the log in `options.dir`, appending with a {@link WalWriter}. Rows are
 * decoded from `frame` (checksummed, exact) or else validated from `event` JSON; a bad row or a
 * gap in `seq` is a `WAL_IMPORT` error naming the row. A new log takes its manifest from the
 * file unless `options.run` is given. Everything imported is fsynced before this resolves.
 *
 * @example
 * ```ts
 * await importArrowToWal('research/2024-11-20.arrow', { dir: 'replays/2024-11-20' });
 * ```
 */
export async function importArrowToWal(
  file: string,
  options: ArrowImportOptions,
): Promise<ArrowTransferResult> {
  const keepSeq = (options.sequence ?? 'keep') === 'keep';
  const arrow = await loadArrow();
  let handle: FileHandle;
  try {
    handle = await openFile(file, 'r');
  } catch (cause) {
    throw ioError(file, 'open the Arrow file', cause);
  }
  let writer: WalWriter | undefined;
  let rows = 0;
  let firstSeq = 0;
  let lastSeq = 0;
  try {
    let reader: AsyncRecordBatchFileReader | AsyncRecordBatchStreamReader;
    try {
      reader = await arrow.RecordBatchReader.from(handle);
      await reader.open();
    } catch (cause) {
      throw new WalError('WAL_IMPORT', file, `not an Arrow IPC file: ${(cause as Error).message}`, { cause });
    }
    const metadata = reader.schema.metadata.get(ARROW_MANIFEST_KEY);
    let manifest: RunManifest | undefined;
    if (metadata !== undefined) {
      try {
        manifest = parseRunManifest(JSON.parse(metadata), `${file} schema metadata`);
      } catch (cause) {
        throw new WalError('WAL_IMPORT', file, `invalid run manifest metadata: ${(cause as Error).message}`, {
          cause,
        });
      }
    }
    let row = 0;
    for await (const batch of reader) {
      const cols = columnsOf(batch, file, keepSeq);
      for (let i = 0; i < batch.numRows; i++, row++) {
        const where = `${file} row ${row}`;
        const seq = keepSeq ? rowSeq(cols, i, where) : 0;
        const event = rowEvent(cols, i, where);
        if (writer === undefined)
          writer = openImportWriter(options, manifest, keepSeq ? seq : undefined, file);
        const expected = writer.lastSeq + 1;
        if (keepSeq && seq !== expected) {
          throw new WalError(
            'WAL_IMPORT',
            where,
            `seq ${seq} does not continue the log (expected ${expected})`,
          );
        }
        const appended = writer.append(event);
        if (rows === 0) firstSeq = appended;
        lastSeq = appended;
        rows++;
      }
      if (writer !== undefined) await writer.flush();
    }
    if (writer === undefined) writer = openImportWriter(options, manifest, undefined, file);
    writer.close();
  } catch (error) {
    writer?.close();
    throw error;
  } finally {
    await handle.close();
  }
  return { rows, firstSeq, lastSeq };
}

function openImportWriter(
  options: ArrowImportOptions,
  manifest: RunManifest | undefined,
  firstSeq: number | undefined,
  file: string,
): WalWriter {
  const { sequence: _sequence, ...writerOptions } = options;
  const dir = options.dir;
  if (options.run === undefined && manifest !== undefined) {
    ensureDir(dir);
    // A new log keeps the recorded run's manifest as it was (code version included).
    if (!existsSync(join(dir, MANIFEST_FILE)) && listSegments(dir).length === 0)
      writeRunManifest(dir, manifest);
  }
  try {
    return WalWriter.open({ ...writerOptions, ...(firstSeq === undefined ? {} : { firstSeq }) });
  } catch (cause) {
    if (
      cause instanceof WalError &&
      cause.code === 'WAL_MANIFEST' &&
      options.run === undefined &&
      manifest === undefined
    ) {
      throw new WalError('WAL_IMPORT', file, 'the file carries no run manifest: pass options.run', { cause });
    }
    throw cause;
  }
}
