import { describe, expect, it } from 'vitest';
import { runExample } from '../run-example.test-support.js';

describe('vol-breakout example', () => {
  it('protects every entry with a reduce-only stop', async () => {
    const { summary, orders } = await runExample('volatility-breakout');
    expect(summary.failures).toEqual([]);
    const entries = orders.filter((o) => o.type === 'MARKET');
    const stops = orders.filter((o) => o.type === 'STOP');
    expect(entries.length).toBeGreaterThan(0);
    expect(stops.length).toBeGreaterThan(0);
    for (const s of stops) expect(s.reduce_only).toBe('true');
    // Quantities are whole lots of the future.
    for (const o of orders) expect(Number(o.quantity) % 15).toBe(0);
  });
});
