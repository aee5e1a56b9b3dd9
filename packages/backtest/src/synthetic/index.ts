export {
  type CliOptions,
  main as syntheticMarketCli,
  parseArgs as parseSyntheticMarketArgs,
  USAGE as SYNTHETIC_MARKET_USAGE,
} from './cli.js';
export { type HawkesParams, HawkesProcess, spectralRadius } from './hawkes-process.js';
export {
  checkInstrument,
  cryptoSpot,
  nseEquity,
  nseIndexFuture,
  presetInstrument,
  type SyntheticInstrument,
} from './instruments.js';
export { type GenerateMarketOptions, generateMarket } from './market-generator.js';
export { type BookState, OrderBookGenerator, type OrderBookOptions } from './order-book-generator.js';
export {
  CALENDAR_YEAR_SECONDS,
  type GbmParams,
  gbmPath,
  type JumpDiffusionParams,
  JumpDiffusionPath,
  NSE_TRADING_YEAR_SECONDS,
} from './price-path.js';
export {
  applyOverlays,
  intradayProfile,
  type NewsSpikeOptions,
  newsSpike,
  normalDay,
  preOpenBurst,
  SCENARIOS,
  type Scenario,
  type ScenarioContext,
  type ScenarioName,
  type ScheduledEvent,
  type Segment,
  type SegmentOverlay,
  type SessionPlan,
} from './scenarios.js';
export { Increment } from './ticks.js';
export { BinaryFrameFileWriter, CsvDirectoryWriter, type EventSink, pipeToSinks } from './writers.js';
