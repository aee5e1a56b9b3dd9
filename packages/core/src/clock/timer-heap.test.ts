import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HeapEntry, TimerHeap } from './timer-heap.js';

const entry = (dueUs: number, seq: number): HeapEntry => ({ dueUs, seq, heapIndex: -1 });
const order = (a: HeapEntry, b: HeapEntry): number => a.dueUs - b.dueUs || a.seq - b.seq;

describe('TimerHeap', () => {
  it('pops in (dueUs, seq) order', () => {
    const heap = new TimerHeap<HeapEntry>();
    for (const e of [entry(30, 1), entry(10, 2), entry(20, 3), entry(10, 4), entry(10, 0)]) heap.push(e);
    const popped: [number, number][] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) popped.push([e.dueUs, e.seq]);
    expect(popped).toEqual([
      [10, 0],
      [10, 2],
      [10, 4],
      [20, 3],
      [30, 1],
    ]);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });

  it('removes any entry and marks removed entries with heapIndex -1', () => {
    const heap = new TimerHeap<HeapEntry>();
    const a = entry(5, 1);
    const b = entry(1, 2);
    const c = entry(3, 3);
    heap.push(a);
    heap.push(b);
    heap.push(c);
    expect(heap.remove(c)).toBe(true);
    expect(c.heapIndex).toBe(-1);
    expect(heap.remove(c)).toBe(false);
    expect(heap.pop()).toBe(b);
    expect(heap.pop()).toBe(a);
  });

  it('refuses to remove an entry that belongs to another heap', () => {
    const one = new TimerHeap<HeapEntry>();
    const two = new TimerHeap<HeapEntry>();
    const a = entry(1, 1);
    one.push(a);
    two.push(entry(1, 2));
    expect(two.remove(a)).toBe(false);
    expect(two.size).toBe(1);
  });

  it('clear() empties the heap and deactivates every entry', () => {
    const heap = new TimerHeap<HeapEntry>();
    const entries = [entry(2, 1), entry(1, 2)];
    for (const e of entries) heap.push(e);
    const seen: HeapEntry[] = [];
    heap.clear((e) => seen.push(e));
    expect(heap.size).toBe(0);
    expect(seen).toHaveLength(2);
    expect(entries.every((e) => e.heapIndex === -1)).toBe(true);
  });

  it('matches a sorted-array model under random push/pop/remove (property)', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('push' as const), due: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ op: fc.constant('pop' as const) }),
      fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new TimerHeap<HeapEntry>();
        let model: HeapEntry[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.op === 'push') {
            const e = entry(o.due, seq++);
            heap.push(e);
            model.push(e);
          } else if (o.op === 'pop') {
            model.sort(order);
            expect(heap.pop()).toBe(model.shift());
          } else if (model.length > 0) {
            const victim = model[o.pick % model.length]!;
            expect(heap.remove(victim)).toBe(true);
            model = model.filter((e) => e !== victim);
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peek()).toBe([...model].sort(order)[0]);
        }
      }),
    );
  });
});
