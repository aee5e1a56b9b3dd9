import type { HealthCode, SystemHealthEvent, UnixMicros } from '@quantkubera/core';

/** A connection health event of one adapter component (`feed:ACME`, `gateway:acme`). */
export function healthEvent(
  component: string,
  code: HealthCode,
  message: string,
  nowUs: UnixMicros,
): SystemHealthEvent {
  const status = code === 'CONNECTED' ? 'UP' : code === 'DISCONNECTED' ? 'DOWN' : 'DEGRADED';
  return { kind: 'health', v: 1, tsEvent: nowUs, tsInit: nowUs, component, status, code, message };
}
