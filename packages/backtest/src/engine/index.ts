export { type DataSection, DataSectionSchema, type MarketData, openMarketData } from './data-section.js';
export { buildSimulatedVenue, type ExecutionSection, ExecutionSectionSchema } from './execution-config.js';
export { replayRun } from './replay-run.js';
export {
  countRoundTrips,
  type EquityPoint,
  equityCurve,
  RunCollector,
  writeArtifacts,
} from './results.js';
export { resultsDirectory, runBacktest } from './run-backtest.js';
