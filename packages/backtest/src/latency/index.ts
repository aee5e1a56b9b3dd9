export {
  FixedLatencyModel,
  type FixedLatencyOptions,
  LATENCY_LEGS,
  type LatencyDistribution,
  type LatencyLeg,
  type LatencyModel,
  RandomLatencyModel,
  type RandomLatencyOptions,
  sampleLatency,
  zeroLatency,
} from './latency-model.js';
