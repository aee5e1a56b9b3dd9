import { describe, expect, it } from 'vitest';
import { LatencyTracker } from './latency-tracker.js';

/** A tracker on a fake timer that returns the values queued, in nanoseconds. */
function tracker() {
  let now = 0;
  const t = new LatencyTracker(() => now);
  return {
    t,
    at(ns: number) {
      now = ns;
      return t;
    },
  };
}

const span = (t: LatencyTracker, name: string) => t.summary().find((s) => s.span === name)!;
/** HdrHistogram keeps 3 significant digits: a recorded value reads back within 0.1%. */
const near = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);

describe('LatencyTracker', () => {
  it('measures each span of an order between its checkpoints', () => {
    const { at } = tracker();
    at(1_000).ingest();
    at(3_000).signal('o1');
    at(4_000).mark('o1', 'risk');
    at(6_000).mark('o1', 'submit');
    at(10_000).mark('o1', 'ack');
    at(15_000).mark('o1', 'fill');
    const t = at(16_000);
    t.mark('o1', 'publish');
    const expected: [string, number][] = [
      ['ingest→signal', 2],
      ['signal→risk', 1],
      ['risk→submit', 2],
      ['ingest→submit', 5],
      ['submit→ack', 4],
      ['ack→fill', 5],
      ['fill→publish', 1],
      ['ingest→publish', 15],
    ];
    for (const [name, us] of expected) {
      expect(span(t, name).count).toBe(1);
      near(span(t, name).p50Us, us);
    }
  });

  it('keeps the first time of a checkpoint, ignores unknown orders, and reuses rows', () => {
    const { at } = tracker();
    // Many orders in flight at once, then finished, then more: rows are recycled.
    for (let round = 0; round < 3; round++) {
      const base = round * 1_000_000;
      at(base).ingest();
      for (let i = 0; i < 200; i++) at(base + 1_000).signal(`r${round}-${i}`);
      for (let i = 0; i < 200; i++) {
        const id = `r${round}-${i}`;
        at(base + 2_000 + i * 1_000).mark(id, 'submit');
        at(base + 900_000).mark(id, 'submit'); // a second submit mark is ignored
        at(base + 950_000).mark(id, 'publish');
      }
    }
    at(5).mark('never-signalled', 'publish');
    const t = at(0);
    const submit = span(t, 'ingest→submit');
    expect(submit.count).toBe(600);
    expect(submit.p50Us).toBeGreaterThanOrEqual(99);
    expect(submit.maxUs).toBeLessThan(205);
    expect(span(t, 'ingest→publish').count).toBe(600);
    near(span(t, 'ingest→publish').p50Us, 950);
  });

  it('keeps interleaved orders apart, and tracks an id again once its first life ended', () => {
    const { at } = tracker();
    at(0).ingest();
    at(1_000).signal('a');
    at(2_000).signal('b');
    at(3_000).mark('a', 'submit');
    at(7_000).mark('b', 'submit');
    at(8_000).mark('a', 'submit'); // already marked: ignored, also when it was not the last id
    at(9_000).mark('b', 'publish');
    at(10_000).mark('a', 'publish');
    let t = at(0);
    expect(span(t, 'ingest→submit').count).toBe(2);
    near(span(t, 'ingest→submit').p50Us, 3);
    near(span(t, 'ingest→submit').maxUs, 7);
    // 'a' finished: a new order under the same id starts from its own checkpoints.
    at(20_000).ingest();
    at(21_000).signal('a');
    at(22_000).mark('a', 'submit');
    at(30_000).mark('a', 'publish');
    t = at(0);
    expect(span(t, 'ingest→submit').count).toBe(3);
    near(span(t, 'ingest→publish').maxUs, 10);
    expect(span(t, 'ingest→publish').count).toBe(3);
  });

  it('counts the pre-fill spans of an order closed without a fill, and skips spans it never reached', () => {
    const { at } = tracker();
    at(0).ingest();
    at(1_000).signal('c1');
    at(2_000).mark('c1', 'risk');
    at(5_000).close('c1');
    const t = at(0);
    expect(span(t, 'signal→risk').count).toBe(1);
    near(span(t, 'signal→risk').p50Us, 1);
    expect(span(t, 'submit→ack').count).toBe(0);
    expect(span(t, 'ingest→publish').count).toBe(0);
    // The order is no longer tracked: later marks change nothing.
    at(9_000).mark('c1', 'publish');
    expect(span(at(0), 'ingest→publish').count).toBe(0);
  });
});
