import * as fc from 'fast-check';
import type { CanonicalEvent, EventKind, EventOf } from '../schemas/event.js';
import { EVENT_KINDS } from '../schemas/event.js';
import { EXERCISE_STYLES, type Instrument, OPTION_RIGHTS } from '../schemas/instrument.js';
import {
  AGGRESSOR_SIDES,
  BAR_SOURCES,
  LIQUIDITY_SIDES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  ORDER_TYPES,
  SIDES,
  TIME_IN_FORCE,
  TRADING_STATES,
} from '../schemas/primitives.js';
import { HEALTH_CODES, HEALTH_STATUSES, RISK_DECISIONS, RISK_REASONS } from '../schemas/system.js';

// fast-check arbitraries that generate valid canonical events (every one passes its zod schema).
// Used by our property tests and offered to users testing their own strategies and adapters.

const SYMBOL_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-&'];
const ID_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/-'];

/** Epoch-microsecond timestamps over the whole safe range. */
export const micros = (): fc.Arbitrary<number> => fc.maxSafeNat();
/** Finite doubles of any sign and magnitude. */
export const anyPrice = (): fc.Arbitrary<number> => fc.double({ noNaN: true, noDefaultInfinity: true });
/** Finite, strictly positive doubles. */
export const positive = (): fc.Arbitrary<number> =>
  fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true });
/** Finite, non-negative doubles. */
export const nonNegative = (): fc.Arbitrary<number> =>
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
/** Venue codes. */
export const venueCode = (): fc.Arbitrary<string> =>
  fc.constantFrom('NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'BINANCE', 'COINDCX', 'SIM');
/** Canonical symbols. */
export const symbol = (): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...SYMBOL_CHARS), minLength: 1, maxLength: 24 });
/** Instrument ids `SYMBOL.VENUE`. */
export const instrumentId = (): fc.Arbitrary<string> =>
  fc.tuple(symbol(), venueCode()).map(([s, v]) => `${s}.${v}`);
/** Client order ids. */
export const clientOrderId = (): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 36 });
/** Strategy ids. */
export const strategyId = (): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABC0123456789_-'),
    minLength: 1,
    maxLength: 24,
  });
/** Venue-assigned ids (order ids, trade ids). */
export const venueId = (): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 64 });
/** Currency codes. */
export const currency = (): fc.Arbitrary<string> =>
  fc.constantFrom('INR', 'USDT', 'USDC', 'BTC', 'ETH', 'USD', '1000SHIB');
/** Free text with any well-formed Unicode. */
export const text = (): fc.Arbitrary<string> => fc.string({ unit: 'grapheme', maxLength: 60 });

const header = <K extends EventKind>(kind: K) => ({
  kind: fc.constant(kind),
  v: fc.constant(1 as const),
  tsEvent: micros(),
  tsInit: micros(),
});

/** Instrument definitions of every type. */
export function instrument(): fc.Arbitrary<Instrument> {
  const common = {
    venueSymbol: fc.string({ unit: fc.constantFrom(...SYMBOL_CHARS), minLength: 1, maxLength: 30 }),
    quoteCurrency: currency(),
    tickSize: positive(),
    lotSize: positive(),
    multiplier: positive(),
    pricePrecision: fc.integer({ min: 0, max: 12 }),
    sizePrecision: fc.integer({ min: 0, max: 12 }),
    minQuantity: positive(),
    maxQuantity: positive(),
    minNotional: positive(),
  };
  const optionalCommon = ['minQuantity', 'maxQuantity', 'minNotional'];
  const req = (extra: string[]) =>
    Object.keys(common)
      .filter((k) => !optionalCommon.includes(k))
      .concat(extra);
  const body = fc.oneof(
    fc.record(
      {
        ...common,
        type: fc.constant('equity' as const),
        isin: fc.constantFrom('INE002A01018', 'INE467B01029'),
      },
      { requiredKeys: req(['type']) as never },
    ),
    fc.record(
      { ...common, type: fc.constant('crypto_spot' as const), baseCurrency: currency() },
      {
        requiredKeys: req(['type', 'baseCurrency']) as never,
      },
    ),
    fc.record(
      {
        ...common,
        type: fc.constant('perpetual' as const),
        baseCurrency: currency(),
        settlementCurrency: currency(),
        isInverse: fc.boolean(),
      },
      { requiredKeys: req(['type', 'baseCurrency', 'settlementCurrency', 'isInverse']) as never },
    ),
    fc.record(
      {
        ...common,
        type: fc.constant('future' as const),
        underlying: symbol(),
        settlementCurrency: currency(),
        expiry: micros(),
      },
      { requiredKeys: req(['type', 'underlying', 'settlementCurrency', 'expiry']) as never },
    ),
    fc.record(
      {
        ...common,
        type: fc.constant('option' as const),
        underlying: symbol(),
        settlementCurrency: currency(),
        expiry: micros(),
        strike: positive(),
        right: fc.constantFrom(...OPTION_RIGHTS),
        exerciseStyle: fc.constantFrom(...EXERCISE_STYLES),
      },
      {
        requiredKeys: req([
          'type',
          'underlying',
          'settlementCurrency',
          'expiry',
          'strike',
          'right',
          'exerciseStyle',
        ]) as never,
      },
    ),
  );
  return fc
    .tuple(symbol(), venueCode(), body)
    .map(([sym, venue, rest]) => ({ ...rest, id: `${sym}.${venue}`, symbol: sym, venue }) as Instrument);
}

const level = () =>
  fc.record({ price: anyPrice(), size: nonNegative(), orders: fc.nat({ max: 0xffffffff }) });

function orderPrices(orderType: (typeof ORDER_TYPES)[number]) {
  const price = orderType === 'LIMIT' || orderType === 'STOP_LIMIT';
  const trigger = orderType === 'STOP' || orderType === 'STOP_LIMIT';
  return { price, trigger };
}

const builders: { [K in EventKind]: () => fc.Arbitrary<EventOf<K>> } = {
  instrument: () => fc.record({ ...header('instrument'), instrument: instrument() }),
  tick: () =>
    fc.record(
      {
        ...header('tick'),
        instrumentId: instrumentId(),
        lastPrice: anyPrice(),
        lastSize: nonNegative(),
        volume: nonNegative(),
        bidPrice: anyPrice(),
        bidSize: nonNegative(),
        askPrice: anyPrice(),
        askSize: nonNegative(),
        openInterest: nonNegative(),
      },
      { requiredKeys: ['kind', 'v', 'tsEvent', 'tsInit', 'instrumentId', 'lastPrice'] },
    ),
  trade: () =>
    fc.record({
      ...header('trade'),
      instrumentId: instrumentId(),
      price: anyPrice(),
      size: nonNegative(),
      aggressor: fc.constantFrom(...AGGRESSOR_SIDES),
      tradeId: venueId(),
    }),
  quote: () =>
    fc.record({
      ...header('quote'),
      instrumentId: instrumentId(),
      bidPrice: anyPrice(),
      bidSize: nonNegative(),
      askPrice: anyPrice(),
      askSize: nonNegative(),
    }),
  depth: () =>
    fc.record({
      ...header('depth'),
      instrumentId: instrumentId(),
      snapshot: fc.boolean(),
      sequence: fc.maxSafeNat(),
      bids: fc.array(level(), { maxLength: 25 }),
      asks: fc.array(level(), { maxLength: 25 }),
    }),
  bar: () =>
    fc
      .record({
        ...header('bar'),
        instrumentId: instrumentId(),
        timeframe: fc.constantFrom('1s', '1m', '5m', '15m', '1h', '1d', '500tick', '10000vol', '1000000val'),
        source: fc.constantFrom(...BAR_SOURCES),
        prices: fc.array(anyPrice(), { minLength: 4, maxLength: 4 }),
        duration: fc.nat(),
        volume: nonNegative(),
        count: fc.nat({ max: 0xffffffff }),
        revision: fc.nat({ max: 0xffff }),
      })
      .map(({ prices, duration, ...bar }) => {
        const sorted = [...prices].sort((a, b) => a - b);
        return {
          ...bar,
          tsOpen: Math.max(0, bar.tsEvent - duration),
          open: prices[0]!,
          high: sorted[3]!,
          low: sorted[0]!,
          close: prices[1]!,
        };
      }),
  orderIntent: () =>
    fc.constantFrom(...ORDER_TYPES).chain((orderType) => {
      const { price, trigger } = orderPrices(orderType);
      const postOnlyAllowed = orderType === 'LIMIT';
      return fc
        .record(
          {
            ...header('orderIntent'),
            action: fc.constantFrom(...ORDER_ACTIONS),
            clientOrderId: clientOrderId(),
            strategyId: strategyId(),
            instrumentId: instrumentId(),
            side: fc.constantFrom(...SIDES),
            orderType: fc.constant(orderType),
            timeInForce: fc.constantFrom(...TIME_IN_FORCE),
            quantity: positive(),
            price: anyPrice(),
            triggerPrice: anyPrice(),
            reduceOnly: fc.boolean(),
            postOnly: postOnlyAllowed ? fc.boolean() : fc.constant(false),
            tag: fc.string({ maxLength: 64 }),
          },
          {
            requiredKeys: [
              'kind',
              'v',
              'tsEvent',
              'tsInit',
              'action',
              'clientOrderId',
              'strategyId',
              'instrumentId',
              'side',
              'orderType',
              'timeInForce',
              'quantity',
              'reduceOnly',
              'postOnly',
              ...(price ? (['price'] as const) : []),
              ...(trigger ? (['triggerPrice'] as const) : []),
            ],
          },
        )
        .map((o) => {
          const out: Partial<typeof o> = { ...o };
          if (!price) delete out.price;
          if (!trigger) delete out.triggerPrice;
          if (out.postOnly && (out.timeInForce === 'IOC' || out.timeInForce === 'FOK'))
            out.timeInForce = 'GTC';
          return out as EventOf<'orderIntent'>;
        });
    }),
  orderAck: () =>
    fc.record(
      {
        ...header('orderAck'),
        action: fc.constantFrom(...ORDER_ACTIONS),
        clientOrderId: clientOrderId(),
        strategyId: strategyId(),
        instrumentId: instrumentId(),
        accepted: fc.boolean(),
        venueOrderId: venueId(),
        reason: text(),
      },
      {
        requiredKeys: [
          'kind',
          'v',
          'tsEvent',
          'tsInit',
          'action',
          'clientOrderId',
          'strategyId',
          'instrumentId',
          'accepted',
        ],
      },
    ),
  orderUpdate: () =>
    fc
      .record(
        {
          ...header('orderUpdate'),
          clientOrderId: clientOrderId(),
          strategyId: strategyId(),
          instrumentId: instrumentId(),
          status: fc.constantFrom(...ORDER_STATUSES),
          side: fc.constantFrom(...SIDES),
          orderType: fc.constantFrom(...ORDER_TYPES),
          timeInForce: fc.constantFrom(...TIME_IN_FORCE),
          quantity: positive(),
          filledFraction: fc.double({ min: 0, max: 1, noNaN: true }),
          avgFillPrice: anyPrice(),
          venueOrderId: venueId(),
          price: anyPrice(),
          triggerPrice: anyPrice(),
          reason: text(),
        },
        {
          requiredKeys: [
            'kind',
            'v',
            'tsEvent',
            'tsInit',
            'clientOrderId',
            'strategyId',
            'instrumentId',
            'status',
            'side',
            'orderType',
            'timeInForce',
            'quantity',
            'filledFraction',
            'avgFillPrice',
          ],
        },
      )
      .map(({ filledFraction, ...u }) => ({
        ...u,
        filledQuantity: Math.min(u.quantity, u.quantity * filledFraction),
      })),
  fill: () =>
    fc.record(
      {
        ...header('fill'),
        clientOrderId: clientOrderId(),
        strategyId: strategyId(),
        instrumentId: instrumentId(),
        venueOrderId: venueId(),
        tradeId: venueId(),
        side: fc.constantFrom(...SIDES),
        price: positive(),
        quantity: positive(),
        fee: anyPrice(),
        feeCurrency: currency(),
        liquidity: fc.constantFrom(...LIQUIDITY_SIDES),
        decisionPrice: anyPrice(),
        arrivalPrice: anyPrice(),
      },
      {
        requiredKeys: [
          'kind',
          'v',
          'tsEvent',
          'tsInit',
          'clientOrderId',
          'strategyId',
          'instrumentId',
          'venueOrderId',
          'tradeId',
          'side',
          'price',
          'quantity',
          'fee',
          'feeCurrency',
          'liquidity',
        ],
      },
    ),
  position: () =>
    fc.record({
      ...header('position'),
      strategyId: strategyId(),
      instrumentId: instrumentId(),
      quantity: anyPrice(),
      avgPrice: anyPrice(),
      markPrice: anyPrice(),
      realizedPnl: anyPrice(),
      unrealizedPnl: anyPrice(),
      currency: currency(),
    }),
  portfolio: () =>
    fc.record({
      ...header('portfolio'),
      accountId: fc.string({ minLength: 1, maxLength: 64 }),
      baseCurrency: currency(),
      equity: anyPrice(),
      grossExposure: nonNegative(),
      netExposure: anyPrice(),
      marginUsed: nonNegative(),
      balances: fc.array(
        fc.record({ currency: currency(), total: anyPrice(), available: anyPrice(), locked: nonNegative() }),
        { maxLength: 5 },
      ),
      positions: fc.array(
        fc.record({
          instrumentId: instrumentId(),
          quantity: anyPrice(),
          avgPrice: anyPrice(),
          markPrice: anyPrice(),
          realizedPnl: anyPrice(),
          unrealizedPnl: anyPrice(),
          currency: currency(),
        }),
        { maxLength: 8 },
      ),
    }),
  risk: () =>
    fc
      .record(
        {
          ...header('risk'),
          scope: fc.constantFrom('GLOBAL' as const, 'STRATEGY' as const),
          decision: fc.constantFrom(...RISK_DECISIONS),
          reason: fc.constantFrom(...RISK_REASONS),
          tradingState: fc.constantFrom(...TRADING_STATES),
          strategyId: strategyId(),
          clientOrderId: clientOrderId(),
          instrumentId: instrumentId(),
          value: anyPrice(),
          limit: anyPrice(),
          message: text(),
        },
        {
          requiredKeys: [
            'kind',
            'v',
            'tsEvent',
            'tsInit',
            'scope',
            'decision',
            'reason',
            'tradingState',
            'message',
          ],
        },
      )
      .map((r) =>
        r.scope === 'STRATEGY' && r.strategyId === undefined ? { ...r, scope: 'GLOBAL' as const } : r,
      ),
  health: () =>
    fc.record(
      {
        ...header('health'),
        component: fc.string({ minLength: 1, maxLength: 64 }),
        status: fc.constantFrom(...HEALTH_STATUSES),
        code: fc.constantFrom(...HEALTH_CODES),
        message: text(),
        value: anyPrice(),
        instrumentId: instrumentId(),
      },
      { requiredKeys: ['kind', 'v', 'tsEvent', 'tsInit', 'component', 'status', 'code', 'message'] },
    ),
};

/**
 * Valid canonical events of one kind.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryEvent('trade'), (t) => myHandler(t) !== undefined));
 * ```
 */
export function arbitraryEvent<K extends EventKind>(kind: K): fc.Arbitrary<EventOf<K>> {
  return builders[kind]() as fc.Arbitrary<EventOf<K>>;
}

/** Valid canonical events of every kind. */
export function arbitraryCanonicalEvent(): fc.Arbitrary<CanonicalEvent> {
  return fc.oneof(...EVENT_KINDS.map((k) => arbitraryEvent(k) as fc.Arbitrary<CanonicalEvent>));
}
