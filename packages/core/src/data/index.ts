export { BarEngine, type BarEngineOptions, defaultCalendarFor } from './bar-engine.js';
export { BarGrid, type BarInterval, isTimeTimeframe } from './bar-grid.js';
export {
  CompositeBarAggregator,
  type CompositeBarAggregatorOptions,
  type CompositeStats,
} from './composite-bar-aggregator.js';
export {
  FeedHygiene,
  type FeedHygieneHooks,
  type FeedHygieneOptions,
  type FeedHygieneStats,
  type SequenceGap,
  type SequenceMode,
  type TradeIdMode,
} from './feed-hygiene.js';
export { type HealthSink, healthEvent } from './health.js';
export {
  type AggregatorStats,
  type EmptyBarPolicy,
  type LatePolicy,
  MultiTimeframeAggregator,
  type MultiTimeframeAggregatorOptions,
  type PreOpenPolicy,
  type WatermarkMode,
} from './multi-timeframe-aggregator.js';
export {
  type CalendarPresetOptions,
  cryptoCalendar,
  dateFromDay,
  dayFromDate,
  type IsoWeekday,
  nseCalendar,
  SESSION_SEARCH_DAYS,
  type Session,
  SessionCalendar,
  type SessionCalendarSpec,
  type SessionPhase,
  type SpecialSession,
  weekdayOfDay,
} from './session-calendar.js';
