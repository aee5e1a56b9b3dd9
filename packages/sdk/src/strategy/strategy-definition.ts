import {
  type BarEvent,
  type DepthEvent,
  type FillEvent,
  InvalidArgumentError,
  type OrderUpdate,
  type QuoteEvent,
  type RiskEvent,
  STRATEGY_ID_PATTERN,
  type TickEvent,
  type TimeEvent,
  type TradeEvent,
} from '@quantkubera/core';
import type { z } from 'zod';
import type { StrategyContext } from './strategy-context.js';

/**
 * A strategy's event handlers. Each runs synchronously on the kernel's thread, in event order;
 * a handler that throws is contained: the strategy's orders are cancelled and it is halted (and
 * restarted if the run's restart policy allows), while other strategies keep running.
 */
export interface StrategyHooks {
  /** After the run starts, before any market data: subscribe here. */
  onStart?(): void;
  /** A venue snapshot tick of a subscribed instrument. */
  onTick?(tick: TickEvent): void;
  /** A top-of-book quote of a subscribed instrument. */
  onQuote?(quote: QuoteEvent): void;
  /** A trade print of a subscribed instrument. */
  onTrade?(trade: TradeEvent): void;
  /** Order book depth of a subscribed instrument. */
  onDepth?(depth: DepthEvent): void;
  /** A closed bar of a subscribed instrument and timeframe. */
  onBar?(bar: BarEvent): void;
  /** A timer or alarm the strategy set. */
  onTimer?(event: TimeEvent): void;
  /** One of the strategy's orders changed state. */
  onOrderUpdate?(update: OrderUpdate): void;
  /** One of the strategy's orders filled (partly). */
  onFill?(fill: FillEvent): void;
  /** A risk decision about the strategy (a denial, a halt, a re-arm). */
  onRiskEvent?(event: RiskEvent): void;
  /** Before the run ends. */
  onStop?(): void;
}

/**
 * A strategy: a name, a zod schema of its parameters, and a `setup` that receives the context
 * and returns the hooks. State lives in `setup`'s closure, so a restart starts clean.
 */
export interface StrategyDefinition<S extends z.ZodType = z.ZodType> {
  /** The strategy's name (letters, digits, `_` and `-`); the default strategy id in a run. */
  readonly name: string;
  /** What the strategy does, for reports. */
  readonly description?: string;
  /** Schema of the parameters; the descriptor's `params` are validated against it. */
  readonly params: S;
  /** Builds the strategy's state and hooks for one run (called again on a restart). */
  readonly setup: (ctx: StrategyContext<z.output<S>>) => StrategyHooks;
}

/**
 * Defines a strategy. The same definition runs in backtest, paper and live mode.
 *
 * @example
 * ```ts
 * import { defineStrategy } from '@quantkubera/sdk';
 * import { Sma } from '@quantkubera/core';
 * import { z } from 'zod';
 *
 * export default defineStrategy({
 *   name: 'sma-cross',
 *   params: z.object({ instrument: z.string(), fast: z.number().int().default(10), slow: z.number().int().default(30) }),
 *   setup(ctx) {
 *     const fast = new Sma(ctx.params.fast);
 *     const slow = new Sma(ctx.params.slow);
 *     return {
 *       onStart: () => ctx.subscribe({ instrumentId: ctx.params.instrument, bars: ['1m'] }),
 *       onBar(bar) {
 *         fast.update(bar.close);
 *         slow.update(bar.close);
 *         if (!slow.isReady) return;
 *         const pos = ctx.position(bar.instrumentId);
 *         if (fast.value > slow.value && pos <= 0) ctx.buy(bar.instrumentId, 1 - pos);
 *         if (fast.value < slow.value && pos >= 0) ctx.sell(bar.instrumentId, 1 + pos);
 *       },
 *     };
 *   },
 * });
 * ```
 */
export function defineStrategy<S extends z.ZodType>(
  definition: StrategyDefinition<S>,
): StrategyDefinition<S> {
  if (!STRATEGY_ID_PATTERN.test(definition.name)) {
    throw new InvalidArgumentError(
      'strategy name',
      definition.name,
      '1-24 of [A-Za-z0-9_-] (it prefixes client order ids)',
    );
  }
  if (typeof definition.setup !== 'function') {
    throw new InvalidArgumentError(`strategy ${definition.name} setup`, definition.setup, 'a function');
  }
  return Object.freeze({ ...definition });
}

/** True when `value` looks like a {@link StrategyDefinition} (for loading strategy modules). */
export function isStrategyDefinition(value: unknown): value is StrategyDefinition {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<StrategyDefinition>;
  return (
    typeof v.name === 'string' &&
    typeof v.setup === 'function' &&
    typeof v.params === 'object' &&
    v.params !== null
  );
}
