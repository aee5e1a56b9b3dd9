import type { Instrument } from '../schemas/index.js';

/**
 * Where the engines look up instrument definitions by id. A `Map<string, Instrument>` is one;
 * so is any registry with a `get`.
 *
 * @example
 * ```ts
 * const instruments: InstrumentSource = new Map([[nifty.id, nifty], [btc.id, btc]]);
 * ```
 */
export interface InstrumentSource {
  /** The definition of `instrumentId`, or `undefined` when unknown. */
  get(instrumentId: string): Instrument | undefined;
}
