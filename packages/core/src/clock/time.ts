/**
 * Time in QuantKubera is an integer count of microseconds since the Unix epoch (UTC), held in a
 * plain `number`. Why not bigint nanoseconds: a bigint allocates on every arithmetic step, while a
 * double holds every integer up to 2^53 exactly, and 2^53 µs reaches the year 2255. Microseconds
 * resolve every venue timestamp we receive (Binance and Kite send milliseconds; CoinDCX ms) and
 * keep sub-millisecond latency checkpoints meaningful.
 */
export type UnixMicros = number;

/** Microseconds in one millisecond. */
export const MICROS_PER_MILLI = 1_000;
/** Microseconds in one second. */
export const MICROS_PER_SECOND = 1_000_000;
/** Microseconds in one minute. */
export const MICROS_PER_MINUTE = 60_000_000;
/** Microseconds in one hour. */
export const MICROS_PER_HOUR = 3_600_000_000;
/** Microseconds in one day (86,400 s; UTC has no DST). */
export const MICROS_PER_DAY = 86_400_000_000;

/** True when `value` is a valid {@link UnixMicros}: a safe, non-negative integer. */
export function isUnixMicros(value: unknown): value is UnixMicros {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Converts epoch milliseconds to {@link UnixMicros}. */
export function microsFromMillis(ms: number): UnixMicros {
  return Math.round(ms * MICROS_PER_MILLI);
}

/** Converts a `Date` or ISO-8601 string to {@link UnixMicros} (millisecond precision). */
export function microsFromDate(date: Date | string): UnixMicros {
  const ms = typeof date === 'string' ? Date.parse(date) : date.getTime();
  return ms * MICROS_PER_MILLI;
}

/** Formats {@link UnixMicros} as an ISO-8601 UTC string with microsecond precision. */
export function microsToIso(us: UnixMicros): string {
  const ms = Math.floor(us / MICROS_PER_MILLI);
  const rest = us - ms * MICROS_PER_MILLI;
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
