import { type ErrorCode, QuantKuberaError, type QuantKuberaErrorOptions } from '@quantkubera/core';

/** The error codes a {@link RingError} can carry. */
export type RingErrorCode = Extract<
  ErrorCode,
  | 'RING_INVALID_ARGUMENT'
  | 'RING_NOT_FOUND'
  | 'RING_EXISTS'
  | 'RING_NOT_READY'
  | 'RING_LAYOUT_MISMATCH'
  | 'RING_MESSAGE_TOO_LARGE'
  | 'RING_FULL'
  | 'RING_BUSY'
  | 'RING_CLOSED'
  | 'RING_PRODUCER_DEAD'
  | 'RING_CONSUMER_DEAD'
  | 'RING_CORRUPT'
  | 'RING_SYSTEM'
  | 'RING_NATIVE_UNAVAILABLE'
>;

/**
 * A shared-memory ring operation failed. `ring` names the ring (`'(shared)'` for an unnamed
 * `SharedArrayBuffer` ring) and the message says what was wrong and where.
 *
 * @example
 * ```ts
 * try { openRingConsumer('md.quotes') } catch (err) {
 *   if (err instanceof RingError && err.code === 'RING_NOT_FOUND') startWithoutMarketData();
 * }
 * ```
 */
export class RingError extends QuantKuberaError {
  override readonly _tag = 'RingError' as const;
  declare readonly code: RingErrorCode;
  /** The ring's name. */
  readonly ring: string;

  constructor(code: RingErrorCode, ring: string, detail: string, options?: QuantKuberaErrorOptions) {
    super(code, `ring ${ring}: ${detail}`, options);
    this.ring = ring;
  }
}
