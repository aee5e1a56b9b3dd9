import type { FillEvent } from '@quantkubera/core';

/** A round trip: a position opened from flat and closed back to flat (or flipped). */
export interface RoundTrip {
  readonly strategyId: string;
  readonly instrumentId: string;
  /** LONG when it opened with a buy. */
  readonly direction: 'LONG' | 'SHORT';
  /** Time of the opening fill (epoch µs). */
  readonly entryTs: number;
  /** Time of the closing fill (epoch µs). */
  readonly exitTs: number;
  /** Largest absolute position held during the trip. */
  readonly quantity: number;
  /** Quantity-weighted average price of the fills that added to the position. */
  readonly entryPrice: number;
  /** Quantity-weighted average price of the fills that reduced it. */
  readonly exitPrice: number;
  /** PnL before fees: Σ (exit − average cost) × closed quantity × multiplier, signed by direction. */
  readonly grossPnl: number;
  /** Fees of the trip's fills (a flipping fill's fee is split by quantity). */
  readonly fees: number;
  /** grossPnl − fees. */
  readonly netPnl: number;
  /** netPnl / (entryPrice × quantity × multiplier): the trip's return on the notional it used. */
  readonly returnOnNotional: number;
}

interface OpenTrip {
  direction: 'LONG' | 'SHORT';
  entryTs: number;
  position: number;
  maxAbs: number;
  avgCost: number;
  addQty: number;
  addNotional: number;
  exitQty: number;
  exitNotional: number;
  grossPnl: number;
  fees: number;
}

const EPSILON = 1e-9;

function close(key: string, trip: OpenTrip, exitTs: number, multiplier: number): RoundTrip {
  const [strategyId, instrumentId] = key.split('\u0000') as [string, string];
  const entryPrice = trip.addQty > 0 ? trip.addNotional / trip.addQty : 0;
  const notional = entryPrice * trip.maxAbs * multiplier;
  const netPnl = trip.grossPnl - trip.fees;
  return {
    strategyId,
    instrumentId,
    direction: trip.direction,
    entryTs: trip.entryTs,
    exitTs,
    quantity: trip.maxAbs,
    entryPrice,
    exitPrice: trip.exitQty > 0 ? trip.exitNotional / trip.exitQty : 0,
    grossPnl: trip.grossPnl,
    fees: trip.fees,
    netPnl,
    returnOnNotional: notional > 0 ? netPnl / notional : 0,
  };
}

/**
 * Splits fills into round trips per strategy and instrument, with average-cost PnL. A fill that
 * flips the position closes the trip and opens the next with the remainder. Trips still open at
 * the end are not returned (they have no exit). Fees are taken in the instrument's currency.
 *
 * @param multiplier The contract multiplier of an instrument (1 for cash equities and spot).
 */
export function roundTrips(
  fills: readonly FillEvent[],
  multiplier: (instrumentId: string) => number = () => 1,
): RoundTrip[] {
  const open = new Map<string, OpenTrip>();
  const done: RoundTrip[] = [];
  for (const f of fills) {
    const key = `${f.strategyId}\u0000${f.instrumentId}`;
    const m = multiplier(f.instrumentId);
    const signed = f.side === 'BUY' ? f.quantity : -f.quantity;
    let remaining = signed;
    let trip = open.get(key);
    while (Math.abs(remaining) > EPSILON) {
      const share = Math.abs(remaining) / f.quantity;
      if (trip === undefined) {
        trip = {
          direction: remaining > 0 ? 'LONG' : 'SHORT',
          entryTs: f.tsEvent,
          position: 0,
          maxAbs: 0,
          avgCost: 0,
          addQty: 0,
          addNotional: 0,
          exitQty: 0,
          exitNotional: 0,
          grossPnl: 0,
          fees: 0,
        };
        open.set(key, trip);
      }
      if (Math.sign(remaining) === Math.sign(trip.position) || trip.position === 0) {
        // Adding to the position: the average cost moves, nothing is realised.
        const qty = Math.abs(remaining);
        const absPos = Math.abs(trip.position);
        trip.avgCost = (trip.avgCost * absPos + f.price * qty) / (absPos + qty);
        trip.position += remaining;
        trip.maxAbs = Math.max(trip.maxAbs, Math.abs(trip.position));
        trip.addQty += qty;
        trip.addNotional += f.price * qty;
        trip.fees += f.fee * share;
        remaining = 0;
      } else {
        const qty = Math.min(Math.abs(remaining), Math.abs(trip.position));
        const direction = trip.position > 0 ? 1 : -1;
        trip.grossPnl += (f.price - trip.avgCost) * qty * m * direction;
        trip.exitQty += qty;
        trip.exitNotional += f.price * qty;
        trip.fees += (f.fee * qty) / f.quantity;
        trip.position -= direction * qty;
        remaining += direction * qty;
        if (Math.abs(trip.position) < EPSILON) {
          done.push(close(key, trip, f.tsEvent, m));
          open.delete(key);
          trip = undefined;
        }
      }
    }
  }
  return done;
}
