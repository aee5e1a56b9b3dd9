import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { InstrumentEventSchema } from './instrument.js';
import {
  BarEventSchema,
  DepthEventSchema,
  QuoteEventSchema,
  TickEventSchema,
  TradeEventSchema,
} from './market-data.js';
import { FillEventSchema, OrderAckSchema, OrderIntentSchema, OrderUpdateSchema } from './orders.js';
import { PortfolioSnapshotSchema, PositionUpdateSchema } from './portfolio.js';
import { RiskEventSchema, SystemHealthEventSchema } from './system.js';

/**
 * The schema of every canonical event kind, current version. The order of this object's keys is
 * the binary kind id (index + 1): append only.
 */
export const EVENT_SCHEMAS = {
  instrument: InstrumentEventSchema,
  tick: TickEventSchema,
  trade: TradeEventSchema,
  quote: QuoteEventSchema,
  depth: DepthEventSchema,
  bar: BarEventSchema,
  orderIntent: OrderIntentSchema,
  orderAck: OrderAckSchema,
  orderUpdate: OrderUpdateSchema,
  fill: FillEventSchema,
  position: PositionUpdateSchema,
  portfolio: PortfolioSnapshotSchema,
  risk: RiskEventSchema,
  health: SystemHealthEventSchema,
} as const;

/** Every canonical event kind. */
export type EventKind = keyof typeof EVENT_SCHEMAS;
/** Every canonical event kind, in binary kind-id order. */
export const EVENT_KINDS = Object.keys(EVENT_SCHEMAS) as EventKind[];

/** Any canonical event. Narrow on `kind`. */
export type CanonicalEvent = { [K in EventKind]: z.infer<(typeof EVENT_SCHEMAS)[K]> }[EventKind];
/** The event type of one kind. */
export type EventOf<K extends EventKind> = Extract<CanonicalEvent, { kind: K }>;

/** Any canonical event, as one zod schema discriminated by `kind`. */
export const CanonicalEventSchema = z.discriminatedUnion('kind', [
  InstrumentEventSchema,
  TickEventSchema,
  TradeEventSchema,
  QuoteEventSchema,
  DepthEventSchema,
  BarEventSchema,
  OrderIntentSchema,
  OrderAckSchema,
  OrderUpdateSchema,
  FillEventSchema,
  PositionUpdateSchema,
  PortfolioSnapshotSchema,
  RiskEventSchema,
  SystemHealthEventSchema,
]);

/** True when `value` names a canonical event kind. */
export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && Object.hasOwn(EVENT_SCHEMAS, value);
}

/**
 * Validates untrusted input (a file row, a venue message mapped to canonical form, user input) as
 * a canonical event. Throws {@link ValidationError} naming every bad field by path.
 *
 * @param source - where the input came from, for the error message (`ticks.csv:42`).
 * @example
 * ```ts
 * const trade = parseEvent({ kind: 'trade', v: 1, ... }, 'ws:binance');
 * ```
 */
export function parseEvent(input: unknown, source?: string): CanonicalEvent {
  const result = CanonicalEventSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod('event', result.error, source);
  return result.data as CanonicalEvent;
}

/**
 * Validates untrusted input as an event of one kind. Throws {@link ValidationError} on failure.
 *
 * @example
 * ```ts
 * const bar = parseEventOf('bar', row, 'bars.csv:7');
 * ```
 */
export function parseEventOf<K extends EventKind>(kind: K, input: unknown, source?: string): EventOf<K> {
  const schema: z.ZodType = EVENT_SCHEMAS[kind];
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(`${kind} event`, result.error, source);
  return result.data as EventOf<K>;
}
