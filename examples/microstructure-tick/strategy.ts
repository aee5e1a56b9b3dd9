import { Ema, type TimerHandle } from '@quantkubera/core';
import { defineStrategy } from '@quantkubera/sdk';
import { z } from 'zod';

/**
 * A microstructure tick strategy: trade-flow imbalance. Every trade adds its size, signed by the
 * aggressor, to an exponential average; when buyers dominate (imbalance above `entry`) and the
 * spread is at most `maxSpreadTicks`, it buys, and it exits when sellers dominate or, at the
 * latest, when an alarm `holdSeconds` after the entry fires. Reacts to trades, quotes and timers.
 */
export default defineStrategy({
  name: 'flow-imbalance',
  description: 'Buys on aggressive buying pressure at a tight spread; exits on a timer or reversal.',
  params: z.object({
    instrument: z.string(),
    /** Trades in the imbalance average (EMA span). */
    span: z.number().int().min(2).default(50),
    /** Imbalance (signed size / mean size, -1..1) that triggers an entry. */
    entry: z.number().gt(0).lt(1).default(0.35),
    maxSpreadTicks: z.number().int().min(1).default(2),
    holdSeconds: z.number().positive().default(120),
    quantity: z.number().positive().default(0.01),
  }),
  setup(ctx) {
    const { instrument, entry, quantity } = ctx.params;
    const tick = ctx.instrument(instrument).tickSize;
    const signed = new Ema(ctx.params.span);
    const size = new Ema(ctx.params.span);
    let spreadOk = false;
    let exitAlarm: TimerHandle | undefined;
    const exit = () => {
      const position = ctx.position(instrument);
      if (position > 0 && ctx.openOrders(instrument).length === 0) ctx.sell(instrument, position);
    };
    return {
      onStart() {
        ctx.subscribe({ instrumentId: instrument, trades: true, quotes: true });
      },
      onQuote(q) {
        spreadOk = q.askPrice - q.bidPrice <= ctx.params.maxSpreadTicks * tick + 1e-9;
      },
      onTrade(t) {
        const sign = t.aggressor === 'BUYER' ? 1 : t.aggressor === 'SELLER' ? -1 : 0;
        signed.update(sign * t.size);
        size.update(t.size);
        if (!size.isReady || ctx.openOrders(instrument).length > 0) return;
        const imbalance = signed.value / size.value;
        const position = ctx.position(instrument);
        if (position === 0 && spreadOk && imbalance > entry) ctx.buy(instrument, quantity);
        else if (position > 0 && imbalance < -entry) exit();
      },
      onFill(fill) {
        if (fill.side === 'BUY' && exitAlarm === undefined) {
          exitAlarm = ctx.setAlarm('exit', ctx.now() + ctx.params.holdSeconds * 1_000_000);
        } else if (fill.side === 'SELL' && ctx.position(instrument) === 0 && exitAlarm !== undefined) {
          ctx.cancelTimer(exitAlarm);
          exitAlarm = undefined;
        }
      },
      onTimer() {
        exitAlarm = undefined;
        exit();
      },
    };
  },
});
