import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareRuns,
  parseSweepSpec,
  readExperiments,
  sweepDescriptor,
  walkForwardDescriptor,
} from '@quantkubera/backtest';
import { afterAll, describe, expect, it } from 'vitest';

const STRATEGY = fileURLToPath(new URL('../../../examples/sma-crossover/strategy.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qk-sweep-'));
const descriptor = join(dir, 'backtest.yaml');
writeFileSync(
  descriptor,
  `name: sweep-test
mode: backtest
seed: 7
venue: zerodha
baseCurrency: INR
capital: { INR: 1000000 }
instruments: [RELIANCE.NSE]
strategies:
  - module: ${JSON.stringify(STRATEGY)}
    params: { instrument: RELIANCE.NSE, timeframe: 1m, fast: 5, slow: 20, quantity: 100 }
data: { type: synthetic, scenario: normal-day, start: 2024-11-04, days: 2 }
execution: { matching: L1, fees: { schedule: zerodha, equityProduct: intraday } }
results: { dir: ./runs }
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('descriptor sweeps over worker threads', () => {
  const spec = parseSweepSpec({
    method: 'grid',
    params: { fast: { values: [3, 8] }, slow: { values: [15, 30] } },
    constraints: [{ metric: 'maxDrawdown', max: 0.15 }],
  });

  it('gives identical results with 1 and 2 workers, and records the sweep', async () => {
    const progress: number[] = [];
    const one = await sweepDescriptor(descriptor, spec, {
      workers: 1,
      onProgress: (p) => progress.push(p.done),
    });
    const trialsOne = readFileSync(join(one.dir, 'trials.csv'), 'utf8');
    const two = await sweepDescriptor(descriptor, spec, { workers: 2 });
    const trialsTwo = readFileSync(join(two.dir, 'trials.csv'), 'utf8');
    expect(one.trials).toHaveLength(4);
    expect(one.trials.map((t) => t.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(two.trials).toEqual(one.trials);
    expect(trialsTwo).toBe(trialsOne);
    expect(two.best?.index).toBe(one.best?.index);
    expect(progress.at(-1)).toBe(4);
    const sweeps = compareRuns(readExperiments(join(dir, 'runs')), { kind: 'sweep' });
    expect(sweeps).toHaveLength(2);
    expect(sweeps[0]!.extra).toMatchObject({ method: 'grid', trials: 4 });
  }, 120_000);

  it('walks forward over synthetic days with stitched out-of-sample equity', async () => {
    const wf = await walkForwardDescriptor(
      descriptor,
      parseSweepSpec({ method: 'grid', params: { fast: { values: [3, 8] } } }),
      { workers: 2, train: 1, test: 1, mode: 'rolling' },
    );
    expect(wf.steps.map((s) => [s.window.trainStart, s.window.testStart])).toEqual([[0, 1]]);
    for (const s of wf.steps) expect(s.chosen).toEqual(s.sweep.best?.params);
    expect(wf.stitched.length).toBeGreaterThan(100);
    const saved = JSON.parse(readFileSync(join(wf.dir, 'walk-forward.json'), 'utf8')) as {
      windows: unknown[];
    };
    expect(saved.windows).toHaveLength(1);
  }, 120_000);
});
