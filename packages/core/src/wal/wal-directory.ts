/**
 * The files of a WAL directory other than record bytes: segment listing, the log-start marker
 * that records where retention cut the log, atomic small-file writes, the writer lock and the
 * quarantine area. Node-only (node:fs).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ioError, WalCorruptionError, WalError } from './wal-errors.js';
import { indexFileName, parseSegmentFileName, segmentFileName } from './wal-format.js';

/** Name of the marker that holds the log's first sequence once retention has dropped segments. */
export const LOG_START_FILE = 'log-start.json';
/** Name of the lock file a writer holds. */
export const LOCK_FILE = 'LOCK';
/** Directory that receives damaged bytes moved aside by a repair. */
export const QUARANTINE_DIR = 'quarantine';

/** A segment file found in a WAL directory. */
export interface SegmentFile {
  /** Sequence number of its first record, from its name. */
  readonly firstSeq: number;
  /** Absolute path of the segment file. */
  readonly path: string;
  /** Absolute path of its index file (which may not exist). */
  readonly indexPath: string;
}

/** Every segment file of `dir`, in sequence order. */
export function listSegments(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw ioError(dir, 'list the directory', cause);
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const firstSeq = parseSegmentFileName(name);
    if (firstSeq === undefined) continue;
    out.push({ firstSeq, path: join(dir, name), indexPath: join(dir, indexFileName(firstSeq)) });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** The segment file entry for a first sequence in `dir`. */
export function segmentFile(dir: string, firstSeq: number): SegmentFile {
  return {
    firstSeq,
    path: join(dir, segmentFileName(firstSeq)),
    indexPath: join(dir, indexFileName(firstSeq)),
  };
}

/** Flushes a directory's entries (file creations, renames, deletions) to stable storage. */
export function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (cause) {
    throw ioError(dir, 'fsync the directory', cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Replaces `path` with `data` atomically: a temporary file, fsync, rename, directory fsync. */
export function writeFileAtomic(dir: string, name: string, data: string | Uint8Array): void {
  const path = join(dir, name);
  const tmp = `${path}.tmp`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (cause) {
    throw ioError(path, 'write', cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  fsyncDir(dir);
}

/**
 * The first sequence of the log: 1, or what the log-start marker says when retention (or an
 * import that kept its sequence numbers) moved it. A damaged marker is a typed error, never a
 * guess.
 */
export function readLogStart(dir: string): number {
  const path = join(dir, LOG_START_FILE);
  if (!existsSync(path)) return 1;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new WalCorruptionError('WAL_CORRUPT', path, 0, 0, 'log-start marker is not valid JSON', { cause });
  }
  const firstSeq = (value as { firstSeq?: unknown } | null)?.firstSeq;
  if (typeof firstSeq !== 'number' || !Number.isSafeInteger(firstSeq) || firstSeq < 1) {
    throw new WalCorruptionError('WAL_CORRUPT', path, 0, 0, 'log-start marker has no valid firstSeq');
  }
  return firstSeq;
}

/** Records that the log now starts at `firstSeq` (atomically). */
export function writeLogStart(dir: string, firstSeq: number): void {
  writeFileAtomic(dir, LOG_START_FILE, `${JSON.stringify({ firstSeq })}\n`);
}

/** Deletes a file if it exists. */
export function removeIfExists(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(path, 'delete', cause);
  }
}

/** Creates `dir` (and parents) if missing. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw ioError(dir, 'create the directory', cause);
  }
}

/** A free path in the quarantine directory for a file called `name`. */
export function quarantinePath(dir: string, name: string): string {
  const qdir = join(dir, QUARANTINE_DIR);
  ensureDir(qdir);
  let candidate = join(qdir, name);
  for (let n = 1; existsSync(candidate); n++) candidate = join(qdir, `${name}.${n}`);
  return candidate;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    // EPERM: the process exists but belongs to someone else.
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the writer lock of `dir`: a `LOCK` file holding this process's pid. A lock left by a
 * process that no longer exists (a crash) is taken over; a live holder, this process included,
 * is a `WAL_LOCKED` error. Returns the lock's path.
 */
export function acquireLock(dir: string): string {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return path;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(path, 'create the lock', cause);
    }
    let holder = Number.NaN;
    try {
      holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(path, 'read the lock', cause);
      continue;
    }
    if (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder)) {
      const who = holder === process.pid ? 'another writer in this process' : `process ${holder}`;
      throw new WalError('WAL_LOCKED', dir, `the log is locked by ${who}`);
    }
    // The holder died without closing: the lock is stale.
    removeIfExists(path);
  }
  throw new WalError('WAL_LOCKED', dir, 'the lock changed hands while it was being taken');
}

/** Releases a lock taken by {@link acquireLock}, if this process still holds it. */
export function releaseLock(path: string): void {
  try {
    if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(path, 'release the lock', cause);
  }
}
