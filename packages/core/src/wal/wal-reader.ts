import { defer, Observable } from 'rxjs';
import type { UnixMicros } from '../clock/index.js';
import { eventCodec } from '../codec/index.js';
import { DecodeError, InvalidArgumentError } from '../errors/index.js';
import type { CanonicalEvent, EventKind } from '../schemas/index.js';
import { type RunManifest, readRunManifest } from './run-manifest.js';
import { readSegmentIndex, type SegmentIndex, seekPointForSeq, seekPointForTime } from './segment-index.js';
import { DEFAULT_CHUNK_BYTES, SCAN_END, SCAN_TORN, SegmentScanner } from './segment-scanner.js';
import { listSegments, readLogStart, type SegmentFile } from './wal-directory.js';
import { WalCorruptionError } from './wal-errors.js';
import { getU64, RECORD_HEADER_SIZE } from './wal-format.js';
import { hasIntactRecordAfter } from './wal-recovery.js';

/** Options of {@link readWal}: where to start, what to deliver, how to treat an unrecovered tail. */
export interface ReadWalOptions {
  /** First sequence number to deliver (inclusive). */
  readonly fromSeq?: number;
  /** Last sequence number to deliver (inclusive). */
  readonly toSeq?: number;
  /**
   * Deliver only records with `tsEvent` ≥ this. The index finds where to start, exactly, even when
   * `tsEvent` is not monotonic in the log; later records before this time are filtered out.
   */
  readonly fromTime?: UnixMicros;
  /** Deliver only these kinds (checked on the frame header, before decoding). */
  readonly kinds?: readonly EventKind[];
  /**
   * Deliver only events about these instruments (`instrumentId`, or the definition's `id` for
   * `instrument` events); events without an instrument are left out.
   */
  readonly instrumentIds?: readonly string[];
  /**
   * A partial or damaged record at the very end of the log, with nothing intact after it (a
   * crash that no writer has recovered yet, or a write in progress): `error` (default) throws
   * `WAL_TORN_TAIL`; `stop` ends the replay before it and records it in {@link WalReader.tornTail}.
   */
  readonly tornTail?: 'error' | 'stop';
  /** Bytes read per system call. Default 1 MiB. */
  readonly chunkBytes?: number;
}

/** Where a reader met a partial record at the end of the log (with `tornTail: 'stop'`). */
export interface ReaderTornTail {
  /** The segment file. */
  readonly file: string;
  /** Byte offset where the partial record starts. */
  readonly offset: number;
  /** The sequence number it would have had. */
  readonly seq: number;
}

/** Events delivered per turn before an async replay yields to the event loop. */
const YIELD_EVERY = 4096;

interface ReaderSegment {
  readonly file: SegmentFile;
  readonly index: SegmentIndex | undefined;
}

function instrumentOf(event: CanonicalEvent): string | undefined {
  if (event.kind === 'instrument') return event.instrument.id;
  return 'instrumentId' in event ? event.instrumentId : undefined;
}

function checkSeq(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new InvalidArgumentError(`readWal ${name}`, value, 'a non-negative integer');
  }
}

/**
 * A replay of a recorded log, in sequence order: a synchronous cursor (`next`, `forEach`, the
 * fastest), an async iterable and an RxJS Observable. Every record's CRC-32C and sequence number
 * is verified before it is decoded (in place, from big chunks); damage is a
 * {@link WalCorruptionError} naming file, offset and sequence, never a skipped record.
 * It reads the segments that existed when it was opened. Single use: create one per replay
 * with {@link readWal}.
 */
export class WalReader implements AsyncIterable<CanonicalEvent> {
  /** The log directory. */
  readonly dir: string;
  /** The run manifest beside the log, when there is one. */
  readonly manifest: RunManifest | undefined;
  /** The log's first sequence number (retention may have moved it past 1). */
  readonly firstSeq: number;

  readonly #segments: ReaderSegment[];
  readonly #scanner: SegmentScanner;
  readonly #fromSeq: number;
  readonly #toSeq: number;
  readonly #fromTime: number;
  readonly #kindMask: Uint8Array | undefined;
  readonly #instruments: ReadonlySet<string> | undefined;
  readonly #stopAtTornTail: boolean;
  #segment = -1;
  #seekedFromIndex = false;
  #seq = 0;
  #done = false;
  #tornTail: ReaderTornTail | undefined;

  /** Opens the log in `dir` for one replay. Prefer {@link readWal}. */
  constructor(dir: string, options: ReadWalOptions = {}) {
    checkSeq('fromSeq', options.fromSeq);
    checkSeq('toSeq', options.toSeq);
    checkSeq('fromTime', options.fromTime);
    this.dir = dir;
    this.manifest = readRunManifest(dir);
    this.firstSeq = readLogStart(dir);
    this.#fromSeq = options.fromSeq ?? 0;
    this.#toSeq = options.toSeq ?? Number.MAX_SAFE_INTEGER;
    this.#fromTime = options.fromTime ?? 0;
    this.#stopAtTornTail = options.tornTail === 'stop';
    if (options.kinds !== undefined) {
      const mask = new Uint8Array(256);
      for (const kind of options.kinds) {
        const id = eventCodec.kindId(kind);
        if (id === undefined) throw new InvalidArgumentError('readWal kinds', kind, 'a canonical event kind');
        mask[id] = 1;
      }
      this.#kindMask = mask;
    }
    if (options.instrumentIds !== undefined) this.#instruments = new Set(options.instrumentIds);
    this.#scanner = new SegmentScanner(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.#segments = listSegments(dir)
      .filter((s) => s.firstSeq >= this.firstSeq)
      .map((file) => ({ file, index: readSegmentIndex(file.indexPath, file.firstSeq) }));
    this.#checkContinuity();
    this.#seekStart();
  }

  /** Sequence number of the event most recently returned (0 before the first). */
  get seq(): number {
    return this.#seq;
  }

  /** With `tornTail: 'stop'`: the partial record the replay stopped before, if any. */
  get tornTail(): ReaderTornTail | undefined {
    return this.#tornTail;
  }

  /**
   * The next event that passes the filters, or `undefined` at the end of the log. Throws
   * {@link WalCorruptionError} on damage.
   */
  next(): CanonicalEvent | undefined {
    if (this.#done) return undefined;
    const scanner = this.#scanner;
    for (;;) {
      const p = scanner.next();
      if (p < 0) {
        if (this.#segmentEnded(p)) continue;
        return undefined;
      }
      this.#seekedFromIndex = false;
      const seq = scanner.expectedSeq - 1;
      if (seq < this.#fromSeq) continue;
      if (seq > this.#toSeq) {
        this.close();
        return undefined;
      }
      const frame = p + RECORD_HEADER_SIZE;
      const buf = scanner.buf;
      if (this.#kindMask !== undefined && this.#kindMask[buf[frame + 4]!] === 0) continue;
      if (this.#fromTime > 0 && getU64(scanner.dv, frame + 8) < this.#fromTime) continue;
      let event: CanonicalEvent;
      try {
        event = eventCodec.decodeUnchecked(buf, frame);
      } catch (cause) {
        throw this.#unreadable(scanner.offset - scanner.recordLength, seq, cause);
      }
      if (this.#instruments !== undefined) {
        const id = instrumentOf(event);
        if (id === undefined || !this.#instruments.has(id)) continue;
      }
      this.#seq = seq;
      return event;
    }
  }

  /**
   * Delivers every remaining event to `handler` with its sequence number, synchronously; returns
   * how many. The fastest replay.
   */
  forEach(handler: (event: CanonicalEvent, seq: number) => void): number {
    let count = 0;
    try {
      for (let event = this.next(); event !== undefined; event = this.next()) {
        handler(event, this.#seq);
        count++;
      }
    } finally {
      this.close();
    }
    return count;
  }

  /** Iterates the events asynchronously, yielding to the event loop every few thousand. */
  [Symbol.asyncIterator](): AsyncIterator<CanonicalEvent> {
    let sinceYield = 0;
    return {
      next: async (): Promise<IteratorResult<CanonicalEvent>> => {
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        let event: CanonicalEvent | undefined;
        try {
          event = this.next();
        } catch (error) {
          this.close();
          throw error;
        }
        if (event === undefined) return { done: true, value: undefined };
        return { done: false, value: event };
      },
      return: async (): Promise<IteratorResult<CanonicalEvent>> => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * The events as an Observable: emitted synchronously in runs of a few thousand, yielding to
   * the event loop between runs; errors are typed as for {@link WalReader.next}. Subscribe once
   * (the reader is a cursor); {@link readWal$} makes a fresh reader per subscription.
   */
  toObservable(): Observable<CanonicalEvent> {
    return new Observable<CanonicalEvent>((subscriber) => {
      let immediate: NodeJS.Immediate | undefined;
      const pump = (): void => {
        immediate = undefined;
        try {
          for (let n = 0; n < YIELD_EVERY; n++) {
            if (subscriber.closed) return;
            const event = this.next();
            if (event === undefined) {
              subscriber.complete();
              return;
            }
            subscriber.next(event);
          }
          immediate = setImmediate(pump);
        } catch (error) {
          subscriber.error(error);
        }
      };
      pump();
      return () => {
        if (immediate !== undefined) clearImmediate(immediate);
        this.close();
      };
    });
  }

  /** Stops the replay and closes its file. Idempotent. */
  close(): void {
    this.#done = true;
    this.#scanner.close();
  }

  #unreadable(offset: number, seq: number, cause: unknown): WalCorruptionError {
    this.close();
    const detail = cause instanceof DecodeError ? cause.message : String(cause);
    return new WalCorruptionError(
      'WAL_UNREADABLE',
      this.#scanner.path,
      offset,
      seq,
      `the record passed its checksum but cannot be decoded: ${detail}`,
      { cause },
    );
  }

  /** Segment seals promise their successors: check them before delivering anything. */
  #checkContinuity(): void {
    const segs = this.#segments;
    const first = segs[0];
    if (first !== undefined && first.file.firstSeq !== this.firstSeq) {
      throw new WalCorruptionError(
        'WAL_SEQUENCE_GAP',
        first.file.path,
        0,
        this.firstSeq,
        `the log starts at seq ${this.firstSeq} but its first segment starts at ${first.file.firstSeq}`,
      );
    }
    for (let i = 0; i < segs.length; i++) {
      const seal = segs[i]!.index?.seal;
      if (seal === undefined) continue;
      const next = segs[i + 1];
      if (next === undefined || next.file.firstSeq !== seal.lastSeq + 1) {
        throw new WalCorruptionError(
          'WAL_SEQUENCE_GAP',
          segs[i]!.file.path,
          seal.length,
          seal.lastSeq + 1,
          next === undefined
            ? `the segment is sealed but no segment follows it`
            : `the next segment starts at seq ${next.file.firstSeq}`,
        );
      }
    }
  }

  /** Positions the scanner at the first record that can pass `fromSeq` and `fromTime`. */
  #seekStart(): void {
    const segs = this.#segments;
    let startSegment = 0;
    let startOffset = -1;
    let startSeq = 0;
    if (this.#fromSeq > 0) {
      for (let i = 0; i < segs.length && segs[i]!.file.firstSeq <= this.#fromSeq; i++) startSegment = i;
      const seg = segs[startSegment];
      if (seg?.index !== undefined) {
        const k = seekPointForSeq(seg.index, this.#fromSeq);
        if (k >= 0) {
          startOffset = seg.index.seekOffset[k]!;
          startSeq = seg.index.seekSeq[k]!;
        }
      }
    }
    if (this.#fromTime > 0) {
      let i = startSegment;
      // Whole segments whose newest event is older than fromTime hold nothing to deliver.
      while (
        i < segs.length - 1 &&
        (segs[i]!.index?.seal?.maxTs ?? Number.POSITIVE_INFINITY) < this.#fromTime
      )
        i++;
      if (i > startSegment) {
        startSegment = i;
        startOffset = -1;
      }
      const index = segs[startSegment]?.index;
      if (index !== undefined) {
        const k = seekPointForTime(index, this.#fromTime);
        if (k >= 0 && index.seekSeq[k]! > startSeq) {
          startOffset = index.seekOffset[k]!;
          startSeq = index.seekSeq[k]!;
        }
      }
    }
    if (segs.length === 0) {
      this.#done = true;
      return;
    }
    this.#openSegment(startSegment);
    if (startOffset >= 0) {
      this.#scanner.seek(startOffset, startSeq);
      this.#seekedFromIndex = true;
    }
  }

  #openSegment(i: number): void {
    const seg = this.#segments[i]!;
    this.#segment = i;
    this.#seekedFromIndex = false;
    const header = this.#scanner.open(seg.file.path);
    if (!header.ok || header.firstSeq !== seg.file.firstSeq) {
      this.close();
      const problem = header.ok
        ? `segment header says it starts at seq ${header.firstSeq}, its name says ${seg.file.firstSeq}`
        : header.reason;
      throw new WalCorruptionError('WAL_CORRUPT', seg.file.path, 0, seg.file.firstSeq, problem);
    }
  }

  /** Handles a scan that stopped; returns true when the replay goes on (next segment, rescan). */
  #segmentEnded(code: number): boolean {
    const scanner = this.#scanner;
    const i = this.#segment;
    const seg = this.#segments[i]!;
    const isLast = i === this.#segments.length - 1;
    if (code !== SCAN_END && this.#seekedFromIndex) {
      // A stale index pointed into the middle of a record: scan the segment from its start.
      this.#openSegment(i);
      return true;
    }
    if (code === SCAN_END) {
      const seal = seg.index?.seal;
      const lastSeq = scanner.expectedSeq - 1;
      if (seal !== undefined && (seal.lastSeq !== lastSeq || seal.length !== scanner.offset)) {
        this.close();
        throw new WalCorruptionError(
          'WAL_CORRUPT',
          seg.file.path,
          scanner.offset,
          lastSeq + 1,
          `segment ends at seq ${lastSeq} but its seal says ${seal.lastSeq}: records are missing from it`,
        );
      }
      if (isLast) {
        this.close();
        return false;
      }
      const next = this.#segments[i + 1]!;
      if (next.file.firstSeq !== scanner.expectedSeq) {
        this.close();
        throw new WalCorruptionError(
          'WAL_SEQUENCE_GAP',
          next.file.path,
          0,
          scanner.expectedSeq,
          `segment files are missing: expected one starting at seq ${scanner.expectedSeq}`,
        );
      }
      this.#openSegment(i + 1);
      return true;
    }
    const offset = scanner.problemOffset;
    const seq = scanner.expectedSeq;
    const problem = scanner.problem;
    this.close();
    // As in recovery: damage at the very end of the log with nothing intact after it is a torn
    // tail. A file that simply ends mid-record may be a write in progress: `stop` stops there
    // without looking further, as the writer may be completing it right now.
    const stopHere = this.#stopAtTornTail && code === SCAN_TORN;
    if (isLast && (stopHere || !hasIntactRecordAfter(seg.file.path, offset, seq))) {
      if (this.#stopAtTornTail) {
        this.#tornTail = { file: seg.file.path, offset, seq };
        return false;
      }
      throw new WalCorruptionError(
        'WAL_TORN_TAIL',
        seg.file.path,
        offset,
        seq,
        `${problem}: the log ends in a partial record; open a WalWriter to recover it`,
      );
    }
    throw new WalCorruptionError('WAL_CORRUPT', seg.file.path, offset, seq, problem);
  }
}

/**
 * Opens the log in `dir` for one replay (see {@link WalReader}).
 *
 * @example
 * ```ts
 * for await (const event of readWal(dir, { fromTime: sessionOpenUs, kinds: ['trade', 'quote'] })) {
 *   strategy.onEvent(event);
 * }
 * ```
 */
export function readWal(dir: string, options?: ReadWalOptions): WalReader {
  return new WalReader(dir, options);
}

/**
 * The log as a cold Observable: every subscription replays it from the start with a fresh
 * reader, at full speed.
 *
 * @example
 * ```ts
 * readWal$(dir, { kinds: ['bar'] }).subscribe((bar) => strategy.onBar(bar));
 * ```
 */
export function readWal$(dir: string, options?: ReadWalOptions): Observable<CanonicalEvent> {
  return defer(() => readWal(dir, options).toObservable());
}
