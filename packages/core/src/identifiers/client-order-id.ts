import { IdentifierError } from '../errors/index.js';

/**
 * A client order id: 1–36 characters of `A-Z a-z 0-9 . _ : / -`, the intersection every supported
 * venue accepts (Binance's `newClientOrderId` is the strictest). Deterministic: generated from a
 * prefix and a counter, never from the wall clock or randomness, so a replayed run produces the
 * same ids.
 */
export type ClientOrderId = string;

/** The allowed client order id pattern. */
export const CLIENT_ORDER_ID_PATTERN = /^[A-Za-z0-9._:/-]{1,36}$/;
/** Strategy ids: 1–24 characters of letters, digits, `_` and `-`. */
export const STRATEGY_ID_PATTERN = /^[A-Za-z0-9_-]{1,24}$/;

/**
 * Generates deterministic client order ids `<prefix>-<n>` (n from 1, or from `start` when
 * resuming a recorded session).
 *
 * @example
 * ```ts
 * const ids = new ClientOrderIdGenerator('momo');
 * ids.next(); // 'momo-1'
 * ids.next(); // 'momo-2'
 * ```
 */
export class ClientOrderIdGenerator {
  readonly prefix: string;
  #count: number;

  constructor(prefix: string, start = 0) {
    if (!STRATEGY_ID_PATTERN.test(prefix)) {
      throw new IdentifierError('client order id prefix', prefix, 'expected 1-24 of [A-Za-z0-9_-]');
    }
    if (!Number.isSafeInteger(start) || start < 0) {
      throw new IdentifierError('client order id start', String(start), 'expected a non-negative integer');
    }
    this.prefix = prefix;
    this.#count = start;
  }

  /** How many ids this generator has issued (including `start`). */
  get count(): number {
    return this.#count;
  }

  /** The next id. */
  next(): ClientOrderId {
    this.#count += 1;
    return `${this.prefix}-${this.#count}`;
  }
}
