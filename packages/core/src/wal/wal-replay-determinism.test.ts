import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_RUN, removeDir, scratchDir, T0 } from '../../test/fixtures/wal/wal-fixtures.js';
import { SimClock } from '../clock/index.js';
import type { CanonicalEvent, EventOf } from '../schemas/index.js';
import { readWal, readWal$, replayPaced$, WalWriter } from './index.js';

/**
 * A small deterministic strategy: a fast/slow moving-average crossover on trade prices that
 * emits an order intent on every cross. Its decisions depend only on the events it sees.
 */
class Crossover {
  readonly decisions: EventOf<'orderIntent'>[] = [];
  #fast = 0;
  #slow = 0;
  #above: boolean | undefined;
  #orders = 0;

  onEvent(event: CanonicalEvent): EventOf<'orderIntent'> | undefined {
    if (event.kind !== 'trade') return undefined;
    this.#fast += (event.price - this.#fast) * 0.3;
    this.#slow += (event.price - this.#slow) * 0.05;
    const above = this.#fast > this.#slow;
    const crossed = this.#above !== undefined && above !== this.#above;
    this.#above = above;
    if (!crossed) return undefined;
    const intent: EventOf<'orderIntent'> = {
      kind: 'orderIntent',
      v: 1,
      tsEvent: event.tsEvent,
      tsInit: event.tsEvent + 5,
      action: 'SUBMIT',
      clientOrderId: `xo-${++this.#orders}`,
      strategyId: 'crossover',
      instrumentId: event.instrumentId,
      side: above ? 'BUY' : 'SELL',
      orderType: 'LIMIT',
      timeInForce: 'IOC',
      quantity: 1,
      price: event.price,
      reduceOnly: false,
      postOnly: false,
    };
    this.decisions.push(intent);
    return intent;
  }
}

/** A seeded random walk of trades (mulberry32), as a live feed would deliver them. */
function feed(count: number, seed: number): EventOf<'trade'>[] {
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let price = 2_945;
  let ts = T0;
  return Array.from({ length: count }, (_, i) => {
    price = Math.round((price + (random() - 0.5) * 4) * 20) / 20;
    ts += 1 + Math.floor(random() * 5_000);
    return {
      kind: 'trade',
      v: 1,
      tsEvent: ts,
      tsInit: ts + 40,
      instrumentId: 'RELIANCE.NSE',
      price,
      size: 1 + Math.floor(random() * 50),
      aggressor: random() < 0.5 ? 'BUYER' : 'SELLER',
      tradeId: String(900_000 + i),
    };
  });
}

const dir = scratchDir('determinism');
afterAll(() => removeDir(dir));

describe('replay determinism', () => {
  // The "live" session: every event the run sees and every decision it makes goes into the log.
  const live = new Crossover();
  const trades = feed(5_000, 11);
  const writer = WalWriter.open({ dir, run: FIXTURE_RUN, clock: new SimClock(0), durability: 'none' });
  for (const trade of trades) {
    writer.append(trade);
    const decision = live.onEvent(trade);
    if (decision !== undefined) writer.append(decision);
  }
  writer.close();

  function replayInto(events: Iterable<CanonicalEvent>): EventOf<'orderIntent'>[] {
    const strategy = new Crossover();
    for (const e of events) strategy.onEvent(e);
    return strategy.decisions;
  }

  it('a recorded stream fed through the consumer twice yields identical outputs, equal to the live run', () => {
    expect(live.decisions.length).toBeGreaterThan(10);
    const runs = [0, 1].map(() => {
      const strategy = new Crossover();
      readWal(dir, { kinds: ['trade'] }).forEach((e) => {
        strategy.onEvent(e);
      });
      return strategy.decisions;
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).toEqual(live.decisions);
    // The decisions recorded during the live run are exactly what the replay decides.
    const recorded: CanonicalEvent[] = [];
    readWal(dir, { kinds: ['orderIntent'] }).forEach((e) => {
      recorded.push(e);
    });
    expect(recorded).toEqual(runs[0]);
  });

  it('every replay form delivers the same stream', async () => {
    const viaCursor: CanonicalEvent[] = [];
    readWal(dir).forEach((e) => {
      viaCursor.push(e);
    });
    const viaAsync: CanonicalEvent[] = [];
    for await (const e of readWal(dir)) viaAsync.push(e);
    const viaObservable = await lastValueFrom(readWal$(dir).pipe(toArray()));
    const clock = new SimClock(0);
    const viaPaced: CanonicalEvent[] = [];
    replayPaced$(dir, { clock, speed: 100 }).subscribe((e) => viaPaced.push(e));
    clock.advanceTo(trades.at(-1)!.tsEvent - T0);
    expect(viaAsync).toEqual(viaCursor);
    expect(viaObservable).toEqual(viaCursor);
    expect(viaPaced).toEqual(viaCursor);
    expect(replayInto(viaPaced)).toEqual(live.decisions);
  });
});
