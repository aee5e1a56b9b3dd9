import { InvalidArgumentError } from '../errors/index.js';
import { DEFAULT_CHUNK_BYTES } from './segment-scanner.js';
import { acquireLock, fsyncDir, releaseLock, removeIfExists, writeLogStart } from './wal-directory.js';
import { type RecoveredSegment, type RecoveryReport, recoverLog } from './wal-recovery.js';

/**
 * Which segments to keep. A segment is dropped when any limit says so; only whole segments go,
 * oldest first, and never the last (active) one, so the log stays one contiguous range.
 */
export interface RetentionPolicy {
  /** Drop segments whose newest event (greatest `tsEvent`) is more than this many µs before `nowUs`. */
  readonly maxAgeUs?: number;
  /** Keep at most this many segments (at least the active one is always kept). */
  readonly maxSegments?: number;
  /** Drop the oldest segments while the log is larger than this many bytes. */
  readonly maxBytes?: number;
  /** The time ages are measured against, from a Clock. A writer uses its own clock when omitted. */
  readonly nowUs?: number;
}

/** A segment that retention deleted. */
export interface DroppedSegment {
  /** The deleted segment file. */
  readonly file: string;
  /** Its first sequence number. */
  readonly firstSeq: number;
  /** Its last sequence number. */
  readonly lastSeq: number;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Its greatest `tsEvent`. */
  readonly maxTs: number;
}

/** What {@link applyRetention} did. */
export interface RetentionResult {
  /** Deleted segments, oldest first. */
  readonly dropped: readonly DroppedSegment[];
  /** The log's first sequence number afterwards. */
  readonly firstSeq: number;
  /** When {@link applyRetention} opened a closed log itself: what its recovery found and did. */
  readonly recovery?: RecoveryReport;
}

function checkLimit(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new InvalidArgumentError(`RetentionPolicy ${name}`, value, `an integer >= ${min}`);
  }
}

/**
 * Applies `policy` to `segments` (all of the log's segments, oldest first, the last being the
 * active one) in `dir`. The new first sequence is recorded before any file is deleted, so a crash
 * in between leaves files that the next open deletes, never a hole. The caller holds the lock.
 */
export function applyRetentionTo(
  dir: string,
  segments: readonly RecoveredSegment[],
  policy: RetentionPolicy,
): RetentionResult {
  checkLimit('maxAgeUs', policy.maxAgeUs, 0);
  checkLimit('maxSegments', policy.maxSegments, 1);
  checkLimit('maxBytes', policy.maxBytes, 0);
  if (policy.maxAgeUs !== undefined && policy.nowUs === undefined) {
    throw new InvalidArgumentError('RetentionPolicy nowUs', undefined, 'a time when maxAgeUs is set');
  }
  let count = segments.length;
  let bytes = 0;
  for (const s of segments) bytes += s.length;
  let drop = 0;
  for (; drop < segments.length - 1; drop++) {
    const s = segments[drop]!;
    const tooOld = policy.maxAgeUs !== undefined && s.maxTs < policy.nowUs! - policy.maxAgeUs;
    const tooMany = policy.maxSegments !== undefined && count > policy.maxSegments;
    const tooBig = policy.maxBytes !== undefined && bytes > policy.maxBytes;
    if (!tooOld && !tooMany && !tooBig) break;
    count--;
    bytes -= s.length;
  }
  const kept = segments[drop];
  if (drop === 0 || kept === undefined) return { dropped: [], firstSeq: segments[0]?.file.firstSeq ?? 1 };
  writeLogStart(dir, kept.file.firstSeq);
  const dropped: DroppedSegment[] = [];
  for (let i = 0; i < drop; i++) {
    const s = segments[i]!;
    removeIfExists(s.file.path);
    removeIfExists(s.file.indexPath);
    dropped.push({
      file: s.file.path,
      firstSeq: s.file.firstSeq,
      lastSeq: s.lastSeq,
      bytes: s.length,
      maxTs: s.maxTs,
    });
  }
  fsyncDir(dir);
  return { dropped, firstSeq: kept.file.firstSeq };
}

/**
 * Applies a retention policy to a closed log: takes the directory's lock (a live writer makes
 * this a `WAL_LOCKED` error — call its `applyRetention` instead), recovers the log, then drops
 * whole segments the policy no longer keeps. `maxAgeUs` needs `nowUs`.
 *
 * @example
 * ```ts
 * applyRetention(dir, { maxAgeUs: 7 * MICROS_PER_DAY, nowUs: clock.nowUs() });
 * ```
 */
export function applyRetention(dir: string, policy: RetentionPolicy): RetentionResult {
  const lock = acquireLock(dir);
  try {
    const recovered = recoverLog(dir, {
      repair: false,
      verify: 'tail',
      stride: 1024,
      chunkBytes: DEFAULT_CHUNK_BYTES,
    });
    return { ...applyRetentionTo(dir, recovered.segments, policy), recovery: recovered.report };
  } finally {
    releaseLock(lock);
  }
}
