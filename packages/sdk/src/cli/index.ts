export { type ReportCommandArgs, reportCommand } from './commands/report.js';
export { type RunsCommandArgs, runsCommand } from './commands/runs.js';
export { type SweepCommandOptions, sweepCommand } from './commands/sweep.js';
export { formatSummary } from './format-summary.js';
export { main, reportError } from './main.js';
export type {
  BacktestPlugin,
  BacktestRunOptions,
  BacktestSummary,
  ExperimentRecordView,
  ReplayReport,
  RunProgress,
  RunsQueryOptions,
  SweepResultView,
  SweepRunOptions,
  SweepTrialView,
} from './plugin.js';
