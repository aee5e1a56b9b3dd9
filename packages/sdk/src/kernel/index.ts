export {
  type EventRecorder,
  Kernel,
  type KernelConfig,
  type KernelStats,
  type MarketDataEvent,
  type MarketSimulator,
  type RestartPolicy,
  type StrategyFailure,
  type StrategySpec,
} from './kernel.js';
export {
  LATENCY_CHECKPOINTS,
  LATENCY_SPANS,
  type LatencyCheckpoint,
  type LatencySummary,
  LatencyTracker,
} from './latency-tracker.js';
export { type LogLine, type RunnerServices, type RunnerState, StrategyRunner } from './strategy-runner.js';
