import { describe, expect, it } from 'vitest';
import { runExample } from '../run-example.test-support.js';
import { black76, normCdf } from './black-scholes.js';

describe('straddle-hedger example', () => {
  it('prices with Black-76: put-call parity holds and deltas are bounded', () => {
    expect(normCdf(0)).toBeCloseTo(0.5, 7);
    expect(normCdf(1.96)).toBeCloseTo(0.975, 3);
    const f = 51_000;
    const k = 51_200;
    const call = black76('CALL', f, k, 0.05, 0.16, 0.065);
    const put = black76('PUT', f, k, 0.05, 0.16, 0.065);
    expect(call.price - put.price).toBeCloseTo(Math.exp(-0.065 * 0.05) * (f - k), 6);
    expect(call.delta).toBeGreaterThan(0);
    expect(call.delta).toBeLessThan(1);
    expect(put.delta).toBeLessThan(0);
  });

  it('hedges the short straddle with whole lots of the future', async () => {
    const { summary, orders } = await runExample('options-hedge-skeleton', { days: 1 });
    expect(summary.failures).toEqual([]);
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) expect(Number(o.quantity) % 15).toBe(0);
  });
});
