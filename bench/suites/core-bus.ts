import { type CanonicalEvent, EventBus, type EventOf } from '@quantkubera/core';
import { type BenchSuite, consume, measureThroughput, rateFigure } from '../harness.js';

const COUNT = 100_000;
const T0 = 1_732_000_000_000_000;

/**
 * Bus dispatch against a bare loop calling the same handler over the same events: the bus's
 * whole overhead (kind lookup, subscriber array, re-entrancy guard, counters, try/catch).
 */
export const busSuite: BenchSuite = {
  name: 'core-bus',
  run: () => {
    const events: EventOf<'quote'>[] = Array.from({ length: COUNT }, (_, i) => ({
      kind: 'quote',
      v: 1,
      tsEvent: T0 + i,
      tsInit: T0 + i,
      instrumentId: 'BTCUSDT.BINANCE',
      bidPrice: 97_000 + (i % 100),
      bidSize: 1,
      askPrice: 97_001 + (i % 100),
      askSize: 1,
    }));
    let sum = 0;
    const handler = (q: EventOf<'quote'>): void => {
      sum += q.askPrice - q.bidPrice;
    };
    const bus = new EventBus<CanonicalEvent>();
    bus.subscribe('quote', handler, { name: 'bench' });
    const REPEAT = 10;
    const r = measureThroughput({
      bus: {
        ops: COUNT * REPEAT,
        run: () => {
          for (let k = 0; k < REPEAT; k++) for (let i = 0; i < COUNT; i++) bus.publish(events[i]!);
          consume(sum);
        },
      },
      bare: {
        ops: COUNT * REPEAT,
        run: () => {
          for (let k = 0; k < REPEAT; k++) for (let i = 0; i < COUNT; i++) handler(events[i]!);
          consume(sum);
        },
      },
    });
    return [
      rateFigure('bus.dispatch.one-subscriber', 'events/s', r.bus!, {
        against: { throughput: r.bare!, label: 'bare callback loop' },
        ratioTarget: 0.5,
      }),
      rateFigure('bus.bare-loop', 'events/s', r.bare!),
    ];
  },
};
