import { describe, expect, it } from 'vitest';
import { fill, intent, RELIANCE, T0 } from '../risk/fixtures.test-support.js';
import type { ExecutionEvent } from './execution-gateway.js';
import { RecordingGateway } from './recording-gateway.js';

describe('RecordingGateway', () => {
  it('records requests in order and delivers emitted events only while connected', async () => {
    const gateway = new RecordingGateway('test');
    const seen: ExecutionEvent[] = [];
    const event = fill({ clientOrderId: 'a', tradeId: 't' });
    expect(gateway.emit(event)).toBe(false);
    await gateway.connect((e) => seen.push(e));
    expect(gateway.connected).toBe(true);
    gateway.submit(intent({ clientOrderId: 'a' }));
    gateway.modify(intent({ clientOrderId: 'a', action: 'MODIFY' }));
    gateway.cancel(intent({ clientOrderId: 'a', action: 'CANCEL' }));
    gateway.cancelAll({ instrumentId: RELIANCE.id });
    expect(gateway.requests.map((r) => r.method)).toEqual(['submit', 'modify', 'cancel', 'cancelAll']);
    expect(gateway.emit(event)).toBe(true);
    expect(seen).toEqual([event]);
    await gateway.disconnect();
    expect(gateway.emit(event)).toBe(false);
  });

  it('filters its canned reconciliation reports', async () => {
    const gateway = new RecordingGateway();
    const report = {
      venueOrderId: 'V1',
      instrumentId: RELIANCE.id,
      side: 'BUY' as const,
      orderType: 'LIMIT' as const,
      timeInForce: 'DAY' as const,
      status: 'FILLED' as const,
      quantity: 1,
      filledQuantity: 1,
      avgFillPrice: 2945.35,
      tsLastUpdate: T0,
      tsInit: T0,
    };
    gateway.orderReports = [report, { ...report, venueOrderId: 'V2', status: 'ACCEPTED', filledQuantity: 0 }];
    gateway.fills = [fill({ clientOrderId: 'a', tradeId: 't', tsEvent: T0 + 5 })];
    expect((await gateway.orderStatusReports({ openOnly: true })).map((r) => r.venueOrderId)).toEqual(['V2']);
    expect(await gateway.orderStatusReports({ instrumentId: 'X.NSE' })).toEqual([]);
    expect(await gateway.fillReports({ sinceUs: T0 + 6 })).toEqual([]);
    expect(await gateway.fillReports({ sinceUs: T0 + 5 })).toHaveLength(1);
  });
});
