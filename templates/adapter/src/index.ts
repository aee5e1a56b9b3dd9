/**
 * The {{venue}} venue adapter for QuantKubera: a `MarketDataFeed` and an `ExecutionGateway` over the
 * venue's REST API and stream.
 *
 * @packageDocumentation
 */
export { type AdapterConfig, AdapterConfigSchema, parseConfig } from './config.js';
export { MAKER_FEE_RATE, TAKER_FEE_RATE, VENUE_CODE, VENUE_NAME } from './constants.js';
export { DataClient, type DataClientOptions } from './data-client.js';
export { ExecutionClient, type ExecutionClientOptions } from './execution-client.js';
export { type Adapter, createAdapter, type VenueConnections } from './factories.js';
export { RestClient, type RestResponse, type RestTransport, type VenueResult } from './http/index.js';
export { InstrumentProvider } from './instrument-provider.js';
export {
  msToUs,
  parseBook,
  parseFill,
  parseMarket,
  parseOrderReport,
  parseOrderStatus,
  parseTrade,
  toPlaceOrder,
} from './parse.js';
export { StreamClient, type StreamTransport } from './ws/index.js';
