import { type Clock, LiveClock, MICROS_PER_MILLI } from '@quantkubera/core';
import { RingError } from '../errors/index.js';
import { type RingKind, STATE_CLOSED, W_READ, W_WRITE } from '../layout/header-layout.js';
import type { RingMemory, RingPlatform } from './ring-memory.js';
import type { PeerStatus, RingEndpointOptions, WaitOutcome, WaitStrategy } from './ring-types.js';

const DEFAULT_SPIN_ITERATIONS = 200;
const DEFAULT_HEARTBEAT_MS = 250;
const DEFAULT_STALE_AFTER_MS = 5_000;
/** Polls between clock reads while spinning: a clock read costs tens of nanoseconds. */
const SPIN_CHECK_MASK = 1023;
/** Yields between clock reads. */
const YIELD_CHECK_MASK = 15;

const WAIT_STRATEGIES: readonly WaitStrategy[] = ['spin', 'yield', 'block'];

function positiveOption(ring: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RingError(
      'RING_INVALID_ARGUMENT',
      ring,
      `${name} must be a positive finite number, got ${value}`,
    );
  }
  return value;
}

/**
 * State and behaviour shared by producers and consumers: the memory, the clock, heartbeats, the
 * wait loop and peer checks. Subclasses say what "ready" means and which word to sleep on.
 */
export abstract class RingEndpoint {
  /** The ring's name. */
  readonly name: string;
  /** SPSC or broadcast. */
  readonly kind: RingKind;
  /** Slots in the ring. */
  readonly capacity: number;
  /** Bytes per slot. */
  readonly slotSize: number;
  /** The largest message. */
  readonly maxMessageSize: number;
  /** The configured wait strategy. */
  readonly waitStrategy: WaitStrategy;

  protected readonly memory: RingMemory;
  protected readonly platform: RingPlatform;
  protected readonly words: Int32Array;
  protected readonly longs: BigInt64Array;
  protected readonly clock: Clock;
  protected readonly spinIterations: number;
  protected readonly heartbeatIntervalUs: number;
  protected readonly staleAfterUs: number;
  protected isClosed = false;
  protected nextBeatUs = 0;
  private nextPeerCheckUs = 0;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  /** Asynchronous sleeps counted in the shared waiter word and not yet uncounted. */
  private pendingAsyncSleeps = 0;

  protected constructor(memory: RingMemory, options: RingEndpointOptions) {
    this.memory = memory;
    this.platform = memory.platform;
    this.words = memory.words;
    this.longs = memory.longs;
    this.name = memory.name;
    this.kind = memory.kind;
    this.capacity = memory.capacity;
    this.slotSize = memory.slotSize;
    this.maxMessageSize = memory.maxMessageSize;
    const strategy = options.waitStrategy ?? 'yield';
    if (!WAIT_STRATEGIES.includes(strategy)) {
      throw new RingError('RING_INVALID_ARGUMENT', memory.name, `unknown wait strategy ${String(strategy)}`);
    }
    this.waitStrategy = strategy;
    this.clock = options.clock ?? new LiveClock();
    this.spinIterations = Math.floor(
      positiveOption(memory.name, 'spinIterations', options.spinIterations, DEFAULT_SPIN_ITERATIONS),
    );
    this.heartbeatIntervalUs =
      positiveOption(memory.name, 'heartbeatIntervalMs', options.heartbeatIntervalMs, DEFAULT_HEARTBEAT_MS) *
      MICROS_PER_MILLI;
    this.staleAfterUs =
      positiveOption(memory.name, 'staleAfterMs', options.staleAfterMs, DEFAULT_STALE_AFTER_MS) *
      MICROS_PER_MILLI;
  }

  /** True once `close()` has run. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** True when a wait can end: data for a consumer, room for a producer. */
  protected abstract isReady(): boolean;
  /**
   * Checks the peer while waiting: returns 'closed' to end the wait cleanly, undefined to keep
   * waiting, or throws when the peer is dead.
   */
  protected abstract checkPeer(): 'closed' | undefined;
  /** The word a blocking wait sleeps on. */
  protected abstract sleepWord(): number;
  /** The waiter count the other side checks before waking sleepers. */
  protected abstract waitersWord(): number;
  /** Writes this endpoint's heartbeat (a no-op for anonymous broadcast consumers). */
  protected abstract writeHeartbeat(nowUs: number): void;

  /** Starts the heartbeat timer; unref'd, so it never keeps a process alive. */
  protected startHeartbeat(): void {
    this.writeHeartbeat(this.clock.nowUs());
    const ms = this.heartbeatIntervalUs / MICROS_PER_MILLI;
    this.heartbeatTimer = setInterval(() => {
      if (!this.isClosed) this.writeHeartbeat(this.clock.nowUs());
    }, ms);
    this.heartbeatTimer.unref();
  }

  protected stopHeartbeat(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  protected assertOpen(): void {
    if (this.isClosed) throw new RingError('RING_CLOSED', this.name, 'this endpoint is closed');
  }

  /** Classifies a peer from its header fields. */
  protected peerStatusOf(
    pidWord: number,
    stateWord: number,
    startLong: number,
    heartbeatLong: number,
  ): PeerStatus {
    if (this.isClosed) throw new RingError('RING_CLOSED', this.name, 'this endpoint is closed');
    const state = Atomics.load(this.words, stateWord);
    if (state === STATE_CLOSED) return 'closed';
    const pid = Atomics.load(this.words, pidWord);
    if (pid === 0) return 'none';
    const start = Number(Atomics.load(this.longs, startLong));
    if (!this.platform.processAlive(pid, start)) return 'dead';
    const beat = Number(Atomics.load(this.longs, heartbeatLong));
    return this.clock.nowUs() - beat > this.staleAfterUs ? 'stale' : 'alive';
  }

  /** The periodic part of every wait: deadline, own heartbeat, peer check. */
  private waitChecks(deadlineUs: number): WaitOutcome | undefined {
    if (this.isReady()) return 'ready';
    const now = this.clock.nowUs();
    if (now >= this.nextBeatUs) {
      this.writeHeartbeat(now);
      this.nextBeatUs = now + this.heartbeatIntervalUs;
    }
    if (now >= this.nextPeerCheckUs) {
      this.nextPeerCheckUs = now + this.heartbeatIntervalUs;
      if (this.checkPeer() === 'closed' && !this.isReady()) return 'closed';
    }
    if (now >= deadlineUs) return this.isReady() ? 'ready' : 'timeout';
    return undefined;
  }

  private deadline(timeoutMs: number): number {
    if (timeoutMs === Number.POSITIVE_INFINITY) return timeoutMs;
    if (!(timeoutMs >= 0)) {
      throw new RingError('RING_INVALID_ARGUMENT', this.name, `timeoutMs must be >= 0, got ${timeoutMs}`);
    }
    return this.clock.nowUs() + timeoutMs * MICROS_PER_MILLI;
  }

  /** Waits, synchronously, with the configured strategy; see `RingConsumer.wait`. */
  protected idleWait(timeoutMs: number): WaitOutcome {
    this.assertOpen();
    if (this.isReady()) return 'ready';
    const deadlineUs = this.deadline(timeoutMs);
    // The peer check (a kill(pid, 0) and a /proc read) runs at most once per heartbeat interval
    // across waits, so a consumer that waits between every message does not pay it each time.
    const first = this.waitChecks(deadlineUs);
    if (first !== undefined) return first;
    const strategy = this.waitStrategy;
    const spinLimit = strategy === 'spin' ? Number.POSITIVE_INFINITY : this.spinIterations;
    let spins = 0;
    for (;;) {
      if (this.isReady()) return 'ready';
      spins++;
      if (spins < spinLimit) {
        if ((spins & SPIN_CHECK_MASK) !== 0) continue;
      } else if (strategy === 'yield') {
        this.platform.yieldCpu();
        if ((spins & YIELD_CHECK_MASK) !== 0) continue;
      } else {
        this.sleepOnce(deadlineUs);
      }
      const outcome = this.waitChecks(deadlineUs);
      if (outcome !== undefined) return outcome;
    }
  }

  /** One futex (or Atomics.wait) sleep, bounded by the heartbeat interval so checks keep running. */
  private sleepOnce(deadlineUs: number): void {
    const words = this.words;
    const word = this.sleepWord();
    const waiters = this.waitersWord();
    // Dekker handshake: announce the sleeper, then re-check. The other side publishes, then reads
    // the count, so either it sees us and wakes us, or we see its data here (all seq_cst).
    Atomics.add(words, waiters, 1);
    try {
      const expected = Atomics.load(words, word);
      if (this.isReady()) return;
      const sliceMs = Math.min(this.heartbeatIntervalUs, deadlineUs - this.clock.nowUs()) / MICROS_PER_MILLI;
      if (sliceMs > 0) this.platform.wait(words, word, expected, sliceMs);
    } finally {
      Atomics.sub(words, waiters, 1);
    }
  }

  /** Waits without blocking the event loop; see `RingConsumer.waitAsync`. */
  protected async idleWaitAsync(timeoutMs: number): Promise<WaitOutcome> {
    this.assertOpen();
    if (this.isReady()) return 'ready';
    const deadlineUs = this.deadline(timeoutMs);
    for (;;) {
      const outcome = this.waitChecks(deadlineUs);
      if (outcome !== undefined) return outcome;
      if (this.waitStrategy === 'block') {
        const words = this.words;
        const word = this.sleepWord();
        const waiters = this.waitersWord();
        Atomics.add(words, waiters, 1);
        this.pendingAsyncSleeps++;
        try {
          const expected = Atomics.load(words, word);
          if (this.isReady()) return 'ready';
          const sliceMs =
            Math.min(this.heartbeatIntervalUs, deadlineUs - this.clock.nowUs()) / MICROS_PER_MILLI;
          if (sliceMs > 0) await this.platform.waitAsync(words, word, expected, sliceMs);
        } finally {
          // close() uncounts pending sleeps itself before it releases the memory.
          if (!this.isClosed) {
            Atomics.sub(words, waiters, 1);
            this.pendingAsyncSleeps--;
          }
        }
      } else {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.assertOpen();
    }
  }

  /**
   * The common end of close(): stops the heartbeat, uncounts asynchronous sleeps still in flight
   * (their memory is about to go), wakes sleepers on both words so they notice, and releases the
   * memory. Subclasses write their closed state first.
   */
  protected finishClose(): void {
    this.isClosed = true;
    this.stopHeartbeat();
    if (this.pendingAsyncSleeps > 0) {
      Atomics.sub(this.words, this.waitersWord(), this.pendingAsyncSleeps);
      this.pendingAsyncSleeps = 0;
    }
    this.platform.wake(this.words, W_WRITE);
    this.platform.wake(this.words, W_READ);
    this.platform.release(this.memory.buffer);
  }
}
