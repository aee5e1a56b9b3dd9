/**
 * @quantkubera/core/conformance: the contract tests every venue adapter passes, for its
 * `ExecutionGateway` and its `MarketDataFeed`, runnable from any test runner.
 *
 * @packageDocumentation
 */
export type { ConformanceCase } from './conformance-case.js';
export { ConformanceError } from './conformance-error.js';
export { type FeedConformanceHarness, type FeedFixture, feedConformanceCases } from './feed-conformance.js';
export {
  type GatewayConformanceHarness,
  type GatewayFixture,
  gatewayConformanceCases,
} from './gateway-conformance.js';
