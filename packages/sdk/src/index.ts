/**
 * @quantkubera/sdk: define a strategy once and run it in backtest, paper and live mode through
 * one kernel.
 *
 * @packageDocumentation
 */

export {
  type BacktestPlugin,
  type BacktestRunOptions,
  type BacktestSummary,
  type ExperimentRecordView,
  formatSummary,
  main,
  type ReplayReport,
  type ReportCommandArgs,
  type RunProgress,
  type RunsCommandArgs,
  type RunsQueryOptions,
  reportCommand,
  reportError,
  runsCommand,
  type SweepCommandOptions,
  type SweepResultView,
  type SweepRunOptions,
  type SweepTrialView,
  sweepCommand,
} from './cli/index.js';
export {
  type DeploymentDescriptor,
  type DeploymentDescriptorInput,
  DeploymentDescriptorSchema,
  type LoadedDescriptor,
  loadDescriptor,
  loadStrategy,
  parseDescriptor,
  parseSection,
  type StrategyEntry,
  StrategyEntrySchema,
  StrategyLoadError,
  WalSettingsSchema,
} from './descriptor/index.js';
export {
  type EventRecorder,
  Kernel,
  type KernelConfig,
  type KernelStats,
  LATENCY_CHECKPOINTS,
  LATENCY_SPANS,
  type LatencyCheckpoint,
  type LatencySummary,
  LatencyTracker,
  type LogLine,
  type MarketDataEvent,
  type MarketSimulator,
  type RestartPolicy,
  type RunnerServices,
  type RunnerState,
  type StrategyFailure,
  StrategyRunner,
  type StrategySpec,
} from './kernel/index.js';
export {
  defineStrategy,
  isStrategyDefinition,
  type OrderChanges,
  type OrderOptions,
  type OrderRequest,
  type OrderView,
  RUN_MODES,
  type RunMode,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyHooks,
  type StrategyLogger,
  type Subscription,
  type TimerOptions,
} from './strategy/index.js';
