export { type RecordedRequest, RecordingGateway } from '../execution/recording-gateway.js';
export {
  anyPrice,
  arbitraryCanonicalEvent,
  arbitraryEvent,
  clientOrderId,
  currency,
  instrument,
  instrumentId,
  micros,
  nonNegative,
  positive,
  strategyId,
  symbol,
  text,
  venueCode,
  venueId,
} from './arbitraries.js';
