import { IdentifierError } from '../errors/index.js';

/**
 * An instrument's identity across QuantKubera: `SYMBOL.VENUE`, e.g. `RELIANCE.NSE`,
 * `NIFTY24NOV24000CE.NFO`, `BTCUSDT.BINANCE`, `BTCUSDT-PERP.BINANCE`. The venue is the part after
 * the last dot (exchange or venue code); the symbol may itself contain dots, `&` and `-`
 * (`M&M.NSE`, `BAJAJ-AUTO.NSE`) and inner spaces (indices such as `NIFTY 50.NSE`).
 */
export type InstrumentId = string;

/** Venue codes: an uppercase letter then up to 15 uppercase letters, digits or `_`. */
export const VENUE_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,15}$/;
/** The full `SYMBOL.VENUE` pattern (printable ASCII symbol, no leading/trailing space). */
export const INSTRUMENT_ID_PATTERN = /^[\x21-\x7E](?:[\x20-\x7E]{0,62}[\x21-\x7E])?\.[A-Z][A-Z0-9_]{1,15}$/;

/** The two parts of an {@link InstrumentId}. */
export interface InstrumentIdParts {
  readonly symbol: string;
  readonly venue: string;
}

/** Builds an {@link InstrumentId} from a symbol and a venue code; throws `IdentifierError` if malformed. */
export function makeInstrumentId(symbol: string, venue: string): InstrumentId {
  const id = `${symbol}.${venue}`;
  if (!INSTRUMENT_ID_PATTERN.test(id)) {
    throw new IdentifierError('instrument id', id, 'expected SYMBOL.VENUE with an uppercase venue code');
  }
  return id;
}

/**
 * Splits an {@link InstrumentId} into symbol and venue (at the last dot).
 *
 * @example
 * ```ts
 * parseInstrumentId('BRK.B.XNYS'); // { symbol: 'BRK.B', venue: 'XNYS' }
 * ```
 */
export function parseInstrumentId(id: string): InstrumentIdParts {
  if (!INSTRUMENT_ID_PATTERN.test(id)) {
    throw new IdentifierError('instrument id', id, 'expected SYMBOL.VENUE with an uppercase venue code');
  }
  const dot = id.lastIndexOf('.');
  return { symbol: id.slice(0, dot), venue: id.slice(dot + 1) };
}
