import { Rng } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import {
  FixedTicksSlippage,
  noSlippage,
  type SlippageContext,
  SpreadProportionalSlippage,
  VolatilityProportionalSlippage,
} from './index.js';

const ctx = (over: Partial<SlippageContext>): SlippageContext => ({
  side: 'BUY',
  quantity: 10,
  price: 100,
  tickSize: 0.05,
  spreadTicks: 4,
  volatility: 0.001,
  ...over,
});
const rng = new Rng(0);

describe('slippage models', () => {
  it('fixed ticks, none', () => {
    expect(new FixedTicksSlippage(2).slippageTicks()).toBe(2);
    expect(noSlippage.slippageTicks(ctx({}), rng)).toBe(0);
    expect(() => new FixedTicksSlippage(-1)).toThrow(/ticks/);
  });

  it('proportional to the spread, with a fallback when the spread is unknown', () => {
    const m = new SpreadProportionalSlippage(0.5, 1);
    expect(m.slippageTicks(ctx({}))).toBe(2);
    expect(m.slippageTicks(ctx({ spreadTicks: Number.NaN }))).toBe(1);
  });

  it('proportional to volatility: multiplier × σ × price in ticks', () => {
    const m = new VolatilityProportionalSlippage(2, 3);
    expect(m.usesVolatility).toBe(true);
    // 2 × 0.001 × 100 = 0.2 = 4 ticks of 0.05
    expect(m.slippageTicks(ctx({}))).toBeCloseTo(4, 9);
    expect(m.slippageTicks(ctx({ volatility: Number.NaN }))).toBe(3);
  });
});
