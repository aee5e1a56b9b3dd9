import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Options accepted by every QuantKubera error constructor. */
export interface QuantKuberaErrorOptions {
  /** The underlying error, kept as the ES2022 `cause`. */
  readonly cause?: unknown;
}

/**
 * The base of every error QuantKubera throws. Discriminate with the literal `_tag` (one per
 * subclass) or with the stable `code` from {@link ERROR_CODES}.
 *
 * @example
 * ```ts
 * try { decodeEvent(bytes) } catch (err) {
 *   if (isQuantKuberaError(err) && err.code === 'DECODE_TRUNCATED') retryLater();
 * }
 * ```
 */
export class QuantKuberaError extends Error {
  /** Discriminant: the class of error. Subclasses narrow it to their own literal. */
  readonly _tag: string = 'QuantKuberaError';
  /** A stable code from {@link ERROR_CODES}. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: QuantKuberaErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  /** The documented meaning of this error's code. */
  get codeDescription(): string {
    return ERROR_CODES[this.code];
  }
}

/** True when `value` is any QuantKubera error. */
export function isQuantKuberaError(value: unknown): value is QuantKuberaError {
  return value instanceof QuantKuberaError;
}

/**
 * Normalises anything thrown into a {@link QuantKuberaError}: QuantKubera errors pass through,
 * `Error`s are wrapped with their message (and kept as `cause`), other values are described.
 */
export function toQuantKuberaError(value: unknown, context?: string): QuantKuberaError {
  if (value instanceof QuantKuberaError) return value;
  const prefix = context === undefined ? '' : `${context}: `;
  if (value instanceof Error) {
    return new QuantKuberaError('UNKNOWN', `${prefix}${value.message}`, { cause: value });
  }
  return new QuantKuberaError('UNKNOWN', `${prefix}non-error value thrown: ${describe(value)}`, {
    cause: value,
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return String(JSON.stringify(value) ?? String(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
