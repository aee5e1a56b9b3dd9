import { RingError } from '../errors/index.js';
import {
  RING_HEADER_SIZE,
  W_CONSUMER_WAITERS,
  W_INTENT,
  W_PRODUCER_PID,
  W_WRITE,
} from '../layout/header-layout.js';
import { ConsumerEndpoint } from './consumer-endpoint.js';
import { loadPosition, type RingMemory } from './ring-memory.js';
import type {
  BroadcastConsumerOptions,
  MessageHandler,
  RingConsumer,
  RingConsumerStats,
} from './ring-types.js';

/** Bytes of private copy space per consumer; bounds the batch a poll copies before validating. */
const SCRATCH_BYTES = 256 * 1024;

/**
 * One reader of a broadcast ring, with a private cursor: the producer never waits for it.
 *
 * A poll copies a batch of slots into private scratch memory, then loads the producer's intent
 * position: a copied message with sequence s is intact iff `intent - s <= capacity` (the producer
 * raises the intent before it touches a slot). Messages that fail the test, or that the producer
 * had already lapped before the copy, are skipped and counted (`stats.missed`, and one
 * `stats.overruns` per run of consecutive losses), and reading resumes at the latest data.
 * Handlers see only validated copies, so a torn message is never delivered.
 *
 * The validation relies on the producer's intent store being a full fence and on loads not
 * passing loads, which holds on x86-64 (the JavaScript engine emits `xchg` for a seq_cst store);
 * the C++ implementation states the same protocol with explicit fences.
 */
export class BroadcastConsumer extends ConsumerEndpoint implements RingConsumer {
  private readonly mask: number;
  private readonly batchSlots: number;
  private readonly scratch: Uint8Array;
  private readonly scratchWords: Int32Array;
  private readonly lengths: Int32Array;
  private readonly offsets: Int32Array;
  private pos: number;
  private received = 0;
  private missed = 0;
  private overruns = 0;
  private skipping = false;

  /** Attaches a new reader; `options.start` chooses where it begins. */
  constructor(memory: RingMemory, options: BroadcastConsumerOptions = {}) {
    super(memory, options);
    this.mask = memory.mask;
    const maxWords = Math.max(1, memory.maxMessageSize >>> 2);
    this.batchSlots = Math.max(1, Math.min(memory.capacity, Math.floor(SCRATCH_BYTES / (maxWords * 4))));
    this.scratchWords = new Int32Array(this.batchSlots * maxWords);
    this.scratch = new Uint8Array(this.scratchWords.buffer);
    this.lengths = new Int32Array(this.batchSlots);
    this.offsets = new Int32Array(this.batchSlots);
    const write = loadPosition(this.words, W_WRITE);
    const start = options.start ?? 'latest';
    if (start === 'latest') {
      this.pos = write > 0 ? write - 1 : 0;
    } else if (start === 'next') {
      this.pos = write;
    } else if (start === 'oldest') {
      this.pos = Math.max(0, write - memory.capacity, loadPosition(this.words, W_INTENT) - memory.capacity);
    } else {
      throw new RingError('RING_INVALID_ARGUMENT', memory.name, `unknown start ${String(start)}`);
    }
  }

  /** Live counters. */
  get stats(): RingConsumerStats {
    return { received: this.received, overruns: this.overruns, missed: this.missed };
  }

  /** The sequence number of the next message this reader will deliver. */
  get position(): number {
    return this.pos;
  }

  /** Messages published past this reader's position, at most a ring's worth. */
  available(): number {
    this.assertOpen();
    return Math.min(loadPosition(this.words, W_WRITE) - this.pos, this.capacity);
  }

  /** Delivers up to `limit` validated messages in order without waiting; returns how many. */
  poll(handler: MessageHandler, limit = this.batchSlots): number {
    if (this.isClosed) this.assertOpen();
    if (!(limit >= 1)) return 0;
    const words = this.words;
    const write = loadPosition(words, W_WRITE);
    if (write === this.pos) return 0;
    const capacity = this.capacity;
    // Lapped before we even looked: resume at the latest message.
    if (write - this.pos > capacity) this.skipTo(write - 1);
    const pos = this.pos;
    let n = write - pos;
    if (n > limit) n = Math.floor(limit);
    if (n > this.batchSlots) n = this.batchSlots;
    const mask = this.mask;
    const slotSize = this.slotSize;
    const max = this.maxMessageSize;
    const scratchWords = this.scratchWords;
    const lengths = this.lengths;
    const offsets = this.offsets;
    let used = 0;
    for (let i = 0; i < n; i++) {
      const at = (RING_HEADER_SIZE + ((pos + i) & mask) * slotSize) >>> 2;
      const length = words[at]!;
      // A length torn by a concurrent overwrite is judged after validation; never copy past a slot.
      if (length < 0 || length > max) {
        lengths[i] = -1;
        offsets[i] = 0;
        continue;
      }
      lengths[i] = length;
      offsets[i] = used << 2;
      const count = (length + 3) >>> 2;
      const from = at + 2;
      for (let k = 0; k < count; k++) scratchWords[used + k] = words[from + k]!;
      used += count;
    }
    const firstIntact = loadPosition(words, W_INTENT) - capacity;
    let lost = 0;
    if (firstIntact > pos) lost = Math.min(firstIntact - pos, n);
    if (lost === n) {
      // Everything copied may be overwritten: skip to the latest message.
      this.skipTo(Math.max(loadPosition(words, W_WRITE) - 1, firstIntact));
      return 0;
    }
    if (lost > 0) this.skipTo(pos + lost);
    const scratch = this.scratch;
    for (let i = lost; i < n; i++) {
      const length = lengths[i]!;
      if (length < 0) {
        throw new RingError(
          'RING_CORRUPT',
          this.name,
          `message ${pos + i} has an impossible length although the producer had not overwritten it`,
        );
      }
      this.pos = pos + i + 1;
      this.skipping = false;
      this.received++;
      handler(scratch, offsets[i]!, length);
    }
    return n - lost;
  }

  /** Stops reading and releases the mapping; the producer is unaffected. */
  close(): void {
    if (this.isClosed) return;
    this.finishClose();
  }

  protected isReady(): boolean {
    return loadPosition(this.words, W_WRITE) !== this.pos;
  }

  protected checkPeer(): 'closed' | undefined {
    const status = this.producerStatus();
    if (status === 'closed') return 'closed';
    if (status === 'dead' || status === 'stale') {
      throw new RingError(
        'RING_PRODUCER_DEAD',
        this.name,
        `the producer (pid ${Atomics.load(this.words, W_PRODUCER_PID)}) is ${status}; this reader is at message ${this.pos}`,
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

  protected writeHeartbeat(_nowUs: number): void {
    // Broadcast readers are anonymous: nobody waits on them, so nobody reads a heartbeat.
  }

  /**
   * Moves the cursor forward past lost messages. Consecutive skips with no delivery between them
   * are one overrun, so `overruns` equals the gaps a reader sees in its sequence.
   */
  private skipTo(target: number): void {
    if (target <= this.pos) return;
    this.missed += target - this.pos;
    if (!this.skipping) this.overruns++;
    this.skipping = true;
    this.pos = target;
  }
}
