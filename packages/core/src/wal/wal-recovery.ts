import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { UnixMicros } from '../clock/index.js';
import { crc32cView } from '../codec/crc32c.js';
import type { SystemHealthEvent } from '../schemas/index.js';
import {
  encodeSegmentIndex,
  readSegmentIndex,
  type SegmentIndex,
  type SegmentSeal,
} from './segment-index.js';
import { DEFAULT_CHUNK_BYTES, SCAN_END, SegmentScanner } from './segment-scanner.js';
import {
  acquireLock,
  fsyncDir,
  listSegments,
  QUARANTINE_DIR,
  quarantinePath,
  readLogStart,
  releaseLock,
  removeIfExists,
  type SegmentFile,
  writeFileAtomic,
  writeLogStart,
} from './wal-directory.js';
import { ioError, WalCorruptionError } from './wal-errors.js';
import {
  getU64,
  isPlausibleRecordLength,
  MIN_RECORD_SIZE,
  RECORD_HEADER_SIZE,
  SEGMENT_HEADER_SIZE,
} from './wal-format.js';

/** A partial record at the end of the log that recovery truncated. */
export interface TornTail {
  /** The segment file that was truncated. */
  readonly file: string;
  /** The byte offset it was truncated at (where the partial record began). */
  readonly offset: number;
  /** How many bytes were removed. */
  readonly bytes: number;
  /** The sequence number the partial record would have had. */
  readonly seq: number;
  /** What was wrong with the bytes. */
  readonly reason: string;
}

/** Damaged or unreachable bytes that a repair moved into the quarantine directory. */
export interface QuarantinedPart {
  /** Where the bytes were. */
  readonly file: string;
  /** Their byte offset in `file` (0 for a whole file). */
  readonly offset: number;
  /** How many bytes were moved. */
  readonly bytes: number;
  /** Where they are now. */
  readonly movedTo: string;
  /** The sequence number expected at `offset`: records from here on are no longer in the log. */
  readonly fromSeq: number;
  /** Why they were moved. */
  readonly reason: string;
}

/** What recovery found and did when a log was opened. Empty lists and no torn tail mean a clean log. */
export interface RecoveryReport {
  /** The log directory. */
  readonly dir: string;
  /** Sequence number of the first record in the log (the next one to write when it is empty). */
  readonly firstSeq: number;
  /** Sequence number of the last intact record (`firstSeq - 1` when the log is empty). */
  readonly lastSeq: number;
  /** Number of segment files after recovery. */
  readonly segments: number;
  /** The partial record truncated from the end, when there was one. */
  readonly tornTail: TornTail | undefined;
  /** What a repair moved aside (empty without `repair: true`). */
  readonly quarantined: readonly QuarantinedPart[];
  /** Sequence ranges a repair gave up because their segment files are missing. */
  readonly missing: readonly { readonly fromSeq: number; readonly toSeq: number | undefined }[];
  /** Index files rebuilt from their segments. */
  readonly rebuiltIndexes: readonly string[];
  /** Files removed: segments a crashed retention had already dropped, half-created segments, temporaries. */
  readonly removedFiles: readonly string[];
}

/** Options for {@link recoverLog}. */
export interface RecoverOptions {
  /** Quarantine damaged tails and missing-segment gaps instead of failing with a typed error. */
  readonly repair: boolean;
  /** `tail` verifies unsealed segments (where a crash leaves damage); `full` verifies every record. */
  readonly verify: 'tail' | 'full';
  /** Records between seek points in rebuilt indexes. */
  readonly stride: number;
  /** Read chunk size. */
  readonly chunkBytes: number;
}

/** A segment's state after recovery. */
export interface RecoveredSegment {
  readonly file: SegmentFile;
  readonly lastSeq: number;
  readonly length: number;
  readonly maxTs: number;
}

/** The recovered log: its report, its segments and the state a writer continues from. */
export interface RecoveredLog {
  readonly report: RecoveryReport;
  /** Every segment, oldest first; the last one is where appends continue. */
  readonly segments: RecoveredSegment[];
  /** The last segment's seek points (rewritten on disk without a seal). */
  readonly tailIndex: SegmentIndex | undefined;
  /** Sequence number of the next record to append. */
  readonly nextSeq: number;
}

interface MutableReport {
  dir: string;
  firstSeq: number;
  lastSeq: number;
  segments: number;
  tornTail: TornTail | undefined;
  quarantined: QuarantinedPart[];
  missing: { fromSeq: number; toSeq: number | undefined }[];
  rebuiltIndexes: string[];
  removedFiles: string[];
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (cause) {
    throw ioError(path, 'stat', cause);
  }
}

function truncateFile(path: string, length: number): void {
  let fd = -1;
  try {
    fd = openSync(path, 'r+');
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } catch (cause) {
    throw ioError(path, `truncate to ${length} bytes`, cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function syncFile(path: string): void {
  let fd = -1;
  try {
    fd = openSync(path, 'r+');
    fdatasyncSync(fd);
  } catch (cause) {
    throw ioError(path, 'fdatasync', cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function readRange(path: string, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, from + at);
      if (n === 0) break;
      at += n;
    }
    return out.subarray(0, at);
  } catch (cause) {
    throw ioError(path, `read bytes ${from}..${to}`, cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * True when an intact record with a plausible sequence (≥ `minSeq`) starts anywhere after
 * `from`. Tells a torn tail (nothing valid follows the damage) from damage in the middle of
 * the log (valid records follow it), which must not be truncated silently.
 */
export function hasIntactRecordAfter(path: string, from: number, minSeq: number): boolean {
  const bytes = readRange(path, from + 1, fileSize(path));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxSeq = minSeq + Math.ceil(bytes.length / MIN_RECORD_SIZE);
  for (let q = 0; q + MIN_RECORD_SIZE <= bytes.length; q++) {
    const length = dv.getUint32(q + 4, true);
    if (!isPlausibleRecordLength(length) || q + length > bytes.length) continue;
    const seq = getU64(dv, q + 8);
    if (seq < minSeq || seq > maxSeq) continue;
    if (dv.getUint32(q + RECORD_HEADER_SIZE, true) !== length - RECORD_HEADER_SIZE) continue;
    if (crc32cView(dv, bytes, q + 4, q + length) === dv.getUint32(q, true)) return true;
  }
  return false;
}

function quarantineWhole(dir: string, seg: SegmentFile, reason: string, report: MutableReport): void {
  const bytes = fileSize(seg.path);
  const movedTo = quarantinePath(dir, basename(seg.path));
  try {
    renameSync(seg.path, movedTo);
    try {
      renameSync(seg.indexPath, quarantinePath(dir, basename(seg.indexPath)));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
  } catch (cause) {
    throw ioError(seg.path, 'move into quarantine', cause);
  }
  report.quarantined.push({ file: seg.path, offset: 0, bytes, movedTo, fromSeq: seg.firstSeq, reason });
}

function quarantineTail(
  dir: string,
  seg: SegmentFile,
  offset: number,
  seq: number,
  reason: string,
  report: MutableReport,
): void {
  const bytes = readRange(seg.path, offset, fileSize(seg.path));
  const movedTo = quarantinePath(dir, `${basename(seg.path)}.from-${offset}`);
  let fd = -1;
  try {
    fd = openSync(movedTo, 'wx');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } catch (cause) {
    throw ioError(movedTo, 'write the quarantined bytes', cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  truncateFile(seg.path, offset);
  report.quarantined.push({ file: seg.path, offset, bytes: bytes.length, movedTo, fromSeq: seq, reason });
}

function removeTemporaries(dir: string, report: MutableReport): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw ioError(dir, 'list the directory', cause);
  }
  for (const name of names) {
    if (!name.endsWith('.tmp')) continue;
    if (!(name.startsWith('seg-') || name === 'manifest.json.tmp' || name === 'log-start.json.tmp')) continue;
    const path = join(dir, name);
    if (removeIfExists(path)) report.removedFiles.push(path);
  }
}

function sameSeekPoints(a: SegmentIndex, b: SegmentIndex): boolean {
  if (a.stride !== b.stride || a.seekSeq.length !== b.seekSeq.length) return false;
  for (let i = 0; i < a.seekSeq.length; i++) {
    if (
      a.seekSeq[i] !== b.seekSeq[i] ||
      a.seekOffset[i] !== b.seekOffset[i] ||
      a.seekTsMax[i] !== b.seekTsMax[i]
    ) {
      return false;
    }
  }
  return true;
}

/** Scans a whole segment; returns what it holds, or the problem that stopped the scan. */
function scanSegment(
  scanner: SegmentScanner,
  seg: SegmentFile,
  stride: number,
):
  | { ok: true; lastSeq: number; length: number; maxTs: number; index: SegmentIndex }
  | {
      ok: false;
      headerProblem: boolean;
      offset: number;
      seq: number;
      problem: string;
      partial: SegmentIndex;
      maxTs: number;
    } {
  const index: SegmentIndex = { stride, seekSeq: [], seekOffset: [], seekTsMax: [], seal: undefined };
  const header = scanner.open(seg.path);
  if (!header.ok || header.firstSeq !== seg.firstSeq) {
    scanner.close();
    const problem = header.ok
      ? `segment header says it starts at seq ${header.firstSeq}, its name says ${seg.firstSeq}`
      : header.reason;
    return {
      ok: false,
      headerProblem: true,
      offset: 0,
      seq: seg.firstSeq,
      problem,
      partial: index,
      maxTs: 0,
    };
  }
  let maxTs = 0;
  for (;;) {
    const at = scanner.offset;
    const p = scanner.next();
    if (p < 0) {
      scanner.close();
      if (p === SCAN_END) return { ok: true, lastSeq: scanner.expectedSeq - 1, length: at, maxTs, index };
      return {
        ok: false,
        headerProblem: false,
        offset: scanner.problemOffset,
        seq: scanner.expectedSeq,
        problem: scanner.problem,
        partial: index,
        maxTs,
      };
    }
    const seq = scanner.expectedSeq - 1;
    if ((seq - seg.firstSeq) % stride === 0) {
      index.seekSeq.push(seq);
      index.seekOffset.push(at);
      index.seekTsMax.push(maxTs);
    }
    const ts = getU64(scanner.dv, p + RECORD_HEADER_SIZE + 8);
    if (ts > maxTs) maxTs = ts;
  }
}

/**
 * Brings the log in `dir` to a consistent state before appending: completes an interrupted
 * retention, removes a half-created segment, verifies unsealed segments (all with
 * `verify: 'full'`), truncates a torn tail and reports it, rebuilds missing or stale indexes.
 * Damage that is not a torn tail (a bad record followed by intact ones, a bad record in a
 * sealed segment, a missing segment) is a {@link WalCorruptionError} naming file, offset and
 * sequence, unless `repair` is set: then the damaged tail and everything after it move into
 * `quarantine/` and the report lists them. The caller must hold the directory's lock.
 */
export function recoverLog(dir: string, options: RecoverOptions): RecoveredLog {
  const { repair, verify, stride } = options;
  const start = readLogStart(dir);
  const report: MutableReport = {
    dir,
    firstSeq: start,
    lastSeq: start - 1,
    segments: 0,
    tornTail: undefined,
    quarantined: [],
    missing: [],
    rebuiltIndexes: [],
    removedFiles: [],
  };
  removeTemporaries(dir, report);
  const segs = listSegments(dir);
  // Retention writes the new start first and deletes afterwards: finish a deletion a crash cut short.
  while (segs.length > 0 && segs[0]!.firstSeq < start) {
    const seg = segs.shift()!;
    if (removeIfExists(seg.path)) report.removedFiles.push(seg.path);
    if (removeIfExists(seg.indexPath)) report.removedFiles.push(seg.indexPath);
  }
  // A crash while creating a segment can leave it without a complete header: it holds no record.
  const newest = segs[segs.length - 1];
  if (newest !== undefined) {
    const size = fileSize(newest.path);
    if (size < SEGMENT_HEADER_SIZE) {
      removeIfExists(newest.path);
      removeIfExists(newest.indexPath);
      report.removedFiles.push(newest.path);
      report.tornTail = {
        file: newest.path,
        offset: 0,
        bytes: size,
        seq: newest.firstSeq,
        reason: `segment header incomplete (${size} of ${SEGMENT_HEADER_SIZE} bytes): the writer stopped while creating it`,
      };
      segs.pop();
    }
  }
  const first = segs[0];
  if (first !== undefined && first.firstSeq !== start) {
    const detail = `the log starts at seq ${start} but its first segment starts at ${first.firstSeq}: segment files are missing`;
    if (!repair) throw new WalCorruptionError('WAL_SEQUENCE_GAP', first.path, 0, start, detail);
    writeLogStart(dir, first.firstSeq);
    report.missing.push({ fromSeq: start, toSeq: first.firstSeq - 1 });
    report.firstSeq = first.firstSeq;
  }

  const scanner = new SegmentScanner(options.chunkBytes);
  const segments: RecoveredSegment[] = [];
  let tailIndex: SegmentIndex | undefined;
  let expected = first?.firstSeq ?? start;
  let stopAt = segs.length; // segments from here on are quarantined
  let headerProblem: string | undefined; // why segs[stopAt] itself is unreadable, if it is
  for (let i = 0; i < stopAt; i++) {
    const seg = segs[i]!;
    const isLast = i === stopAt - 1;
    if (seg.firstSeq !== expected) {
      const detail = `segment files are missing: expected one starting at seq ${expected}, the next starts at ${seg.firstSeq}`;
      if (!repair) throw new WalCorruptionError('WAL_SEQUENCE_GAP', seg.path, 0, expected, detail);
      report.missing.push({ fromSeq: expected, toSeq: seg.firstSeq - 1 });
      stopAt = i;
      break;
    }
    const stored = readSegmentIndex(seg.indexPath, seg.firstSeq);
    const size = fileSize(seg.path);
    const seal: SegmentSeal | undefined = stored?.seal;
    if (!isLast && verify === 'tail' && seal !== undefined && seal.length === size) {
      segments.push({ file: seg, lastSeq: seal.lastSeq, length: size, maxTs: seal.maxTs });
      expected = seal.lastSeq + 1;
      continue;
    }
    const scan = scanSegment(scanner, seg, isLast ? stride : (stored?.stride ?? stride));
    let lastSeq: number;
    let length: number;
    let maxTs: number;
    let index: SegmentIndex;
    let truncated = false;
    if (scan.ok) {
      ({ lastSeq, length, maxTs, index } = scan);
    } else {
      const torn = isLast && !scan.headerProblem && !hasIntactRecordAfter(seg.path, scan.offset, scan.seq);
      if (torn) {
        truncateFile(seg.path, scan.offset);
        report.tornTail = {
          file: seg.path,
          offset: scan.offset,
          bytes: size - scan.offset,
          seq: scan.seq,
          reason: scan.problem,
        };
      } else {
        const detail = isLast
          ? `${scan.problem}; intact records follow it, so it is not a torn tail`
          : scan.problem;
        if (!repair) throw new WalCorruptionError('WAL_CORRUPT', seg.path, scan.offset, scan.seq, detail);
        if (scan.headerProblem) {
          headerProblem = detail;
          stopAt = i;
          break;
        }
        quarantineTail(dir, seg, scan.offset, scan.seq, detail, report);
        stopAt = i + 1;
      }
      truncated = true;
      lastSeq = scan.seq - 1;
      length = scan.offset;
      maxTs = scan.maxTs;
      index = scan.partial;
    }
    if (!truncated && seal !== undefined && (seal.lastSeq !== lastSeq || seal.length !== length)) {
      const detail =
        `segment ends at seq ${lastSeq} (byte ${length}) but its seal says seq ${seal.lastSeq} ` +
        `(byte ${seal.length}): records are missing from it`;
      if (!repair) throw new WalCorruptionError('WAL_CORRUPT', seg.path, length, lastSeq + 1, detail);
      report.missing.push({ fromSeq: lastSeq + 1, toSeq: seal.lastSeq });
      stopAt = i + 1;
    }
    if (i === stopAt - 1) {
      // The last segment: a seal here means its successor is gone (seals are written after it exists).
      if (!truncated && seal !== undefined && stopAt === segs.length && seal.lastSeq === lastSeq) {
        const detail = `the segment is sealed, so a segment starting at seq ${lastSeq + 1} should follow it`;
        if (!repair) throw new WalCorruptionError('WAL_SEQUENCE_GAP', seg.path, length, lastSeq + 1, detail);
        report.missing.push({ fromSeq: lastSeq + 1, toSeq: undefined });
      }
      tailIndex = index;
      writeFileAtomic(dir, basename(seg.indexPath), encodeSegmentIndex(seg.firstSeq, index));
    } else if (
      stored?.seal === undefined ||
      stored.seal.length !== length ||
      !sameSeekPoints(stored, index)
    ) {
      writeFileAtomic(
        dir,
        basename(seg.indexPath),
        encodeSegmentIndex(seg.firstSeq, { ...index, seal: { lastSeq, length, maxTs } }),
      );
      report.rebuiltIndexes.push(seg.indexPath);
    }
    segments.push({ file: seg, lastSeq, length, maxTs });
    expected = lastSeq + 1;
  }
  for (let i = stopAt; i < segs.length; i++) {
    const reason =
      i === stopAt && headerProblem !== undefined ? headerProblem : 'follows damaged or missing records';
    quarantineWhole(dir, segs[i]!, reason, report);
  }
  if (report.quarantined.length > 0) {
    fsyncDir(dir);
    fsyncDir(join(dir, QUARANTINE_DIR));
  }
  if (report.removedFiles.length > 0) fsyncDir(dir);
  // When the segment kept last was trusted from its seal, reopen its index without the seal.
  const last = segments[segments.length - 1];
  if (last !== undefined && tailIndex === undefined) {
    const scan = scanSegment(scanner, last.file, stride);
    if (!scan.ok) {
      throw new WalCorruptionError('WAL_CORRUPT', last.file.path, scan.offset, scan.seq, scan.problem);
    }
    tailIndex = scan.index;
    writeFileAtomic(dir, basename(last.file.indexPath), encodeSegmentIndex(last.file.firstSeq, scan.index));
  }
  // What the last segment holds may still sit in the page cache of a process that crashed before
  // its fsync: make it durable before anyone reports it so.
  if (last !== undefined) syncFile(last.file.path);
  report.segments = segments.length;
  report.lastSeq = expected - 1;
  return { report, segments, tailIndex, nextSeq: expected };
}

/** Options of {@link recoverWal}. */
export interface RecoverWalOptions {
  /** Quarantine damage instead of failing with a typed error. Default false. */
  readonly repair?: boolean;
  /** `tail` (default) verifies unsealed segments; `full` verifies every record. */
  readonly verify?: 'tail' | 'full';
}

/**
 * Runs crash recovery on a closed log without opening a writer (a `WAL_LOCKED` error while one
 * is open): what `WalWriter.open` does first. `verify: 'full'` checks every record of every
 * segment, which is the way to audit a log at rest.
 *
 * @example
 * ```ts
 * const report = recoverWal(dir, { verify: 'full' });
 * if (report.tornTail !== undefined) log.warn(report.tornTail);
 * ```
 */
export function recoverWal(dir: string, options: RecoverWalOptions = {}): RecoveryReport {
  const lock = acquireLock(dir);
  try {
    return recoverLog(dir, {
      repair: options.repair ?? false,
      verify: options.verify ?? 'tail',
      stride: 1024,
      chunkBytes: DEFAULT_CHUNK_BYTES,
    }).report;
  } finally {
    releaseLock(lock);
  }
}

const MAX_MESSAGE = 1024;

function healthEvent(
  tsUs: UnixMicros,
  code: 'MALFORMED_MESSAGE' | 'SEQUENCE_GAP',
  message: string,
  value: number,
): SystemHealthEvent {
  return {
    kind: 'health',
    v: 1,
    tsEvent: tsUs,
    tsInit: tsUs,
    component: 'wal',
    status: 'DEGRADED',
    code,
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
    value,
  };
}

/**
 * The recovery report as `health` events, to publish on the bus or append to the log itself so
 * the audit trail says what recovery did: one per torn tail (`MALFORMED_MESSAGE`, value = bytes
 * removed), quarantined part and missing range (`SEQUENCE_GAP`). None for a clean log.
 */
export function recoveryHealthEvents(report: RecoveryReport, tsUs: UnixMicros): SystemHealthEvent[] {
  const events: SystemHealthEvent[] = [];
  const t = report.tornTail;
  if (t !== undefined) {
    events.push(
      healthEvent(
        tsUs,
        'MALFORMED_MESSAGE',
        `truncated a torn tail of ${t.bytes} bytes at ${t.file}:${t.offset} (seq ${t.seq}): ${t.reason}`,
        t.bytes,
      ),
    );
  }
  for (const q of report.quarantined) {
    events.push(
      healthEvent(
        tsUs,
        'SEQUENCE_GAP',
        `quarantined ${q.bytes} bytes from ${q.file}:${q.offset} (seq ${q.fromSeq} on) to ${q.movedTo}: ${q.reason}`,
        q.bytes,
      ),
    );
  }
  for (const m of report.missing) {
    const range = m.toSeq === undefined ? `from seq ${m.fromSeq}` : `seq ${m.fromSeq}..${m.toSeq}`;
    events.push(
      healthEvent(
        tsUs,
        'SEQUENCE_GAP',
        `records ${range} are missing from the log`,
        m.toSeq === undefined ? 0 : m.toSeq - m.fromSeq + 1,
      ),
    );
  }
  return events;
}
