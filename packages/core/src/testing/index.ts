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
export { BTC_SPOT, ETH_PERP, NIFTY_CE, NIFTY_FUT, RELIANCE, T0 } from './instruments.js';
