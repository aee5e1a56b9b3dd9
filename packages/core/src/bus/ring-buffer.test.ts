import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('is FIFO across wrap-around and growth', () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.push(2);
    expect(ring.shift()).toBe(1);
    ring.push(3); // wraps
    ring.push(4); // grows while wrapped
    ring.push(5);
    expect(ring.toArray()).toEqual([2, 3, 4, 5]);
    expect([ring.shift(), ring.shift(), ring.shift(), ring.shift(), ring.shift()]).toEqual([
      2,
      3,
      4,
      5,
      undefined,
    ]);
    expect(ring.size).toBe(0);
  });

  it('clear() empties it', () => {
    const ring = new RingBuffer<string>(0);
    ring.push('a');
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.shift()).toBeUndefined();
  });

  it('matches an array model (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.option(fc.integer(), { nil: undefined })),
        (cap, ops) => {
          const ring = new RingBuffer<number>(cap);
          const model: number[] = [];
          for (const op of ops) {
            if (op === undefined) expect(ring.shift()).toBe(model.shift());
            else {
              ring.push(op);
              model.push(op);
            }
            expect(ring.size).toBe(model.length);
          }
          expect(ring.toArray()).toEqual(model);
        },
      ),
    );
  });
});
