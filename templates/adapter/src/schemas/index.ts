export {
  ErrorWireSchema,
  type MarketWire,
  MarketWireSchema,
  type OrderWire,
  OrderWireSchema,
  type PlaceOrderWire,
  PlaceOrderWireSchema,
  type TradeWire,
  TradeWireSchema,
} from './rest.js';
export {
  type BookMessage,
  BookMessageSchema,
  FillMessageSchema,
  OrderMessageSchema,
  type StreamMessage,
  StreamMessageSchema,
  type SubscribeCommand,
  type TradeMessage,
  TradeMessageSchema,
} from './stream.js';
