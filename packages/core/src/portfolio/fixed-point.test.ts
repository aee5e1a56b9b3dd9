import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountingError } from '../errors/index.js';
import {
  decimalPlaces,
  divRoundHalfEven,
  formatScaled,
  parseScaled,
  roundToUnits,
  scaledToNumber,
  toUnits,
} from './fixed-point.js';

const D = Decimal.clone({ precision: 80 });

describe('fixed point', () => {
  it('converts doubles to exact units, snapping float noise', () => {
    expect(toUnits(2945.35, 2, 'price', 'X')).toBe(294535);
    expect(toUnits(0.1 + 0.2, 1, 'qty', 'X')).toBe(3);
    expect(toUnits(0.00001, 5, 'qty', 'X')).toBe(1);
    expect(toUnits(-12.5, 1, 'pnl', 'X')).toBe(-125);
    // Beyond 2^50 units the exact (string) path takes over.
    expect(toUnits(12_345_678.5, 8, 'big', 'X')).toBe(1_234_567_850_000_000);
    expect(() => toUnits(2945.355, 2, 'price', 'RELIANCE.NSE')).toThrow(/more than 2 decimal places/);
    expect(() => toUnits(Number.NaN, 2, 'price', 'X')).toThrow(AccountingError);
    expect(() => toUnits(1e20, 2, 'price', 'X')).toThrow(/too large/);
  });

  it('parses decimal strings and doubles exactly', () => {
    expect(parseScaled('0.1', 18, 'x', 'X')).toBe(100_000_000_000_000_000n);
    expect(parseScaled(1.5e-7, 8, 'x', 'X')).toBe(15n);
    expect(parseScaled('-12.50', 2, 'x', 'X')).toBe(-1250n);
    expect(parseScaled('1e3', 0, 'x', 'X')).toBe(1000n);
    expect(parseScaled(' 7 ', 0, 'x', 'X')).toBe(7n);
    expect(() => parseScaled('0.125', 2, 'fee', 'INR')).toThrow(/more than 2 decimal places/);
    expect(() => parseScaled('abc', 2, 'fee', 'INR')).toThrow(/not a finite decimal/);
    expect(() => parseScaled('', 2, 'fee', 'INR')).toThrow(AccountingError);
  });

  it('formats and converts back', () => {
    expect(formatScaled(123450n, 4)).toBe('12.345');
    expect(formatScaled(-5n, 3)).toBe('-0.005');
    expect(formatScaled(0n, 3)).toBe('0');
    expect(formatScaled(1200n, 2)).toBe('12');
    expect(scaledToNumber(294535n, 2)).toBe(2945.35);
    expect(scaledToNumber(10n ** 30n + 1n, 18)).toBe(1e12);
    expect(decimalPlaces(0.00001)).toBe(5);
    expect(decimalPlaces(25)).toBe(0);
    expect(decimalPlaces(1.5e-7)).toBe(8);
    expect(roundToUnits(100.075, 2)).toBe(10008); // the decimal 100.075 is a tie: to even
    expect(roundToUnits(100.085, 2)).toBe(10008);
    expect(roundToUnits(100.0751, 2)).toBe(10008);
    expect(roundToUnits(-2.5, 0)).toBe(-2);
    expect(roundToUnits(0.125, 2)).toBe(12); // exact tie: to even
    expect(roundToUnits(0.375, 2)).toBe(38);
  });

  it('converts money units to the nearest double for up to 8 decimals, and within one ulp beyond', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 34n), max: 10n ** 34n }), (units) => {
        const got = scaledToNumber(units, 18);
        const exact = Number(new D(units.toString()).div(new D(10).pow(18)).toString());
        const ulp = Math.max(Number.MIN_VALUE, Math.abs(exact) * Number.EPSILON);
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(ulp);
        // The split must give the same sign and integer part a split of the decimal string gives.
        expect(Math.trunc(got)).toBe(Math.trunc(Number(formatScaled(units, 18))));
      }),
      { numRuns: 2000 },
    );
    // n × 10^-d with d ≤ 8, held at 18 decimals, reads back as the double nearest the decimal
    // (a split conversion read 1.2249 as 1.2248999999999999).
    expect(scaledToNumber(12_249n * 10n ** 14n, 18)).toBe(1.2249);
    expect(scaledToNumber(-59_842n * 10n ** 14n, 18)).toBe(-5.9842);
    expect(scaledToNumber(490_413_056n * 10n ** 10n, 18)).toBe(4.90413056);
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        fc.integer({ min: 0, max: 8 }),
        (n, d) => {
          const units = BigInt(n) * 10n ** BigInt(18 - d);
          expect(scaledToNumber(units, 18)).toBe(Number(formatScaled(BigInt(n), d)));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('divides with half-even rounding exactly like decimal.js', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        fc.boolean(),
        (n, d, negD) => {
          const den = negD ? -d : d;
          const expected = new D(n.toString())
            .div(den.toString())
            .toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
          expect(divRoundHalfEven(n, den).toString()).toBe(expected.toFixed());
        },
      ),
      { numRuns: 2_000, seed: 11 },
    );
    expect(divRoundHalfEven(5n, 2n)).toBe(2n);
    expect(divRoundHalfEven(7n, 2n)).toBe(4n);
    expect(divRoundHalfEven(-5n, 2n)).toBe(-2n);
    expect(divRoundHalfEven(-7n, 2n)).toBe(-4n);
  });

  it('round-trips any decimal with up to 12 places through parse and format', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.integer({ min: 0, max: 12 }),
        (units, decimals) => {
          const text = formatScaled(units, decimals);
          expect(parseScaled(text, decimals, 'x', 'X')).toBe(units);
          expect(new D(text).toFixed()).toBe(text);
        },
      ),
      { numRuns: 2_000, seed: 12 },
    );
  });

  it('reads a double exactly as the string of its shortest decimal (the number fast path)', () => {
    const outcome = (value: number | string, decimals: number): bigint | string => {
      try {
        return parseScaled(value, decimals, 'x', 'X');
      } catch (error) {
        return (error as AccountingError).code;
      }
    };
    const doubles = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      // Decimals with few places, as prices, sizes and fees are.
      fc
        .tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 12 }))
        .map(([n, k]) => n / 10 ** k),
      fc.constantFrom(0.1 + 0.2, -0, 5e-324, 2 ** 49 / 1e8, 2 ** 49 / 1e8 + 1e-8, 1e21, 123.456),
    );
    fc.assert(
      fc.property(doubles, fc.integer({ min: 0, max: 18 }), (value, decimals) => {
        expect(outcome(value, decimals)).toBe(outcome(String(value), decimals));
      }),
      { numRuns: 50_000, seed: 13 },
    );
  });

  it('rounds a double half-even at its shortest decimal, ties included (decimal.js reference)', () => {
    const values = fc.oneof(
      // Mid prices: half a tick off the grid, and their neighbours.
      fc
        .tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 8 }))
        .map(([n, k]) => (n + 0.5) / 10 ** k),
      fc
        .tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 10 }))
        .map(([n, k]) => n / 10 ** k),
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    );
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 8 }), (value, decimals) => {
        const expected = new D(String(value))
          .toDecimalPlaces(decimals, D.ROUND_HALF_EVEN)
          .times(new D(10).pow(decimals))
          .toNumber();
        expect(roundToUnits(value, decimals) + 0).toBe(expected + 0); // -0 and 0 alike
      }),
      { numRuns: 50_000, seed: 14 },
    );
  });
});
