import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND } from '../clock/time.js';
import { IdentifierError } from '../errors/index.js';

/**
 * A bar timeframe as a compact string: a positive integer step and a unit. Time units: `s`, `m`,
 * `h`, `d`, `w` (`1m`, `5m`, `1h`, `1d`); activity units: `tick` (every N trades), `vol` (every N
 * units of volume), `val` (every N of traded value, price × size). Months are not a unit: their
 * length varies; aggregate daily bars instead.
 */
export type Timeframe = string;

/** The units a {@link Timeframe} may use. */
export const TIMEFRAME_UNITS = ['s', 'm', 'h', 'd', 'w', 'tick', 'vol', 'val'] as const;
/** A {@link Timeframe} unit. */
export type TimeframeUnit = (typeof TIMEFRAME_UNITS)[number];

/** The {@link Timeframe} pattern. */
export const TIMEFRAME_PATTERN = /^([1-9][0-9]{0,11})(s|m|h|d|w|tick|vol|val)$/;

/** A parsed {@link Timeframe}. */
export interface TimeframeSpec {
  readonly step: number;
  readonly unit: TimeframeUnit;
  /** Length in microseconds for time units; `undefined` for tick, volume and value bars. */
  readonly durationUs: number | undefined;
}

const UNIT_MICROS: Partial<Record<TimeframeUnit, number>> = {
  s: MICROS_PER_SECOND,
  m: MICROS_PER_MINUTE,
  h: MICROS_PER_HOUR,
  d: MICROS_PER_DAY,
  w: 7 * MICROS_PER_DAY,
};

/**
 * Parses a {@link Timeframe}; throws `IdentifierError` if malformed.
 *
 * @example
 * ```ts
 * parseTimeframe('5m'); // { step: 5, unit: 'm', durationUs: 300_000_000 }
 * ```
 */
export function parseTimeframe(timeframe: string): TimeframeSpec {
  const match = TIMEFRAME_PATTERN.exec(timeframe);
  if (match === null) {
    throw new IdentifierError(
      'timeframe',
      timeframe,
      `expected <step><unit> with unit one of ${TIMEFRAME_UNITS.join(', ')}`,
    );
  }
  const step = Number(match[1]);
  const unit = match[2] as TimeframeUnit;
  const unitUs = UNIT_MICROS[unit];
  return { step, unit, durationUs: unitUs === undefined ? undefined : step * unitUs };
}
