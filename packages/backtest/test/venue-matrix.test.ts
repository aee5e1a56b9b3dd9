import { type OrderType, TIME_IN_FORCE, type TimeInForce } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import type { VenueMode } from '../src/venue/index.js';
import { Harness, MIN, NSE_CLOSE, SEC, T0 } from './support/venue-harness.js';

/**
 * Every order type × time in force, in every mode, on one script per mode: the market starts at
 * 100.00 / 100.05, rises to 100.50 / 100.55 (stops at 100.50 trigger) and falls to 99.80 / 99.85
 * (a buy limit at 99.90 is traded through). Then a flat script to the session end for expiries.
 */
const ORDERS: Record<OrderType, { price?: number; trigger?: number }> = {
  MARKET: {},
  LIMIT: { price: 99.9 },
  STOP: { trigger: 100.5 },
  STOP_LIMIT: { trigger: 100.5, price: 100.6 },
};

type Script = (h: Harness, submit: () => void) => void;

const MOVING: Record<VenueMode, Script> = {
  L1: (h, submit) => {
    h.quote(T0, 100, 1_000, 100.05, 1_000);
    submit();
    h.quote(T0 + SEC, 100.5, 1_000, 100.55, 1_000);
    h.trade(T0 + SEC + 1, 100.5, 10, 'BUYER');
    h.trade(T0 + 2 * SEC, 99.85, 10, 'SELLER');
    h.quote(T0 + 2 * SEC + 1, 99.8, 1_000, 99.85, 1_000);
  },
  L2: (h, submit) => {
    h.depth(
      T0,
      [
        [100, 1_000],
        [99.95, 1_000],
      ],
      [
        [100.05, 1_000],
        [100.1, 1_000],
      ],
    );
    submit();
    h.depth(T0 + SEC, [[100.5, 1_000]], [[100.55, 1_000]]);
    h.trade(T0 + SEC + 1, 100.5, 10, 'BUYER');
    h.trade(T0 + 2 * SEC, 99.85, 10, 'SELLER');
    h.depth(T0 + 2 * SEC + 1, [[99.8, 1_000]], [[99.85, 1_000]]);
  },
  BAR: (h, submit) => {
    h.bar(T0, 100, 100.1, 99.95, 100);
    submit();
    // Nearest extreme first: 100.05 → 99.80 → 100.60 → 99.85.
    h.bar(T0 + MIN, 100.05, 100.6, 99.8, 99.85, 100_000);
  },
};

const FLAT: Record<VenueMode, Script> = {
  L1: (h, submit) => {
    h.quote(T0, 100, 1_000, 100.05, 1_000);
    submit();
    h.quote(NSE_CLOSE - SEC, 100, 1_000, 100.05, 1_000);
    h.at(NSE_CLOSE + SEC);
  },
  L2: (h, submit) => {
    h.depth(T0, [[100, 1_000]], [[100.05, 1_000]]);
    submit();
    h.depth(NSE_CLOSE - SEC, [[100, 1_000]], [[100.05, 1_000]]);
    h.at(NSE_CLOSE + SEC);
  },
  BAR: (h, submit) => {
    h.bar(T0, 100, 100, 100, 100);
    submit();
    h.bar(NSE_CLOSE - MIN, 100.05, 100.05, 100, 100.05);
    h.at(NSE_CLOSE + SEC);
  },
};

interface Expected {
  readonly status: string;
  readonly price?: number;
  readonly liquidity?: string;
}

/** What the moving script must produce. */
function expectedMoving(mode: VenueMode, type: OrderType, tif: TimeInForce): Expected {
  const immediate = tif === 'IOC' || tif === 'FOK';
  switch (type) {
    case 'MARKET':
      return { status: 'FILLED', price: 100.05, liquidity: 'TAKER' };
    case 'LIMIT':
      return immediate ? { status: 'CANCELED' } : { status: 'FILLED', price: 99.9, liquidity: 'MAKER' };
    case 'STOP':
    case 'STOP_LIMIT':
      // L1/L2 take the ask after the trigger; a bar fills at the trigger price on the path.
      return { status: 'FILLED', price: mode === 'BAR' ? 100.5 : 100.55, liquidity: 'TAKER' };
  }
}

/** What the flat script (nothing reached until the session end) must produce. */
function expectedFlat(type: OrderType, tif: TimeInForce): Expected {
  if (type === 'MARKET') return { status: 'FILLED', price: 100.05, liquidity: 'TAKER' };
  if (tif === 'DAY') return { status: 'EXPIRED' };
  if (tif === 'GTC') return { status: 'ACCEPTED' };
  // IOC/FOK limits cannot rest; IOC/FOK stops wait for their trigger, then apply.
  return type === 'LIMIT' ? { status: 'CANCELED' } : { status: 'ACCEPTED' };
}

const TYPES: OrderType[] = ['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'];
const MODES: VenueMode[] = ['L1', 'L2', 'BAR'];

describe('every order type × time in force in every mode', () => {
  for (const mode of MODES) {
    for (const type of TYPES) {
      for (const tif of TIME_IN_FORCE) {
        it(`${mode} ${type} ${tif}`, async () => {
          for (const [script, expected] of [
            [MOVING[mode], expectedMoving(mode, type, tif)],
            [FLAT[mode], expectedFlat(type, tif)],
          ] as const) {
            const h = await Harness.create({ mode });
            script(h, () => h.submit({ id: 'o', type, tif, quantity: 10, ...ORDERS[type] }));
            expect(h.acks('o')[0]).toMatchObject({ action: 'SUBMIT', accepted: true });
            expect(h.status('o')).toBe(expected.status);
            if (expected.price === undefined) {
              expect(h.fills('o')).toHaveLength(0);
            } else {
              expect(h.fills('o').map((f) => [f.price, f.quantity, f.liquidity])).toEqual([
                [expected.price, 10, expected.liquidity],
              ]);
            }
            if (type === 'STOP' || type === 'STOP_LIMIT') {
              const triggered = h.updates('o').some((u) => u.status === 'TRIGGERED');
              expect(triggered).toBe(expected.price !== undefined);
            }
          }
        });
      }
    }
  }
});
