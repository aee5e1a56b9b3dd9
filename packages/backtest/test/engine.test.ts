import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildSimulatedVenue,
  catalogInstrument,
  ExecutionSectionSchema,
  generateMarket,
  presetInstrument,
  replayRun,
  runBacktest,
} from '@quantkubera/backtest';
import { type CanonicalEvent, LiveClock, type OrderIntent, SimClock } from '@quantkubera/core';
import { readWal } from '@quantkubera/core/wal';
import { Kernel, loadDescriptor, type MarketDataEvent } from '@quantkubera/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import smaCrossover from '../../../examples/sma-crossover/strategy.js';

const EXAMPLE = new URL('../../../examples/sma-crossover/backtest.yaml', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'qk-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function intentsOf(walDir: string): OrderIntent[] {
  const reader = readWal(walDir, { kinds: ['orderIntent'] });
  const out: OrderIntent[] = [];
  for (let e = reader.next(); e !== undefined; e = reader.next()) out.push(e as OrderIntent);
  reader.close();
  return out;
}

describe('runBacktest', () => {
  it('is deterministic: same descriptor and seed give byte-identical artifacts and WAL decisions', async () => {
    const loaded = await loadDescriptor(EXAMPLE);
    const a = await runBacktest(loaded, { resultsDir: join(tmp, 'a') });
    const b = await runBacktest(loaded, { resultsDir: join(tmp, 'b') });
    expect(a.fills).toBeGreaterThan(0);
    for (const file of [
      'orders.csv',
      'fills.csv',
      'fees.csv',
      'positions.csv',
      'equity.csv',
      'summary.json',
    ]) {
      expect(readFileSync(join(b.resultsDir, file), 'utf8')).toBe(
        readFileSync(join(a.resultsDir, file), 'utf8'),
      );
    }
    expect(intentsOf(join(b.resultsDir, 'wal'))).toEqual(intentsOf(join(a.resultsDir, 'wal')));
    // A different seed is a different market.
    const c = await runBacktest(loaded, { resultsDir: join(tmp, 'c'), seed: 7 });
    expect(readFileSync(join(c.resultsDir, 'fills.csv'), 'utf8')).not.toBe(
      readFileSync(join(a.resultsDir, 'fills.csv'), 'utf8'),
    );
  });

  it('replays a recorded run from its WAL into the same orders', async () => {
    const loaded = await loadDescriptor(EXAMPLE);
    const run = await runBacktest(loaded, { resultsDir: join(tmp, 'replay') });
    const report = await replayRun(join(run.resultsDir, 'wal'));
    expect(report.identical).toBe(true);
    expect(report.replayedIntents).toBe(report.recordedIntents);
    expect(report.recordedIntents).toBeGreaterThan(0);
  });

  it('reports bad descriptor sections with their full path', async () => {
    const file = join(tmp, 'bad.yaml');
    const text = readFileSync(EXAMPLE, 'utf8').replace('matching: L1', 'matching: L3');
    writeFileSync(
      file,
      text.replace(
        './strategy.ts',
        new URL('../../../examples/sma-crossover/strategy.ts', import.meta.url).pathname,
      ),
    );
    await expect(runBacktest(await loadDescriptor(file), { resultsDir: join(tmp, 'bad') })).rejects.toThrow(
      /execution\.matching/,
    );
  });
});

describe('mode parity', () => {
  it('the same strategy makes the same decisions in backtest and in paper configuration on a recorded stream', async () => {
    const instrument = catalogInstrument('BTCUSDT.BINANCE');
    const stream = [
      ...generateMarket('normal-day', {
        seed: 11,
        instruments: [presetInstrument(instrument.id)],
        start: '2024-11-04T00:00:00Z',
        end: '2024-11-04T06:00:00Z',
        depth: false,
      }),
    ].filter((e): e is MarketDataEvent => e.kind === 'trade' || e.kind === 'quote');
    const section = ExecutionSectionSchema.parse({ matching: 'L1' });
    const params = {
      instrument: instrument.id,
      timeframe: '1m',
      fast: 5,
      slow: 20,
      quantity: 0.01,
      allowShort: true,
    };

    async function decisions(mode: 'backtest' | 'paper'): Promise<string[]> {
      const clock = mode === 'backtest' ? new SimClock(stream[0]!.tsEvent) : new LiveClock({ unref: true });
      const venue = buildSimulatedVenue({
        section,
        venue: 'binance',
        clock,
        instruments: [instrument],
        seed: 1,
      });
      const recorded: CanonicalEvent[] = [];
      const kernel = new Kernel({
        mode,
        clock,
        instruments: [instrument],
        gateway: venue,
        simulator: venue,
        strategies: [{ definition: smaCrossover, params }],
        baseCurrency: 'USDT',
        deposits: { USDT: 100_000 },
        recorder: { append: (e) => recorded.push(e) },
        log: () => {},
      });
      await kernel.start();
      for (const e of stream) {
        if (clock instanceof SimClock && e.tsEvent > clock.nowUs()) clock.advanceTo(e.tsEvent);
        kernel.onMarketData(e);
      }
      await kernel.stop();
      if (clock instanceof LiveClock) clock.dispose();
      return recorded
        .filter((e): e is OrderIntent => e.kind === 'orderIntent')
        .map(({ tsEvent: _e, tsInit: _i, ...decision }) => JSON.stringify(decision));
    }

    const backtest = await decisions('backtest');
    const paper = await decisions('paper');
    expect(backtest.length).toBeGreaterThan(2);
    expect(paper).toEqual(backtest);
  });
});
