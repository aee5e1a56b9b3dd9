import { describe, expect, it } from 'vitest';
import { runExample } from '../run-example.test-support.js';
import smaCrossover from './strategy.js';

describe('sma-crossover example', () => {
  it('alternates between flat and long, one market order at a time', async () => {
    const { summary, orders } = await runExample('sma-crossover', { days: 2 });
    expect(summary.failures).toEqual([]);
    expect(orders.length).toBeGreaterThan(1);
    let position = 0;
    for (const o of orders) {
      expect(o.type).toBe('MARKET');
      expect(o.status).toBe('FILLED');
      position += (o.side === 'BUY' ? 1 : -1) * Number(o.quantity);
      expect([0, 100]).toContain(position);
    }
  });

  it('rejects parameters where the fast average is not faster', () => {
    expect(smaCrossover.params.safeParse({ instrument: 'X.NSE', fast: 30, slow: 10 }).success).toBe(false);
  });
});
