import { z } from 'zod';
import {
  AmountSchema,
  CurrencySchema,
  eventHeader,
  InstrumentIdSchema,
  PriceSchema,
  QuantitySchema,
  StrategyIdSchema,
} from './primitives.js';

/** A position's state after a fill or a mark-to-market. Quantity is signed: short is negative. */
export const PositionUpdateSchema = z.object({
  ...eventHeader('position', 1),
  strategyId: StrategyIdSchema,
  instrumentId: InstrumentIdSchema,
  /** Net signed quantity (netting: one position per instrument and venue). */
  quantity: AmountSchema,
  /** Average entry price of the open quantity; 0 when flat. */
  avgPrice: PriceSchema,
  /** Mark price used for unrealized PnL. */
  markPrice: PriceSchema,
  realizedPnl: AmountSchema,
  unrealizedPnl: AmountSchema,
  /** Currency the PnL is in (settlement currency). */
  currency: CurrencySchema,
});

/** Cash in one currency. */
export const BalanceSchema = z.object({
  currency: CurrencySchema,
  total: AmountSchema,
  /** Free to trade: total less locked and margin. */
  available: AmountSchema,
  /** Held by open orders or margin. */
  locked: QuantitySchema,
});

/** One position line in a portfolio snapshot. */
export const PortfolioPositionSchema = z.object({
  instrumentId: InstrumentIdSchema,
  quantity: AmountSchema,
  avgPrice: PriceSchema,
  markPrice: PriceSchema,
  realizedPnl: AmountSchema,
  unrealizedPnl: AmountSchema,
  currency: CurrencySchema,
});

/** The whole account at one instant: cash per currency, positions, equity and exposure. */
export const PortfolioSnapshotSchema = z.object({
  ...eventHeader('portfolio', 1),
  accountId: z.string().min(1).max(64),
  /** Currency equity and exposure are reported in. */
  baseCurrency: CurrencySchema,
  equity: AmountSchema,
  /** Sum of absolute position notionals. */
  grossExposure: QuantitySchema,
  /** Sum of signed position notionals. */
  netExposure: AmountSchema,
  /** Margin held against open positions and orders (approximation; see the portfolio docs). */
  marginUsed: QuantitySchema,
  balances: z.array(BalanceSchema).max(0xffff),
  positions: z.array(PortfolioPositionSchema).max(0xffff),
});

/** A position change. */
export type PositionUpdate = z.infer<typeof PositionUpdateSchema>;
/** Cash in one currency. */
export type Balance = z.infer<typeof BalanceSchema>;
/** One position line of a snapshot. */
export type PortfolioPosition = z.infer<typeof PortfolioPositionSchema>;
/** The account at one instant. */
export type PortfolioSnapshot = z.infer<typeof PortfolioSnapshotSchema>;
