import { QuantKuberaError, type QuantKuberaErrorOptions } from '../errors/index.js';

/** The codes a {@link WalCorruptionError} can carry. */
export type WalCorruptionCode = 'WAL_CORRUPT' | 'WAL_TORN_TAIL' | 'WAL_SEQUENCE_GAP' | 'WAL_UNREADABLE';

/** The codes a {@link WalError} can carry. */
export type WalErrorCode = 'WAL_LOCKED' | 'WAL_CLOSED' | 'WAL_IO' | 'WAL_MANIFEST' | 'WAL_IMPORT';

/**
 * The log's bytes are damaged or incomplete: a record whose CRC-32C or structure fails
 * (`WAL_CORRUPT`), a partial record at the end that recovery has not truncated (`WAL_TORN_TAIL`),
 * a missing segment (`WAL_SEQUENCE_GAP`), or a record that passed its checksum but this build
 * cannot decode (`WAL_UNREADABLE`). Names the file, the byte offset in it and the sequence number
 * expected there. Open a writer with `repair: true` to quarantine the damaged tail.
 *
 * @example
 * ```ts
 * try { for await (const e of readWal(dir)) use(e); } catch (err) {
 *   if (err instanceof WalCorruptionError) console.error(err.file, err.offset, err.seq);
 * }
 * ```
 */
export class WalCorruptionError extends QuantKuberaError {
  override readonly _tag = 'WalCorruptionError' as const;
  declare readonly code: WalCorruptionCode;
  /** The segment file where the damage was found (absolute path). */
  readonly file: string;
  /** The byte offset in `file` of the first damaged record (or of the segment header). */
  readonly offset: number;
  /** The sequence number the log should have had at `offset`. */
  readonly seq: number;

  constructor(
    code: WalCorruptionCode,
    file: string,
    offset: number,
    seq: number,
    detail: string,
    options?: QuantKuberaErrorOptions,
  ) {
    super(code, `${file} at byte ${offset} (seq ${seq}): ${detail}`, options);
    this.file = file;
    this.offset = offset;
    this.seq = seq;
  }
}

/**
 * A write-ahead log operation failed for a reason other than damaged bytes: the directory is
 * locked by another writer, the writer is closed, a file operation failed, the run manifest is
 * invalid or for another run, or an Arrow file cannot be imported.
 */
export class WalError extends QuantKuberaError {
  override readonly _tag = 'WalError' as const;
  declare readonly code: WalErrorCode;
  /** The file or directory concerned. */
  readonly path: string;

  constructor(code: WalErrorCode, path: string, detail: string, options?: QuantKuberaErrorOptions) {
    super(code, `${path}: ${detail}`, options);
    this.path = path;
  }
}

/** Wraps a Node file system error thrown while doing `what` to `path` into a {@link WalError}. */
export function ioError(path: string, what: string, cause: unknown): WalError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new WalError('WAL_IO', path, `cannot ${what}: ${why}`, { cause });
}
