export {
  CLIENT_ORDER_ID_PATTERN,
  type ClientOrderId,
  ClientOrderIdGenerator,
  STRATEGY_ID_PATTERN,
} from './client-order-id.js';
export {
  INSTRUMENT_ID_PATTERN,
  type InstrumentId,
  type InstrumentIdParts,
  makeInstrumentId,
  parseInstrumentId,
  VENUE_CODE_PATTERN,
} from './instrument-id.js';
export {
  parseTimeframe,
  TIMEFRAME_PATTERN,
  TIMEFRAME_UNITS,
  type Timeframe,
  type TimeframeSpec,
  type TimeframeUnit,
} from './timeframe.js';
