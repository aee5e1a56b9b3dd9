export { DecodeError, type DecodeErrorCode, EncodeError } from './decode-error.js';
export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export {
  isQuantKuberaError,
  QuantKuberaError,
  type QuantKuberaErrorOptions,
  toQuantKuberaError,
} from './quantkubera-error.js';
export { ClockError, HandlerError, IdentifierError, QueueError } from './runtime-errors.js';
export { formatPath, ValidationError, type ValidationIssue } from './validation-error.js';
