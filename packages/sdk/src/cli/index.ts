export { formatSummary } from './format-summary.js';
export { main, reportError } from './main.js';
export type {
  BacktestPlugin,
  BacktestRunOptions,
  BacktestSummary,
  ReplayReport,
  RunProgress,
} from './plugin.js';
