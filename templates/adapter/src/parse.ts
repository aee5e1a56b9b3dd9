import type {
  CryptoSpotInstrument,
  FillEvent,
  OrderIntent,
  OrderStatus,
  OrderStatusReport,
  QuoteEvent,
  TradeEvent,
  UnixMicros,
} from '@quantkubera/core';
import { VENUE_CODE } from './constants.js';
import type {
  BookMessage,
  MarketWire,
  OrderWire,
  PlaceOrderWire,
  TradeMessage,
  TradeWire,
} from './schemas/index.js';

/** Venue milliseconds to canonical epoch microseconds. */
export function msToUs(ms: number): UnixMicros {
  return ms * 1_000;
}

/** A listed market as a canonical crypto spot instrument. */
export function parseMarket(market: MarketWire): CryptoSpotInstrument {
  return {
    type: 'crypto_spot',
    id: `${market.symbol}.${VENUE_CODE}`,
    symbol: market.symbol,
    venue: VENUE_CODE,
    venueSymbol: market.symbol,
    quoteCurrency: market.quote,
    baseCurrency: market.base,
    tickSize: market.tickSize,
    lotSize: market.stepSize,
    multiplier: 1,
    pricePrecision: market.pricePrecision,
    sizePrecision: market.qtyPrecision,
  };
}

/** A public trade as a canonical `TradeEvent`. */
export function parseTrade(message: TradeMessage, instrumentId: string, tsInit: UnixMicros): TradeEvent {
  return {
    kind: 'trade',
    v: 1,
    tsEvent: msToUs(message.time),
    tsInit,
    instrumentId,
    price: message.price,
    size: message.qty,
    aggressor: message.side === 'buy' ? 'BUYER' : 'SELLER',
    tradeId: message.id,
  };
}

/** A top of book as a canonical `QuoteEvent`. */
export function parseBook(message: BookMessage, instrumentId: string, tsInit: UnixMicros): QuoteEvent {
  return {
    kind: 'quote',
    v: 1,
    tsEvent: msToUs(message.time),
    tsInit,
    instrumentId,
    bidPrice: message.bid,
    bidSize: message.bidQty,
    askPrice: message.ask,
    askSize: message.askQty,
  };
}

const STATUS: Record<OrderWire['status'], OrderStatus> = {
  open: 'ACCEPTED',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  cancelled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

/** The venue's order status as a canonical one. */
export function parseOrderStatus(status: OrderWire['status']): OrderStatus {
  return STATUS[status];
}

/** A venue order as a canonical reconciliation report. */
export function parseOrderReport(
  order: OrderWire,
  instrumentId: string,
  tsInit: UnixMicros,
): OrderStatusReport {
  return {
    clientOrderId: order.clientId,
    venueOrderId: order.orderId,
    instrumentId,
    side: order.side === 'buy' ? 'BUY' : 'SELL',
    orderType: order.type === 'limit' ? 'LIMIT' : 'MARKET',
    timeInForce: order.tif === 'gtc' ? 'GTC' : order.tif === 'ioc' ? 'IOC' : 'FOK',
    status: parseOrderStatus(order.status),
    quantity: order.qty,
    filledQuantity: order.filledQty,
    avgFillPrice: order.avgPrice,
    ...(order.price === undefined ? {} : { price: order.price }),
    tsLastUpdate: msToUs(order.updatedAt),
    tsInit,
  };
}

/** A venue execution as a canonical `FillEvent` of the strategy that placed the order. */
export function parseFill(
  trade: TradeWire,
  instrumentId: string,
  strategyId: string,
  tsInit: UnixMicros,
): FillEvent {
  return {
    kind: 'fill',
    v: 1,
    tsEvent: msToUs(trade.time),
    tsInit,
    clientOrderId: trade.clientId,
    strategyId,
    instrumentId,
    venueOrderId: trade.orderId,
    tradeId: trade.tradeId,
    side: trade.side === 'buy' ? 'BUY' : 'SELL',
    price: trade.price,
    quantity: trade.qty,
    fee: trade.fee,
    feeCurrency: trade.feeAsset,
    liquidity: trade.maker ? 'MAKER' : 'TAKER',
  };
}

/**
 * A canonical submit intent as the venue's order placement, or the reason the venue cannot take
 * it (this venue has no stop orders).
 */
export function toPlaceOrder(intent: OrderIntent, symbol: string): PlaceOrderWire | string {
  if (intent.orderType !== 'LIMIT' && intent.orderType !== 'MARKET') {
    return `${VENUE_CODE} does not support ${intent.orderType} orders`;
  }
  if (intent.timeInForce === 'DAY') return `${VENUE_CODE} does not support DAY orders`;
  return {
    clientId: intent.clientOrderId,
    symbol,
    side: intent.side === 'BUY' ? 'buy' : 'sell',
    type: intent.orderType === 'LIMIT' ? 'limit' : 'market',
    qty: String(intent.quantity),
    ...(intent.price === undefined ? {} : { price: String(intent.price) }),
    tif: intent.timeInForce === 'IOC' ? 'ioc' : intent.timeInForce === 'FOK' ? 'fok' : 'gtc',
  };
}
