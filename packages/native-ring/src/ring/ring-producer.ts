import { RingError } from '../errors/index.js';
import {
  L_CONSUMER_HEARTBEAT,
  L_CONSUMER_START,
  L_PRODUCER_HEARTBEAT,
  RING_HEADER_SIZE,
  SLOT_HEADER_SIZE,
  STATE_CLOSED,
  W_CONSUMER_PID,
  W_CONSUMER_STATE,
  W_CONSUMER_WAITERS,
  W_INTENT,
  W_PRODUCER_STATE,
  W_PRODUCER_WAITERS,
  W_READ,
  W_WRITE,
} from '../layout/header-layout.js';
import { RingEndpoint } from './ring-endpoint.js';
import { copyBytes, loadPosition, type RingMemory, storePosition } from './ring-memory.js';
import type {
  PeerStatus,
  RingEndpointOptions,
  RingProducer,
  RingProducerStats,
  WaitOutcome,
} from './ring-types.js';

/** Flushes between clock reads for the heartbeat: a clock read costs tens of nanoseconds. */
const BEAT_CHECK_MASK = 1023;

/**
 * The producer of an SPSC or broadcast ring. Construct it through `createRing` (native shared
 * memory) or `sharedRingProducer` (`SharedArrayBuffer`); both register it in the header first.
 *
 * SPSC: a claim fails when the ring is full (the reader's released position is a lap behind).
 * Broadcast: a claim always succeeds; before writing a slot the producer raises the intent
 * position (in chunks, so the atomic store stays off the per-message path), which is how readers
 * recognise a copy the producer may have overwritten.
 */
export class RingProducerImpl extends RingEndpoint implements RingProducer {
  /** The whole segment; claimed payload offsets index into it. */
  readonly bytes: Uint8Array;
  private readonly broadcast: boolean;
  private readonly mask: number;
  private readonly chunk: number;
  private readonly firstPosition: number;
  private writePos: number;
  private published: number;
  private cachedRead: number;
  private intent: number;
  private claimed = false;
  private fullCount = 0;
  private flushes = 0;

  /** Wraps registered memory; see the class comment. */
  constructor(memory: RingMemory, options: RingEndpointOptions = {}) {
    super(memory, options);
    this.bytes = memory.bytes;
    this.broadcast = memory.kind === 'broadcast';
    this.mask = memory.mask;
    this.chunk = Math.max(1, Math.min(64, memory.capacity >>> 3));
    this.writePos = loadPosition(this.words, W_WRITE);
    this.firstPosition = this.writePos;
    this.published = this.writePos;
    this.cachedRead = loadPosition(this.words, W_READ);
    this.intent = Math.max(this.writePos, loadPosition(this.words, W_INTENT));
    this.startHeartbeat();
  }

  /** Live counters. */
  get stats(): RingProducerStats {
    return { written: this.writePos - this.firstPosition, full: this.fullCount };
  }

  /** Claims the next slot: its payload offset in `bytes`, or -1 when an SPSC ring is full. */
  tryClaim(): number {
    if (this.isClosed) this.assertOpen();
    const write = this.writePos;
    if (this.broadcast) {
      if (write >= this.intent) {
        this.intent = write + this.chunk;
        // A seq_cst store: on x86 an xchg, a full fence, so no slot byte written after it
        // becomes visible before it.
        storePosition(this.words, W_INTENT, this.intent);
      }
    } else if (write - this.cachedRead >= this.capacity) {
      this.cachedRead = loadPosition(this.words, W_READ);
      if (write - this.cachedRead >= this.capacity) {
        this.fullCount++;
        return -1;
      }
    }
    this.claimed = true;
    return RING_HEADER_SIZE + (write & this.mask) * this.slotSize + SLOT_HEADER_SIZE;
  }

  /** Completes the claimed message with `length` payload bytes; invisible until `flush()`. */
  commit(length: number): void {
    if (!this.claimed) {
      this.assertOpen();
      throw new RingError('RING_INVALID_ARGUMENT', this.name, 'commit() without a claimed slot');
    }
    if (!(length >= 0 && length <= this.maxMessageSize) || (length | 0) !== length) {
      throw this.tooLarge(length);
    }
    const write = this.writePos;
    const at = (RING_HEADER_SIZE + (write & this.mask) * this.slotSize) >>> 2;
    this.words[at] = length;
    this.words[at + 1] = write | 0;
    this.writePos = write + 1;
    this.claimed = false;
  }

  /** Publishes every committed message and wakes sleeping consumers. */
  flush(): void {
    const write = this.writePos;
    if (write === this.published) return;
    storePosition(this.words, W_WRITE, write);
    this.published = write;
    if (Atomics.load(this.words, W_CONSUMER_WAITERS) !== 0) this.platform.wake(this.words, W_WRITE);
    if ((++this.flushes & BEAT_CHECK_MASK) === 0) this.beatIfDue();
  }

  /** Copies and publishes one message; false when an SPSC ring is full. */
  tryWrite(message: Uint8Array, offset = 0, length = message.length - offset): boolean {
    this.checkRange(message, offset, length);
    const at = this.tryClaim();
    if (at < 0) return false;
    copyBytes(message, offset, this.bytes, at, length);
    this.commit(length);
    this.flush();
    return true;
  }

  /** Copies as many of `messages[start..end)` as fit and publishes them together; returns how many. */
  tryWriteBatch(messages: readonly Uint8Array[], start = 0, end = messages.length): number {
    if (!(start >= 0 && end <= messages.length && start <= end)) {
      throw new RingError(
        'RING_INVALID_ARGUMENT',
        this.name,
        `batch range [${start}, ${end}) outside ${messages.length} messages`,
      );
    }
    // Check every size first, so a batch with an oversized message writes nothing.
    for (let i = start; i < end; i++) {
      const length = messages[i]!.length;
      if (length > this.maxMessageSize) throw this.tooLarge(length, i);
    }
    let i = start;
    for (; i < end; i++) {
      const message = messages[i]!;
      const at = this.tryClaim();
      if (at < 0) break;
      copyBytes(message, 0, this.bytes, at, message.length);
      this.commit(message.length);
    }
    this.flush();
    return i - start;
  }

  /**
   * Like `tryWrite`, but waits with the wait strategy while an SPSC ring is full, up to
   * `timeoutMs`. False on timeout; throws `RING_CONSUMER_DEAD` when the consumer died.
   */
  write(
    message: Uint8Array,
    offset = 0,
    length = message.length - offset,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): boolean {
    this.checkRange(message, offset, length);
    if (this.tryWrite(message, offset, length)) return true;
    const deadlineUs =
      timeoutMs === Number.POSITIVE_INFINITY ? timeoutMs : this.clock.nowUs() + timeoutMs * 1000;
    for (;;) {
      const remainingMs =
        deadlineUs === Number.POSITIVE_INFINITY
          ? deadlineUs
          : Math.max(0, (deadlineUs - this.clock.nowUs()) / 1000);
      if (this.idleWait(remainingMs) !== 'ready') return false;
      if (this.tryWrite(message, offset, length)) return true;
    }
  }

  /** Waits until a claim can succeed: `'ready'` or `'timeout'`. */
  waitForRoom(timeoutMs = Number.POSITIVE_INFINITY): WaitOutcome {
    return this.idleWait(timeoutMs);
  }

  /** The SPSC consumer's status; `'none'` for broadcast, whose consumers are anonymous. */
  consumerStatus(): PeerStatus {
    if (this.broadcast) {
      this.assertOpen();
      return 'none';
    }
    return this.peerStatusOf(W_CONSUMER_PID, W_CONSUMER_STATE, L_CONSUMER_START, L_CONSUMER_HEARTBEAT);
  }

  /** Refreshes this producer's heartbeat now. */
  heartbeat(): void {
    this.assertOpen();
    this.writeHeartbeat(this.clock.nowUs());
  }

  /** Flushes, marks the ring closed, releases the mapping and (by default for native rings) unlinks it. */
  close(options: { readonly unlink?: boolean } = {}): void {
    if (this.isClosed) return;
    this.flush();
    // Unlink before announcing the close: once readers see 'closed' the name may be reclaimed
    // and reused, and this producer must not remove a successor's ring.
    if (options.unlink ?? this.platform.unlinkOnClose) this.platform.unlink(this.name);
    Atomics.store(this.words, W_PRODUCER_STATE, STATE_CLOSED);
    this.finishClose();
  }

  protected isReady(): boolean {
    if (this.broadcast) return true;
    this.cachedRead = loadPosition(this.words, W_READ);
    return this.writePos - this.cachedRead < this.capacity;
  }

  protected checkPeer(): 'closed' | undefined {
    const status = this.consumerStatus();
    if (status === 'dead' || status === 'stale') {
      throw new RingError(
        'RING_CONSUMER_DEAD',
        this.name,
        `the consumer (pid ${Atomics.load(this.words, W_CONSUMER_PID)}) is ${status} and the ring is full`,
      );
    }
    return undefined;
  }

  protected sleepWord(): number {
    return W_READ;
  }

  protected waitersWord(): number {
    return W_PRODUCER_WAITERS;
  }

  protected writeHeartbeat(nowUs: number): void {
    Atomics.store(this.longs, L_PRODUCER_HEARTBEAT, BigInt(nowUs));
  }

  private beatIfDue(): void {
    const now = this.clock.nowUs();
    if (now < this.nextBeatUs) return;
    this.nextBeatUs = now + this.heartbeatIntervalUs;
    this.writeHeartbeat(now);
  }

  private checkRange(message: Uint8Array, offset: number, length: number): void {
    if (length > this.maxMessageSize) throw this.tooLarge(length);
    if (!(offset >= 0 && length >= 0 && offset + length <= message.length)) {
      throw new RingError(
        'RING_INVALID_ARGUMENT',
        this.name,
        `range offset ${offset}, length ${length} outside a ${message.length}-byte message`,
      );
    }
  }

  private tooLarge(length: number, index?: number): RingError {
    const which = index === undefined ? 'message' : `message ${index} of the batch`;
    if (!(length >= 0) || !Number.isInteger(length)) {
      return new RingError(
        'RING_INVALID_ARGUMENT',
        this.name,
        `${which} length ${length} is not a byte count`,
      );
    }
    return new RingError(
      'RING_MESSAGE_TOO_LARGE',
      this.name,
      `${which} of ${length} bytes does not fit a ${this.slotSize}-byte slot (at most ${this.maxMessageSize} bytes)`,
    );
  }
}
