import type { UnixMicros } from '../clock/time.js';
import type { HealthCode, HealthStatus, SystemHealthEvent } from '../schemas/index.js';

/** Receives the `SystemHealthEvent`s a market-data component reports. */
export type HealthSink = (event: SystemHealthEvent) => void;

/**
 * Builds a canonical `SystemHealthEvent` (kind `health`, v 1). `value` and `instrumentId` are
 * omitted when undefined, as the schema requires.
 *
 * @example
 * ```ts
 * onHealth(healthEvent(ts, now, 'feed:BINANCE', 'DEGRADED', 'SEQUENCE_GAP', 'missed 3 updates', 3, 'BTCUSDT.BINANCE'));
 * ```
 */
export function healthEvent(
  tsEvent: UnixMicros,
  tsInit: UnixMicros,
  component: string,
  status: HealthStatus,
  code: HealthCode,
  message: string,
  value?: number,
  instrumentId?: string,
): SystemHealthEvent {
  const event: { -readonly [K in keyof SystemHealthEvent]: SystemHealthEvent[K] } = {
    kind: 'health',
    v: 1,
    tsEvent,
    tsInit,
    component,
    status,
    code,
    message,
  };
  if (value !== undefined) event.value = value;
  if (instrumentId !== undefined) event.instrumentId = instrumentId;
  return event;
}
