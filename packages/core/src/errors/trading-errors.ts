import { QuantKuberaError, type QuantKuberaErrorOptions } from './quantkubera-error.js';

/**
 * An order event is not allowed in the order's current state (see `ORDER_TRANSITIONS`). The order
 * is left exactly as it was.
 */
export class InvalidStateTransitionError extends QuantKuberaError {
  override readonly _tag = 'InvalidStateTransitionError' as const;
  declare readonly code: 'INVALID_STATE_TRANSITION';
  /** The order the event was applied to. */
  readonly clientOrderId: string;
  /** The order's state when the event arrived. */
  readonly from: string;
  /** The order event that is not allowed in `from`. */
  readonly event: string;

  constructor(clientOrderId: string, from: string, event: string, options?: QuantKuberaErrorOptions) {
    super(
      'INVALID_STATE_TRANSITION',
      `order ${clientOrderId}: ${event} is not allowed in state ${from}`,
      options,
    );
    this.clientOrderId = clientOrderId;
    this.from = from;
    this.event = event;
  }
}

/** The error codes an {@link OrderError} can carry. */
export type OrderErrorCode = 'ORDER_NOT_FOUND' | 'ORDER_DUPLICATE' | 'ORDER_OVERFILL' | 'ORDER_INVALID';

/**
 * An order request or venue message cannot be applied: unknown or duplicate order id, a fill
 * beyond the order's quantity, or order fields that make no sense. Says which order and why.
 */
export class OrderError extends QuantKuberaError {
  override readonly _tag = 'OrderError' as const;
  declare readonly code: OrderErrorCode;
  /** The client order id (or venue order id, for lookups by venue id) concerned. */
  readonly orderId: string;

  constructor(code: OrderErrorCode, orderId: string, detail: string, options?: QuantKuberaErrorOptions) {
    super(code, `order ${orderId}: ${detail}`, options);
    this.orderId = orderId;
  }
}

/** The error codes an {@link AccountingError} can carry. */
export type AccountingErrorCode = 'UNKNOWN_INSTRUMENT' | 'PRECISION_EXCEEDED' | 'ACCOUNTING_FAILED';

/**
 * The portfolio cannot account a value exactly: an instrument without a definition, a price or
 * quantity with more decimals than the instrument allows, a missing exchange rate, or a contract
 * kind the accounting model does not cover. `subject` names the instrument or currency.
 */
export class AccountingError extends QuantKuberaError {
  override readonly _tag = 'AccountingError' as const;
  declare readonly code: AccountingErrorCode;
  /** The instrument id or currency concerned. */
  readonly subject: string;

  constructor(code: AccountingErrorCode, subject: string, detail: string, options?: QuantKuberaErrorOptions) {
    super(code, `${subject}: ${detail}`, options);
    this.subject = subject;
  }
}
