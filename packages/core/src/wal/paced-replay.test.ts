import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_RUN, removeDir, scratchDir } from '../../test/fixtures/wal/wal-fixtures.js';
import { SimClock } from '../clock/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import type { CanonicalEvent } from '../schemas/index.js';
import { replayPaced$, WalWriter } from './index.js';

const T = 1_700_000_000_000_000;
// Recorded at +0, +100, +100, +250, +240 (out of order) and +1000 µs.
const OFFSETS = [0, 100, 100, 250, 240, 1_000];
const dir = scratchDir('paced');
{
  const writer = WalWriter.open({ dir, run: FIXTURE_RUN, clock: new SimClock(0), durability: 'none' });
  OFFSETS.forEach((offset, i) => {
    writer.append({
      kind: 'quote',
      v: 1,
      tsEvent: T + offset,
      tsInit: T + offset,
      instrumentId: 'BTCUSDT.BINANCE',
      bidPrice: 100 + i,
      bidSize: 1,
      askPrice: 101 + i,
      askSize: 1,
    });
  });
  writer.close();
}
afterAll(() => removeDir(dir));

function collect(clock: SimClock, speed: number): { out: number[]; stop: () => void } {
  const out: number[] = [];
  const sub = replayPaced$(dir, { clock, speed }).subscribe((e: CanonicalEvent) => {
    out.push(clock.nowUs());
    expect(e.kind).toBe('quote');
  });
  return { out, stop: () => sub.unsubscribe() };
}

describe('replayPaced$', () => {
  it('at 1x emits each event when the clock reaches its recorded offset, keeping log order', () => {
    const clock = new SimClock(5_000_000);
    const { out } = collect(clock, 1);
    expect(out).toEqual([5_000_000]); // the first event at subscription
    clock.advanceTo(5_000_099);
    expect(out.length).toBe(1);
    clock.advanceTo(5_000_100);
    expect(out).toEqual([5_000_000, 5_000_100, 5_000_100]);
    clock.advanceTo(5_000_999);
    // +250 then +240: the late one follows its predecessor immediately.
    expect(out).toEqual([5_000_000, 5_000_100, 5_000_100, 5_000_250, 5_000_250]);
    clock.advanceTo(5_001_000);
    expect(out.length).toBe(6);
    expect(clock.pendingCount).toBe(0);
  });

  it('at Nx compresses the gaps', () => {
    const clock = new SimClock(0);
    const { out } = collect(clock, 10);
    clock.advanceTo(1_000);
    expect(out).toEqual([0, 10, 10, 25, 25, 100]);
  });

  it('is cold and deterministic: the same clock schedule gives the same emissions', () => {
    const runs = [0, 1].map(() => {
      const clock = new SimClock(0);
      const { out } = collect(clock, 2);
      for (let t = 0; t <= 600; t += 37) clock.advanceTo(t);
      return out;
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.length).toBe(6);
  });

  it('unsubscribing cancels the pending alarm', () => {
    const clock = new SimClock(0);
    const { out, stop } = collect(clock, 1);
    expect(clock.pendingCount).toBe(1);
    stop();
    expect(clock.pendingCount).toBe(0);
    clock.advanceTo(10_000);
    expect(out.length).toBe(1);
  });

  it('rejects a speed that is not a positive finite number', () => {
    const clock = new SimClock(0);
    expect(() => replayPaced$(dir, { clock, speed: 0 })).toThrow(InvalidArgumentError);
    expect(() => replayPaced$(dir, { clock, speed: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
  });
});
