import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  FillEvent,
  OrderIntent,
  OrderManager,
  PortfolioSnapshot,
  PositionUpdate,
} from '@quantkubera/core';
import type { FeeBreakdown } from '../fees/index.js';

/** Everything a backtest collects while it runs, for its artifacts and summary. */
export class RunCollector {
  readonly intents: OrderIntent[] = [];
  readonly fills: FillEvent[] = [];
  readonly positions: PositionUpdate[] = [];
  readonly snapshots: PortfolioSnapshot[] = [];
  readonly fees = new Map<string, FeeBreakdown>();
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writeCsv(path: string, header: readonly string[], rows: Iterable<readonly unknown[]>): void {
  const lines = [header.join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** An equity point: time, equity and drawdown from the running peak. */
export interface EquityPoint {
  readonly ts: number;
  readonly equity: number;
  readonly drawdown: number;
}

/** The equity curve from the snapshots, with drawdowns. */
export function equityCurve(snapshots: readonly PortfolioSnapshot[]): EquityPoint[] {
  let peak = Number.NEGATIVE_INFINITY;
  return snapshots.map((s) => {
    peak = Math.max(peak, s.equity);
    return { ts: s.tsEvent, equity: s.equity, drawdown: peak > 0 ? (peak - s.equity) / peak : 0 };
  });
}

/**
 * Round trips: a trade closes whenever a strategy's position in an instrument returns to zero or
 * flips sign.
 */
export function countRoundTrips(fills: readonly FillEvent[]): number {
  const positions = new Map<string, number>();
  let trips = 0;
  for (const f of fills) {
    const key = `${f.strategyId}|${f.instrumentId}`;
    const before = positions.get(key) ?? 0;
    const after = before + (f.side === 'BUY' ? f.quantity : -f.quantity);
    // Quantities are at instrument precision: compare with a tolerance far below one lot.
    const flat = Math.abs(after) < 1e-9;
    positions.set(key, flat ? 0 : after);
    if (before !== 0 && (flat || Math.sign(after) !== Math.sign(before))) trips++;
  }
  return trips;
}

/**
 * Writes the run's artifacts: `orders.csv`, `fills.csv`, `fees.csv` (itemised), `positions.csv`
 * and `equity.csv`. All are deterministic: the same descriptor and seed write the same bytes.
 */
export function writeArtifacts(dir: string, collected: RunCollector, orders: OrderManager): void {
  writeCsv(
    join(dir, 'orders.csv'),
    [
      'ts',
      'client_order_id',
      'strategy_id',
      'instrument_id',
      'action',
      'side',
      'type',
      'time_in_force',
      'quantity',
      'price',
      'trigger_price',
      'reduce_only',
      'status',
      'filled_quantity',
      'avg_fill_price',
    ],
    collected.intents.map((i) => {
      const o = orders.get(i.clientOrderId);
      return [
        i.tsEvent,
        i.clientOrderId,
        i.strategyId,
        i.instrumentId,
        i.action,
        i.side,
        i.orderType,
        i.timeInForce,
        i.quantity,
        i.price,
        i.triggerPrice,
        i.reduceOnly,
        o?.status,
        o?.filledQuantity,
        o?.avgFillPrice,
      ];
    }),
  );
  writeCsv(
    join(dir, 'fills.csv'),
    [
      'ts',
      'client_order_id',
      'strategy_id',
      'instrument_id',
      'trade_id',
      'side',
      'price',
      'quantity',
      'fee',
      'fee_currency',
      'liquidity',
      'decision_price',
      'arrival_price',
    ],
    collected.fills.map((f) => [
      f.tsEvent,
      f.clientOrderId,
      f.strategyId,
      f.instrumentId,
      f.tradeId,
      f.side,
      f.price,
      f.quantity,
      f.fee,
      f.feeCurrency,
      f.liquidity,
      f.decisionPrice,
      f.arrivalPrice,
    ]),
  );
  writeCsv(
    join(dir, 'fees.csv'),
    ['trade_id', 'item', 'amount', 'currency'],
    [...collected.fees.entries()].flatMap(([tradeId, b]) =>
      b.items.map((item) => [tradeId, item.name, item.amount, b.currency]),
    ),
  );
  writeCsv(
    join(dir, 'positions.csv'),
    [
      'ts',
      'strategy_id',
      'instrument_id',
      'quantity',
      'avg_price',
      'mark_price',
      'realized_pnl',
      'unrealized_pnl',
      'currency',
    ],
    collected.positions.map((p) => [
      p.tsEvent,
      p.strategyId,
      p.instrumentId,
      p.quantity,
      p.avgPrice,
      p.markPrice,
      p.realizedPnl,
      p.unrealizedPnl,
      p.currency,
    ]),
  );
  const curve = equityCurve(collected.snapshots);
  writeCsv(
    join(dir, 'equity.csv'),
    ['ts', 'equity', 'drawdown', 'gross_exposure', 'net_exposure', 'margin_used'],
    collected.snapshots.map((s, i) => [
      s.tsEvent,
      s.equity,
      curve[i]!.drawdown,
      s.grossExposure,
      s.netExposure,
      s.marginUsed,
    ]),
  );
}
