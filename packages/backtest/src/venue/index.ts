export { INTRABAR_PATHS, type IntrabarPath } from './intrabar-path.js';
export type { CircuitBand, L1Overflow, MarketDataOutcome, VenueMode } from './matching-engine.js';
export {
  type FillDetail,
  type MarketDataResult,
  SimulatedVenue,
  type SimulatedVenueStats,
} from './simulated-venue.js';
export { SimulatedVenueError, type SimulatedVenueErrorCode } from './venue-error.js';
export {
  defaultCalendarFor,
  type SimulatedVenueInstrument,
  type SimulatedVenueOptions,
} from './venue-options.js';
