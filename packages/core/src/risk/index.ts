export {
  type HaltOptions,
  RiskEngine,
  type RiskEngineOptions,
  type RiskEngineStats,
  type TradingStateOptions,
} from './risk-engine.js';
export {
  type InstrumentRiskLimits,
  InstrumentRiskLimitsSchema,
  OrderRateSchema,
  parseRiskLimits,
  type RiskLimits,
  type RiskLimitsInput,
  RiskLimitsSchema,
  type TripAction,
  TripActionSchema,
} from './risk-limits.js';
export { SlidingWindowCounter } from './sliding-window-counter.js';
export { TokenBucket } from './token-bucket.js';
