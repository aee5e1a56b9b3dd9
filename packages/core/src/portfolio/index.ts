export {
  decimalPlaces,
  divRoundHalfEven,
  formatScaled,
  MONEY_DECIMALS,
  MONEY_SCALE,
  parseScaled,
  pow10,
  pow10n,
  roundToUnits,
  scaledToNumber,
  toUnits,
} from './fixed-point.js';
export {
  type MarginRates,
  type MarginRatesInput,
  MarginRatesSchema,
  marginRateFor,
  orderMargin,
  parseMarginRates,
} from './margin-model.js';
export {
  Portfolio,
  type PortfolioOptions,
  type PortfolioTotals,
  type PositionView,
  type SettlementKind,
} from './portfolio.js';
