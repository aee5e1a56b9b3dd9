import { z } from 'zod';
import {
  AmountSchema,
  ClientOrderIdSchema,
  CurrencySchema,
  eventHeader,
  InstrumentIdSchema,
  LIQUIDITY_SIDES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  ORDER_TYPES,
  PositivePriceSchema,
  PositiveQuantitySchema,
  PriceSchema,
  QuantitySchema,
  SIDES,
  StrategyIdSchema,
  TextSchema,
  TIME_IN_FORCE,
  VenueIdSchema,
} from './primitives.js';

const needsPrice = new Set(['LIMIT', 'STOP_LIMIT']);
const needsTrigger = new Set(['STOP', 'STOP_LIMIT']);

/**
 * A strategy's request to the venue: submit a new order, or modify or cancel an existing one.
 * Every request is recorded, so an audit shows what was asked as well as what happened.
 * For `MODIFY`, `quantity`, `price` and `triggerPrice` are the new values.
 */
export const OrderIntentSchema = z
  .object({
    ...eventHeader('orderIntent', 1),
    action: z.enum(ORDER_ACTIONS),
    clientOrderId: ClientOrderIdSchema,
    strategyId: StrategyIdSchema,
    instrumentId: InstrumentIdSchema,
    side: z.enum(SIDES),
    orderType: z.enum(ORDER_TYPES),
    timeInForce: z.enum(TIME_IN_FORCE),
    quantity: PositiveQuantitySchema,
    /** Limit price: required for LIMIT and STOP_LIMIT, absent otherwise. */
    price: PriceSchema.optional(),
    /** Trigger price: required for STOP and STOP_LIMIT, absent otherwise. */
    triggerPrice: PriceSchema.optional(),
    /** Only ever reduces the position. */
    reduceOnly: z.boolean(),
    /** Rejected instead of taking liquidity (LIMIT only). */
    postOnly: z.boolean(),
    /** Free-form tag carried to the venue where it has a field for one. */
    tag: z.string().max(64).optional(),
  })
  .superRefine((o, ctx) => {
    if (needsPrice.has(o.orderType) !== (o.price !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['price'],
        message: needsPrice.has(o.orderType)
          ? `required for ${o.orderType}`
          : `not allowed for ${o.orderType}`,
      });
    }
    if (needsTrigger.has(o.orderType) !== (o.triggerPrice !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['triggerPrice'],
        message: needsTrigger.has(o.orderType)
          ? `required for ${o.orderType}`
          : `not allowed for ${o.orderType}`,
      });
    }
    if (o.postOnly && o.orderType !== 'LIMIT') {
      ctx.addIssue({ code: 'custom', path: ['postOnly'], message: 'only LIMIT orders can be post-only' });
    }
    if (o.postOnly && (o.timeInForce === 'IOC' || o.timeInForce === 'FOK')) {
      ctx.addIssue({ code: 'custom', path: ['postOnly'], message: `post-only cannot be ${o.timeInForce}` });
    }
  });

/** The venue's answer to an {@link OrderIntent}: accepted or rejected, with the venue's id. */
export const OrderAckSchema = z.object({
  ...eventHeader('orderAck', 1),
  action: z.enum(ORDER_ACTIONS),
  clientOrderId: ClientOrderIdSchema,
  strategyId: StrategyIdSchema,
  instrumentId: InstrumentIdSchema,
  accepted: z.boolean(),
  /** The venue's order id, once it has assigned one. */
  venueOrderId: VenueIdSchema.optional(),
  /** Why the venue rejected it. */
  reason: TextSchema.optional(),
});

/** An order's state after a transition of the order state machine. */
export const OrderUpdateSchema = z
  .object({
    ...eventHeader('orderUpdate', 1),
    clientOrderId: ClientOrderIdSchema,
    strategyId: StrategyIdSchema,
    instrumentId: InstrumentIdSchema,
    status: z.enum(ORDER_STATUSES),
    side: z.enum(SIDES),
    orderType: z.enum(ORDER_TYPES),
    timeInForce: z.enum(TIME_IN_FORCE),
    quantity: PositiveQuantitySchema,
    /** Cumulative filled quantity. */
    filledQuantity: QuantitySchema,
    /** Volume-weighted average fill price; 0 until the first fill. */
    avgFillPrice: PriceSchema,
    venueOrderId: VenueIdSchema.optional(),
    price: PriceSchema.optional(),
    triggerPrice: PriceSchema.optional(),
    /** Why it moved to this state (reject and cancel reasons). */
    reason: TextSchema.optional(),
  })
  .superRefine((u, ctx) => {
    if (u.filledQuantity > u.quantity) {
      ctx.addIssue({ code: 'custom', path: ['filledQuantity'], message: 'cannot exceed quantity' });
    }
  });

/**
 * One execution. Carries the decision price (what the strategy saw) and arrival price (the market
 * when the order reached the venue) so slippage can be attributed.
 */
export const FillEventSchema = z.object({
  ...eventHeader('fill', 1),
  clientOrderId: ClientOrderIdSchema,
  strategyId: StrategyIdSchema,
  instrumentId: InstrumentIdSchema,
  venueOrderId: VenueIdSchema,
  /** The venue's trade (execution) id. */
  tradeId: VenueIdSchema,
  side: z.enum(SIDES),
  price: PositivePriceSchema,
  quantity: PositiveQuantitySchema,
  /** Total fees and taxes charged for this fill, in `feeCurrency` (negative for rebates). */
  fee: AmountSchema,
  feeCurrency: CurrencySchema,
  liquidity: z.enum(LIQUIDITY_SIDES),
  decisionPrice: PriceSchema.optional(),
  arrivalPrice: PriceSchema.optional(),
});

/** A request to submit, modify or cancel an order. */
export type OrderIntent = z.infer<typeof OrderIntentSchema>;
/** The venue's acknowledgement of an intent. */
export type OrderAck = z.infer<typeof OrderAckSchema>;
/** An order state change. */
export type OrderUpdate = z.infer<typeof OrderUpdateSchema>;
/** One execution. */
export type FillEvent = z.infer<typeof FillEventSchema>;
