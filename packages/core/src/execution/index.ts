export type {
  CancelAllFilter,
  ExecutionEvent,
  ExecutionEventSink,
  ExecutionGateway,
  OrderStatusReport,
  ReportQuery,
} from './execution-gateway.js';
export { type RecordedRequest, RecordingGateway } from './recording-gateway.js';
