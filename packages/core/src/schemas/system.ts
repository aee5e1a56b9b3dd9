import { z } from 'zod';
import {
  ClientOrderIdSchema,
  eventHeader,
  InstrumentIdSchema,
  StrategyIdSchema,
  TextSchema,
  TRADING_STATES,
} from './primitives.js';

/** What a risk decision was. Append only (binary format). */
export const RISK_DECISIONS = ['APPROVED', 'DENIED', 'STATE_CHANGED', 'BREACHED'] as const;

/**
 * Why the risk engine decided what it did. Append only: the index is the binary encoding.
 * Each code is documented in the risk engine's docs.
 */
export const RISK_REASONS = [
  'OK',
  'CANCEL_ALWAYS_ALLOWED',
  'INSTRUMENT_NOT_TRADABLE',
  'PRICE_BAND',
  'MAX_ORDER_QUANTITY',
  'MAX_ORDER_NOTIONAL',
  'MAX_POSITION',
  'MAX_GROSS_EXPOSURE',
  'MAX_OPEN_ORDERS',
  'ORDER_RATE',
  'MAX_LEVERAGE',
  'REDUCE_ONLY',
  'INSUFFICIENT_MARGIN',
  'TRADING_HALTED',
  'TRADING_REDUCING',
  'MAX_DRAWDOWN',
  'DAILY_LOSS_LIMIT',
  'KILL_SWITCH',
  'REARMED',
  'CIRCUIT_LATENCY',
  'CIRCUIT_DISCONNECT',
  'CIRCUIT_REJECT_STORM',
  'INVALID_ORDER',
] as const;

/** Where a risk event applies: everything, or one strategy. */
export const RISK_SCOPES = ['GLOBAL', 'STRATEGY'] as const;

/** Every risk decision: approvals, denials, trading state changes and monitor breaches. */
export const RiskEventSchema = z
  .object({
    ...eventHeader('risk', 1),
    scope: z.enum(RISK_SCOPES),
    decision: z.enum(RISK_DECISIONS),
    reason: z.enum(RISK_REASONS),
    /** The trading state in force after this decision (of the scope's strategy, or global). */
    tradingState: z.enum(TRADING_STATES),
    strategyId: StrategyIdSchema.optional(),
    clientOrderId: ClientOrderIdSchema.optional(),
    instrumentId: InstrumentIdSchema.optional(),
    /** The measured value that was checked (price, quantity, exposure, latency µs...). */
    value: z.number().optional(),
    /** The limit it was checked against. */
    limit: z.number().optional(),
    message: TextSchema,
  })
  .superRefine((r, ctx) => {
    if (r.scope === 'STRATEGY' && r.strategyId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['strategyId'], message: 'required when scope is STRATEGY' });
    }
  });

/** Component health. */
export const HEALTH_STATUSES = ['UP', 'DEGRADED', 'DOWN'] as const;

/** What a health event reports. Append only (binary format). */
export const HEALTH_CODES = [
  'STARTED',
  'STOPPED',
  'CONNECTED',
  'DISCONNECTED',
  'RECONNECTING',
  'RESYNCED',
  'SEQUENCE_GAP',
  'DUPLICATE',
  'LATE_DATA',
  'STALE_DATA',
  'LATENCY',
  'QUEUE_DROP',
  'HANDLER_ERROR',
  'HEARTBEAT',
  'RATE_LIMITED',
  'MALFORMED_MESSAGE',
] as const;

/** Health of a component: connections, feeds, queues, handlers. */
export const SystemHealthEventSchema = z.object({
  ...eventHeader('health', 1),
  /** Which component: `feed:BINANCE`, `gateway:ZERODHA`, `bus`, `wal`... */
  component: z.string().min(1).max(64),
  status: z.enum(HEALTH_STATUSES),
  code: z.enum(HEALTH_CODES),
  message: TextSchema,
  /** A measured value when the code has one (gap size, latency µs, dropped count). */
  value: z.number().optional(),
  instrumentId: InstrumentIdSchema.optional(),
});

/** A risk decision. */
export type RiskEvent = z.infer<typeof RiskEventSchema>;
/** A risk decision outcome. */
export type RiskDecision = (typeof RISK_DECISIONS)[number];
/** A risk reason code. */
export type RiskReason = (typeof RISK_REASONS)[number];
/** A risk scope. */
export type RiskScope = (typeof RISK_SCOPES)[number];
/** A component health event. */
export type SystemHealthEvent = z.infer<typeof SystemHealthEventSchema>;
/** A health status. */
export type HealthStatus = (typeof HEALTH_STATUSES)[number];
/** A health event code. */
export type HealthCode = (typeof HEALTH_CODES)[number];
