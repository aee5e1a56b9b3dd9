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
  /** An argument or option is outside its documented domain (a period of 0, a rate <= 0, a bad session spec). */
  INVALID_ARGUMENT: 'an argument or option is outside its documented domain',
  /** An order event is not allowed in the order's current state (see ORDER_TRANSITIONS). */
  INVALID_STATE_TRANSITION: 'order event not allowed in the current state',
  /** An ack, fill or request names an order the order manager does not track. */
  ORDER_NOT_FOUND: 'unknown order',
  /** A client order id is already in use. */
  ORDER_DUPLICATE: 'duplicate client order id',
  /** A fill would take an order's filled quantity beyond its quantity. */
  ORDER_OVERFILL: 'fill exceeds the order quantity',
  /** Order fields are inconsistent (missing price, quantity at or below the filled quantity...). */
  ORDER_INVALID: 'invalid order request',
  /** No instrument definition is registered for an instrument id. */
  UNKNOWN_INSTRUMENT: 'unknown instrument',
  /** A price, quantity or amount has more decimals than its precision allows. */
  PRECISION_EXCEEDED: 'value exceeds the instrument or currency precision',
  /** The portfolio cannot account a value (missing exchange rate, unsupported contract kind). */
  ACCOUNTING_FAILED: 'the portfolio cannot account a value',
  /** A write-ahead log record or segment fails its CRC-32C or structure check (file, offset, seq). */
  WAL_CORRUPT: 'a write-ahead log record is corrupt',
  /** The write-ahead log ends in a partial record that recovery has not truncated yet. */
  WAL_TORN_TAIL: 'the write-ahead log ends in a partial record',
  /** The write-ahead log's sequence numbers skip: a segment is missing. */
  WAL_SEQUENCE_GAP: 'a write-ahead log segment is missing',
  /** A write-ahead log record passed its checksum but this build cannot decode it (newer schema). */
  WAL_UNREADABLE: 'a write-ahead log record cannot be decoded by this build',
  /** Another live writer holds the write-ahead log directory's lock. */
  WAL_LOCKED: 'the write-ahead log is locked by another writer',
  /** The write-ahead log writer is closed or failed; nothing more can be appended. */
  WAL_CLOSED: 'the write-ahead log writer is closed',
  /** A file system operation on the write-ahead log failed. */
  WAL_IO: 'a write-ahead log file operation failed',
  /** The run manifest beside the log is missing, invalid or belongs to another run. */
  WAL_MANIFEST: 'the run manifest is missing, invalid or for another run',
  /** An Arrow file cannot be imported into a write-ahead log (missing column, bad row). */
  WAL_IMPORT: 'an Arrow file cannot be imported into a write-ahead log',
  /** A ring was given a bad name, geometry or option, or its calls came in an invalid order. */
  RING_INVALID_ARGUMENT: 'invalid ring argument or call sequence',
  /** No shared-memory ring exists under that name. */
  RING_NOT_FOUND: 'no ring under that name',
  /** A live ring already holds that name. */
  RING_EXISTS: 'a ring with that name is in use',
  /** The ring's creator has not finished initialising it. */
  RING_NOT_READY: 'the ring is not initialised yet',
  /** The segment's magic, layout version, size or kind is not what this build expects. */
  RING_LAYOUT_MISMATCH: 'the ring segment has an unexpected layout',
  /** A message does not fit in one slot of the ring. */
  RING_MESSAGE_TOO_LARGE: 'the message is larger than a ring slot',
  /** An SPSC ring had no room and the caller's policy was to fail rather than wait or drop. */
  RING_FULL: 'the ring is full',
  /** The endpoint's place is taken: an SPSC ring's live consumer, or a shared ring's producer. */
  RING_BUSY: 'the ring endpoint is already taken',
  /** The ring endpoint was closed. */
  RING_CLOSED: 'the ring endpoint is closed',
  /** The ring's producer died (process gone or heartbeat stale) without closing. */
  RING_PRODUCER_DEAD: 'the ring producer is dead',
  /** The SPSC ring's consumer died without closing while the producer waited for room. */
  RING_CONSUMER_DEAD: 'the ring consumer is dead',
  /** A slot holds bytes no producer of this protocol writes. */
  RING_CORRUPT: 'the ring memory is corrupt',
  /** An operating-system call on the ring segment failed. */
  RING_SYSTEM: 'a system call on the ring failed',
  /** The native ring addon could not be loaded. */
  RING_NATIVE_UNAVAILABLE: 'the native ring addon is unavailable',
  /** A gateway request was made before `connect` or after `disconnect`. */
  GATEWAY_NOT_CONNECTED: 'the gateway is not connected',
  /** Market data reached a matching engine with a value it cannot use (non-finite price, negative size). */
  MARKET_DATA_INVALID: 'market data has an unusable value',
  /** A strategy module could not be imported or does not export a strategy. */
  STRATEGY_LOAD_FAILED: 'a strategy module could not be loaded',
  /** An adapter broke the ExecutionGateway or MarketDataFeed contract in the conformance suite. */
  CONFORMANCE_FAILED: 'an adapter broke its port contract',
  /** A thrown value that was not a QuantKubera error, normalised. */
  UNKNOWN: 'an unexpected error',
} as const;

/** A stable QuantKubera error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
