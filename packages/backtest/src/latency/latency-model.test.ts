import { Rng } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { FixedLatencyModel, RandomLatencyModel, sampleLatency, zeroLatency } from './index.js';

describe('latency models', () => {
  it('zero and fixed delays per leg', () => {
    const rng = new Rng(0);
    expect(zeroLatency.delayUs('inbound', rng)).toBe(0);
    const fixed = new FixedLatencyModel({ inboundUs: 100, ackUs: 200, fillUs: 300 });
    expect([fixed.delayUs('inbound'), fixed.delayUs('ack'), fixed.delayUs('fill')]).toEqual([100, 200, 300]);
    expect(() => new FixedLatencyModel({ inboundUs: -1, ackUs: 0, fillUs: 0 })).toThrow(/inboundUs/);
  });

  it('random delays are seeded, bounded below and distributed as configured', () => {
    const model = new RandomLatencyModel({
      inbound: { type: 'uniform', minUs: 100, maxUs: 200 },
      ack: { type: 'exponential', minUs: 500, meanJitterUs: 100 },
      fill: { type: 'lognormal', minUs: 50, medianJitterUs: 100, sigma: 0.5 },
    });
    const draw = (leg: 'inbound' | 'ack' | 'fill', seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 5000 }, () => model.delayUs(leg, r));
    };
    expect(draw('ack', 9)).toEqual(draw('ack', 9));
    const uni = draw('inbound', 1);
    expect(Math.min(...uni)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...uni)).toBeLessThan(200);
    const exp = draw('ack', 2);
    expect(Math.min(...exp)).toBeGreaterThanOrEqual(500);
    const mean = exp.reduce((s, x) => s + x, 0) / exp.length;
    expect(mean).toBeGreaterThan(590);
    expect(mean).toBeLessThan(610);
    const logn = draw('fill', 3).sort((a, b) => a - b);
    expect(logn[2500]!).toBeGreaterThan(140);
    expect(logn[2500]!).toBeLessThan(160);
    expect(sampleLatency({ type: 'fixed', us: 7 }, new Rng(0))).toBe(7);
  });

  it('rejects malformed distributions', () => {
    const ok = { type: 'fixed', us: 1 } as const;
    expect(
      () => new RandomLatencyModel({ inbound: { type: 'uniform', minUs: 5, maxUs: 1 }, ack: ok, fill: ok }),
    ).toThrow(/maxUs/);
    expect(() => new RandomLatencyModel({ inbound: ok, ack: { type: 'gamma' } as never, fill: ok })).toThrow(
      /RandomLatencyModel ack/,
    );
  });
});
