import { SimClock } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { DelayQueue } from './delay-queue.js';

const T0 = 1_700_000_000_000_000;

function queue() {
  const clock = new SimClock(T0);
  let wakes = 0;
  const q = new DelayQueue<number>(clock, 'test', () => wakes++);
  return { clock, q, wakes: () => wakes };
}

/** Everything due at `now`, in order. */
function drain(q: DelayQueue<number>, now: number): number[] {
  const out: number[] = [];
  for (let x = q.shiftDue(now); x !== undefined; x = q.shiftDue(now)) out.push(x);
  return out;
}

describe('DelayQueue', () => {
  it('delivers in order, none before the one ahead of it', () => {
    const { q } = queue();
    expect(q.push(T0 + 10, 1)).toBe(T0 + 10);
    // Due earlier than the message ahead: it waits for that one (one connection, in order).
    expect(q.push(T0 + 5, 2)).toBe(T0 + 10);
    expect(q.push(T0 + 20, 3)).toBe(T0 + 20);
    expect(q.size).toBe(3);
    expect(q.lastDueUs).toBe(T0 + 20);
    expect(drain(q, T0 + 9)).toEqual([]);
    expect(drain(q, T0 + 10)).toEqual([1, 2]);
    expect(drain(q, T0 + 30)).toEqual([3]);
    expect(q.size).toBe(0);
    expect(q.lastDueUs).toBe(Number.NEGATIVE_INFINITY);
  });

  it('is reused after it empties, and after a long backlog is mostly consumed', () => {
    const { q } = queue();
    for (let round = 0; round < 3; round++) {
      const n = 3000 + round;
      for (let i = 0; i < n; i++) q.push(T0 + i, round * 10_000 + i);
      // Consume past the compaction point, add more behind, then take everything.
      const first = drain(q, T0 + 1999);
      expect(first).toEqual(Array.from({ length: 2000 }, (_, i) => round * 10_000 + i));
      q.push(T0 + n + 5, -1);
      const rest = drain(q, T0 + n + 5);
      expect(rest).toEqual([...Array.from({ length: n - 2000 }, (_, i) => round * 10_000 + 2000 + i), -1]);
      expect(q.size).toBe(0);
    }
  });

  it('wakes its owner when the head is due, and clear drops what is in flight', () => {
    const { clock, q, wakes } = queue();
    q.push(T0 + 100, 1);
    q.push(T0 + 200, 2);
    q.schedule();
    clock.advanceTo(T0 + 150);
    expect(wakes()).toBe(1);
    expect(drain(q, clock.nowUs())).toEqual([1]);
    expect(q.clear()).toBe(1);
    expect(q.size).toBe(0);
    clock.advanceTo(T0 + 300);
    expect(wakes()).toBe(1);
    q.push(T0 + 400, 3);
    expect(drain(q, T0 + 400)).toEqual([3]);
  });
});
