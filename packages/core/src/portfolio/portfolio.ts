import type { Clock, UnixMicros } from '../clock/index.js';
import { AccountingError } from '../errors/index.js';
import type { InstrumentSource } from '../orders/instrument-source.js';
import type {
  Balance,
  FillEvent,
  Instrument,
  PortfolioPosition,
  PortfolioSnapshot,
  PositionUpdate,
} from '../schemas/index.js';
import {
  decimalPlaces,
  divRoundHalfEven,
  MONEY_DECIMALS,
  parseScaled,
  pow10,
  pow10n,
  roundToUnits,
  scaledToNumber,
  toUnits,
} from './fixed-point.js';
import { type MarginRates, type MarginRatesInput, marginRateFor, parseMarginRates } from './margin-model.js';

/** Margin rates are counted in parts per million. */
const RATE_DECIMALS = 6;
const RATE_SCALE = 10n ** 6n;

/**
 * How an instrument moves cash: `cash` instruments (equity, crypto spot) and `premium` ones
 * (options) pay the full trade value from cash, and their market value counts in equity;
 * `margined` ones (futures, perpetuals) move cash only by realized PnL, and their unrealized PnL
 * counts in equity.
 */
export type SettlementKind = 'cash' | 'premium' | 'margined';

/** A read-only, live view of one position (netted per instrument and venue). */
export interface PositionView {
  /** `SYMBOL.VENUE`. */
  readonly instrumentId: string;
  /** The instrument definition. */
  readonly instrument: Instrument;
  /** How the instrument settles. */
  readonly settlement: SettlementKind;
  /** Currency of the position's value and PnL. */
  readonly currency: string;
  /** Net signed quantity (short is negative). */
  readonly quantity: number;
  /** Average entry price of the open quantity; 0 when flat. */
  readonly avgPrice: number;
  /** Mark price used for unrealized PnL; 0 before the first mark or fill. */
  readonly markPrice: number;
  /** Signed notional at the mark: quantity × mark × multiplier. */
  readonly notional: number;
  /** Realized PnL, gross of fees. */
  readonly realizedPnl: number;
  /** Unrealized PnL at the mark. */
  readonly unrealizedPnl: number;
  /** Fees charged in the position's currency. */
  readonly fees: number;
  /** Margin held (approximation; see `MarginRatesSchema`). */
  readonly margin: number;
  /** The strategy of the last fill. */
  readonly lastStrategyId: string | undefined;
  /** Exact values: quantity in size units, money in units of 10^-{@link MONEY_DECIMALS}. */
  readonly exact: {
    readonly quantityUnits: bigint;
    readonly costBasis: bigint;
    readonly realizedPnl: bigint;
    readonly unrealizedPnl: bigint;
    readonly fees: bigint;
    readonly margin: bigint;
  };
}

/** The portfolio's totals in the base currency (doubles, for risk and reporting). */
export interface PortfolioTotals {
  /** Cash plus position values, converted at the current rates. */
  readonly equity: number;
  /** Σ |notional|. */
  readonly grossExposure: number;
  /** Σ signed notional. */
  readonly netExposure: number;
  /** Σ margin held. */
  readonly marginUsed: number;
  /** False when a currency in use has no exchange rate: the figures above are then NaN. */
  readonly valid: boolean;
  /** The first currency without a rate, when not valid. */
  readonly missingRate: string | undefined;
}

/** Options for a {@link Portfolio}. */
export interface PortfolioOptions {
  /** Time for events' `tsInit` and snapshots. */
  readonly clock: Clock;
  /** Instrument definitions (precisions, multiplier, currencies, type). */
  readonly instruments: InstrumentSource;
  /** Currency equity and exposure are reported in (`INR`, `USDT`). */
  readonly baseCurrency: string;
  /** Account id in snapshots; default `default`. */
  readonly accountId?: string;
  /** Value of one unit of each currency in the base currency (the base is always 1). */
  readonly rates?: Readonly<Record<string, number>>;
  /** Margin approximation rates; see `MarginRatesSchema`. */
  readonly margin?: MarginRatesInput;
}

/** Per-instrument constants of the exact arithmetic. */
interface Accounting {
  readonly instrument: Instrument;
  readonly settlement: SettlementKind;
  readonly currency: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly multiplierUnits: bigint;
  /** Scales priceUnits × sizeUnits × multiplierUnits to money units. */
  readonly toMoney: bigint;
  readonly marginRate: bigint;
  /** Options: the strike in price units, the fallback underlying price. */
  readonly strikeUnits: bigint;
}

/** Exact sums for one currency, in money units. */
class CurrencyBook {
  cash = 0n;
  /** Σ position contributions to equity (market value or unrealized PnL). */
  value = 0n;
  gross = 0n;
  net = 0n;
  margin = 0n;
  fees = 0n;
  realized = 0n;
  constructor(readonly currency: string) {}
}

const ZERO = 0n;

/** One strategy's net quantity in one instrument: exact units, and as a double. */
interface StrategyQuantity {
  units: bigint;
  quantity: number;
}
const abs = (x: bigint): bigint => (x < ZERO ? -x : x);

class Position implements PositionView {
  quantityUnits = 0n;
  cost = 0n;
  realized = 0n;
  feeTotal = 0n;
  /** The mark, as a count of price units (a safe integer). */
  markNum = 0;
  hasMark = false;
  /**
   * Marked since the last revaluation. A mark is cheap (a double compare and store); the exact
   * bigint revaluation runs when a figure that depends on it is read, so a position marked on
   * every bar or quote costs bigint arithmetic only as often as equity or exposure is looked at.
   * Revaluation is a pure function of the latest mark and books deltas, so the books are the same
   * exact sums either way.
   */
  stale = false;
  notionalMoney = 0n;
  valueMoney = 0n;
  marginMoney = 0n;
  quantity = 0;
  markPrice = 0;
  /** {@link Position.avgPrice}, kept by {@link Position.refreshFigures}. */
  avgPriceValue = 0;
  /** {@link Position.realizedPnl}, kept by {@link Position.refreshFigures}. */
  realizedValue = 0;
  lastStrategyId: string | undefined;
  /** Underlying price in the option's price units, when known. */
  underlyingUnits: bigint | undefined;

  constructor(
    readonly acc: Accounting,
    readonly book: CurrencyBook,
  ) {}

  get instrumentId(): string {
    return this.acc.instrument.id;
  }
  get instrument(): Instrument {
    return this.acc.instrument;
  }
  get settlement(): SettlementKind {
    return this.acc.settlement;
  }
  get currency(): string {
    return this.acc.currency;
  }
  get avgPrice(): number {
    return this.avgPriceValue;
  }
  get notional(): number {
    if (this.stale) this.revalue();
    return scaledToNumber(this.notionalMoney, MONEY_DECIMALS);
  }
  get realizedPnl(): number {
    return this.realizedValue;
  }

  /**
   * Recomputes the doubles derived from the cost basis and realized PnL, which only fills
   * change: each is converted from the exact values once per fill, not on every read (position
   * updates and every snapshot read them).
   */
  refreshFigures(): void {
    this.realizedValue = scaledToNumber(this.realized, MONEY_DECIMALS);
    if (this.quantityUnits === ZERO) {
      this.avgPriceValue = 0;
      return;
    }
    const a = this.acc;
    // cost / (qty × multiplier), in price units at 6 extra decimals, then to a double.
    const extra = 6;
    const denominator = this.quantityUnits * a.multiplierUnits * a.toMoney;
    const units = divRoundHalfEven(this.cost * pow10n(extra), denominator);
    this.avgPriceValue = scaledToNumber(units, a.pricePrecision + extra);
  }
  get unrealizedPnl(): number {
    if (this.stale) this.revalue();
    return scaledToNumber(this.notionalMoney - this.cost, MONEY_DECIMALS);
  }
  get fees(): number {
    return scaledToNumber(this.feeTotal, MONEY_DECIMALS);
  }
  get margin(): number {
    if (this.stale) this.revalue();
    return scaledToNumber(this.marginMoney, MONEY_DECIMALS);
  }
  get exact(): PositionView['exact'] {
    if (this.stale) this.revalue();
    return {
      quantityUnits: this.quantityUnits,
      costBasis: this.cost,
      realizedPnl: this.realized,
      unrealizedPnl: this.notionalMoney - this.cost,
      fees: this.feeTotal,
      margin: this.marginMoney,
    };
  }

  /** Recomputes notional, equity contribution and margin at the latest mark; books the deltas. */
  revalue(): void {
    const acc = this.acc;
    this.stale = false;
    const notional = this.quantityUnits * BigInt(this.markNum) * acc.multiplierUnits * acc.toMoney;
    const value = acc.settlement === 'margined' ? notional - this.cost : notional;
    const margin = marginOf(this, notional);
    const book = this.book;
    book.value += value - this.valueMoney;
    book.net += notional - this.notionalMoney;
    book.gross += abs(notional) - abs(this.notionalMoney);
    book.margin += margin - this.marginMoney;
    this.notionalMoney = notional;
    this.valueMoney = value;
    this.marginMoney = margin;
  }
}

/**
 * The account: positions netted per instrument and venue, average-cost PnL, fees, cash per
 * currency, exposure, equity and an approximate margin (see `MarginRatesSchema`).
 *
 * **Exact accounting.** Prices and quantities are counted as integers at the instrument's
 * precision and money as `bigint` units of 10^-18 ({@link MONEY_DECIMALS}), so a fill's value
 * price × quantity × multiplier is exact and sums never drift. The one rounding is average-cost
 * itself: reducing a position by q of Q removes cost × q / Q, rounded half-even to 10^-18, and
 * the rest stays in the cost basis, so cash, realized PnL and cost basis always add up exactly.
 * Doubles appear only at the edges (events, risk figures), converted from the exact values.
 *
 * Cash moves per {@link SettlementKind}; fees are debited from cash in their own currency; equity
 * per currency is cash + Σ position contributions; totals in the base currency use `rates`.
 * Inverse contracts and quanto settlement are not modelled (they throw `ACCOUNTING_FAILED`).
 *
 * @example
 * ```ts
 * const portfolio = new Portfolio({ clock, instruments, baseCurrency: 'INR' });
 * portfolio.deposit('INR', '1000000');
 * portfolio.applyFill(fill);               // → PositionUpdate
 * portfolio.mark('NIFTY24DECFUT.NFO', 24_310.5);
 * portfolio.equity();                       // in INR
 * ```
 */
export class Portfolio {
  /** Currency equity and exposure are reported in. */
  readonly baseCurrency: string;
  /** Account id in snapshots. */
  readonly accountId: string;
  readonly #clock: Clock;
  readonly #instruments: InstrumentSource;
  readonly #margin: MarginRates;
  readonly #positions = new Map<string, Position>();
  readonly #books = new Map<string, CurrencyBook>();
  readonly #rates = new Map<string, number>();
  readonly #underlyings = new Map<string, number>();
  /**
   * Per strategy and instrument, the exact net quantity and the same as a double: strategies ask
   * for their position on every bar or tick, and converting the bigint each time cost more than
   * the rest of the lookup.
   */
  readonly #strategyPositions = new Map<string, Map<string, StrategyQuantity>>();
  #dirty = true;
  /** Positions marked since the books were last read; see `Position.stale`. */
  readonly #stale: Position[] = [];
  #totals: PortfolioTotals = {
    equity: 0,
    grossExposure: 0,
    netExposure: 0,
    marginUsed: 0,
    valid: true,
    missingRate: undefined,
  };

  /** Creates an empty portfolio; see {@link PortfolioOptions}. */
  constructor(options: PortfolioOptions) {
    this.#clock = options.clock;
    this.#instruments = options.instruments;
    this.baseCurrency = options.baseCurrency;
    this.accountId = options.accountId ?? 'default';
    this.#margin = parseMarginRates(options.margin);
    this.#rates.set(options.baseCurrency, 1);
    for (const [currency, rate] of Object.entries(options.rates ?? {})) this.setRate(currency, rate);
  }

  /** The margin rates in force. */
  get marginRates(): MarginRates {
    return this.#margin;
  }

  /**
   * Sets the value of one unit of `currency` in the base currency.
   *
   * @throws AccountingError `ACCOUNTING_FAILED` unless `rate` is finite and positive.
   */
  setRate(currency: string, rate: number): void {
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new AccountingError(
        'ACCOUNTING_FAILED',
        currency,
        `exchange rate must be finite and positive, got ${rate}`,
      );
    }
    if (currency === this.baseCurrency && rate !== 1) {
      throw new AccountingError('ACCOUNTING_FAILED', currency, 'the base currency rate is always 1');
    }
    this.#rates.set(currency, rate);
    this.#dirty = true;
  }

  /** The rate of `currency` in the base currency, if known. */
  rate(currency: string): number | undefined {
    return this.#rates.get(currency);
  }

  /**
   * Adds cash (a negative amount withdraws). `amount` as a decimal string is exact; a number is
   * read as the shortest decimal that round-trips to it.
   *
   * @throws AccountingError `PRECISION_EXCEEDED` beyond 18 decimals.
   */
  deposit(currency: string, amount: number | string): void {
    this.#book(currency).cash += parseScaled(amount, MONEY_DECIMALS, 'deposit', currency);
    this.#dirty = true;
  }

  /**
   * Accounts one execution: position, average cost, realized PnL, cash and fees. Returns the
   * position's new state as a `PositionUpdate`.
   *
   * @throws AccountingError `UNKNOWN_INSTRUMENT`, `PRECISION_EXCEEDED` (price, quantity or fee
   * finer than allowed), `ACCOUNTING_FAILED` (unsupported contract). Nothing changes on a throw.
   */
  applyFill(fill: FillEvent): PositionUpdate {
    const position = this.#position(fill.instrumentId);
    const acc = position.acc;
    const priceUnits = BigInt(toUnits(fill.price, acc.pricePrecision, 'fill price', acc.instrument.id));
    const sizeUnits = BigInt(toUnits(fill.quantity, acc.sizePrecision, 'fill quantity', acc.instrument.id));
    const fee = parseScaled(fill.fee, MONEY_DECIMALS, 'fee', fill.feeCurrency);
    if (sizeUnits <= ZERO) {
      throw new AccountingError(
        'ACCOUNTING_FAILED',
        acc.instrument.id,
        `fill quantity must be positive, got ${fill.quantity}`,
      );
    }
    const signed = fill.side === 'BUY' ? sizeUnits : -sizeUnits;
    const unitValue = priceUnits * acc.multiplierUnits * acc.toMoney;
    const value = signed * unitValue;
    const q0 = position.quantityUnits;
    let realized = ZERO;
    if (q0 === ZERO || q0 > ZERO === signed > ZERO) {
      position.cost += value;
      position.quantityUnits = q0 + signed;
    } else if (sizeUnits <= abs(q0)) {
      const removed =
        sizeUnits === abs(q0) ? position.cost : divRoundHalfEven(position.cost * sizeUnits, abs(q0));
      realized = -value - removed;
      position.cost -= removed;
      position.quantityUnits = q0 + signed;
    } else {
      // Crosses zero: close the whole position, open the rest at this price.
      const closeValue = (signed > ZERO ? abs(q0) : -abs(q0)) * unitValue;
      realized = -closeValue - position.cost;
      const rest = q0 + signed;
      position.cost = rest * unitValue;
      position.quantityUnits = rest;
    }
    position.realized += realized;
    position.lastStrategyId = fill.strategyId;
    position.quantity = scaledToNumber(position.quantityUnits, acc.sizePrecision);
    position.refreshFigures();
    const book = position.book;
    book.realized += realized;
    if (acc.settlement === 'margined') book.cash += realized;
    else book.cash -= value;
    if (fee !== ZERO) {
      const feeBook = this.#book(fill.feeCurrency);
      feeBook.cash -= fee;
      feeBook.fees += fee;
      if (fill.feeCurrency === acc.currency) position.feeTotal += fee;
    }
    this.#addStrategyQuantity(fill.strategyId, acc.instrument.id, signed, acc.sizePrecision);
    if (!position.hasMark) {
      position.markNum = Number(priceUnits);
      position.hasMark = true;
      position.markPrice = fill.price;
    }
    this.#revalue(position);
    return this.#positionUpdate(position, fill.tsEvent);
  }

  /**
   * Marks a position to `price` (a trade or mid price), rounded half-even to the instrument's
   * price precision. Also the reference price the risk engine's price band uses.
   *
   * @throws AccountingError `UNKNOWN_INSTRUMENT`, or `ACCOUNTING_FAILED` if `price` is not finite.
   */
  mark(instrumentId: string, price: number): void {
    const position = this.#position(instrumentId);
    if (!Number.isFinite(price)) {
      throw new AccountingError('ACCOUNTING_FAILED', instrumentId, `mark price must be finite, got ${price}`);
    }
    const precision = position.acc.pricePrecision;
    const units = roundToUnits(price, precision);
    if (position.hasMark && units === position.markNum) return;
    position.markNum = units;
    position.hasMark = true;
    // The same double as scaledToNumber(BigInt(units), precision): units is a safe integer.
    position.markPrice = units / pow10(precision);
    this.#dirty = true;
    if (!position.stale) {
      position.stale = true;
      this.#stale.push(position);
    }
  }

  /**
   * Sets the price of an option underlying (`NIFTY`, `BANKNIFTY`, `BTC`, or an instrument id), for
   * short-option margin. Without one the margin model uses the strike.
   */
  markUnderlying(underlying: string, price: number): void {
    if (!(price > 0) || !Number.isFinite(price)) {
      throw new AccountingError(
        'ACCOUNTING_FAILED',
        underlying,
        `underlying price must be finite and positive, got ${price}`,
      );
    }
    this.#underlyings.set(underlying, price);
    for (const position of this.#positions.values()) {
      const instrument = position.acc.instrument;
      if (instrument.type === 'option' && instrument.underlying === underlying) {
        position.underlyingUnits = BigInt(roundToUnits(price, position.acc.pricePrecision));
        this.#revalue(position);
      }
    }
  }

  /** The position in `instrumentId`, if it has been traded or marked. */
  position(instrumentId: string): PositionView | undefined {
    return this.#positions.get(instrumentId);
  }

  /**
   * The live position view of `instrumentId`, created flat if needed (so a hot path can keep
   * the reference).
   *
   * @throws AccountingError `UNKNOWN_INSTRUMENT` or `ACCOUNTING_FAILED`.
   */
  positionFor(instrumentId: string): PositionView {
    return this.#position(instrumentId);
  }

  /** Every position ever traded or marked, in first-seen order. */
  positions(): IterableIterator<PositionView> {
    return this.#positions.values();
  }

  /** The net quantity one strategy's fills have built in an instrument. */
  strategyQuantity(strategyId: string, instrumentId: string): number {
    return this.#strategyPositions.get(strategyId)?.get(instrumentId)?.quantity ?? 0;
  }

  /** The strategy's non-zero net quantities per instrument, in first-traded order. */
  strategyPositions(strategyId: string): { readonly instrumentId: string; readonly quantity: number }[] {
    const out: { instrumentId: string; quantity: number }[] = [];
    for (const [instrumentId, held] of this.#strategyPositions.get(strategyId) ?? []) {
      if (held.units !== ZERO) out.push({ instrumentId, quantity: held.quantity });
    }
    return out;
  }

  /** Cash in `currency` (0 if never used). */
  cash(currency: string): number {
    return scaledToNumber(this.#books.get(currency)?.cash ?? ZERO, MONEY_DECIMALS);
  }

  /**
   * Exact figures of one currency, in money units of 10^-{@link MONEY_DECIMALS}: cash, equity
   * (cash + position contributions), realized PnL, fees, exposures and margin.
   */
  exactBook(currency: string): {
    readonly cash: bigint;
    readonly equity: bigint;
    readonly realizedPnl: bigint;
    readonly fees: bigint;
    readonly grossExposure: bigint;
    readonly netExposure: bigint;
    readonly margin: bigint;
  } {
    if (this.#stale.length > 0) this.#settle();
    const book = this.#books.get(currency) ?? new CurrencyBook(currency);
    return {
      cash: book.cash,
      equity: book.cash + book.value,
      realizedPnl: book.realized,
      fees: book.fees,
      grossExposure: book.gross,
      netExposure: book.net,
      margin: book.margin,
    };
  }

  /** Every currency with a balance or position, in first-seen order. */
  currencies(): string[] {
    return [...this.#books.keys()];
  }

  /**
   * Base-currency totals, recomputed only after a change. Never throws: with a rate missing,
   * `valid` is false and the figures are NaN (the risk engine denies on that).
   */
  totals(): PortfolioTotals {
    if (this.#stale.length > 0) this.#settle();
    if (this.#dirty) this.#recompute();
    return this.#totals;
  }

  /** Equity in the base currency. @throws AccountingError if a currency in use has no rate. */
  equity(): number {
    return this.#checked().equity;
  }

  /** Σ |notional| in the base currency. @throws AccountingError if a rate is missing. */
  grossExposure(): number {
    return this.#checked().grossExposure;
  }

  /** Σ signed notional in the base currency. @throws AccountingError if a rate is missing. */
  netExposure(): number {
    return this.#checked().netExposure;
  }

  /** Margin held, in the base currency. @throws AccountingError if a rate is missing. */
  marginUsed(): number {
    return this.#checked().marginUsed;
  }

  /** Gross exposure over equity; Infinity when equity is not positive. */
  leverage(): number {
    const t = this.#checked();
    return t.equity > 0 ? t.grossExposure / t.equity : Number.POSITIVE_INFINITY;
  }

  /** The underlying price used for `underlying`'s short-option margin, if set. */
  underlyingPrice(underlying: string): number | undefined {
    return this.#underlyings.get(underlying);
  }

  /** One position's state as a `PositionUpdate` event. */
  positionUpdate(
    instrumentId: string,
    tsEvent: UnixMicros = this.#clock.nowUs(),
  ): PositionUpdate | undefined {
    const position = this.#positions.get(instrumentId);
    return position === undefined ? undefined : this.#positionUpdate(position, tsEvent);
  }

  /**
   * The whole account as a `PortfolioSnapshot`: balances per currency (locked = margin held in
   * that currency), positions that are open or have realized PnL, totals in the base currency.
   *
   * @throws AccountingError if a currency in use has no rate.
   */
  snapshot(tsEvent: UnixMicros = this.#clock.nowUs()): PortfolioSnapshot {
    const totals = this.#checked();
    const balances: Balance[] = [];
    for (const book of this.#books.values()) {
      const margin = book.margin;
      balances.push({
        currency: book.currency,
        total: scaledToNumber(book.cash, MONEY_DECIMALS),
        available: scaledToNumber(book.cash - margin, MONEY_DECIMALS),
        locked: scaledToNumber(margin, MONEY_DECIMALS),
      });
    }
    const positions: PortfolioPosition[] = [];
    for (const p of this.#positions.values()) {
      if (p.quantityUnits === ZERO && p.realized === ZERO) continue;
      positions.push({
        instrumentId: p.instrumentId,
        quantity: p.quantity,
        avgPrice: p.avgPrice,
        markPrice: p.markPrice,
        realizedPnl: p.realizedPnl,
        unrealizedPnl: p.unrealizedPnl,
        currency: p.currency,
      });
    }
    return {
      kind: 'portfolio',
      v: 1,
      tsEvent,
      tsInit: this.#clock.nowUs(),
      accountId: this.accountId,
      baseCurrency: this.baseCurrency,
      equity: totals.equity,
      grossExposure: totals.grossExposure,
      netExposure: totals.netExposure,
      marginUsed: totals.marginUsed,
      balances,
      positions,
    };
  }

  #checked(): PortfolioTotals {
    const totals = this.totals();
    if (!totals.valid) {
      throw new AccountingError(
        'ACCOUNTING_FAILED',
        totals.missingRate ?? '?',
        `no exchange rate to ${this.baseCurrency}; call setRate first`,
      );
    }
    return totals;
  }

  #book(currency: string): CurrencyBook {
    let book = this.#books.get(currency);
    if (book === undefined) {
      book = new CurrencyBook(currency);
      this.#books.set(currency, book);
    }
    return book;
  }

  #position(instrumentId: string): Position {
    let position = this.#positions.get(instrumentId);
    if (position !== undefined) return position;
    const instrument = this.#instruments.get(instrumentId);
    if (instrument === undefined) {
      throw new AccountingError('UNKNOWN_INSTRUMENT', instrumentId, 'no instrument definition');
    }
    const acc = accountingFor(instrument, this.#margin);
    position = new Position(acc, this.#book(acc.currency));
    if (instrument.type === 'option') {
      const underlying = this.#underlyings.get(instrument.underlying);
      if (underlying !== undefined)
        position.underlyingUnits = BigInt(roundToUnits(underlying, acc.pricePrecision));
    }
    this.#positions.set(instrumentId, position);
    return position;
  }

  #addStrategyQuantity(
    strategyId: string,
    instrumentId: string,
    signed: bigint,
    sizePrecision: number,
  ): void {
    let map = this.#strategyPositions.get(strategyId);
    if (map === undefined) {
      map = new Map();
      this.#strategyPositions.set(strategyId, map);
    }
    let held = map.get(instrumentId);
    if (held === undefined) {
      held = { units: ZERO, quantity: 0 };
      map.set(instrumentId, held);
    }
    held.units += signed;
    held.quantity = scaledToNumber(held.units, sizePrecision);
  }

  /** Revalues one position now (after a fill or an underlying change). */
  #revalue(p: Position): void {
    p.revalue();
    this.#dirty = true;
  }

  /** Revalues every position marked since the books were last read, so the books are current. */
  #settle(): void {
    const stale = this.#stale;
    for (let i = 0; i < stale.length; i++) {
      const p = stale[i]!;
      if (p.stale) p.revalue();
    }
    stale.length = 0;
  }

  #recompute(): void {
    let equity = 0;
    let gross = 0;
    let net = 0;
    let margin = 0;
    let missing: string | undefined;
    for (const book of this.#books.values()) {
      const rate = this.#rates.get(book.currency);
      if (rate === undefined) {
        const used = book.cash !== ZERO || book.value !== ZERO || book.gross !== ZERO || book.margin !== ZERO;
        if (used && missing === undefined) missing = book.currency;
        continue;
      }
      equity += scaledToNumber(book.cash + book.value, MONEY_DECIMALS) * rate;
      gross += scaledToNumber(book.gross, MONEY_DECIMALS) * rate;
      net += scaledToNumber(book.net, MONEY_DECIMALS) * rate;
      margin += scaledToNumber(book.margin, MONEY_DECIMALS) * rate;
    }
    this.#totals =
      missing === undefined
        ? {
            equity,
            grossExposure: gross,
            netExposure: net,
            marginUsed: margin,
            valid: true,
            missingRate: undefined,
          }
        : {
            equity: Number.NaN,
            grossExposure: Number.NaN,
            netExposure: Number.NaN,
            marginUsed: Number.NaN,
            valid: false,
            missingRate: missing,
          };
    this.#dirty = false;
  }

  #positionUpdate(p: Position, tsEvent: UnixMicros): PositionUpdate {
    return {
      kind: 'position',
      v: 1,
      tsEvent,
      tsInit: this.#clock.nowUs(),
      strategyId: p.lastStrategyId ?? 'portfolio',
      instrumentId: p.instrumentId,
      quantity: p.quantity,
      avgPrice: p.avgPrice,
      markPrice: p.markPrice,
      realizedPnl: p.realizedPnl,
      unrealizedPnl: p.unrealizedPnl,
      currency: p.currency,
    };
  }
}

/** Margin of a position at `notional` (exact, money units); see `MarginRatesSchema`. */
function marginOf(p: Position, notional: bigint): bigint {
  const acc = p.acc;
  if (p.quantityUnits === ZERO) return ZERO;
  const absNotional = abs(notional);
  switch (acc.settlement) {
    case 'margined':
      return divRoundHalfEven(absNotional * acc.marginRate, RATE_SCALE);
    case 'premium': {
      if (p.quantityUnits > ZERO) return ZERO;
      const underlying = p.underlyingUnits ?? acc.strikeUnits;
      const underlyingNotional = -p.quantityUnits * underlying * acc.multiplierUnits * acc.toMoney;
      return divRoundHalfEven(underlyingNotional * acc.marginRate, RATE_SCALE) + absNotional;
    }
    default:
      return p.quantityUnits > ZERO ? ZERO : divRoundHalfEven(absNotional * acc.marginRate, RATE_SCALE);
  }
}

function accountingFor(instrument: Instrument, rates: MarginRates): Accounting {
  const id = instrument.id;
  let settlement: SettlementKind;
  let currency = instrument.quoteCurrency;
  switch (instrument.type) {
    case 'equity':
    case 'crypto_spot':
      settlement = 'cash';
      break;
    case 'option':
      settlement = 'premium';
      break;
    case 'perpetual':
      if (instrument.isInverse) {
        throw new AccountingError(
          'ACCOUNTING_FAILED',
          id,
          'inverse contracts are not supported by the portfolio',
        );
      }
      settlement = 'margined';
      currency = instrument.settlementCurrency;
      break;
    case 'future':
      settlement = 'margined';
      currency = instrument.settlementCurrency;
      break;
  }
  if (currency !== instrument.quoteCurrency) {
    throw new AccountingError(
      'ACCOUNTING_FAILED',
      id,
      `settlement in ${currency} of a contract quoted in ${instrument.quoteCurrency} (quanto) is not supported`,
    );
  }
  const multiplierDecimals = decimalPlaces(instrument.multiplier);
  const scale = instrument.pricePrecision + instrument.sizePrecision + multiplierDecimals;
  if (scale > MONEY_DECIMALS || multiplierDecimals > 12) {
    throw new AccountingError(
      'ACCOUNTING_FAILED',
      id,
      `price, size and multiplier decimals (${scale}) exceed the ${MONEY_DECIMALS} money decimals`,
    );
  }
  const rate = marginRateFor(rates, instrument);
  return {
    instrument,
    settlement,
    currency,
    pricePrecision: instrument.pricePrecision,
    sizePrecision: instrument.sizePrecision,
    multiplierUnits: parseScaled(instrument.multiplier, multiplierDecimals, 'multiplier', id),
    toMoney: pow10n(MONEY_DECIMALS - scale),
    marginRate: BigInt(roundToUnits(rate, RATE_DECIMALS)),
    strikeUnits:
      instrument.type === 'option'
        ? BigInt(roundToUnits(instrument.strike, instrument.pricePrecision))
        : ZERO,
  };
}
