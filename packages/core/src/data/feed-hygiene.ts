import type { Clock } from '../clock/clock.js';
import type { UnixMicros } from '../clock/time.js';
import { InvalidArgumentError } from '../errors/index.js';
import type {
  CanonicalEvent,
  DepthEvent,
  HealthCode,
  HealthStatus,
  QuoteEvent,
  TickEvent,
  TradeEvent,
} from '../schemas/index.js';
import { type HealthSink, healthEvent } from './health.js';

/**
 * How a stream numbers its messages. `'contiguous'`: each message is the previous + 1, so a jump
 * is a gap (Kite has none; Binance trade ids, most exchange sequence numbers). `'monotonic'`:
 * numbers only increase and may skip (Binance depth `u`), so gaps cannot be seen but
 * duplicates and regressions can.
 */
export type SequenceMode = 'contiguous' | 'monotonic';

/** How trade ids are checked: as contiguous or monotonic integers, or only deduplicated as opaque strings. */
export type TradeIdMode = SequenceMode | 'opaque';

/** A detected sequence gap, passed to the `onGap` resync hook. */
export interface SequenceGap {
  /** The instrument whose stream skipped. */
  readonly instrumentId: string;
  /** Which stream: trade ids or depth sequence numbers. */
  readonly stream: 'trade' | 'depth';
  /** First missing number. */
  readonly from: number;
  /** Last missing number. */
  readonly to: number;
  /** Market time of the message that revealed the gap. */
  readonly tsEvent: UnixMicros;
}

/** Hooks a feed adapter implements to recover from gaps and reconnects. */
export interface FeedHygieneHooks {
  /** A gap was seen: fetch the missing trades, or a depth snapshot, from the venue's REST API. */
  readonly onGap?: (gap: SequenceGap) => void;
  /** {@link FeedHygiene.reconnected} was called: resubscribe and request snapshots. */
  readonly onReconnect?: (tsUs: UnixMicros) => void;
  /** A stream accepted a new baseline (after `resync`, or a depth snapshot after a gap). */
  readonly onResynced?: (instrumentId: string, stream: 'trade' | 'depth') => void;
}

/** Options of a {@link FeedHygiene}. */
export interface FeedHygieneOptions {
  /** The `component` of health events: `feed:BINANCE`, `feed:ZERODHA`. */
  readonly component: string;
  /** Receives every health event. */
  readonly onHealth: HealthSink;
  /** Trade id checking (default `'opaque'`: deduplicate only). */
  readonly tradeIds?: TradeIdMode;
  /** Depth sequence numbering (default `'contiguous'`); sequence 0 means "none" and is not checked. */
  readonly depthSequence?: SequenceMode;
  /** After a depth gap, drop deltas until a snapshot arrives (default true): a book with a hole is wrong. */
  readonly depthAwaitSnapshot?: boolean;
  /** How many recent ids or sequence numbers are remembered for duplicate detection (default 4,096). */
  readonly window?: number;
  /** Stamps `tsInit` of health events; without it, the triggering event's `tsInit`. */
  readonly clock?: Clock;
  /** Recovery hooks. */
  readonly hooks?: FeedHygieneHooks;
}

/** Counters of a {@link FeedHygiene}; they only grow. */
export interface FeedHygieneStats {
  /** Events passed on. */
  readonly accepted: number;
  /** Duplicates suppressed. */
  readonly duplicates: number;
  /** Gaps seen. */
  readonly gaps: number;
  /** Messages missing in those gaps. */
  readonly missing: number;
  /** Messages that arrived after later ones but were accepted (they fill a gap). */
  readonly outOfOrder: number;
  /** Messages older than the duplicate window (or behind a monotonic stream): dropped as stale. */
  readonly stale: number;
  /** Depth deltas dropped while waiting for a snapshot after a gap. */
  readonly awaitingSnapshot: number;
  /** Events with a non-finite price or a negative or non-finite size: dropped. */
  readonly malformed: number;
}

/** Per-instrument state of one numbered stream. */
class SequenceState {
  last = Number.NaN;
  /** The baseline: numbers at or below it are covered (by a snapshot or a resync) and stale. */
  floor = Number.NEGATIVE_INFINITY;
  awaitingSnapshot = false;
  /** Seen flags for numbers in (last - window, last], indexed by number mod window. */
  readonly seen: Uint8Array;
  constructor(window: number) {
    this.seen = new Uint8Array(window);
  }
}

/** Recently seen opaque ids: a set bounded by a FIFO ring. */
class RecentIds {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;
  constructor(window: number) {
    this.ring = new Array<string | undefined>(window).fill(undefined);
  }
  /** Adds `id`; false if it was already there. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.set.add(id);
    return true;
  }
}

const DUPLICATE = 1;
const STALE = 2;

/**
 * Feed hygiene in front of the engine: drops duplicates (trade ids, sequence numbers) and
 * malformed prices, detects sequence gaps, holds depth deltas after a gap until a snapshot
 * resynchronises the book, and reports each of these as a `SystemHealthEvent` (`DUPLICATE`,
 * `SEQUENCE_GAP`, `LATE_DATA`, `MALFORMED_MESSAGE`, `RESYNCED`, `DISCONNECTED`, `CONNECTED`).
 * Nothing is dropped without a count and a health event.
 *
 * @example
 * ```ts
 * const hygiene = new FeedHygiene({
 *   component: 'feed:BINANCE',
 *   tradeIds: 'contiguous',
 *   depthSequence: 'monotonic',
 *   onHealth: (h) => bus.publish(h),
 *   hooks: { onGap: (gap) => adapter.requestSnapshot(gap.instrumentId) },
 * });
 * ws.on('event', (e) => { if (hygiene.accept(e)) bus.publish(e); });
 * ```
 */
export class FeedHygiene {
  /** The health component name. */
  readonly component: string;
  private readonly onHealth: HealthSink;
  private readonly tradeMode: TradeIdMode;
  private readonly depthMode: SequenceMode;
  private readonly awaitSnapshot: boolean;
  private readonly window: number;
  private readonly clock: Clock | undefined;
  private readonly hooks: FeedHygieneHooks;
  private readonly tradeSeq = new Map<string, SequenceState>();
  private readonly tradeIds = new Map<string, RecentIds>();
  private readonly depthSeq = new Map<string, SequenceState>();
  /** Streams reset by `resync`, keyed `stream NUL instrumentId`: their next baseline is reported. */
  private readonly resyncPending = new Set<string>();
  private nAccepted = 0;
  private nDuplicates = 0;
  private nGaps = 0;
  private nMissing = 0;
  private nOutOfOrder = 0;
  private nStale = 0;
  private nAwaiting = 0;
  private nMalformed = 0;

  /** Validates the options; throws `InvalidArgumentError`. */
  constructor(options: FeedHygieneOptions) {
    if (
      typeof options.component !== 'string' ||
      options.component.length === 0 ||
      options.component.length > 64
    ) {
      throw new InvalidArgumentError(
        'FeedHygiene component',
        options.component,
        'a name of 1 to 64 characters',
      );
    }
    this.component = options.component;
    this.onHealth = options.onHealth;
    this.tradeMode = options.tradeIds ?? 'opaque';
    if (!['opaque', 'contiguous', 'monotonic'].includes(this.tradeMode)) {
      throw new InvalidArgumentError(
        'FeedHygiene tradeIds',
        this.tradeMode,
        "'opaque', 'contiguous' or 'monotonic'",
      );
    }
    this.depthMode = options.depthSequence ?? 'contiguous';
    if (this.depthMode !== 'contiguous' && this.depthMode !== 'monotonic') {
      throw new InvalidArgumentError(
        'FeedHygiene depthSequence',
        this.depthMode,
        "'contiguous' or 'monotonic'",
      );
    }
    this.awaitSnapshot = options.depthAwaitSnapshot ?? true;
    const window = options.window ?? 4_096;
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new InvalidArgumentError('FeedHygiene window', window, 'an integer >= 1');
    }
    this.window = window;
    this.clock = options.clock;
    this.hooks = options.hooks ?? {};
  }

  /** Live counters. */
  get stats(): FeedHygieneStats {
    return {
      accepted: this.nAccepted,
      duplicates: this.nDuplicates,
      gaps: this.nGaps,
      missing: this.nMissing,
      outOfOrder: this.nOutOfOrder,
      stale: this.nStale,
      awaitingSnapshot: this.nAwaiting,
      malformed: this.nMalformed,
    };
  }

  /** True if `event` should be passed on; other kinds than trade, quote, tick and depth always pass. */
  accept(event: CanonicalEvent): boolean {
    switch (event.kind) {
      case 'trade':
        return this.acceptTrade(event);
      case 'quote':
        return this.acceptQuote(event);
      case 'tick':
        return this.acceptTick(event);
      case 'depth':
        return this.acceptDepth(event);
      default:
        this.nAccepted++;
        return true;
    }
  }

  /** Checks a trade: finite price, valid size, not a duplicate id, gaps reported. */
  acceptTrade(trade: TradeEvent): boolean {
    if (!Number.isFinite(trade.price) || !(trade.size >= 0 && Number.isFinite(trade.size))) {
      return this.malformed(trade, `trade ${trade.tradeId}: price ${trade.price}, size ${trade.size}`);
    }
    if (this.tradeMode === 'opaque') {
      let recent = this.tradeIds.get(trade.instrumentId);
      if (recent === undefined) {
        recent = new RecentIds(this.window);
        this.tradeIds.set(trade.instrumentId, recent);
      }
      if (!recent.add(trade.tradeId)) {
        return this.reject(trade, DUPLICATE, `duplicate trade id ${trade.tradeId}`, 1);
      }
      this.nAccepted++;
      return true;
    }
    const id = Number(trade.tradeId);
    if (!Number.isSafeInteger(id) || id < 0) {
      return this.malformed(trade, `trade id ${JSON.stringify(trade.tradeId)} is not a non-negative integer`);
    }
    return this.sequence(this.tradeSeq, this.tradeMode, 'trade', trade, id, false);
  }

  /** Checks a quote: finite prices and valid sizes. */
  acceptQuote(quote: QuoteEvent): boolean {
    if (
      !Number.isFinite(quote.bidPrice) ||
      !Number.isFinite(quote.askPrice) ||
      !(quote.bidSize >= 0 && Number.isFinite(quote.bidSize)) ||
      !(quote.askSize >= 0 && Number.isFinite(quote.askSize))
    ) {
      return this.malformed(
        quote,
        `quote ${quote.bidPrice}x${quote.bidSize} / ${quote.askPrice}x${quote.askSize}`,
      );
    }
    this.nAccepted++;
    return true;
  }

  /** Checks a tick: a finite last price. */
  acceptTick(tick: TickEvent): boolean {
    if (!Number.isFinite(tick.lastPrice)) return this.malformed(tick, `tick last price ${tick.lastPrice}`);
    this.nAccepted++;
    return true;
  }

  /**
   * Checks a depth update: finite levels, its sequence against the stream's, deltas held back
   * after a gap until a snapshot. A snapshot always passes and becomes the new baseline.
   */
  acceptDepth(depth: DepthEvent): boolean {
    for (const side of [depth.bids, depth.asks]) {
      for (const level of side) {
        if (!Number.isFinite(level.price) || !(level.size >= 0 && Number.isFinite(level.size))) {
          return this.malformed(depth, `depth level ${level.price}x${level.size}`);
        }
      }
    }
    if (depth.snapshot) {
      const state = this.state(this.depthSeq, depth.instrumentId);
      const wasAwaiting = state.awaitingSnapshot;
      state.awaitingSnapshot = false;
      if (depth.sequence > 0) this.rebase(state, depth.sequence);
      if (wasAwaiting) this.resynced(depth, 'depth');
      this.nAccepted++;
      return true;
    }
    if (depth.sequence === 0) {
      this.nAccepted++;
      return true;
    }
    return this.sequence(this.depthSeq, this.depthMode, 'depth', depth, depth.sequence, this.awaitSnapshot);
  }

  /**
   * Forgets the sequence state of one instrument (or all): the next message of each stream is
   * accepted as a new baseline and reported as `RESYNCED`. Call it when a venue restarts its
   * numbering (a new session, a re-created stream).
   */
  resync(instrumentId?: string): void {
    for (const map of [this.tradeSeq, this.depthSeq]) {
      for (const [id, state] of map) {
        if (instrumentId !== undefined && id !== instrumentId) continue;
        state.last = Number.NaN;
        state.floor = Number.NEGATIVE_INFINITY;
        state.seen.fill(0);
        state.awaitingSnapshot = false;
        this.resyncPending.add(`${map === this.tradeSeq ? 'trade' : 'depth'}\u0000${id}`);
      }
    }
  }

  /** Reports the feed's connection lost (`DISCONNECTED`, status DOWN). */
  disconnected(tsUs: UnixMicros, reason: string): void {
    this.health(tsUs, tsUs, 'DOWN', 'DISCONNECTED', `disconnected: ${reason}`);
  }

  /**
   * Reports the feed reconnected (`CONNECTED`) and calls the `onReconnect` hook. Sequence state is
   * kept: messages missed during the outage show up as gaps, which is what they are.
   */
  reconnected(tsUs: UnixMicros): void {
    this.health(tsUs, tsUs, 'UP', 'CONNECTED', 'reconnected');
    this.hooks.onReconnect?.(tsUs);
  }

  private state(map: Map<string, SequenceState>, instrumentId: string): SequenceState {
    let state = map.get(instrumentId);
    if (state === undefined) {
      state = new SequenceState(this.window);
      map.set(instrumentId, state);
    }
    return state;
  }

  private rebase(state: SequenceState, seq: number): void {
    state.seen.fill(0);
    state.last = seq;
    state.floor = seq;
    state.seen[seq % this.window] = 1;
  }

  private sequence(
    map: Map<string, SequenceState>,
    mode: SequenceMode,
    stream: 'trade' | 'depth',
    event: TradeEvent | DepthEvent,
    seq: number,
    holdAfterGap: boolean,
  ): boolean {
    const state = this.state(map, event.instrumentId);
    const w = this.window;
    const last = state.last;
    if (Number.isNaN(last)) {
      this.rebase(state, seq);
      if (this.resyncPending.size > 0 && this.resyncPending.delete(`${stream}\u0000${event.instrumentId}`)) {
        this.resynced(event, stream);
      }
      return this.pass(state);
    }
    if (seq > last) {
      if (mode === 'contiguous' && seq > last + 1) {
        const from = last + 1;
        const to = seq - 1;
        const missing = to - from + 1;
        // Clear the flags of the skipped numbers so that a late arrival of one is accepted.
        if (missing >= w) state.seen.fill(0);
        else for (let n = from; n <= to; n++) state.seen[n % w] = 0;
        state.last = seq;
        state.seen[seq % w] = 1;
        this.nGaps++;
        this.nMissing += missing;
        this.health(
          event.tsEvent,
          this.stamp(event),
          'DEGRADED',
          'SEQUENCE_GAP',
          `${stream} ${event.instrumentId}: missing ${from}..${to}`,
          missing,
          event.instrumentId,
        );
        this.hooks.onGap?.({ instrumentId: event.instrumentId, stream, from, to, tsEvent: event.tsEvent });
        if (holdAfterGap) {
          state.awaitingSnapshot = true;
          this.nAwaiting++;
          return false;
        }
        this.nAccepted++;
        return true;
      }
      // Numbers between last and seq were never seen: clear their flags as the window slides.
      if (seq - last >= w) state.seen.fill(0);
      else for (let n = last + 1; n < seq; n++) state.seen[n % w] = 0;
      state.last = seq;
      state.seen[seq % w] = 1;
      return this.pass(state);
    }
    if (seq === last || (mode === 'contiguous' && last - seq < w && state.seen[seq % w] === 1)) {
      return this.reject(event, DUPLICATE, `duplicate ${stream} ${event.instrumentId} #${seq}`, 1);
    }
    if (mode === 'monotonic' || last - seq >= w || seq <= state.floor) {
      return this.reject(
        event,
        STALE,
        `stale ${stream} ${event.instrumentId} #${seq}, stream is at #${last}`,
        last - seq,
      );
    }
    // A number inside the window not seen before: it fills a gap, late.
    state.seen[seq % w] = 1;
    this.nOutOfOrder++;
    return this.pass(state);
  }

  private pass(state: SequenceState): boolean {
    if (state.awaitingSnapshot) {
      this.nAwaiting++;
      return false;
    }
    this.nAccepted++;
    return true;
  }

  private reject(event: TradeEvent | DepthEvent, kind: number, message: string, value: number): boolean {
    if (kind === DUPLICATE) this.nDuplicates++;
    else this.nStale++;
    this.health(
      event.tsEvent,
      this.stamp(event),
      'UP',
      kind === DUPLICATE ? 'DUPLICATE' : 'LATE_DATA',
      message,
      value,
      event.instrumentId,
    );
    return false;
  }

  private malformed(event: TradeEvent | QuoteEvent | TickEvent | DepthEvent, message: string): boolean {
    this.nMalformed++;
    this.health(
      event.tsEvent,
      this.stamp(event),
      'DEGRADED',
      'MALFORMED_MESSAGE',
      `${event.instrumentId}: ${message}`,
      undefined,
      event.instrumentId,
    );
    return false;
  }

  private resynced(event: TradeEvent | DepthEvent, stream: 'trade' | 'depth'): void {
    this.health(
      event.tsEvent,
      this.stamp(event),
      'UP',
      'RESYNCED',
      `${stream} ${event.instrumentId} resynchronised`,
      undefined,
      event.instrumentId,
    );
    this.hooks.onResynced?.(event.instrumentId, stream);
  }

  private stamp(event: { readonly tsInit: UnixMicros }): UnixMicros {
    return this.clock?.nowUs() ?? event.tsInit;
  }

  private health(
    tsEvent: UnixMicros,
    tsInit: UnixMicros,
    status: HealthStatus,
    code: HealthCode,
    message: string,
    value?: number,
    instrumentId?: string,
  ): void {
    this.onHealth(
      healthEvent(
        tsEvent,
        this.clock?.nowUs() ?? tsInit,
        this.component,
        status,
        code,
        message,
        value,
        instrumentId,
      ),
    );
  }
}
