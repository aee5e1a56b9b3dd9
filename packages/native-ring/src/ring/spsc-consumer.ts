import { RingError } from '../errors/index.js';
import {
  L_CONSUMER_HEARTBEAT,
  L_CONSUMER_START,
  RING_HEADER_SIZE,
  SLOT_HEADER_SIZE,
  STATE_ACTIVE,
  STATE_CLOSED,
  W_CONSUMER_PID,
  W_CONSUMER_STATE,
  W_CONSUMER_WAITERS,
  W_PRODUCER_PID,
  W_PRODUCER_WAITERS,
  W_READ,
  W_WRITE,
} from '../layout/header-layout.js';
import { ConsumerEndpoint } from './consumer-endpoint.js';
import { loadPosition, type RingMemory, storePosition } from './ring-memory.js';
import type { MessageHandler, RingConsumer, RingConsumerStats, RingEndpointOptions } from './ring-types.js';

/** Polls between clock reads for the heartbeat. */
const BEAT_CHECK_MASK = 1023;

/**
 * The single consumer of an SPSC ring. Messages are delivered straight from the ring's slots
 * (zero copy): the producer cannot reuse a slot until this consumer releases it, which happens
 * after the handler returns, every quarter ring and at the end of each poll.
 *
 * It takes the ring's consumer place in the header when it is constructed (see `attach`) and
 * resumes from the shared read position, so a successor to a crashed consumer loses nothing; the
 * batch the crashed one was handling is delivered again (at least once).
 */
export class SpscConsumer extends ConsumerEndpoint implements RingConsumer {
  private readonly bytes: Uint8Array;
  private readonly mask: number;
  private readonly releaseEvery: number;
  private readonly batchLimit: number;
  private read: number;
  private released: number;
  private cachedWrite: number;
  private received = 0;
  private polls = 0;
  private readonly token: number;

  /** Attaches to `memory` as its consumer; throws `RING_BUSY` while a live consumer holds it. */
  constructor(memory: RingMemory, options: RingEndpointOptions = {}) {
    super(memory, options);
    this.bytes = memory.bytes;
    this.mask = memory.mask;
    this.releaseEvery = Math.max(1, memory.capacity >>> 2);
    this.batchLimit = memory.capacity;
    this.token = this.attach();
    this.read = loadPosition(this.words, W_READ);
    this.released = this.read;
    this.cachedWrite = loadPosition(this.words, W_WRITE);
    this.startHeartbeat();
  }

  /** Live counters. */
  get stats(): RingConsumerStats {
    return { received: this.received, overruns: 0, missed: 0 };
  }

  /** The sequence number of the next message to read. */
  get position(): number {
    return this.read;
  }

  /** Messages published and not yet consumed. */
  available(): number {
    this.assertOpen();
    this.cachedWrite = loadPosition(this.words, W_WRITE);
    return this.cachedWrite - this.read;
  }

  /** Delivers up to `limit` messages in order without waiting; returns how many. */
  poll(handler: MessageHandler, limit = this.batchLimit): number {
    if (this.isClosed) this.assertOpen();
    if (!(limit > 0)) return 0;
    let available = this.cachedWrite - this.read;
    // The cached write position saves the shared cache line while a batch is known; refresh it
    // when it holds less than the caller asks for.
    if (available < limit) {
      this.cachedWrite = loadPosition(this.words, W_WRITE);
      available = this.cachedWrite - this.read;
      if (available === 0) return 0;
    }
    if (available < 0 || available > this.capacity) {
      throw new RingError(
        'RING_CORRUPT',
        this.name,
        `write position ${this.cachedWrite} is ${available} messages from read position ${this.read} (byte 256 vs 384)`,
      );
    }
    const n = available < limit ? available : Math.floor(limit);
    const words = this.words;
    const bytes = this.bytes;
    const mask = this.mask;
    const slotSize = this.slotSize;
    const max = this.maxMessageSize;
    const start = this.read;
    const end = start + n;
    try {
      for (let read = start; read < end; ) {
        const at = RING_HEADER_SIZE + (read & mask) * slotSize;
        const length = words[at >>> 2]!;
        if (length < 0 || length > max) throw this.corrupt(read, at, length);
        this.read = ++read;
        handler(bytes, at + SLOT_HEADER_SIZE, length);
        if (read - this.released >= this.releaseEvery) this.release();
      }
    } finally {
      this.received += this.read - start;
      this.release();
    }
    if ((++this.polls & BEAT_CHECK_MASK) === 0) this.beatIfDue();
    return n;
  }

  /** Releases what was consumed, frees the consumer place for a successor and releases the mapping. */
  close(): void {
    if (this.isClosed) return;
    this.release();
    Atomics.store(this.words, W_CONSUMER_STATE, STATE_CLOSED);
    Atomics.store(this.longs, L_CONSUMER_START, 0n);
    Atomics.compareExchange(this.words, W_CONSUMER_PID, this.token, 0);
    this.finishClose();
  }

  protected isReady(): boolean {
    this.cachedWrite = loadPosition(this.words, W_WRITE);
    return this.cachedWrite !== this.read;
  }

  protected checkPeer(): 'closed' | undefined {
    const status = this.producerStatus();
    if (status === 'closed') return 'closed';
    if (status === 'dead' || status === 'stale') {
      throw new RingError(
        'RING_PRODUCER_DEAD',
        this.name,
        `the producer (pid ${Atomics.load(this.words, W_PRODUCER_PID)}) is ${status}; ${this.read} messages were consumed`,
      );
    }
    return undefined;
  }

  protected sleepWord(): number {
    return W_WRITE;
  }

  protected waitersWord(): number {
    return W_CONSUMER_WAITERS;
  }

  protected writeHeartbeat(nowUs: number): void {
    Atomics.store(this.longs, L_CONSUMER_HEARTBEAT, BigInt(nowUs));
  }

  private release(): void {
    const read = this.read;
    if (read === this.released) return;
    storePosition(this.words, W_READ, read);
    this.released = read;
    if (Atomics.load(this.words, W_PRODUCER_WAITERS) !== 0) this.platform.wake(this.words, W_READ);
  }

  private beatIfDue(): void {
    const now = this.clock.nowUs();
    if (now < this.nextBeatUs) return;
    this.nextBeatUs = now + this.heartbeatIntervalUs;
    this.writeHeartbeat(now);
  }

  /**
   * Takes the consumer place: compare-and-swap our token into the consumer pid word. A holder
   * whose process is gone is replaced (its start time is cleared first, so a reader never pairs
   * our pid with its start time); a live one means `RING_BUSY`.
   */
  private attach(): number {
    const self = this.platform.self();
    for (;;) {
      const holder = Atomics.compareExchange(this.words, W_CONSUMER_PID, 0, self.pid);
      if (holder === 0) break;
      const start = Number(Atomics.load(this.longs, L_CONSUMER_START));
      const state = Atomics.load(this.words, W_CONSUMER_STATE);
      if (holder === self.pid || this.platform.processAlive(holder, start)) {
        throw new RingError(
          'RING_BUSY',
          this.name,
          `consumer place held by live pid ${holder} (state ${state}); an SPSC ring has one consumer`,
        );
      }
      Atomics.store(this.longs, L_CONSUMER_START, 0n);
      if (Atomics.compareExchange(this.words, W_CONSUMER_PID, holder, self.pid) === holder) break;
    }
    Atomics.store(this.longs, L_CONSUMER_START, BigInt(self.startTicks));
    Atomics.store(this.longs, L_CONSUMER_HEARTBEAT, BigInt(this.clock.nowUs()));
    Atomics.store(this.words, W_CONSUMER_STATE, STATE_ACTIVE);
    return self.pid;
  }

  private corrupt(seq: number, at: number, length: number): RingError {
    return new RingError(
      'RING_CORRUPT',
      this.name,
      `message ${seq} at byte ${at} has length ${length}, outside [0, ${this.maxMessageSize}]`,
    );
  }
}
