import { describe, expect, it } from 'vitest';
import { IdentifierError } from '../errors/index.js';
import { CLIENT_ORDER_ID_PATTERN, ClientOrderIdGenerator } from './client-order-id.js';
import { makeInstrumentId, parseInstrumentId } from './instrument-id.js';
import { parseTimeframe } from './timeframe.js';

describe('instrument ids', () => {
  it('split at the last dot, keeping dots and symbols in the symbol', () => {
    expect(parseInstrumentId('RELIANCE.NSE')).toEqual({ symbol: 'RELIANCE', venue: 'NSE' });
    expect(parseInstrumentId('BRK.B.XNYS')).toEqual({ symbol: 'BRK.B', venue: 'XNYS' });
    expect(parseInstrumentId('M&M.NSE')).toEqual({ symbol: 'M&M', venue: 'NSE' });
    expect(parseInstrumentId('NIFTY 50.NSE')).toEqual({ symbol: 'NIFTY 50', venue: 'NSE' });
    expect(makeInstrumentId('BTCUSDT-PERP', 'BINANCE')).toBe('BTCUSDT-PERP.BINANCE');
  });

  it('reject malformed ids with the input in the error', () => {
    for (const bad of ['RELIANCE', 'RELIANCE.nse', '.NSE', ' X.NSE', 'X .NSE', 'X.N', 'X\n.NSE']) {
      expect(() => parseInstrumentId(bad)).toThrow(IdentifierError);
    }
    expect(() => makeInstrumentId('ABC', 'nse')).toThrow(/"ABC\.nse"/);
  });
});

describe('client order ids', () => {
  it('are deterministic, venue-safe and resumable', () => {
    const a = new ClientOrderIdGenerator('momo');
    const b = new ClientOrderIdGenerator('momo');
    const ids = Array.from({ length: 5 }, () => a.next());
    expect(ids).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(ids[0]).toBe('momo-1');
    expect(ids.every((id) => CLIENT_ORDER_ID_PATTERN.test(id))).toBe(true);
    expect(new ClientOrderIdGenerator('momo', 41).next()).toBe('momo-42');
    expect(new ClientOrderIdGenerator('x'.repeat(24), 1e10).next().length).toBeLessThanOrEqual(36);
  });

  it('refuse prefixes a venue would not accept', () => {
    expect(() => new ClientOrderIdGenerator('has space')).toThrow(IdentifierError);
    expect(() => new ClientOrderIdGenerator('x'.repeat(25))).toThrow(IdentifierError);
    expect(() => new ClientOrderIdGenerator('ok', -1)).toThrow(IdentifierError);
  });
});

describe('timeframes', () => {
  it('parse time and activity units', () => {
    expect(parseTimeframe('1s')).toEqual({ step: 1, unit: 's', durationUs: 1_000_000 });
    expect(parseTimeframe('5m')).toEqual({ step: 5, unit: 'm', durationUs: 300_000_000 });
    expect(parseTimeframe('1d').durationUs).toBe(86_400_000_000);
    expect(parseTimeframe('500tick')).toEqual({ step: 500, unit: 'tick', durationUs: undefined });
  });

  it('reject malformed ones', () => {
    for (const bad of ['', 'm', '0m', '05m', '1M', '1 m', '1min', '-1m']) {
      expect(() => parseTimeframe(bad)).toThrow(IdentifierError);
    }
  });
});
