export {
  type OrderChanges,
  type OrderOptions,
  type OrderRequest,
  type OrderView,
  RUN_MODES,
  type RunMode,
  type StrategyContext,
  type StrategyLogger,
  type Subscription,
  type TimerOptions,
} from './strategy-context.js';
export {
  defineStrategy,
  isStrategyDefinition,
  type StrategyDefinition,
  type StrategyHooks,
} from './strategy-definition.js';
