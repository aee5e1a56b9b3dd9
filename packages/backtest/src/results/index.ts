export {
  type Annualisation,
  annualisationFor,
  CRYPTO_TRADING_SECONDS_PER_YEAR,
  NSE_TRADING_SECONDS_PER_YEAR,
} from './annualisation.js';
export {
  type Breakdown,
  type FillSlippage,
  type RunBreakdowns,
  runBreakdowns,
  slippageAttribution,
  turnover,
} from './attribution.js';
export { type PricePoint, PriceSampler } from './price-sampler.js';
export { analyseRun, type RunAnalysis, type RunAnalysisInput, writeRunAnalysis } from './run-analysis.js';
export {
  computeStatistics,
  drawdownSeries,
  type EquitySample,
  maxDrawdownDuration,
  type RunStatistics,
  type StatisticsInput,
} from './statistics.js';
export { type ChartMarker, decimate, monthlyReturns, type XY } from './svg-charts.js';
export { loadReportData, type ReportData, renderReport, writeReport } from './tearsheet.js';
export { type RoundTrip, roundTrips } from './trades.js';
