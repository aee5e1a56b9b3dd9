export { DecodeError, type DecodeErrorCode, EncodeError } from './decode-error.js';
export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export { InvalidArgumentError } from './invalid-argument-error.js';
export {
  isQuantKuberaError,
  QuantKuberaError,
  type QuantKuberaErrorOptions,
  toQuantKuberaError,
} from './quantkubera-error.js';
export { ClockError, HandlerError, IdentifierError, QueueError } from './runtime-errors.js';
export {
  AccountingError,
  type AccountingErrorCode,
  InvalidStateTransitionError,
  OrderError,
  type OrderErrorCode,
} from './trading-errors.js';
export { formatPath, ValidationError, type ValidationIssue } from './validation-error.js';
