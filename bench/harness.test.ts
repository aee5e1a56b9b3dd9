import { describe, expect, it } from 'vitest';
import { isPerformanceFigure, median, withCalibration } from './harness.js';

describe('harness', () => {
  it('takes the median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('divides rates and multiplies times by the calibration rate', () => {
    expect(withCalibration({ name: 'r', value: 1e6, unit: 'events/s' }, 1e8).calibrated).toBe(0.01);
    expect(withCalibration({ name: 't', value: 2, unit: 'µs' }, 1e8).calibrated).toBeCloseTo(200);
    expect(withCalibration({ name: 'n', value: 150, unit: 'ns' }, 1e8).calibrated).toBeCloseTo(15);
    expect(withCalibration({ name: 'c', value: 17, unit: 'orders' }, 1e8).calibrated).toBeUndefined();
  });

  it('tells speed figures from counts', () => {
    expect(isPerformanceFigure({ name: 'a', value: 1, unit: 'bars/s' })).toBe(true);
    expect(isPerformanceFigure({ name: 'b', value: 1, unit: 'ms' })).toBe(true);
    expect(isPerformanceFigure({ name: 'c', value: 1, unit: 'bytes/event' })).toBe(false);
  });
});
