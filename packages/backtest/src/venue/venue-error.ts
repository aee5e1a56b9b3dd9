import { QuantKuberaError, type QuantKuberaErrorOptions } from '@quantkubera/core';

/** The error codes a {@link SimulatedVenueError} can carry. */
export type SimulatedVenueErrorCode =
  | 'INVALID_ARGUMENT'
  | 'GATEWAY_NOT_CONNECTED'
  | 'MARKET_DATA_INVALID'
  | 'ORDER_INVALID';

/**
 * A misuse of the simulated venue or one of its models: an option outside its domain (a negative
 * latency, a tick size finer than the price precision, a fee table without a rate for an
 * instrument), market data with an unusable value, or a gateway call with the wrong intent action
 * or before `connect`. `where` names the option, event or call concerned.
 *
 * Venue-side problems with an order (bad price, off-lot quantity, unknown order) are never thrown:
 * they come back as rejecting `OrderAck`s, as on a real venue.
 *
 * @example
 * ```ts
 * try { venue.onMarketData(quote) } catch (err) {
 *   if (err instanceof SimulatedVenueError && err.code === 'MARKET_DATA_INVALID') console.error(err.where);
 * }
 * ```
 */
export class SimulatedVenueError extends QuantKuberaError {
  override readonly _tag = 'SimulatedVenueError' as const;
  /** What kind of misuse: one of {@link SimulatedVenueErrorCode}. */
  declare readonly code: SimulatedVenueErrorCode;
  /** The option, event or call concerned (`FixedLatencyModel inboundUs`, `quote RELIANCE.NSE @ 1700…`). */
  readonly where: string;

  /** Creates an error about `where`, saying what was wrong in `detail`. */
  constructor(
    code: SimulatedVenueErrorCode,
    where: string,
    detail: string,
    options?: QuantKuberaErrorOptions,
  ) {
    super(code, `${where}: ${detail}`, options);
    this.where = where;
  }
}

/** Throws `INVALID_ARGUMENT` unless `value` is a finite number within [min, max]. */
export function requireNumber(
  where: string,
  value: unknown,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new SimulatedVenueError(
      'INVALID_ARGUMENT',
      where,
      `expected a finite number ${range}, got ${String(value)}`,
    );
  }
  return value;
}
