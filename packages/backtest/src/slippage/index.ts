export {
  FixedTicksSlippage,
  noSlippage,
  type SlippageContext,
  type SlippageModel,
  SpreadProportionalSlippage,
  VolatilityProportionalSlippage,
} from './slippage-model.js';
