import { Atr, Highest, Lowest } from '@quantkubera/core';
import { defineStrategy } from '@quantkubera/sdk';
import { z } from 'zod';

/**
 * A volatility breakout across timeframes: the slow timeframe (15m) sets the channel (highest
 * high / lowest low of the last `lookback` bars) and the volatility (ATR); the fast timeframe
 * (1m) triggers an entry when it closes beyond the channel by `atrBuffer` ATRs. Every entry is
 * protected by a stop order `stopAtr` ATRs away, replaced as the trade moves in its favour.
 */
export default defineStrategy({
  name: 'vol-breakout',
  description: 'Enters on a 1m close beyond the 15m channel; exits on an ATR trailing stop.',
  params: z.object({
    instrument: z.string(),
    fast: z.string().default('1m'),
    slow: z.string().default('15m'),
    lookback: z.number().int().min(2).default(8),
    atrPeriod: z.number().int().min(2).default(14),
    atrBuffer: z.number().min(0).default(0.25),
    stopAtr: z.number().positive().default(1.5),
    quantity: z.number().positive().default(15),
  }),
  setup(ctx) {
    const p = ctx.params;
    const atr = new Atr(p.atrPeriod);
    const highest = new Highest(p.lookback);
    const lowest = new Lowest(p.lookback);
    let stopId: string | undefined;
    let stopPrice = Number.NaN;
    const tick = ctx.instrument(p.instrument).tickSize;
    const round = (x: number) => Math.round(x / tick) * tick;
    return {
      onStart() {
        ctx.subscribe({ instrumentId: p.instrument, bars: [p.fast, p.slow] });
      },
      onBar(bar) {
        if (bar.timeframe === p.slow) {
          atr.updateBar(bar);
          highest.update(bar.high);
          lowest.update(bar.low);
          return;
        }
        if (!atr.isReady || !highest.isReady) return;
        const position = ctx.position(p.instrument);
        const buffer = p.atrBuffer * atr.value;
        if (position === 0 && ctx.openOrders(p.instrument).length === 0) {
          if (bar.close > highest.value + buffer) ctx.buy(p.instrument, p.quantity);
          else if (bar.close < lowest.value - buffer) ctx.sell(p.instrument, p.quantity);
          return;
        }
        if (position === 0) return;
        // Trail the stop: only ever towards the market.
        const wanted = round(
          position > 0 ? bar.close - p.stopAtr * atr.value : bar.close + p.stopAtr * atr.value,
        );
        const better = Number.isNaN(stopPrice) || (position > 0 ? wanted > stopPrice : wanted < stopPrice);
        if (!better) return;
        if (stopId !== undefined && ctx.order(stopId)?.isOpen === true) {
          ctx.modify(stopId, { triggerPrice: wanted });
        } else {
          stopId = ctx.submit({
            instrumentId: p.instrument,
            side: position > 0 ? 'SELL' : 'BUY',
            quantity: Math.abs(position),
            type: 'STOP',
            triggerPrice: wanted,
            reduceOnly: true,
          });
        }
        stopPrice = wanted;
      },
      onFill(fill) {
        if (fill.clientOrderId === stopId && ctx.position(p.instrument) === 0) {
          stopId = undefined;
          stopPrice = Number.NaN;
        }
      },
    };
  },
});
