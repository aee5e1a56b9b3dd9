import { z } from 'zod';

/** A decimal the venue sends as a string, as most crypto venues do. */
const Decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string')
  .transform(Number);

/** A listed market, from `GET /markets`. */
export const MarketWireSchema = z.object({
  symbol: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  tickSize: Decimal,
  stepSize: Decimal,
  pricePrecision: z.number().int().min(0),
  qtyPrecision: z.number().int().min(0),
});

/** The body of `POST /orders`. */
export const PlaceOrderWireSchema = z.object({
  clientId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market']),
  qty: z.string(),
  price: z.string().optional(),
  tif: z.enum(['gtc', 'ioc', 'fok']),
});

/** An order as the venue reports it. */
export const OrderWireSchema = z.object({
  orderId: z.string().min(1),
  clientId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market']),
  tif: z.enum(['gtc', 'ioc', 'fok']),
  status: z.enum(['open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired']),
  qty: Decimal,
  filledQty: Decimal,
  avgPrice: Decimal,
  price: Decimal.optional(),
  /** Last change, epoch milliseconds. */
  updatedAt: z.number().int().nonnegative(),
});

/** One execution as the venue reports it. */
export const TradeWireSchema = z.object({
  tradeId: z.string().min(1),
  orderId: z.string().min(1),
  clientId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  price: Decimal,
  qty: Decimal,
  fee: Decimal,
  feeAsset: z.string().min(1),
  maker: z.boolean(),
  /** Execution time, epoch milliseconds. */
  time: z.number().int().nonnegative(),
});

/** The venue's error body on a refused request. */
export const ErrorWireSchema = z.object({ code: z.string(), message: z.string() });

/** A listed market. */
export type MarketWire = z.infer<typeof MarketWireSchema>;
/** The body of an order placement. */
export type PlaceOrderWire = z.infer<typeof PlaceOrderWireSchema>;
/** An order, parsed. */
export type OrderWire = z.infer<typeof OrderWireSchema>;
/** An execution, parsed. */
export type TradeWire = z.infer<typeof TradeWireSchema>;
