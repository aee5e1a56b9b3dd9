import { describe, expect, it } from 'vitest';
import { runExample } from '../run-example.test-support.js';

describe('flow-imbalance example', () => {
  it('enters on buying pressure and sends its exit within the holding period', async () => {
    const { summary, orders, fills } = await runExample('microstructure-tick');
    expect(summary.failures).toEqual([]);
    expect(fills.length).toBeGreaterThan(10);
    const buyFills = fills.filter((f) => f.side === 'BUY').map((f) => Number(f.ts));
    const sells = orders.filter((o) => o.side === 'SELL');
    expect(sells.length).toBeGreaterThan(5);
    for (const sell of sells) {
      const ts = Number(sell.ts);
      const entry = buyFills.filter((b) => b <= ts).at(-1)!;
      // The 120 s alarm is set when the entry fill arrives (0.5 ms fill latency after it).
      expect(ts - entry).toBeLessThanOrEqual(120_000_000 + 1_000);
    }
    // Never short: sells only close what was bought.
    let position = 0;
    for (const f of fills) {
      position += (f.side === 'BUY' ? 1 : -1) * Number(f.quantity);
      expect(position).toBeGreaterThanOrEqual(-1e-9);
    }
  });
});
