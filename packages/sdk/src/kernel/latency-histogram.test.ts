import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.js';

const HIGHEST = 60_000_000_000;

/** The exact value at a percentile, read the way HdrHistogram counts: the ⌈p·n⌉-th smallest. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const fp = (p / 100) * sorted.length;
  const rank = Math.max(1, Math.ceil(fp - fp * Number.EPSILON));
  return sorted[rank - 1]!;
}

describe('LatencyHistogram', () => {
  it('counts values below 2048 exactly', () => {
    const h = new LatencyHistogram(HIGHEST);
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(h.totalCount).toBe(100);
    expect(h.valueAtPercentile(50)).toBe(50);
    expect(h.valueAtPercentile(99)).toBe(99);
    expect(h.valueAtPercentile(100)).toBe(100);
    expect(h.maxValue).toBe(100);
  });

  it('is empty before the first value', () => {
    const h = new LatencyHistogram(1000);
    expect(h.totalCount).toBe(0);
    expect(h.valueAtPercentile(99)).toBe(0);
    expect(h.maxValue).toBe(0);
  });

  it('clamps values to 1…highest', () => {
    const h = new LatencyHistogram(5000);
    h.record(0);
    h.record(-3);
    h.record(1e12);
    expect(h.valueAtPercentile(50)).toBe(1);
    expect(h.maxValue).toBe(5000);
    expect(h.valueAtPercentile(100)).toBe(5000);
  });

  it('refuses a range that is not a positive safe integer', () => {
    expect(() => new LatencyHistogram(0)).toThrow(RangeError);
    expect(() => new LatencyHistogram(2 ** 60)).toThrow(RangeError);
  });

  it('maps every index back to a range that holds its values, in order, across 31 bits', () => {
    let previous = 0;
    for (let v = 1; v < 2 ** 36; v = Math.floor(v * 1.0007) + 1) {
      const i = LatencyHistogram.indexOf(v);
      expect(i).toBeGreaterThanOrEqual(previous);
      previous = i;
      const high = LatencyHistogram.highestEquivalent(i);
      expect(high).toBeGreaterThanOrEqual(v);
      // 3 significant digits: the bucket is at most 1/1024 of its values wide.
      expect(high - v).toBeLessThanOrEqual(v / 1024);
      if (i > 0) expect(LatencyHistogram.highestEquivalent(i - 1)).toBeLessThan(v);
    }
  });

  it('reads every percentile within 0.1% above the exact one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: HIGHEST }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const h = new LatencyHistogram(HIGHEST);
          for (const v of values) h.record(v);
          const exact = exactPercentile(
            [...values].sort((a, b) => a - b),
            p,
          );
          const read = h.valueAtPercentile(p);
          expect(read).toBeGreaterThanOrEqual(exact);
          expect(read - exact).toBeLessThanOrEqual(exact / 1024);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees with hdr-histogram-js on the same values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const ours = new LatencyHistogram(HIGHEST * 100);
          const theirs = hdr.build({
            lowestDiscernibleValue: 1,
            highestTrackableValue: HIGHEST * 100,
            numberOfSignificantValueDigits: 3,
          });
          for (const v of values) {
            ours.record(v);
            theirs.recordValue(v);
          }
          for (const p of [1, 50, 90, 99, 99.9]) {
            // Ours never reads above the largest value recorded; HdrHistogram may, by its bucket width.
            expect(ours.valueAtPercentile(p)).toBe(Math.min(theirs.getValueAtPercentile(p), ours.maxValue));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
