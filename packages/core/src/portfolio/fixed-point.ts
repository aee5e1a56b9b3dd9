import { AccountingError } from '../errors/index.js';

/**
 * Decimal places of every money amount on the accounting path. Amounts are `bigint`s counting
 * units of 10^-18 of their currency. Why: an exact fill notional has pricePrecision +
 * sizePrecision + multiplier decimals (at most 8 + 8 + 2 on any venue we support), so one common
 * scale holds every instrument's notionals, fees and PnL exactly, and sums across instruments of
 * one currency need no rescaling. Doubles would drift (0.1 + 0.2); decimal.js is not a runtime
 * dependency of core and allocates far more per operation than bigint.
 */
export const MONEY_DECIMALS = 18;

/** 10^MONEY_DECIMALS as a bigint. */
export const MONEY_SCALE = 10n ** 18n;

/** Exact powers of ten as doubles: 10^0 … 10^22 are all representable. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Exact powers of ten as bigints, 10^0 … 10^36. */
const POW10N: readonly bigint[] = Array.from({ length: 37 }, (_, i) => 10n ** BigInt(i));
/** Largest integer count of units the fast path accepts: below it, distinct units are distinct doubles. */
const FAST_LIMIT = 2 ** 50;
/**
 * A value within this many units of an integer count of units is float noise around that count
 * (`0.1 + 0.2` for 0.3) and snaps to it. Anything further has more decimals than allowed.
 */
const SNAP_TOLERANCE = 1e-6;

/** Decimals the number fast path of {@link parseScaled} tries (fees, prices and sizes have at most 8). */
const FAST_PARSE_DECIMALS = 8;
/** Below 2^49 units, two counts 10^-k apart are more than one ulp apart: one count per double. */
const FAST_PARSE_LIMIT = 2 ** 49;
/** Counts of units below which {@link roundToUnits} trusts the float product away from ties. */
const ROUND_FAST_LIMIT = 2 ** 31;

/** 10^`decimals` as a double (`decimals` in 0…22). */
export function pow10(decimals: number): number {
  const p = POW10[decimals];
  if (p === undefined) throw new RangeError(`pow10: decimals must be 0..22, got ${decimals}`);
  return p;
}

/** 10^`decimals` as a bigint (`decimals` in 0…36). */
export function pow10n(decimals: number): bigint {
  const p = POW10N[decimals];
  if (p === undefined) throw new RangeError(`pow10n: decimals must be 0..36, got ${decimals}`);
  return p;
}

/**
 * Converts a double to an integer count of 10^-`decimals` units, exactly: 2945.35 at 2 decimals is
 * 294535. Float noise (a value within 10^-6 units of an integer count) snaps to that count.
 *
 * @param what - what the value is (`fill price`), for the error.
 * @param subject - the instrument or currency, for the error.
 * @throws AccountingError `PRECISION_EXCEEDED` if the value has more decimals than allowed or is
 * too large to count in safe integers; `ACCOUNTING_FAILED` if it is not finite.
 */
export function toUnits(value: number, decimals: number, what: string, subject: string): number {
  const scaled = value * pow10(decimals);
  const units = Math.round(scaled);
  if (
    Math.abs(units) <= FAST_LIMIT &&
    (units / pow10(decimals) === value || Math.abs(scaled - units) <= SNAP_TOLERANCE)
  ) {
    return units;
  }
  if (!Number.isFinite(value)) {
    throw new AccountingError('ACCOUNTING_FAILED', subject, `${what} ${value} is not a finite number`);
  }
  if (Math.abs(units) > FAST_LIMIT) {
    // Beyond the fast path's range, read the shortest decimal exactly instead.
    const exact = parseScaled(value, decimals, what, subject);
    if (exact >= -9007199254740991n && exact <= 9007199254740991n) return Number(exact);
    throw new AccountingError(
      'PRECISION_EXCEEDED',
      subject,
      `${what} ${value} is too large to account exactly`,
    );
  }
  throw new AccountingError(
    'PRECISION_EXCEEDED',
    subject,
    `${what} ${value} has more than ${decimals} decimal places`,
  );
}

/**
 * Rounds a double to the nearest count of 10^-`decimals` units, ties to even, reading the double
 * as the shortest decimal that round-trips to it (100.075 is a tie and rounds to 100.08). For
 * values that are not accounting entries, such as a mark price taken from a mid quote.
 */
export function roundToUnits(value: number, decimals: number): number {
  const scaled = value * pow10(decimals);
  // Below 2^31 units the float product is within 5e-7 of the exact decimal's (its error is about
  // one ulp of the product), so clear of a tie it rounds the same way as the exact decimal.
  if (scaled < ROUND_FAST_LIMIT && scaled > -ROUND_FAST_LIMIT) {
    const floor = Math.floor(scaled);
    const diff = scaled - floor;
    if (diff < 0.5 - 1e-6) return floor;
    if (diff > 0.5 + 1e-6) return floor + 1;
  }
  // Near a tie (a mid price half a tick off the grid) or large: when the value has at most one
  // place more than `decimals`, that place decides in integers, with no string.
  if (decimals < 22) {
    const tenths = exactUnits(value, decimals + 1);
    if (!Number.isNaN(tenths)) {
      const q = Math.floor(tenths / 10);
      const r = tenths - q * 10;
      return r < 5 ? q : r > 5 ? q + 1 : q % 2 === 0 ? q : q + 1;
    }
  }
  if (!Number.isFinite(value)) return Math.round(scaled);
  const places = decimalPlaces(value);
  const units = parseScaled(value, Math.max(places, decimals), 'value', 'roundToUnits');
  return Number(places <= decimals ? units : divRoundHalfEven(units, pow10n(places - decimals)));
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal (a string such as `"-12.5"` or `"1e-7"`, or a double, read as the shortest
 * decimal that round-trips to it) into an exact bigint count of 10^-`decimals` units.
 *
 * @throws AccountingError `PRECISION_EXCEEDED` if it has more than `decimals` decimal places,
 * `ACCOUNTING_FAILED` if it is not a finite decimal.
 * @example
 * ```ts
 * parseScaled('0.1', 18); // 100000000000000000n
 * parseScaled(1.5e-7, 8); // 15n
 * ```
 */
export function parseScaled(value: number | string, decimals: number, what: string, subject: string): bigint {
  if (typeof value === 'number') {
    const units = parseScaledFast(value, decimals);
    if (units !== undefined) return units;
  }
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = DECIMAL_PATTERN.exec(text);
  const intPart = m?.[2] ?? '';
  const fracPart = m?.[3] ?? '';
  if (m === null || (intPart === '' && fracPart === '')) {
    throw new AccountingError(
      'ACCOUNTING_FAILED',
      subject,
      `${what} ${JSON.stringify(text)} is not a finite decimal`,
    );
  }
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  // value = digits × 10^(exponent - fracPart.length); we want value × 10^decimals.
  const digits = BigInt(`${intPart}${fracPart}` || '0');
  const shift = exponent - fracPart.length + decimals;
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const div = 10n ** BigInt(-shift);
    if (digits % div !== 0n) {
      throw new AccountingError(
        'PRECISION_EXCEEDED',
        subject,
        `${what} ${text} has more than ${decimals} decimal places`,
      );
    }
    units = digits / div;
  }
  return m[1] === '-' ? -units : units;
}

/**
 * The common case of {@link parseScaled} without formatting a string: when `value` is the double
 * nearest to some count of 10^-k units (k = min(decimals, 8)), the shortest decimal that
 * round-trips to it has at most k places, so it is that count (unique below 2^49 units) scaled
 * up to `decimals`. `undefined` when it is not (more places, huge, non-finite): the exact path
 * decides.
 */
function parseScaledFast(value: number, decimals: number): bigint | undefined {
  const k = decimals < FAST_PARSE_DECIMALS ? decimals : FAST_PARSE_DECIMALS;
  const units = exactUnits(value, k);
  if (Number.isNaN(units)) return undefined;
  const big = BigInt(units);
  return k === decimals ? big : big * pow10n(decimals - k);
}

/**
 * The count of 10^-`k` units (below 2^49 in magnitude) whose nearest double is `value`, or NaN
 * when there is none: then the shortest decimal of `value` has more than `k` places (or it is
 * huge or not finite). Below 2^49 units the count is unique, being further apart than an ulp.
 */
function exactUnits(value: number, k: number): number {
  const p = POW10[k]!;
  const units = Math.round(value * p);
  return units <= FAST_PARSE_LIMIT && units >= -FAST_PARSE_LIMIT && units / p === value ? units : Number.NaN;
}

/**
 * Formats a count of 10^-`decimals` units as a plain decimal string without trailing zeros.
 *
 * @example
 * ```ts
 * formatScaled(123450n, 4); // '12.345'
 * ```
 */
export function formatScaled(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const s = abs.toString().padStart(decimals + 1, '0');
  const intPart = s.slice(0, s.length - decimals);
  const fracPart = s.slice(s.length - decimals).replace(/0+$/, '');
  const body = fracPart === '' ? intPart : `${intPart}.${fracPart}`;
  return negative && body !== '0' ? `-${body}` : body;
}

/** Decimals at or below which {@link scaledToNumber} returns the double nearest the decimal. */
const SHORT_DECIMALS = 8;
const MAX_SAFE_N = 9007199254740991n;

/**
 * Converts a count of 10^-`decimals` units to a double. The result is the double nearest the
 * exact decimal (as `Number` of its decimal string would give) whenever the count is a safe
 * integer, or the amount has at most 8 decimals and, at 8 decimals, is a safe integer count (an
 * amount of up to ~9 × 10^7 with 8 decimals, or proportionally more with fewer): one exact
 * division then rounds once. Otherwise (longer or larger amounts: money at 10^-18 after an
 * average-cost split) whole and fractional parts are converted apart, which is within one unit
 * in the last place. This is the reporting and risk view; the exact value stays a bigint.
 */
export function scaledToNumber(units: bigint, decimals: number): number {
  if (decimals <= 22) {
    // Exact integers below 2^53 divide by an exact power of ten with one correct rounding.
    if (units >= -MAX_SAFE_N && units <= MAX_SAFE_N) return Number(units) / pow10(decimals);
    if (decimals > SHORT_DECIMALS) {
      // At most 8 decimals: the same single rounding, at 8 decimals. (Converting whole and
      // fraction apart rounds twice, and read 1.2249 as 1.2248999999999999.)
      const step = pow10n(decimals - SHORT_DECIMALS);
      if (units % step === 0n) {
        const short = units / step;
        if (short >= -MAX_SAFE_N && short <= MAX_SAFE_N) return Number(short) / pow10(SHORT_DECIMALS);
      }
    }
    const scale = pow10n(decimals);
    const whole = units / scale;
    if (whole >= -MAX_SAFE_N && whole <= MAX_SAFE_N) {
      // `%` truncates like `/`, so this is units - whole × scale in one bigint operation, not two.
      return Number(whole) + Number(units % scale) / pow10(decimals);
    }
  }
  return Number(formatScaled(units, decimals));
}

/** `n / d` rounded to the nearest integer, ties to even (`d` non-zero). */
export function divRoundHalfEven(n: bigint, d: bigint): bigint {
  let q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twiceR = (r < 0n ? -r : r) * 2n;
  const absD = d < 0n ? -d : d;
  if (twiceR > absD || (twiceR === absD && (q & 1n) !== 0n)) {
    q += n < 0n !== d < 0n ? -1n : 1n;
  }
  return q;
}

/** The number of decimal places in the shortest decimal that round-trips to `value`. */
export function decimalPlaces(value: number): number {
  const text = String(value);
  const m = DECIMAL_PATTERN.exec(text);
  if (m === null) return 0;
  const frac = (m[3] ?? '').length;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  return Math.max(0, frac - exponent);
}
