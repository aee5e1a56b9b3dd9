import type { OrderStatus } from '../schemas/index.js';

/**
 * Everything that can happen to an order, as inputs of the state machine. `REQUEST_*` and
 * `SUBMIT`/`DENY` are local decisions; the rest are the venue's answers. A fill is classified as
 * `FILL_PARTIAL` or `FILL_COMPLETE` by whether it brings the filled quantity to the order quantity.
 */
export const ORDER_EVENT_TYPES = [
  'DENY',
  'SUBMIT',
  'ACCEPT',
  'REJECT',
  'REQUEST_UPDATE',
  'UPDATE',
  'REJECT_UPDATE',
  'REQUEST_CANCEL',
  'REJECT_CANCEL',
  'CANCEL',
  'TRIGGER',
  'EXPIRE',
  'FILL_PARTIAL',
  'FILL_COMPLETE',
] as const;

/** An input of the order state machine. */
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/**
 * The target of a transition that answers a pending request (`UPDATE`, `REJECT_UPDATE`,
 * `REJECT_CANCEL`): the order returns to the state it would be in without that request. Resolved
 * by {@link resumeStatus}, in this order: `FILLED` when nothing is left to fill (a modify reduced
 * the quantity to what had already filled); `PENDING_CANCEL` while a cancel is still in flight;
 * `PENDING_UPDATE` while a modify is still in flight; otherwise the working state
 * `PARTIALLY_FILLED`, `TRIGGERED`, `ACCEPTED` or (never acknowledged) `SUBMITTED`.
 */
export const RESUME = 'RESUME' as const;

/** A transition target: a state, or {@link RESUME}. */
export type TransitionTarget = OrderStatus | typeof RESUME;

/** The allowed transitions out of one state: event → target. An absent event is invalid there. */
export type TransitionRow = Readonly<Partial<Record<OrderEventType, TransitionTarget>>>;

/**
 * The order state machine, as data: state × event → state. Every mode (backtest, paper, live)
 * uses this one table; an event absent from a state's row raises `InvalidStateTransitionError`
 * and leaves the order unchanged. docs/orders.md renders it and explains each edge.
 *
 * Deliberate real-world edges (venues produce them; each is handled, not an error):
 * - **Implied acceptance.** A fill, trigger, cancel or expiry may arrive before the venue's ack
 *   (Binance reports an IOC's fills with, or before, its acceptance): allowed from `SUBMITTED`;
 *   the late `ACCEPT` is then absorbed wherever the order has got to.
 * - **Cancel before ack.** `REQUEST_CANCEL` is allowed from `SUBMITTED`; a `REJECT` of the
 *   submission while the cancel is pending ends in `REJECTED`.
 * - **Fill after cancel request.** While `PENDING_CANCEL` (or `PENDING_UPDATE`), a partial fill
 *   keeps the order pending (the request is still in flight) and a completing fill makes it
 *   `FILLED`; the venue's late `REJECT_CANCEL`/`REJECT_UPDATE`/`UPDATE` is absorbed by `FILLED`.
 * - **Update racing a fill.** A modify acknowledged after the fills it raced keeps those fills;
 *   if it reduced the quantity to what had filled, `RESUME` resolves to `FILLED`.
 * - **Late fill after CANCELED/EXPIRED.** The venue executed before it canceled, but the fill
 *   reached us after the cancel confirmation. The fill is real and is applied: a partial late fill
 *   keeps the order `CANCELED`/`EXPIRED` (its remainder is gone); a late fill that completes the
 *   quantity moves it to `FILLED`. These two are the only exits from a terminal state
 *   ({@link ORDER_TERMINAL_EXITS}).
 * - **Duplicates.** Repeated acks, triggers and cancel confirmations are self-loops (no change).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, TransitionRow>> = {
  INITIALIZED: { DENY: 'DENIED', SUBMIT: 'SUBMITTED' },
  DENIED: {},
  SUBMITTED: {
    ACCEPT: 'ACCEPTED',
    REJECT: 'REJECTED',
    REQUEST_CANCEL: 'PENDING_CANCEL',
    CANCEL: 'CANCELED',
    TRIGGER: 'TRIGGERED',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'PARTIALLY_FILLED',
    FILL_COMPLETE: 'FILLED',
  },
  ACCEPTED: {
    ACCEPT: 'ACCEPTED',
    REQUEST_UPDATE: 'PENDING_UPDATE',
    REQUEST_CANCEL: 'PENDING_CANCEL',
    CANCEL: 'CANCELED',
    TRIGGER: 'TRIGGERED',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'PARTIALLY_FILLED',
    FILL_COMPLETE: 'FILLED',
  },
  REJECTED: { REJECT: 'REJECTED', REJECT_CANCEL: 'REJECTED' },
  PENDING_UPDATE: {
    ACCEPT: 'PENDING_UPDATE',
    UPDATE: RESUME,
    REJECT_UPDATE: RESUME,
    REQUEST_CANCEL: 'PENDING_CANCEL',
    CANCEL: 'CANCELED',
    TRIGGER: 'PENDING_UPDATE',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'PENDING_UPDATE',
    FILL_COMPLETE: 'FILLED',
  },
  PENDING_CANCEL: {
    ACCEPT: 'PENDING_CANCEL',
    REJECT: 'REJECTED',
    UPDATE: RESUME,
    REJECT_UPDATE: RESUME,
    REQUEST_CANCEL: 'PENDING_CANCEL',
    REJECT_CANCEL: RESUME,
    CANCEL: 'CANCELED',
    TRIGGER: 'PENDING_CANCEL',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'PENDING_CANCEL',
    FILL_COMPLETE: 'FILLED',
  },
  TRIGGERED: {
    ACCEPT: 'TRIGGERED',
    REQUEST_UPDATE: 'PENDING_UPDATE',
    REQUEST_CANCEL: 'PENDING_CANCEL',
    CANCEL: 'CANCELED',
    TRIGGER: 'TRIGGERED',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'PARTIALLY_FILLED',
    FILL_COMPLETE: 'FILLED',
  },
  PARTIALLY_FILLED: {
    ACCEPT: 'PARTIALLY_FILLED',
    REQUEST_UPDATE: 'PENDING_UPDATE',
    REQUEST_CANCEL: 'PENDING_CANCEL',
    CANCEL: 'CANCELED',
    TRIGGER: 'PARTIALLY_FILLED',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'PARTIALLY_FILLED',
    FILL_COMPLETE: 'FILLED',
  },
  FILLED: {
    ACCEPT: 'FILLED',
    TRIGGER: 'FILLED',
    UPDATE: 'FILLED',
    REJECT_UPDATE: 'FILLED',
    REJECT_CANCEL: 'FILLED',
  },
  CANCELED: {
    ACCEPT: 'CANCELED',
    TRIGGER: 'CANCELED',
    UPDATE: 'CANCELED',
    REJECT_UPDATE: 'CANCELED',
    REJECT_CANCEL: 'CANCELED',
    CANCEL: 'CANCELED',
    EXPIRE: 'CANCELED',
    FILL_PARTIAL: 'CANCELED',
    FILL_COMPLETE: 'FILLED',
  },
  EXPIRED: {
    ACCEPT: 'EXPIRED',
    TRIGGER: 'EXPIRED',
    UPDATE: 'EXPIRED',
    REJECT_UPDATE: 'EXPIRED',
    REJECT_CANCEL: 'EXPIRED',
    CANCEL: 'EXPIRED',
    EXPIRE: 'EXPIRED',
    FILL_PARTIAL: 'EXPIRED',
    FILL_COMPLETE: 'FILLED',
  },
};

/** States an order never leaves, except by the {@link ORDER_TERMINAL_EXITS}. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'DENIED',
  'REJECTED',
  'FILLED',
  'CANCELED',
  'EXPIRED',
]);

/**
 * The only transitions out of a terminal state: a late fill that completes a canceled or expired
 * order (see {@link ORDER_TRANSITIONS}).
 */
export const ORDER_TERMINAL_EXITS: readonly {
  readonly from: OrderStatus;
  readonly event: OrderEventType;
  readonly to: OrderStatus;
}[] = [
  { from: 'CANCELED', event: 'FILL_COMPLETE', to: 'FILLED' },
  { from: 'EXPIRED', event: 'FILL_COMPLETE', to: 'FILLED' },
];

/** The states {@link RESUME} can resolve to. */
export const RESUME_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'FILLED',
  'PENDING_CANCEL',
  'PENDING_UPDATE',
  'PARTIALLY_FILLED',
  'TRIGGERED',
  'ACCEPTED',
  'SUBMITTED',
]);

/** True for a terminal state (DENIED, REJECTED, FILLED, CANCELED, EXPIRED). */
export function isTerminalStatus(status: OrderStatus): boolean {
  return (
    status === 'FILLED' ||
    status === 'CANCELED' ||
    status === 'REJECTED' ||
    status === 'EXPIRED' ||
    status === 'DENIED'
  );
}

/**
 * True for a state in which the order is at, or on its way to, the venue and may still fill:
 * every state except INITIALIZED and the terminal ones.
 */
export function isOpenStatus(status: OrderStatus): boolean {
  return status !== 'INITIALIZED' && !isTerminalStatus(status);
}

/** The target of `event` in `status`, or `undefined` when the table does not allow it. */
export function transitionTarget(status: OrderStatus, event: OrderEventType): TransitionTarget | undefined {
  return ORDER_TRANSITIONS[status][event];
}

/** What {@link resumeStatus} needs to know about an order. */
export interface ResumeFacts {
  /** Filled quantity has reached the order quantity. */
  readonly complete: boolean;
  /** A cancel request is in flight. */
  readonly cancelPending: boolean;
  /** A modify request is in flight. */
  readonly updatePending: boolean;
  /** Some quantity has filled. */
  readonly partiallyFilled: boolean;
  /** A stop order's trigger has fired. */
  readonly triggered: boolean;
  /** The venue has acknowledged the order (or acted on it, implying it). */
  readonly accepted: boolean;
}

/** Resolves {@link RESUME} for an order in the given situation (see RESUME for the rule). */
export function resumeStatus(facts: ResumeFacts): OrderStatus {
  if (facts.complete) return 'FILLED';
  if (facts.cancelPending) return 'PENDING_CANCEL';
  if (facts.updatePending) return 'PENDING_UPDATE';
  if (facts.partiallyFilled) return 'PARTIALLY_FILLED';
  if (facts.triggered) return 'TRIGGERED';
  return facts.accepted ? 'ACCEPTED' : 'SUBMITTED';
}
