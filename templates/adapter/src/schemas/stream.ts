import { z } from 'zod';
import { OrderWireSchema, TradeWireSchema } from './rest.js';

const Decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string')
  .transform(Number);

/** A public trade on the `trades` channel. */
export const TradeMessageSchema = z.object({
  channel: z.literal('trades'),
  symbol: z.string().min(1),
  id: z.string().min(1),
  price: Decimal,
  qty: Decimal,
  side: z.enum(['buy', 'sell']),
  time: z.number().int().nonnegative(),
});

/** The top of book on the `book` channel. */
export const BookMessageSchema = z.object({
  channel: z.literal('book'),
  symbol: z.string().min(1),
  bid: Decimal,
  bidQty: Decimal,
  ask: Decimal,
  askQty: Decimal,
  time: z.number().int().nonnegative(),
});

/** A private order change on the `orders` channel. */
export const OrderMessageSchema = z.object({ channel: z.literal('orders'), order: OrderWireSchema });

/** A private execution on the `fills` channel. */
export const FillMessageSchema = z.object({ channel: z.literal('fills'), fill: TradeWireSchema });

/** Every message the stream sends. */
export const StreamMessageSchema = z.discriminatedUnion('channel', [
  TradeMessageSchema,
  BookMessageSchema,
  OrderMessageSchema,
  FillMessageSchema,
]);

/** A parsed stream message. */
export type StreamMessage = z.infer<typeof StreamMessageSchema>;
/** A parsed public trade. */
export type TradeMessage = z.infer<typeof TradeMessageSchema>;
/** A parsed top of book. */
export type BookMessage = z.infer<typeof BookMessageSchema>;

/** What the client sends to start or stop a public channel. */
export interface SubscribeCommand {
  /** subscribe or unsubscribe. */
  readonly op: 'subscribe' | 'unsubscribe';
  /** The public channel. */
  readonly channel: 'trades' | 'book';
  /** The venue symbol. */
  readonly symbol: string;
}
