import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundAmount } from './fee-model.js';

/** The definition roundAmount's fast path must agree with: read at 15 digits, round half up. */
function reference(value: number, decimals: number): number {
  const p = 10 ** decimals;
  const rounded = Math.round(Number((Math.abs(value) * p).toPrecision(15))) / p;
  return value < 0 ? -rounded : rounded;
}

describe('roundAmount', () => {
  it('rounds half away from zero, float noise aside', () => {
    expect(roundAmount(883.605, 2)).toBe(883.61);
    expect(roundAmount(-883.605, 2)).toBe(-883.61);
    expect(roundAmount(0.125, 2)).toBe(0.13);
    expect(roundAmount(2.675, 2)).toBe(2.68);
    expect(roundAmount(1.005, 2)).toBe(1.01);
    expect(roundAmount(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundAmount(12.344999, 2)).toBe(12.34);
  });

  it('matches the 15-significant-digit definition everywhere', () => {
    const decimals = fc.integer({ min: 0, max: 8 });
    // Amounts as fees produce them (rate × notional), exact ties, and values next to ties.
    const product = fc.tuple(
      fc.double({ min: 0, max: 0.01, noNaN: true }),
      fc.double({ min: 0, max: 1e7, noNaN: true }),
    );
    fc.assert(
      fc.property(decimals, product, fc.boolean(), (d, [rate, notional], negative) => {
        const v = (negative ? -1 : 1) * rate * notional;
        expect(roundAmount(v, d)).toBe(reference(v, d));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(
        decimals,
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: -3, max: 3 }),
        (d, units, nudge) => {
          const tie = (units + 0.5) / 10 ** d;
          const v = tie + nudge * Number.EPSILON * Math.max(1, tie);
          expect(roundAmount(v, d)).toBe(reference(v, d));
          expect(roundAmount(-v, d)).toBe(reference(-v, d));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('keeps non-finite values and huge amounts on the exact path', () => {
    expect(roundAmount(1e12 + 0.005, 2)).toBe(reference(1e12 + 0.005, 2));
    expect(roundAmount(Number.NaN, 2)).toBeNaN();
    expect(roundAmount(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
  });
});
