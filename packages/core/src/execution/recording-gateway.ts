import type { FillEvent, OrderIntent } from '../schemas/index.js';
import type {
  CancelAllFilter,
  ExecutionEvent,
  ExecutionEventSink,
  ExecutionGateway,
  OrderStatusReport,
  ReportQuery,
} from './execution-gateway.js';

/** One request a {@link RecordingGateway} received. */
export type RecordedRequest =
  | { readonly method: 'submit' | 'modify' | 'cancel'; readonly intent: OrderIntent }
  | { readonly method: 'cancelAll'; readonly filter: CancelAllFilter | undefined };

/**
 * An {@link ExecutionGateway} that records every request in order and answers nothing by itself:
 * the test drives the venue's side with {@link RecordingGateway.emit}. For tests of anything that
 * sends orders (risk, kernel, strategies).
 *
 * @example
 * ```ts
 * const gateway = new RecordingGateway();
 * await gateway.connect((e) => orders.applyAck(e as OrderAck));
 * risk.submit(intent);
 * gateway.requests; // [{ method: 'submit', intent }]
 * ```
 */
export class RecordingGateway implements ExecutionGateway {
  /** Names the gateway. */
  readonly id: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Reports returned by `orderStatusReports`. */
  orderReports: OrderStatusReport[] = [];
  /** Fills returned by `fillReports`. */
  fills: FillEvent[] = [];
  #sink: ExecutionEventSink | undefined;
  #connected = false;

  /** Creates a gateway named `id` (default `recording`). */
  constructor(id = 'recording') {
    this.id = id;
  }

  /** True between `connect` and `disconnect`. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Stores the sink. */
  async connect(sink: ExecutionEventSink): Promise<void> {
    this.#sink = sink;
    this.#connected = true;
  }

  /** Drops the sink. */
  async disconnect(): Promise<void> {
    this.#sink = undefined;
    this.#connected = false;
  }

  /** Records the submit. */
  submit(intent: OrderIntent): void {
    this.requests.push({ method: 'submit', intent });
  }

  /** Records the modify. */
  modify(intent: OrderIntent): void {
    this.requests.push({ method: 'modify', intent });
  }

  /** Records the cancel. */
  cancel(intent: OrderIntent): void {
    this.requests.push({ method: 'cancel', intent });
  }

  /** Records the cancel-all. */
  cancelAll(filter?: CancelAllFilter): void {
    this.requests.push({ method: 'cancelAll', filter });
  }

  /** The configured `orderReports`, filtered by instrument and openness. */
  async orderStatusReports(query: ReportQuery = {}): Promise<OrderStatusReport[]> {
    return this.orderReports.filter(
      (r) =>
        (query.instrumentId === undefined || r.instrumentId === query.instrumentId) &&
        (query.sinceUs === undefined || r.tsLastUpdate >= query.sinceUs) &&
        (query.openOnly !== true || !['FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'].includes(r.status)),
    );
  }

  /** The configured `fills`, filtered by instrument and time. */
  async fillReports(query: ReportQuery = {}): Promise<FillEvent[]> {
    return this.fills.filter(
      (f) =>
        (query.instrumentId === undefined || f.instrumentId === query.instrumentId) &&
        (query.sinceUs === undefined || f.tsEvent >= query.sinceUs),
    );
  }

  /** Delivers an event to the connected sink, as the venue would. Returns false when not connected. */
  emit(event: ExecutionEvent): boolean {
    if (this.#sink === undefined) return false;
    this.#sink(event);
    return true;
  }
}
