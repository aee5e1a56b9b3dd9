import { QuantKuberaError, type QuantKuberaErrorOptions } from './quantkubera-error.js';

/** A bounded queue refused an item (`QUEUE_FULL`) or is closed (`QUEUE_CLOSED`). */
export class QueueError extends QuantKuberaError {
  override readonly _tag = 'QueueError' as const;
  declare readonly code: 'QUEUE_FULL' | 'QUEUE_CLOSED';
  /** The queue's name, as given when it was created. */
  readonly queue: string;

  constructor(
    code: 'QUEUE_FULL' | 'QUEUE_CLOSED',
    queue: string,
    detail: string,
    options?: QuantKuberaErrorOptions,
  ) {
    super(code, `queue ${queue}: ${detail}`, options);
    this.queue = queue;
  }
}

/** An invalid clock operation, such as moving simulated time backwards. */
export class ClockError extends QuantKuberaError {
  override readonly _tag = 'ClockError' as const;

  constructor(detail: string, options?: QuantKuberaErrorOptions) {
    super('CLOCK_ERROR', detail, options);
  }
}

/** An event handler threw; the bus contained the error and reports it wrapped in this. */
export class HandlerError extends QuantKuberaError {
  override readonly _tag = 'HandlerError' as const;
  /** The event kind being dispatched when the handler threw. */
  readonly eventKind: string;
  /** The subscriber's name, when it gave one. */
  readonly subscriber: string | undefined;

  constructor(eventKind: string, subscriber: string | undefined, cause: unknown) {
    const who = subscriber === undefined ? 'a handler' : `handler ${subscriber}`;
    const why = cause instanceof Error ? cause.message : String(cause);
    super('HANDLER_FAILED', `${who} threw while handling ${eventKind}: ${why}`, { cause });
    this.eventKind = eventKind;
    this.subscriber = subscriber;
  }
}

/** An identifier (instrument id, client order id, timeframe) is malformed. */
export class IdentifierError extends QuantKuberaError {
  override readonly _tag = 'IdentifierError' as const;
  /** The offending input. */
  readonly input: string;

  constructor(what: string, input: string, detail: string) {
    super('INVALID_IDENTIFIER', `invalid ${what} ${JSON.stringify(input)}: ${detail}`);
    this.input = input;
  }
}
