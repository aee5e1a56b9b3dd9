import { Sma } from '@quantkubera/core';
import { defineStrategy } from '@quantkubera/sdk';
import { z } from 'zod';

/**
 * Basic momentum on bars: long while the fast simple moving average of closes is above the slow
 * one, flat (or short, with `allowShort`) otherwise. One order at a time, sized in lots.
 */
export default defineStrategy({
  name: 'sma-crossover',
  description: 'Long when the fast SMA is above the slow SMA; flat or short otherwise.',
  params: z
    .object({
      instrument: z.string(),
      timeframe: z.string().default('5m'),
      fast: z.number().int().positive().default(10),
      slow: z.number().int().positive().default(30),
      quantity: z.number().positive().default(10),
      allowShort: z.boolean().default(false),
    })
    .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  setup(ctx) {
    const { instrument, timeframe, quantity, allowShort } = ctx.params;
    const fast = new Sma(ctx.params.fast);
    const slow = new Sma(ctx.params.slow);
    return {
      onStart() {
        ctx.subscribe({ instrumentId: instrument, bars: [timeframe] });
        ctx.log.info('started', { fast: ctx.params.fast, slow: ctx.params.slow, timeframe });
      },
      onBar(bar) {
        fast.update(bar.close);
        slow.update(bar.close);
        if (!slow.isReady || ctx.openOrders(instrument).length > 0) return;
        const target = fast.value > slow.value ? quantity : allowShort ? -quantity : 0;
        const delta = target - ctx.position(instrument);
        if (delta > 0) ctx.buy(instrument, delta);
        else if (delta < 0) ctx.sell(instrument, -delta);
      },
      onRiskEvent(event) {
        if (event.decision === 'DENIED')
          ctx.log.warn('order denied', { reason: event.reason, message: event.message });
      },
    };
  },
});
