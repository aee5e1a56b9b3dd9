import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Clock, TimerHandle } from '../clock/index.js';
import { LiveClock, MICROS_PER_MILLI } from '../clock/index.js';
import { eventCodec } from '../codec/index.js';
import { HandlerError, InvalidArgumentError, type QuantKuberaError } from '../errors/index.js';
import type { CanonicalEvent } from '../schemas/index.js';
import {
  checkSameRun,
  createRunManifest,
  MANIFEST_FILE,
  type RunInfo,
  type RunManifest,
  readRunManifest,
  writeRunManifest,
} from './run-manifest.js';
import { DEFAULT_CHUNK_BYTES } from './segment-scanner.js';
import {
  acquireLock,
  ensureDir,
  fsyncDir,
  listSegments,
  readLogStart,
  releaseLock,
  type SegmentFile,
  segmentFile,
  writeLogStart,
} from './wal-directory.js';
import { ioError, WalError } from './wal-errors.js';
import {
  ENTRY_SEAL,
  ENTRY_SEEK,
  encodeIndexEntry,
  encodeIndexHeader,
  encodeSegmentHeader,
  INDEX_ENTRY_SIZE,
  INDEX_HEADER_SIZE,
  MAX_RECORD_SIZE,
  RECORD_HEADER_SIZE,
  SEGMENT_HEADER_SIZE,
  sealRecord,
} from './wal-format.js';
import { type RecoveredSegment, type RecoveryReport, recoverLog } from './wal-recovery.js';
import { applyRetentionTo, type RetentionPolicy, type RetentionResult } from './wal-retention.js';

/**
 * When appended records reach stable storage. `none`: only on `sync()`, `flush()` and `close()`
 * (a crash of the machine may lose anything since); `interval`: a group commit writes and
 * fsyncs every `groupCommitMs` (the default); `always`: every `append` writes and fsyncs before
 * returning (slow: one disk flush per event).
 */
export type Durability = 'none' | 'interval' | 'always';

/** Options of {@link WalWriter.open}. */
export interface WalWriterOptions {
  /** The log directory; created if missing. */
  readonly dir: string;
  /** The run this log records. Required to create a log; when reopening, must match the manifest. */
  readonly run?: RunInfo;
  /** Default `interval`. */
  readonly durability?: Durability;
  /** Milliseconds between group commits under `interval`. Default 10. */
  readonly groupCommitMs?: number;
  /** Drives the group commit timer and retention ages. Default: a `LiveClock` owned by the writer. */
  readonly clock?: Clock;
  /** A segment rolls over before it would exceed this many bytes. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Size of the append buffer; full buffers are written in one system call. Default 1 MiB. */
  readonly bufferBytes?: number;
  /** Records between seek points of a segment's index. Default 1024. */
  readonly indexInterval?: number;
  /** Quarantine damage found on open instead of failing (see `recoverWal`). Default false. */
  readonly repair?: boolean;
  /** Verify only unsealed segments on open (`tail`, default) or every record (`full`). */
  readonly verify?: 'tail' | 'full';
  /** Sequence number of the first record of a new log (an import that keeps numbers). Default 1. */
  readonly firstSeq?: number;
  /** Called after each group commit or sync with the new durable sequence number. */
  readonly onDurable?: (durableSeq: number) => void;
  /**
   * Receives a failure of the background group commit (a {@link WalError}; the writer is failed
   * from then on and every later call throws it) and errors thrown by `onDurable` (a
   * `HandlerError`). Default: written to stderr.
   */
  readonly onError?: (error: QuantKuberaError) => void;
}

/** Counters of a {@link WalWriter}. */
export interface WalWriterStats {
  /** Records appended since open. */
  readonly appended: number;
  /** Record bytes appended since open. */
  readonly bytes: number;
  /** Write system calls for record data. */
  readonly writes: number;
  /** fsync/fdatasync calls completed. */
  readonly syncs: number;
  /** Segments created since open. */
  readonly rollovers: number;
}

const OPEN = 0;
const FAILED = 1;
const CLOSED = 2;

/** A segment file held open for appending. */
interface OpenSegment {
  readonly file: SegmentFile;
  readonly fd: number;
  readonly indexFd: number;
  /** Asynchronous fdatasyncs still running on `fd`; the fds are closed when they finish. */
  pendingSyncs: number;
  retired: boolean;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: (durableSeq: number) => void;
  readonly reject: (error: unknown) => void;
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`WalWriter ${name}`, value, `an integer >= ${min}`);
  }
  return value;
}

function writeAll(fd: number, bytes: Uint8Array, length: number, position: number, path: string): void {
  let at = 0;
  try {
    while (at < length) at += writeSync(fd, bytes, at, length - at, position + at);
  } catch (cause) {
    throw ioError(path, `write ${length - at} bytes at byte ${position + at}`, cause);
  }
}

/**
 * The append side of the write-ahead event log. `append` encodes an event into a large
 * preallocated buffer (codec frame wrapped in a record header with a CRC-32C and a sequence
 * number) and returns its sequence number; full buffers and group commits reach the file in one
 * write each. `durableSeq` is the highest sequence known to be on stable storage: the writer
 * only reports a sequence durable after an fsync that covers it returned.
 *
 * Opening runs crash recovery (see `recoverWal`); its report is `recovery`. One writer
 * per directory: a `LOCK` file keeps out a second one. Call `close()` (or await `flush()`)
 * before the process exits: records still in the buffer are not on disk yet.
 *
 * @example
 * ```ts
 * const wal = WalWriter.open({ dir: 'runs/2024-11-20', run: { configHash, seed: 42, createdUs: clock.nowUs() } });
 * bus.subscribe('trade', (t) => wal.append(t));
 * ...
 * await wal.flush(); // everything appended so far is durable
 * wal.close();
 * ```
 */
export class WalWriter {
  /** The log directory. */
  readonly dir: string;
  /** The run manifest beside the log. */
  readonly manifest: RunManifest;
  /** What recovery found and did when the log was opened. */
  readonly recovery: RecoveryReport;
  /** The durability policy in force. */
  readonly durability: Durability;

  #state = OPEN;
  #failure: WalError | undefined;
  readonly #lockPath: string;
  readonly #clock: Clock;
  readonly #ownsClock: boolean;
  readonly #timer: TimerHandle | undefined;
  readonly #segmentBytes: number;
  readonly #stride: number;
  readonly #always: boolean;
  readonly #onDurable: ((durableSeq: number) => void) | undefined;
  readonly #onError: (error: QuantKuberaError) => void;

  #buf: Uint8Array;
  #dv: DataView;
  #pos = 0;
  #idxBuf = new Uint8Array(INDEX_ENTRY_SIZE * 64);
  #idxDv = new DataView(this.#idxBuf.buffer);
  #idxPos = 0;

  #seg: OpenSegment;
  // Numeric fields are initialised so that V8 stores doubles in them unboxed (a field declared
  // without one starts as `undefined` and every later double store allocates).
  #segFirstSeq = 0;
  #segWritten: number; // bytes of the segment already in the file
  #segSize: number; // bytes of the segment including those still buffered
  #segIndexWritten = 0;
  #segRecords = 0;
  #segMaxTs = 0;
  readonly #segments: RecoveredSegment[];

  #nextSeq = 0;
  #writtenSeq = 0;
  #durableSeq = 0;
  #syncInFlight = false;
  #syncAgain = false;
  #waiters: Waiter[] = [];

  #appended = 0;
  #bytes = 0;
  #writes = 0;
  #syncs = 0;
  #rollovers = 0;

  private constructor(options: WalWriterOptions) {
    const dir = options.dir;
    this.dir = dir;
    this.durability = options.durability ?? 'interval';
    if (this.durability !== 'none' && this.durability !== 'interval' && this.durability !== 'always') {
      throw new InvalidArgumentError(
        'WalWriter durability',
        this.durability,
        "'none', 'interval' or 'always'",
      );
    }
    const groupCommitMs = positiveInt('groupCommitMs', options.groupCommitMs, 10);
    this.#segmentBytes = positiveInt('segmentBytes', options.segmentBytes, 64 * 1024 * 1024, 4096);
    const bufferBytes = positiveInt('bufferBytes', options.bufferBytes, 1024 * 1024, 4096);
    this.#stride = positiveInt('indexInterval', options.indexInterval, 1024);
    const firstSeq = positiveInt('firstSeq', options.firstSeq, 1);
    this.#always = this.durability === 'always';
    this.#onDurable = options.onDurable;
    this.#onError =
      options.onError ??
      ((error) => {
        process.stderr.write(`WAL ${dir}: ${error.message}\n`);
      });

    ensureDir(dir);
    this.#lockPath = acquireLock(dir);
    try {
      const existing = readRunManifest(dir);
      const fresh = listSegments(dir).length === 0;
      if (existing === undefined) {
        if (!fresh)
          throw new WalError('WAL_MANIFEST', `${dir}/${MANIFEST_FILE}`, 'the log has no run manifest');
        if (options.run === undefined) {
          throw new WalError(
            'WAL_MANIFEST',
            dir,
            'creating a log needs the run info (configHash, createdUs)',
          );
        }
        this.manifest = createRunManifest(options.run);
        writeRunManifest(dir, this.manifest);
      } else {
        if (options.run !== undefined) checkSameRun(existing, options.run, `${dir}/${MANIFEST_FILE}`);
        this.manifest = existing;
      }
      if (fresh && firstSeq !== 1 && readLogStart(dir) === 1) writeLogStart(dir, firstSeq);

      const recovered = recoverLog(dir, {
        repair: options.repair ?? false,
        verify: options.verify ?? 'tail',
        stride: this.#stride,
        chunkBytes: DEFAULT_CHUNK_BYTES,
      });
      this.recovery = recovered.report;
      this.#segments = recovered.segments;
      this.#nextSeq = recovered.nextSeq;
      this.#writtenSeq = recovered.nextSeq - 1;
      // Recovery fsynced the last segment, so everything it found is durable.
      this.#durableSeq = this.#writtenSeq;
      this.#buf = new Uint8Array(bufferBytes);
      this.#dv = new DataView(this.#buf.buffer);

      const tail = this.#segments[this.#segments.length - 1];
      if (tail === undefined) {
        this.#seg = this.#createSegment(this.#nextSeq);
        this.#segments.push({
          file: this.#seg.file,
          lastSeq: this.#nextSeq - 1,
          length: SEGMENT_HEADER_SIZE,
          maxTs: 0,
        });
        this.#segWritten = SEGMENT_HEADER_SIZE;
        this.#segMaxTs = 0;
        this.#segIndexWritten = 0;
      } else {
        const index = recovered.tailIndex;
        this.#seg = this.#openSegment(tail.file);
        this.#segWritten = tail.length;
        this.#segMaxTs = tail.maxTs;
        this.#segIndexWritten = index === undefined ? 0 : index.seekSeq.length;
      }
      this.#segFirstSeq = this.#seg.file.firstSeq;
      this.#segSize = this.#segWritten;
      this.#segRecords = this.#nextSeq - this.#segFirstSeq;
    } catch (error) {
      releaseLock(this.#lockPath);
      throw error;
    }
    this.#ownsClock = options.clock === undefined;
    this.#clock = options.clock ?? new LiveClock({ unref: true });
    this.#timer =
      this.durability === 'interval'
        ? this.#clock.setTimer({
            name: 'wal-group-commit',
            intervalUs: groupCommitMs * MICROS_PER_MILLI,
            callback: this.#groupCommit,
          })
        : undefined;
  }

  /**
   * Opens (creating if needed) the log in `options.dir` for appending, after crash recovery.
   * Throws {@link WalCorruptionError} on damage recovery may not fix without `repair`, and
   * {@link WalError} when the directory is locked or the manifest is missing or for another run.
   */
  static open(options: WalWriterOptions): WalWriter {
    return new WalWriter(options);
  }

  /** Sequence number of the last appended record (`firstSeq - 1` before any). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Highest sequence number known to be on stable storage (fsynced). */
  get durableSeq(): number {
    return this.#durableSeq;
  }

  /** The failure that stopped the writer, if any. */
  get failure(): WalError | undefined {
    return this.#failure;
  }

  /** True until `close()` or a failure. */
  get isOpen(): boolean {
    return this.#state === OPEN;
  }

  /** Counters since open. */
  get stats(): WalWriterStats {
    return {
      appended: this.#appended,
      bytes: this.#bytes,
      writes: this.#writes,
      syncs: this.#syncs,
      rollovers: this.#rollovers,
    };
  }

  /**
   * Appends one event and returns its sequence number. Synchronous and allocation-free: the
   * record goes into the append buffer, which reaches the file when it fills, at the next group
   * commit, or now under `always`. Throws `EncodeError` for an event the codec cannot encode
   * (nothing is appended then) and {@link WalError} once the writer is closed or failed.
   */
  append(event: CanonicalEvent): number {
    if (this.#state !== OPEN) throw this.#unwritable();
    let at = this.#pos;
    let frame = eventCodec.encodeInto(event, this.#buf, at + RECORD_HEADER_SIZE);
    if (frame < 0) {
      this.#makeRoom(event);
      at = this.#pos;
      frame = eventCodec.encodeInto(event, this.#buf, at + RECORD_HEADER_SIZE);
    }
    const length = RECORD_HEADER_SIZE + frame;
    if (this.#segSize + length > this.#segmentBytes && this.#segRecords > 0) at = this.#rollover(at, length);
    const seq = this.#nextSeq;
    sealRecord(this.#dv, this.#buf, at, frame, seq);
    if ((seq - this.#segFirstSeq) % this.#stride === 0) this.#addSeekPoint(seq);
    const ts = event.tsEvent;
    if (ts > this.#segMaxTs) this.#segMaxTs = ts;
    this.#pos = at + length;
    this.#segSize += length;
    this.#segRecords++;
    this.#nextSeq = seq + 1;
    this.#appended++;
    this.#bytes += length;
    if (this.#always) this.sync();
    return seq;
  }

  /**
   * Writes everything appended and fsyncs it before returning; returns the durable sequence
   * number (then equal to `lastSeq`). Blocks the thread for the disk flush; prefer `flush()`.
   */
  sync(): number {
    if (this.#state !== OPEN) throw this.#unwritable();
    try {
      this.#writeOut();
      if (this.#writtenSeq > this.#durableSeq) {
        const target = this.#writtenSeq;
        try {
          fdatasyncSync(this.#seg.fd);
        } catch (cause) {
          throw ioError(this.#seg.file.path, 'fdatasync', cause);
        }
        this.#syncs++;
        this.#markDurable(target);
      }
    } catch (error) {
      throw this.#failWith(error);
    }
    return this.#durableSeq;
  }

  /**
   * Writes everything appended and resolves, with the durable sequence number, once an fsync
   * covering it has completed; the fsync runs off the main thread. Rejects with the writer's
   * failure.
   */
  flush(): Promise<number> {
    if (this.#state !== OPEN) return Promise.reject(this.#unwritable());
    try {
      this.#writeOut();
    } catch (error) {
      return Promise.reject(this.#failWith(error));
    }
    const target = this.#writtenSeq;
    if (target <= this.#durableSeq) return Promise.resolve(this.#durableSeq);
    return new Promise<number>((resolve, reject) => {
      this.#waiters.push({ seq: target, resolve, reject });
      this.#startSync();
    });
  }

  /**
   * Drops whole segments the policy no longer keeps, oldest first, never the segment being
   * appended to. Ages are measured against this writer's clock unless the policy gives `nowUs`.
   */
  applyRetention(policy: RetentionPolicy): RetentionResult {
    if (this.#state !== OPEN) throw this.#unwritable();
    const nowUs = policy.nowUs ?? this.#clock.nowUs();
    const segments = this.#segments.slice();
    segments[segments.length - 1] = {
      file: this.#seg.file,
      lastSeq: this.#nextSeq - 1,
      length: this.#segSize,
      maxTs: this.#segMaxTs,
    };
    const result = applyRetentionTo(this.dir, segments, { ...policy, nowUs });
    this.#segments.splice(0, result.dropped.length);
    return result;
  }

  /**
   * Writes and fsyncs everything appended, stops the group commit and releases the directory.
   * Idempotent. On a failed writer it only releases resources.
   */
  close(): void {
    if (this.#state === CLOSED) return;
    const wasOpen = this.#state === OPEN;
    try {
      if (wasOpen) this.sync();
    } finally {
      this.#state = CLOSED;
      if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
      if (this.#ownsClock && this.#clock instanceof LiveClock) this.#clock.dispose();
      this.#retire(this.#seg);
      releaseLock(this.#lockPath);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) {
        if (w.seq <= this.#durableSeq) w.resolve(this.#durableSeq);
        else w.reject(this.#unwritable());
      }
    }
  }

  #unwritable(): WalError {
    return this.#failure ?? new WalError('WAL_CLOSED', this.dir, 'the writer is closed');
  }

  /** Fails the writer with `error` (its state on disk is now unknown) and returns the failure. */
  #failWith(error: unknown): WalError {
    const failure = error instanceof WalError ? error : ioError(this.dir, 'append', error);
    this.#fail(failure);
    return this.#failure ?? failure;
  }

  #fail(error: WalError): void {
    if (this.#state !== OPEN) return;
    this.#failure = error;
    this.#state = FAILED;
    if (this.#timer !== undefined) this.#clock.cancel(this.#timer);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }

  readonly #groupCommit = (): void => {
    if (this.#state !== OPEN) return;
    try {
      this.#writeOut();
    } catch (error) {
      this.#onError(this.#failWith(error));
      return;
    }
    if (this.#writtenSeq > this.#durableSeq) this.#startSync();
  };

  #startSync(): void {
    if (this.#syncInFlight) {
      this.#syncAgain = true;
      return;
    }
    const seg = this.#seg;
    const target = this.#writtenSeq;
    this.#syncInFlight = true;
    seg.pendingSyncs++;
    fdatasync(seg.fd, (cause) => {
      this.#syncInFlight = false;
      seg.pendingSyncs--;
      if (seg.retired && seg.pendingSyncs === 0) this.#closeFds(seg);
      if (cause !== null) {
        const error = ioError(seg.file.path, 'fdatasync', cause);
        if (this.#state === OPEN) {
          this.#fail(error);
          this.#onError(error);
        }
        return;
      }
      this.#syncs++;
      this.#markDurable(target);
      if (this.#syncAgain) {
        this.#syncAgain = false;
        if (this.#state === OPEN && (this.#writtenSeq > this.#durableSeq || this.#waiters.length > 0)) {
          this.#startSync();
        }
      }
    });
  }

  #markDurable(seq: number): void {
    if (seq <= this.#durableSeq) return;
    this.#durableSeq = seq;
    if (this.#waiters.length > 0) {
      const still: Waiter[] = [];
      for (const w of this.#waiters) {
        if (w.seq <= seq) w.resolve(seq);
        else still.push(w);
      }
      this.#waiters = still;
    }
    if (this.#onDurable !== undefined) {
      try {
        this.#onDurable(seq);
      } catch (cause) {
        this.#onError(new HandlerError('wal-durable', 'onDurable', cause));
      }
    }
  }

  /** Writes buffered records and pending index entries to the current segment. */
  #writeOut(): void {
    if (this.#pos > 0) {
      writeAll(this.#seg.fd, this.#buf, this.#pos, this.#segWritten, this.#seg.file.path);
      this.#writes++;
      this.#segWritten += this.#pos;
      this.#pos = 0;
      this.#writtenSeq = this.#nextSeq - 1;
    }
    if (this.#idxPos > 0) {
      const position = INDEX_HEADER_SIZE + this.#segIndexWritten * INDEX_ENTRY_SIZE;
      writeAll(this.#seg.indexFd, this.#idxBuf, this.#idxPos, position, this.#seg.file.indexPath);
      this.#segIndexWritten += this.#idxPos / INDEX_ENTRY_SIZE;
      this.#idxPos = 0;
    }
  }

  /** The buffer cannot take the next record: write it out, and grow it if the record is larger. */
  #makeRoom(event: CanonicalEvent): void {
    try {
      this.#writeOut();
    } catch (error) {
      throw this.#failWith(error);
    }
    let size = this.#buf.length;
    while (eventCodec.encodeInto(event, this.#buf, RECORD_HEADER_SIZE) < 0) {
      if (size >= MAX_RECORD_SIZE) throw new WalError('WAL_IO', this.dir, 'record exceeds the maximum size');
      size = Math.min(size * 2, MAX_RECORD_SIZE);
      this.#buf = new Uint8Array(size);
      this.#dv = new DataView(this.#buf.buffer);
    }
  }

  #addSeekPoint(seq: number): void {
    if (this.#idxPos + INDEX_ENTRY_SIZE > this.#idxBuf.length) {
      const bigger = new Uint8Array(this.#idxBuf.length * 2);
      bigger.set(this.#idxBuf);
      this.#idxBuf = bigger;
      this.#idxDv = new DataView(bigger.buffer);
    }
    encodeIndexEntry(this.#idxDv, this.#idxBuf, this.#idxPos, ENTRY_SEEK, seq, this.#segSize, this.#segMaxTs);
    this.#idxPos += INDEX_ENTRY_SIZE;
  }

  /**
   * Closes the current segment and starts the next with the record encoded at `at`; returns its
   * new position in the buffer. Order matters for recovery: the old segment is fsynced, the new
   * one is created and made durable, and only then is the old one sealed.
   */
  #rollover(at: number, length: number): number {
    try {
      const frameStart = at + RECORD_HEADER_SIZE;
      this.#pos = at;
      this.#writeOut();
      const old = this.#seg;
      try {
        fdatasyncSync(old.fd);
      } catch (cause) {
        throw ioError(old.file.path, 'fdatasync', cause);
      }
      this.#syncs++;
      this.#markDurable(this.#writtenSeq);
      const lastSeq = this.#nextSeq - 1;
      const sealed: RecoveredSegment = {
        file: old.file,
        lastSeq,
        length: this.#segWritten,
        maxTs: this.#segMaxTs,
      };
      this.#seg = this.#createSegment(this.#nextSeq);
      const seal = new Uint8Array(INDEX_ENTRY_SIZE);
      encodeIndexEntry(new DataView(seal.buffer), seal, 0, ENTRY_SEAL, lastSeq, sealed.length, sealed.maxTs);
      const position = INDEX_HEADER_SIZE + this.#segIndexWritten * INDEX_ENTRY_SIZE;
      writeAll(old.indexFd, seal, INDEX_ENTRY_SIZE, position, old.file.indexPath);
      try {
        fsyncSync(old.indexFd);
      } catch (cause) {
        throw ioError(old.file.indexPath, 'fsync', cause);
      }
      this.#retire(old);
      this.#segments[this.#segments.length - 1] = sealed;
      this.#segments.push({
        file: this.#seg.file,
        lastSeq,
        length: SEGMENT_HEADER_SIZE,
        maxTs: 0,
      });
      this.#segFirstSeq = this.#nextSeq;
      this.#segWritten = SEGMENT_HEADER_SIZE;
      this.#segSize = SEGMENT_HEADER_SIZE;
      this.#segIndexWritten = 0;
      this.#segRecords = 0;
      this.#segMaxTs = 0;
      this.#rollovers++;
      this.#buf.copyWithin(RECORD_HEADER_SIZE, frameStart, at + length);
    } catch (error) {
      throw this.#failWith(error);
    }
    return 0;
  }

  #createSegment(firstSeq: number): OpenSegment {
    const file = segmentFile(this.dir, firstSeq);
    let fd = -1;
    let indexFd = -1;
    try {
      fd = openSync(file.path, 'wx+');
      writeAll(fd, encodeSegmentHeader(firstSeq), SEGMENT_HEADER_SIZE, 0, file.path);
      fdatasyncSync(fd);
      indexFd = openSync(file.indexPath, 'w+');
      writeAll(indexFd, encodeIndexHeader(firstSeq, this.#stride), INDEX_HEADER_SIZE, 0, file.indexPath);
    } catch (cause) {
      if (fd >= 0) closeSync(fd);
      if (indexFd >= 0) closeSync(indexFd);
      throw cause instanceof WalError ? cause : ioError(file.path, 'create the segment', cause);
    }
    fsyncDir(this.dir);
    return { file, fd, indexFd, pendingSyncs: 0, retired: false };
  }

  #openSegment(file: SegmentFile): OpenSegment {
    let fd = -1;
    try {
      fd = openSync(file.path, 'r+');
      const indexFd = openSync(file.indexPath, 'r+');
      return { file, fd, indexFd, pendingSyncs: 0, retired: false };
    } catch (cause) {
      if (fd >= 0) closeSync(fd);
      throw ioError(file.path, 'open for appending', cause);
    }
  }

  /** Stops using a segment; its files close now or when its last asynchronous fsync returns. */
  #retire(seg: OpenSegment): void {
    if (seg.retired) return;
    seg.retired = true;
    if (seg.pendingSyncs === 0) this.#closeFds(seg);
  }

  #closeFds(seg: OpenSegment): void {
    try {
      closeSync(seg.fd);
      closeSync(seg.indexFd);
    } catch (cause) {
      this.#onError(ioError(seg.file.path, 'close', cause));
    }
  }
}
