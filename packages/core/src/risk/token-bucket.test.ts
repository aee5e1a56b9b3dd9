import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst of capacity, then refills at the rate on clock time', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.tryTake(499_999)).toBe(false); // 0.999998 tokens
    expect(bucket.tryTake(500_000)).toBe(true);
    expect(bucket.available(10_000_000)).toBe(3); // capped at capacity
    bucket.tryTake(10_000_000);
    bucket.refund();
    expect(bucket.available(10_000_000)).toBe(3);
    expect(bucket.tryTake(5)).toBe(true); // an older stamp does not refill or fail
  });

  it('validates its arguments', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(InvalidArgumentError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(/perSecond/);
  });
});

describe('SlidingWindowCounter', () => {
  it('fires on the threshold-th hit within the window', () => {
    const w = new SlidingWindowCounter(3, 1_000);
    expect(w.hit(0)).toBe(false);
    expect(w.hit(400)).toBe(false);
    expect(w.hit(1_001)).toBe(false); // the first hit has left the window
    expect(w.hit(1_300)).toBe(true); // 400, 1001, 1300
    expect(w.countWithin(1_300)).toBe(3);
    w.reset();
    expect(w.hit(1_301)).toBe(false);
    expect(() => new SlidingWindowCounter(0, 1)).toThrow(InvalidArgumentError);
    expect(() => new SlidingWindowCounter(1, 0)).toThrow(/windowUs/);
  });
});
