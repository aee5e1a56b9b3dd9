import { defineStrategy } from '@quantkubera/sdk';
import { z } from 'zod';
import { black76 } from './black-scholes.js';

const YEAR_US = 365 * 86_400_000_000;

/**
 * An options-friendly skeleton with its three hooks made explicit:
 * - `signal`: decides the option book. Here: sell an at-the-money straddle on the first bar
 *   (held as a modelled book priced with Black-76 at `impliedVol`, because the synthetic data has
 *   no option quotes; with a venue's option chain, submit real option orders here instead).
 * - `risk`: greeks of the book (delta per unit of the underlying future) and a loss limit.
 * - `hedge`: keeps the net delta (book + futures) inside ±`hedgeBand` lots by trading the future.
 * Replace the pieces; keep the shape.
 */
export default defineStrategy({
  name: 'straddle-hedger',
  description: 'Delta-hedges a short at-the-money straddle with the underlying future.',
  params: z.object({
    future: z.string(),
    expiry: z.string().describe('ISO-8601 expiry of the modelled options'),
    impliedVol: z.number().positive().default(0.16),
    rate: z.number().default(0.065),
    straddleLots: z.number().int().positive().default(2),
    hedgeBand: z.number().positive().default(0.5),
    maxLoss: z.number().positive().default(50_000),
    timeframe: z.string().default('1m'),
  }),
  setup(ctx) {
    const p = ctx.params;
    const lot = ctx.instrument(p.future).lotSize;
    const expiryUs = Date.parse(p.expiry) * 1000;
    const book: { right: 'CALL' | 'PUT'; strike: number; quantity: number; premium: number }[] = [];
    let halted = false;

    function greeks(future: number, now: number) {
      const years = Math.max(0, (expiryUs - now) / YEAR_US);
      let delta = 0;
      let value = 0;
      for (const leg of book) {
        const g = black76(leg.right, future, leg.strike, years, p.impliedVol, p.rate);
        delta += g.delta * leg.quantity;
        value += (g.price - leg.premium) * leg.quantity;
      }
      return { delta, pnl: value };
    }

    /** The signal hook: open the book once. */
    function signal(future: number, now: number): void {
      if (book.length > 0) return;
      const strike = Math.round(future / 100) * 100;
      const years = Math.max(0, (expiryUs - now) / YEAR_US);
      for (const right of ['CALL', 'PUT'] as const) {
        const { price } = black76(right, future, strike, years, p.impliedVol, p.rate);
        book.push({ right, strike, quantity: -p.straddleLots * lot, premium: price });
      }
      ctx.log.info('sold straddle', { strike, lots: p.straddleLots });
    }

    /** The risk hook: false stops trading and flattens the hedge. */
    function risk(future: number, now: number): boolean {
      const { pnl } = greeks(future, now);
      if (pnl < -p.maxLoss) {
        ctx.log.warn('loss limit: flattening the hedge', { pnl });
        ctx.flatten(p.future);
        return false;
      }
      return true;
    }

    /** The hedge hook: trade the future so that book delta + futures stays within the band. */
    function hedge(future: number, now: number): void {
      if (ctx.openOrders(p.future).length > 0) return;
      const net = greeks(future, now).delta + ctx.position(p.future);
      if (Math.abs(net) <= p.hedgeBand * lot) return;
      const lots = Math.round(net / lot);
      if (lots > 0) ctx.sell(p.future, lots * lot);
      else if (lots < 0) ctx.buy(p.future, -lots * lot);
    }

    return {
      onStart() {
        ctx.subscribe({ instrumentId: p.future, bars: [p.timeframe] });
      },
      onBar(bar) {
        if (halted) return;
        signal(bar.close, bar.tsEvent);
        if (!risk(bar.close, bar.tsEvent)) {
          halted = true;
          return;
        }
        hedge(bar.close, bar.tsEvent);
      },
    };
  },
});
