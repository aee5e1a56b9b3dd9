export type { InstrumentSource } from './instrument-source.js';
export { Order, type OrderAmendment, type OrderPrecision } from './order.js';
export {
  type ApplyOutcome,
  type OpenOrderTotals,
  OrderManager,
  type OrderManagerOptions,
  type OrderManagerStats,
} from './order-manager.js';
export {
  isOpenStatus,
  isTerminalStatus,
  ORDER_EVENT_TYPES,
  ORDER_TERMINAL_EXITS,
  ORDER_TRANSITIONS,
  type OrderEventType,
  RESUME,
  RESUME_STATUSES,
  type ResumeFacts,
  resumeStatus,
  TERMINAL_ORDER_STATUSES,
  type TransitionRow,
  type TransitionTarget,
  transitionTarget,
} from './order-transitions.js';
