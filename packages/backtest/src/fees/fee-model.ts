import { type Instrument, type LiquiditySide, pow10, type Side, type UnixMicros } from '@quantkubera/core';
import { requireNumber, SimulatedVenueError } from '../venue/venue-error.js';

/** One fill, as a fee model sees it. */
export interface FeeContext {
  /** The instrument traded. */
  readonly instrument: Instrument;
  /** BUY or SELL. */
  readonly side: Side;
  /** Fill price. */
  readonly price: number;
  /** Fill quantity (in the instrument's quantity units). */
  readonly quantity: number;
  /** MAKER (the order rested) or TAKER. */
  readonly liquidity: LiquiditySide;
  /** When the fill happened (epoch µs): picks the dated rate table. */
  readonly tsEvent: UnixMicros;
  /** Fills of the same order before this one (0 for the first). */
  readonly orderFillCount: number;
  /** Charges already levied on earlier fills of the same order, by charge name (per-order caps and flat fees). */
  readonly orderCharges: Readonly<Record<string, number>> | undefined;
}

/** One line of a fee breakdown. */
export interface FeeItem {
  /** The charge: `brokerage`, `stt`, `exchange`, `sebi`, `stamp`, `gst`, `trading`… */
  readonly name: string;
  /** Amount in the breakdown's currency (negative for a rebate). */
  readonly amount: number;
}

/** Every charge on one fill, itemised; `total` is what `FillEvent.fee` carries. */
export interface FeeBreakdown {
  /** The schedule applied, `name@effectiveFrom` (`zerodha-equity-intraday-NSE@2024-10-01`). */
  readonly schedule: string;
  /** Currency of every amount: the instrument's quote currency. */
  readonly currency: string;
  /** The charges in schedule order; charges that do not apply to this fill appear with amount 0. */
  readonly items: readonly FeeItem[];
  /** Sum of the items. */
  readonly total: number;
}

/**
 * Prices the fees and taxes of one fill. Stateless: whatever depends on the order's history
 * (a per-order brokerage cap, a flat fee per executed order) comes in the {@link FeeContext}.
 */
export interface FeeModel {
  /** A short name for reports. */
  readonly name: string;
  /** The itemised charges of one fill. */
  charge(ctx: FeeContext): FeeBreakdown;
  /**
   * Throws `SimulatedVenueError` `INVALID_ARGUMENT` when the model cannot price fills of
   * `instrument` (no rate for its exchange or segment). The venue calls it for every instrument
   * when it is built, so a missing rate fails the run at the start rather than at the first fill.
   */
  validate?(instrument: Instrument): void;
}

/** One charge of a {@link FeeSchedule}: a rate on the fill's notional and/or a flat fee per order. */
export interface ChargeRule {
  /** Item name; rules sharing a name add up into one item. */
  readonly name: string;
  /** Fraction of the fill's notional (price × quantity × multiplier); negative for a rebate. */
  readonly rate?: number;
  /** Only fills on this side pay it (stamp duty: BUY; STT on intraday: SELL). */
  readonly side?: Side;
  /** Only MAKER or only TAKER fills pay it. */
  readonly liquidity?: LiquiditySide;
  /** A fixed amount per executed order, charged on the order's first fill. */
  readonly flatPerOrder?: number;
  /** The charge's total over all fills of one order never exceeds this (Zerodha's ₹20 per order). */
  readonly capPerOrder?: number;
  /** Decimals this charge is rounded to, instead of the schedule's (0: STT to the rupee). */
  readonly decimals?: number;
}

/** A tax levied on other charges of the same fill (GST on brokerage, exchange and SEBI charges). */
export interface TaxRule {
  /** Item name (`gst`). */
  readonly name: string;
  /** Fraction of the taxed charges (0.18). */
  readonly rate: number;
  /** Names of the charges it is levied on. */
  readonly on: readonly string[];
}

/** A dated fee schedule: charges and taxes as data, so a rate change is a new table, not new code. */
export interface FeeSchedule {
  /** Names the schedule in breakdowns. */
  readonly name: string;
  /** First local date `YYYY-MM-DD` the rates apply. */
  readonly effectiveFrom: string;
  /** Where the rates come from. */
  readonly source?: string;
  /** Decimals each item is rounded to (half away from zero): 2 for INR paise, 8 for crypto. */
  readonly decimals: number;
  /** The charges, in the order they are itemised. */
  readonly charges: readonly ChargeRule[];
  /** Taxes on the (rounded) charges, itemised after them. */
  readonly taxes?: readonly TaxRule[];
}

/** Rounds half away from zero to `decimals`, reading the product at 15 significant digits so float noise (8.83605 × 10⁴ = 88360.4999…) does not decide ties. */
export function roundAmount(value: number, decimals: number): number {
  // A table lookup: `10 ** decimals` with a variable exponent is a Math.pow call, which was
  // nearly half the cost of pricing a fill.
  const p = decimals >= 0 && decimals <= 22 && Number.isInteger(decimals) ? pow10(decimals) : 10 ** decimals;
  const product = Math.abs(value) * p;
  // Fast path (every fill charges several items): below 1e9 the 15-digit reading moves the
  // product by at most 5e-7, so unless it sits within 1e-6 of a tie it rounds to the same
  // integer as the product itself, without formatting a string.
  if (product < 1e9) {
    const frac = product - Math.floor(product);
    if (frac < 0.5 - 1e-6 || frac > 0.5 + 1e-6) {
      const rounded = Math.round(product) / p;
      return value < 0 ? -rounded : rounded;
    }
  }
  return roundAmountExact(value, p);
}

function roundAmountExact(value: number, p: number): number {
  const scaled = Number((Math.abs(value) * p).toPrecision(15));
  const rounded = Math.round(scaled) / p;
  return value < 0 ? -rounded : rounded;
}

/** The amount of the item `name` in `breakdown`, or 0. */
export function feeItemAmount(breakdown: FeeBreakdown, name: string): number {
  let sum = 0;
  for (const item of breakdown.items) if (item.name === name) sum += item.amount;
  return sum;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date; throws on an impossible date. */
export function dayOfDate(where: string, text: string): number {
  const m = DATE.exec(text);
  if (m !== null) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    if (
      d.getUTCFullYear() === Number(m[1]) &&
      d.getUTCMonth() === Number(m[2]) - 1 &&
      d.getUTCDate() === Number(m[3])
    ) {
      return Math.round(ms / 86_400_000);
    }
  }
  throw new SimulatedVenueError(
    'INVALID_ARGUMENT',
    where,
    `expected a date YYYY-MM-DD, got ${JSON.stringify(text)}`,
  );
}

/** Throws `INVALID_ARGUMENT` unless `value` is an integer number of decimals in 0…12. */
export function requireDecimals(where: string, value: unknown): number {
  requireNumber(where, value, 0, 12);
  if (!Number.isInteger(value))
    throw new SimulatedVenueError('INVALID_ARGUMENT', where, `expected an integer, got ${String(value)}`);
  return value as number;
}

/** Validates a schedule's rules and taxes; throws `INVALID_ARGUMENT` naming the bad field. */
export function validateSchedule(schedule: FeeSchedule): void {
  const where = `FeeSchedule ${schedule.name}`;
  if (typeof schedule.name !== 'string' || schedule.name.length === 0) {
    throw new SimulatedVenueError('INVALID_ARGUMENT', 'FeeSchedule name', 'expected a non-empty string');
  }
  dayOfDate(`${where} effectiveFrom`, schedule.effectiveFrom);
  requireDecimals(`${where} decimals`, schedule.decimals);
  const names = new Set<string>();
  schedule.charges.forEach((rule, i) => {
    const at = `${where} charges[${i}] (${rule.name})`;
    if (typeof rule.name !== 'string' || rule.name.length === 0) {
      throw new SimulatedVenueError('INVALID_ARGUMENT', `${at} name`, 'expected a non-empty string');
    }
    if (rule.rate !== undefined) requireNumber(`${at} rate`, rule.rate, -1, 1);
    if (rule.flatPerOrder !== undefined) requireNumber(`${at} flatPerOrder`, rule.flatPerOrder, 0);
    if (rule.capPerOrder !== undefined) requireNumber(`${at} capPerOrder`, rule.capPerOrder, 0);
    if (rule.decimals !== undefined) requireDecimals(`${at} decimals`, rule.decimals);
    if (rule.rate === undefined && rule.flatPerOrder === undefined) {
      throw new SimulatedVenueError('INVALID_ARGUMENT', at, 'a charge needs a rate, a flatPerOrder, or both');
    }
    names.add(rule.name);
  });
  (schedule.taxes ?? []).forEach((tax, i) => {
    const at = `${where} taxes[${i}] (${tax.name})`;
    requireNumber(`${at} rate`, tax.rate, 0, 1);
    for (const on of tax.on) {
      if (!names.has(on)) {
        throw new SimulatedVenueError(
          'INVALID_ARGUMENT',
          `${at} on`,
          `names no charge of the schedule: ${on}`,
        );
      }
    }
  });
}

/**
 * Prices one fill with `schedule`: each charge on the fill's notional (respecting side,
 * liquidity, flat-per-order and per-order caps), rounded to the schedule's decimals; then each
 * tax on the rounded charges it names; total = sum of the rounded items.
 */
export function applySchedule(schedule: FeeSchedule, ctx: FeeContext): FeeBreakdown {
  const plan = planOf(schedule);
  const notional = Math.abs(ctx.price * ctx.quantity * ctx.instrument.multiplier);
  const amounts = plan.amounts;
  amounts.fill(0);
  const charges = schedule.charges;
  for (let r = 0; r < charges.length; r++) {
    const rule = charges[r]!;
    if (
      (rule.side !== undefined && rule.side !== ctx.side) ||
      (rule.liquidity !== undefined && rule.liquidity !== ctx.liquidity)
    ) {
      continue;
    }
    let amount = 0;
    if (rule.rate !== undefined) amount += rule.rate * notional;
    if (rule.flatPerOrder !== undefined && ctx.orderFillCount === 0) amount += rule.flatPerOrder;
    if (rule.capPerOrder !== undefined) {
      const room = rule.capPerOrder - (ctx.orderCharges?.[rule.name] ?? 0);
      amount = Math.min(amount, room > 0 ? room : 0);
    }
    const slot = plan.slotOfRule[r]!;
    amounts[slot] = amounts[slot]! + roundAmount(amount, rule.decimals ?? schedule.decimals);
  }
  const items: FeeItem[] = [];
  let total = 0;
  for (let k = 0; k < plan.names.length; k++) {
    const a = roundAmount(amounts[k]!, schedule.decimals);
    items.push({ name: plan.names[k]!, amount: a });
    total += a;
  }
  const taxes = schedule.taxes ?? [];
  for (let t = 0; t < taxes.length; t++) {
    const tax = taxes[t]!;
    const on = plan.slotsOfTax[t]!;
    let base = 0;
    for (let k = 0; k < on.length; k++) base += amounts[on[k]!]!;
    const a = roundAmount(base * tax.rate, schedule.decimals);
    items.push({ name: tax.name, amount: a });
    total += a;
  }
  return {
    schedule: plan.label,
    currency: ctx.instrument.quoteCurrency,
    items,
    total: roundAmount(total, schedule.decimals),
  };
}

/**
 * A schedule's fixed structure, worked out once per schedule rather than per fill: the distinct
 * charge names in first-seen order (rules with the same name add up to one item), each rule's
 * and each tax base's slot among them, the label, and a scratch array for the amounts.
 */
interface SchedulePlan {
  readonly label: string;
  readonly names: readonly string[];
  readonly slotOfRule: readonly number[];
  /** Per tax, the slots of the charges it is levied on (a name no charge has adds nothing). */
  readonly slotsOfTax: readonly (readonly number[])[];
  readonly amounts: Float64Array;
}

const plans = new WeakMap<FeeSchedule, SchedulePlan>();

function planOf(schedule: FeeSchedule): SchedulePlan {
  let plan = plans.get(schedule);
  if (plan === undefined) {
    const names: string[] = [];
    const slotOfRule = schedule.charges.map((rule) => {
      const at = names.indexOf(rule.name);
      if (at >= 0) return at;
      names.push(rule.name);
      return names.length - 1;
    });
    plan = {
      label: `${schedule.name}@${schedule.effectiveFrom}`,
      names,
      slotOfRule,
      slotsOfTax: (schedule.taxes ?? []).map((tax) =>
        tax.on.map((name) => names.indexOf(name)).filter((slot) => slot >= 0),
      ),
      amounts: new Float64Array(names.length),
    };
    plans.set(schedule, plan);
  }
  return plan;
}

/** Options for a {@link ScheduleFeeModel}. */
export interface ScheduleFeeModelOptions {
  /** Names the model. */
  readonly name?: string;
  /** The dated schedules; the one with the latest `effectiveFrom` on or before a fill's local date applies. */
  readonly schedules: readonly FeeSchedule[];
  /** Offset of the schedules' local dates from UTC in minutes (IST: 330); default 0. */
  readonly utcOffsetMinutes?: number;
}

/**
 * Fees from dated schedules of charges and taxes: the custom schedule, and the engine behind the
 * Binance and CoinDCX presets. A fill dated before every schedule uses the earliest one (the
 * breakdown names the schedule applied).
 *
 * @example
 * ```ts
 * const fees = new ScheduleFeeModel({
 *   name: 'my-broker',
 *   schedules: [{
 *     name: 'my-broker', effectiveFrom: '2024-01-01', decimals: 2,
 *     charges: [{ name: 'brokerage', rate: 0.0005, capPerOrder: 25 }, { name: 'stamp', rate: 0.00003, side: 'BUY' }],
 *     taxes: [{ name: 'gst', rate: 0.18, on: ['brokerage'] }],
 *   }],
 *   utcOffsetMinutes: 330,
 * });
 * ```
 */
export class ScheduleFeeModel implements FeeModel {
  /** The model's name. */
  readonly name: string;
  readonly #schedules: readonly FeeSchedule[];
  readonly #days: readonly number[];
  readonly #offsetMs: number;

  /** Validates and sorts the schedules by effective date. */
  constructor(options: ScheduleFeeModelOptions) {
    if (!Array.isArray(options.schedules) || options.schedules.length === 0) {
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        'ScheduleFeeModel schedules',
        'expected at least one schedule',
      );
    }
    for (const s of options.schedules) validateSchedule(s);
    const sorted = [...options.schedules].sort(
      (a, b) => dayOfDate('', a.effectiveFrom) - dayOfDate('', b.effectiveFrom),
    );
    this.#schedules = sorted;
    this.#days = sorted.map((s) => dayOfDate('', s.effectiveFrom));
    this.#offsetMs =
      requireNumber('ScheduleFeeModel utcOffsetMinutes', options.utcOffsetMinutes ?? 0, -840, 840) * 60_000;
    this.name = options.name ?? sorted[0]!.name;
  }

  /** The schedule in force at `tsEvent`. */
  scheduleAt(tsEvent: UnixMicros): FeeSchedule {
    const day = Math.floor((tsEvent / 1000 + this.#offsetMs) / 86_400_000);
    let chosen = 0;
    for (let i = 1; i < this.#days.length; i++) if (this.#days[i]! <= day) chosen = i;
    return this.#schedules[chosen]!;
  }

  /** Prices the fill with the schedule in force on its date. */
  charge(ctx: FeeContext): FeeBreakdown {
    return applySchedule(this.scheduleAt(ctx.tsEvent), ctx);
  }
}

/** No fees at all: every fill's breakdown is empty with total 0. */
export const noFees: FeeModel = {
  name: 'none',
  charge: (ctx) => ({ schedule: 'none', currency: ctx.instrument.quoteCurrency, items: [], total: 0 }),
};
