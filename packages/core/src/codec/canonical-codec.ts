import type { CanonicalEvent } from '../schemas/event.js';
import { EVENT_KINDS } from '../schemas/event.js';
import { EventCodec, type KindDefinition } from './event-codec.js';
import { LAYOUTS_V1 } from './layouts.js';

/**
 * The binary definition of every canonical event kind. Kind ids follow {@link EVENT_KINDS}
 * (index + 1); versions list every layout ever released, oldest first.
 */
export const CANONICAL_DEFINITIONS: readonly KindDefinition[] = EVENT_KINDS.map((kind, index) => ({
  kind,
  id: index + 1,
  versions: [{ v: 1, layout: LAYOUTS_V1[kind] }],
}));

/**
 * The codec for canonical events.
 *
 * @example
 * ```ts
 * const bytes = eventCodec.encode(trade);
 * const back = eventCodec.decode(bytes); // deep-equals trade
 * ```
 */
export const eventCodec: EventCodec<CanonicalEvent> = new EventCodec<CanonicalEvent>(CANONICAL_DEFINITIONS);

/** Encodes a canonical event into a new `Uint8Array`. */
export function encodeEvent(event: CanonicalEvent): Uint8Array {
  return eventCodec.encode(event);
}

/** Decodes the canonical event frame at `offset`; throws `DecodeError` on bad bytes. */
export function decodeEvent(bytes: Uint8Array, offset = 0): CanonicalEvent {
  return eventCodec.decode(bytes, offset);
}
