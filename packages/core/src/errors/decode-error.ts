import type { ErrorCode } from './error-codes.js';
import { QuantKuberaError, type QuantKuberaErrorOptions } from './quantkubera-error.js';

/** The error codes a {@link DecodeError} can carry. */
export type DecodeErrorCode = Extract<
  ErrorCode,
  'DECODE_TRUNCATED' | 'DECODE_CORRUPT' | 'DECODE_UNKNOWN_KIND' | 'DECODE_UNSUPPORTED_VERSION'
>;

/**
 * Bytes could not be decoded. Says which record kind was being read (when the header was
 * readable) and the absolute byte offset where decoding failed.
 */
export class DecodeError extends QuantKuberaError {
  override readonly _tag = 'DecodeError' as const;
  declare readonly code: DecodeErrorCode;
  /** The record kind whose bytes were being read, or `undefined` if the header was unreadable. */
  readonly kind: string | undefined;
  /** Absolute byte offset in the input where the problem was found. */
  readonly offset: number;

  constructor(
    code: DecodeErrorCode,
    detail: string,
    kind: string | undefined,
    offset: number,
    options?: QuantKuberaErrorOptions,
  ) {
    super(code, `cannot decode ${kind ?? 'record'} at byte ${offset}: ${detail}`, options);
    this.kind = kind;
    this.offset = offset;
  }
}

/** A value could not be encoded: it says which kind and which field. */
export class EncodeError extends QuantKuberaError {
  override readonly _tag = 'EncodeError' as const;
  /** The record kind being encoded. */
  readonly kind: string;
  /** The field that could not be encoded. */
  readonly field: string;

  constructor(kind: string, field: string, detail: string, options?: QuantKuberaErrorOptions) {
    super('ENCODE_FAILED', `cannot encode ${kind}.${field}: ${detail}`, options);
    this.kind = kind;
    this.field = field;
  }
}
