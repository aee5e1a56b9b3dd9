export { RingError, type RingErrorCode } from './ring-error.js';
