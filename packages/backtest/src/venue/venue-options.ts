import {
  type Clock,
  cryptoCalendar,
  type FillEvent,
  type Instrument,
  nseCalendar,
  type RngSeed,
  type SessionCalendar,
} from '@quantkubera/core';
import type { FeeBreakdown, FeeModel } from '../fees/index.js';
import type { FillModel } from '../fill-models/index.js';
import type { LatencyModel } from '../latency/index.js';
import type { SlippageModel } from '../slippage/index.js';
import type { IntrabarPath } from './intrabar-path.js';
import type { CircuitBand, L1Overflow, VenueMode } from './matching-engine.js';

/** One instrument the venue trades, with its per-instrument settings. */
export interface SimulatedVenueInstrument {
  /** The definition (tick size, lot size, multiplier, precisions, min/max quantity, min notional). */
  readonly instrument: Instrument;
  /** A price band; none by default. */
  readonly circuit?: CircuitBand;
  /** Sessions for DAY expiry; defaults to the venue's {@link SimulatedVenueOptions.calendar}. */
  readonly calendar?: SessionCalendar;
  /** The account's net position before the run (quantity, negative for short), for reduce-only orders. */
  readonly initialPosition?: number;
}

/** Options of a {@link SimulatedVenue}. */
export interface SimulatedVenueOptions {
  /** Gateway id, in health events (`gateway:<id>`) and venue order ids; default `sim`. */
  readonly id?: string;
  /** The only time source: a `SimClock` in backtests, a `LiveClock` in paper mode. */
  readonly clock: Clock;
  /** Which market data drives matching. */
  readonly mode: VenueMode;
  /** The instruments traded: definitions or {@link SimulatedVenueInstrument}s. */
  readonly instruments: readonly (Instrument | SimulatedVenueInstrument)[];
  /** Seed of every random choice (fill model, slippage, latency); default 0. */
  readonly seed?: RngSeed;
  /** Passive fill model; default `queueFillModel`. */
  readonly fillModel?: FillModel;
  /** Slippage of taking fills; default `noSlippage`. */
  readonly slippageModel?: SlippageModel;
  /** Fees; default `noFees`. */
  readonly feeModel?: FeeModel;
  /** Latency; default `zeroLatency`. */
  readonly latencyModel?: LatencyModel;
  /**
   * Sessions for DAY expiry, for instruments without their own; default `nseCalendar()` for
   * NSE, BSE, NFO, BFO, MCX and CDS instruments and `cryptoCalendar()` (UTC days) for the rest.
   */
  readonly calendar?: SessionCalendar;
  /** Bar mode: which of high and low comes first; default `nearest-extreme-first`. */
  readonly barPath?: IntrabarPath;
  /** Bar mode: the one timeframe matched (`1m`); default: the first timeframe seen per instrument. */
  readonly barTimeframe?: string;
  /** L1: what market orders do beyond the top of book; default `walk`. */
  readonly l1Overflow?: L1Overflow;
  /** L1 `walk`: synthetic levels beyond the top, one tick apart, each the top's size; default 5. */
  readonly l1WalkLevels?: number;
  /** Half-life, in price updates, of the volatility estimate slippage models may use; default 20. */
  readonly volatilityHalfLife?: number;
  /** How many closed orders and fills the reconciliation reports keep; default 100,000. */
  readonly retention?: number;
  /** Called with every fill and its itemised fees when the venue executes it (before latency). */
  readonly onFill?: (fill: FillEvent, fees: FeeBreakdown) => void;
}

const INDIAN_VENUES = new Set(['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS']);

let nse: SessionCalendar | undefined;
let crypto: SessionCalendar | undefined;

/** The default session calendar for an instrument: NSE hours for Indian venues, UTC days otherwise. */
export function defaultCalendarFor(instrument: Instrument): SessionCalendar {
  if (INDIAN_VENUES.has(instrument.venue)) {
    nse ??= nseCalendar();
    return nse;
  }
  crypto ??= cryptoCalendar();
  return crypto;
}
