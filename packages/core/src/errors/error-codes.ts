/**
 * Every error code QuantKubera raises, with a one-line meaning. Codes are stable strings: match on
 * `err.code`, never on the message.
 */
export const ERROR_CODES = {
  /** A record failed schema validation; `issues` lists each field path. */
  VALIDATION_FAILED: 'a record failed schema validation',
  /** Bytes ended before a complete record could be read. */
  DECODE_TRUNCATED: 'the bytes end before the record does',
  /** Bytes are not a valid record: bad length, unknown enum value, checksum mismatch. */
  DECODE_CORRUPT: 'the bytes are not a valid record',
  /** The record kind is not one this build knows. */
  DECODE_UNKNOWN_KIND: 'unknown record kind',
  /** The record's schema version is newer than this build can read. */
  DECODE_UNSUPPORTED_VERSION: 'unsupported schema version',
  /** A value could not be encoded (wrong type, out of range, string too long). */
  ENCODE_FAILED: 'a record could not be encoded',
  /** An identifier (instrument id, client order id) is malformed. */
  INVALID_IDENTIFIER: 'malformed identifier',
  /** A bounded queue refused an item under the `fail` policy. */
  QUEUE_FULL: 'the bounded queue is full',
  /** An item was offered to, or awaited from, a queue that is closed. */
  QUEUE_CLOSED: 'the queue is closed',
  /** A clock operation was invalid (time moved backwards, timer in the past). */
  CLOCK_ERROR: 'invalid clock operation',
  /** An event handler threw; the bus contained it. */
  HANDLER_FAILED: 'an event handler threw',
  /** A thrown value that was not a QuantKubera error, normalised. */
  UNKNOWN: 'an unexpected error',
} as const;

/** A stable QuantKubera error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
