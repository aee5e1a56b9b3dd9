import { LatencyHistogram } from './latency-histogram.js';

/**
 * The seed documents' checkpoints across an order's life, in order. `ingest`: the process received
 * the market event that led to the order (a feed adapter's receive time when it passes one to
 * `Kernel.onMarketData`, else the same instant as `engine`); `engine`: the kernel took the event
 * (then the venue simulator, bar aggregators and strategies run); `signal`: the strategy called submit; `risk`: the risk engine
 * approved it; `submit`: the gateway accepted the request; `ack`, `fill`: the venue's answers
 * arrived; `publish`: the fill was published on the bus.
 */
export const LATENCY_CHECKPOINTS = [
  'ingest',
  'engine',
  'signal',
  'risk',
  'submit',
  'ack',
  'fill',
  'publish',
] as const;
/** One latency checkpoint. */
export type LatencyCheckpoint = (typeof LATENCY_CHECKPOINTS)[number];

/** The spans reported, each between two checkpoints. */
export const LATENCY_SPANS = [
  ['ingest', 'signal'],
  ['signal', 'risk'],
  ['risk', 'submit'],
  ['ingest', 'submit'],
  ['submit', 'ack'],
  ['ack', 'fill'],
  ['fill', 'publish'],
  ['ingest', 'publish'],
] as const satisfies readonly (readonly [LatencyCheckpoint, LatencyCheckpoint])[];

/** Percentiles of one span, in microseconds. */
export interface LatencySummary {
  /** `from→to`, e.g. `ingest→submit` (tick to order). */
  readonly span: string;
  /** Orders measured. */
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

const INDEX: Record<LatencyCheckpoint, number> = Object.fromEntries(
  LATENCY_CHECKPOINTS.map((c, i) => [c, i]),
) as Record<LatencyCheckpoint, number>;
const MARKS = LATENCY_CHECKPOINTS.length;
const SPAN_FROM = LATENCY_SPANS.map(([from]) => INDEX[from]);
const SPAN_TO = LATENCY_SPANS.map(([, to]) => INDEX[to]);

/**
 * Records the checkpoints of each order on a high-resolution monotonic timer and summarises
 * them as histograms with HdrHistogram's bucket layout (3 significant digits). This measures the
 * process's own processing time: it reads a timer but never feeds it back into a decision, so a
 * backtest stays deterministic. Orders are tracked from `signal` until their first fill is
 * published (or they close).
 */
export class LatencyTracker {
  readonly #now: (() => number) | undefined;
  /** Tracked orders: client order id → slot in `#marks`. */
  readonly #open = new Map<string, number>();
  /** Checkpoint times of the tracked orders, one row of {@link LATENCY_CHECKPOINTS} per slot. */
  #marks = new Float64Array(64 * MARKS).fill(Number.NaN);
  /** Slots not in use (rows are reused, so tracking an order allocates nothing). */
  readonly #free: number[] = [];
  #slots = 0;
  /** One histogram per span, in nanoseconds up to a minute. */
  readonly #histograms = LATENCY_SPANS.map(() => new LatencyHistogram(60_000_000_000));
  #ingest = Number.NaN;
  #engine = Number.NaN;
  /**
   * The order of the last lookup and its slot: an order's checkpoints mostly come in runs
   * (signal, risk, submit; ack, fill, publish), and a string compare against the last id is
   * cheaper than a map probe.
   */
  #lastId: string | undefined;
  #lastSlot = -1;

  /** `nowNs` returns monotonic nanoseconds; the default reads `performance.now()`. */
  constructor(nowNs?: () => number) {
    this.#now = nowNs;
  }

  // Called twice per market event: reading performance.now() inline (not through a closure that
  // returns a fresh double) keeps the hot path free of allocation.
  #read(): number {
    return this.#now === undefined ? performance.now() * 1e6 : this.#now();
  }

  /**
   * The kernel took a market event: one timer read per event, the only per-event cost of the
   * tracker (a `performance.now()` costs 30–120 ns, depending on the machine's clock source; a
   * second read per event cost a backtest up to 15% of its throughput). `receivedNs` is when
   * the process received it (a feed adapter's receive time, on this tracker's timer); without
   * it `ingest` and `engine` are the same instant.
   */
  ingest(receivedNs?: number): void {
    const now = this.#read();
    this.#engine = now;
    // Two stores, not `receivedNs ?? now`: V8 would merge the two into one boxed value.
    if (receivedNs === undefined) this.#ingest = now;
    else this.#ingest = receivedNs;
  }

  /** A strategy submitted `clientOrderId`: starts tracking it from the current market event. */
  signal(clientOrderId: string): void {
    if (this.#open.has(clientOrderId)) return;
    const slot = this.#free.length > 0 ? this.#free.pop()! : this.#grow();
    const row = slot * MARKS;
    const marks = this.#marks;
    marks[row] = this.#ingest;
    marks[row + 1] = this.#engine;
    marks[row + 2] = this.#read();
    this.#open.set(clientOrderId, slot);
    this.#lastId = clientOrderId;
    this.#lastSlot = slot;
  }

  /** The slot of a tracked order, or -1. */
  #slotOf(clientOrderId: string): number {
    if (clientOrderId === this.#lastId) return this.#lastSlot;
    const slot = this.#open.get(clientOrderId);
    if (slot === undefined) return -1;
    this.#lastId = clientOrderId;
    this.#lastSlot = slot;
    return slot;
  }

  /** Marks a checkpoint of a tracked order (the first time only). */
  mark(clientOrderId: string, checkpoint: LatencyCheckpoint): void {
    const slot = this.#slotOf(clientOrderId);
    if (slot < 0) return;
    const at = slot * MARKS + INDEX[checkpoint];
    if (Number.isNaN(this.#marks[at]!)) this.#marks[at] = this.#read();
    if (checkpoint === 'publish') this.#finish(clientOrderId, slot);
  }

  /** Stops tracking an order that closed without a fill (its pre-fill spans still count). */
  close(clientOrderId: string): void {
    const slot = this.#slotOf(clientOrderId);
    if (slot >= 0) this.#finish(clientOrderId, slot);
  }

  /** Percentiles of every span measured so far. */
  summary(): LatencySummary[] {
    return LATENCY_SPANS.map(([from, to], i) => {
      const h = this.#histograms[i]!;
      const us = (ns: number) => Math.round(ns) / 1000;
      return {
        span: `${from}→${to}`,
        count: h.totalCount,
        p50Us: us(h.valueAtPercentile(50)),
        p90Us: us(h.valueAtPercentile(90)),
        p99Us: us(h.valueAtPercentile(99)),
        p999Us: us(h.valueAtPercentile(99.9)),
        maxUs: us(h.maxValue),
      };
    });
  }

  #finish(clientOrderId: string, slot: number): void {
    this.#open.delete(clientOrderId);
    if (clientOrderId === this.#lastId) this.#lastId = undefined;
    const marks = this.#marks;
    const row = slot * MARKS;
    for (let i = 0; i < SPAN_FROM.length; i++) {
      const a = marks[row + SPAN_FROM[i]!]!;
      const b = marks[row + SPAN_TO[i]!]!;
      // Spans a backtest cannot observe (no ingest before a timer-driven order) are skipped.
      if (!Number.isNaN(a) && !Number.isNaN(b)) this.#histograms[i]!.record(Math.round(b - a));
    }
    marks.fill(Number.NaN, row, row + MARKS);
    this.#free.push(slot);
  }

  /** A new slot, doubling the table when it is full. */
  #grow(): number {
    if ((this.#slots + 1) * MARKS > this.#marks.length) {
      const bigger = new Float64Array(this.#marks.length * 2).fill(Number.NaN);
      bigger.set(this.#marks);
      this.#marks = bigger;
    }
    return this.#slots++;
  }
}
