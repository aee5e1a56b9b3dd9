import { describe, expect, it } from 'vitest';
import { type Baseline, buildBaseline, downsideOf, isGateable, judge, thresholdFor } from './check.js';
import type { BenchResult } from './harness.js';
import type { BenchReport } from './run.js';

function report(results: BenchResult[]): BenchReport {
  return {
    version: 1,
    machine: { node: 'v20', platform: 'linux/x64', cpu: 'test', cores: 2 },
    suites: ['s'],
    calibration: [
      { suite: 's', rate: 1, spread: 0, samples: 1, seconds: 0, figures: results.map((r) => r.name) },
    ],
    results,
  };
}

describe('thresholds', () => {
  it('is 5% for a steady figure and 2 x the downside otherwise', () => {
    expect(thresholdFor([100, 100, 101, 99], false)).toBe(0.05);
    // median 100, worst 90: downside 10%, threshold 20%.
    expect(downsideOf([90, 100, 100, 105, 110], false)).toBeCloseTo(0.1);
    expect(thresholdFor([90, 100, 100, 105, 110], false)).toBe(0.2);
  });

  it('gates rates with thresholds up to 25%, never times', () => {
    expect(isGateable('backtest.l1-ticks.sma-crossover', 'events/s', 0.09)).toBe(true);
    expect(isGateable('backtest.tick-to-order.p50', 'µs', 0.1)).toBe(false);
    expect(isGateable('wal.append.latency.p99.9', 'µs', 0.05)).toBe(false);
    expect(isGateable('bus.dispatch', 'events/s', 0.26)).toBe(false);
    // Reference workloads measure the machine, not our code.
    expect(isGateable('bus.bare-loop', 'events/s', 0.05)).toBe(false);
    expect(isGateable('codec.json-parse.quote', 'events/s', 0.05)).toBe(false);
    expect(isGateable('native-ring.postmessage-64B.throughput', 'msgs/s', 0.05)).toBe(false);
    expect(isGateable('machine.stalls-over-20us', '/s', 0.05)).toBe(false);
    expect(isGateable('bus.dispatch.one-subscriber', 'events/s', 0.05)).toBe(true);
    expect(isGateable('codec.decode.quote', 'events/s', 0.05)).toBe(true);
  });

  it('measures the downside of a time upwards', () => {
    expect(downsideOf([10, 10, 12], true)).toBeCloseTo(0.2);
  });
});

describe('buildBaseline', () => {
  const runs = [0.9, 1, 1, 1.02, 1.01].map((k) =>
    report([
      { name: 'steady', value: 100 * k, unit: 'events/s', calibrated: 0.1 * k, ratio: 0.5 },
      { name: 'lat', value: 2 / k, unit: 'µs', calibrated: 2 / k, lowerIsBetter: true },
      { name: 'noisy', value: 1, unit: 'ops/s', calibrated: k === 0.9 ? 0.3 : 1 },
      { name: 'count', value: 17, unit: 'orders' },
    ]),
  );
  const b = buildBaseline('quick', runs, '2026-01-01T00:00:00Z');

  it('picks the steadier metric and skips counts', () => {
    expect(b.figures.steady!.metric).toBe('ratio');
    expect(b.figures.steady!.threshold).toBe(0.05);
    expect(b.figures.count).toBeUndefined();
    expect(b.runs).toBe(5);
  });

  it('leaves too-noisy figures and times ungated', () => {
    expect(b.figures.noisy!.gated).toBe(false);
    expect(b.figures.steady!.gated).toBe(true);
    expect(b.figures.lat!.gated).toBe(false);
  });

  it('fails a regression beyond the threshold, passes noise within it, reports a missing figure', () => {
    const base: Baseline = b;
    const ok = judge(
      base,
      new Map([
        ['steady', 0.49],
        ['lat', 2.1],
        ['noisy', 0.1],
      ]),
    );
    expect(ok.find((v) => v.name === 'steady')!.status).toBe('ok');
    expect(ok.find((v) => v.name === 'noisy')!.status).toBe('info');
    const bad = judge(
      base,
      new Map([
        ['steady', 0.4],
        ['lat', 3],
      ]),
    );
    expect(bad.find((v) => v.name === 'steady')!.status).toBe('regressed');
    expect(bad.find((v) => v.name === 'lat')!.status).toBe('info');
    // A time that grew by half reads as a 33% worsening, even though times are not gated.
    expect(bad.find((v) => v.name === 'lat')!.change).toBeCloseTo(2 / 3 - 1);
    expect(bad.find((v) => v.name === 'noisy')!.status).toBe('missing');
  });

  it('never fails on a reference workload, even if an older baseline gated it', () => {
    const steady = b.figures.steady!;
    const old: Baseline = { ...b, figures: { 'bus.bare-loop': { ...steady, gated: true } } };
    const verdict = judge(old, new Map([['bus.bare-loop', steady.baseline * 0.5]]));
    expect(verdict[0]!.status).toBe('info');
  });
});
