import { Sma } from '@quantkubera/core';
import { defineStrategy } from '@quantkubera/sdk';
import { z } from 'zod';

/**
 * Momentum on bars: long while the fast simple moving average of closes is above the slow one,
 * flat otherwise. One order at a time per instrument. Runs unchanged in backtest, paper and live
 * mode: the descriptor's `mode` line decides where its orders go.
 */
export default defineStrategy({
  name: 'sma-crossover',
  description: 'Long when the fast SMA is above the slow SMA; flat otherwise.',
  params: z
    .object({
      instruments: z.array(z.string()).min(1),
      timeframe: z.string().default('5m'),
      fast: z.number().int().positive().default(10),
      slow: z.number().int().positive().default(30),
      quantity: z.number().positive(),
    })
    .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  setup(ctx) {
    const { instruments, timeframe, quantity } = ctx.params;
    // One pair of averages per instrument, kept in setup's closure: a restart starts them afresh.
    const averages = new Map(
      instruments.map((id) => [id, { fast: new Sma(ctx.params.fast), slow: new Sma(ctx.params.slow) }]),
    );
    return {
      onStart() {
        for (const instrumentId of instruments) ctx.subscribe({ instrumentId, bars: [timeframe] });
        ctx.log.info('started', { instruments, timeframe });
      },
      onBar(bar) {
        const sma = averages.get(bar.instrumentId);
        if (sma === undefined) return;
        sma.fast.update(bar.close);
        sma.slow.update(bar.close);
        if (!sma.slow.isReady || ctx.openOrders(bar.instrumentId).length > 0) return;
        const target = sma.fast.value > sma.slow.value ? quantity : 0;
        const delta = target - ctx.position(bar.instrumentId);
        if (delta > 0) ctx.buy(bar.instrumentId, delta);
        else if (delta < 0) ctx.sell(bar.instrumentId, -delta);
      },
      onRiskEvent(event) {
        if (event.decision === 'DENIED') ctx.log.warn('order denied', { reason: event.reason });
      },
    };
  },
});
