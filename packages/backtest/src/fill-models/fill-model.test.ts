import { Rng } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import {
  bestCaseFillModel,
  ProbabilisticFillModel,
  queueFillModel,
  type TouchContext,
  VolumeParticipationFillModel,
} from './index.js';

const ctx = (over: Partial<TouchContext>): TouchContext => ({
  kind: 'at',
  remaining: 10,
  queueAhead: 0,
  capacity: 100,
  volume: 100,
  used: 0,
  ...over,
});
const rng = new Rng(1);

describe('fill models', () => {
  it('queue model: a touch fills only what is left after the queue ahead; through fills up to capacity', () => {
    expect(queueFillModel.fillQuantity(ctx({ queueAhead: 95 }), rng)).toBe(5);
    expect(queueFillModel.fillQuantity(ctx({ queueAhead: 100 }), rng)).toBe(0);
    expect(queueFillModel.fillQuantity(ctx({ queueAhead: Number.POSITIVE_INFINITY }), rng)).toBe(0);
    expect(queueFillModel.fillQuantity(ctx({ kind: 'through', queueAhead: 1e9, capacity: 4 }), rng)).toBe(4);
    expect(queueFillModel.fillQuantity(ctx({ kind: 'take', capacity: Number.POSITIVE_INFINITY }), rng)).toBe(
      10,
    );
  });

  it('best case ignores the queue', () => {
    expect(bestCaseFillModel.fillQuantity(ctx({ queueAhead: Number.POSITIVE_INFINITY }), rng)).toBe(10);
    expect(bestCaseFillModel.fillQuantity(ctx({ capacity: 3 }), rng)).toBe(3);
  });

  it('probabilistic fills a touch with its probability, reproducibly per seed', () => {
    const model = new ProbabilisticFillModel(0.25);
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 4000 }, () => model.fillQuantity(ctx({}), r));
    };
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    const rate = a.filter((q) => q > 0).length / a.length;
    expect(rate).toBeGreaterThan(0.22);
    expect(rate).toBeLessThan(0.28);
    expect(model.fillQuantity(ctx({ kind: 'through' }), rng)).toBe(10);
    expect(() => new ProbabilisticFillModel(1.5)).toThrow(/probability/);
  });

  it('participation cap limits our share of each event volume, shared across our orders', () => {
    const cap = new VolumeParticipationFillModel(0.1, bestCaseFillModel);
    expect(cap.fillQuantity(ctx({ volume: 50 }), rng)).toBe(5);
    expect(cap.fillQuantity(ctx({ volume: 50, used: 4 }), rng)).toBe(1);
    expect(cap.fillQuantity(ctx({ volume: 50, used: 5 }), rng)).toBe(0);
    expect(cap.fillQuantity(ctx({ volume: Number.POSITIVE_INFINITY }), rng)).toBe(10);
    expect(new VolumeParticipationFillModel(0.5).name).toBe('participation(queue)');
    expect(() => new VolumeParticipationFillModel(0)).toThrow(/maxFraction/);
  });
});
