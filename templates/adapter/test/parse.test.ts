import { parseEvent, ValidationError } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';
import { parseConfig, parseTrade, toPlaceOrder, VENUE_CODE } from '../src/index.js';
import { TradeMessageSchema } from '../src/schemas/index.js';

describe('parse', () => {
  it('turns a venue trade into a valid canonical TradeEvent', () => {
    const message = TradeMessageSchema.parse({
      channel: 'trades',
      symbol: 'BTCUSDT',
      id: '42',
      price: '68000.5',
      qty: '0.0125',
      side: 'sell',
      time: 1_732_000_000_123,
    });
    const trade = parseTrade(message, `BTCUSDT.${VENUE_CODE}`, 1_732_000_000_124_000);
    expect(parseEvent(trade)).toEqual(trade);
    expect(trade).toMatchObject({
      price: 68_000.5,
      size: 0.0125,
      aggressor: 'SELLER',
      tsEvent: 1_732_000_000_123_000,
    });
  });

  it('refuses order types the venue lacks, with the reason', () => {
    const reason = toPlaceOrder(
      {
        kind: 'orderIntent',
        v: 1,
        tsEvent: 0,
        tsInit: 0,
        action: 'SUBMIT',
        clientOrderId: 'a-1',
        strategyId: 's',
        instrumentId: `BTCUSDT.${VENUE_CODE}`,
        side: 'BUY',
        orderType: 'STOP',
        timeInForce: 'GTC',
        quantity: 1,
        triggerPrice: 70_000,
        reduceOnly: false,
        postOnly: false,
      },
      'BTCUSDT',
    );
    expect(reason).toBe(`${VENUE_CODE} does not support STOP orders`);
  });

  it('names the bad field of a configuration', () => {
    expect(() => parseConfig({ apiKey: '' })).toThrow(ValidationError);
    expect(() => parseConfig({ apiKey: '' })).toThrow(/apiKey/);
  });
});
