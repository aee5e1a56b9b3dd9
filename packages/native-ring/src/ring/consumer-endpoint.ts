import {
  L_PRODUCER_HEARTBEAT,
  L_PRODUCER_START,
  W_PRODUCER_PID,
  W_PRODUCER_STATE,
} from '../layout/header-layout.js';
import { RingEndpoint } from './ring-endpoint.js';
import type { PeerStatus, WaitOutcome } from './ring-types.js';

/** What both consumer shapes (SPSC and broadcast) share: waiting for data and watching the producer. */
export abstract class ConsumerEndpoint extends RingEndpoint {
  /** Waits until a message is available, the timeout passes, or the producer closed. */
  wait(timeoutMs = Number.POSITIVE_INFINITY): WaitOutcome {
    return this.idleWait(timeoutMs);
  }

  /** `wait` without blocking the event loop. */
  waitAsync(timeoutMs = Number.POSITIVE_INFINITY): Promise<WaitOutcome> {
    return this.idleWaitAsync(timeoutMs);
  }

  /** The producer's status. */
  producerStatus(): PeerStatus {
    return this.peerStatusOf(W_PRODUCER_PID, W_PRODUCER_STATE, L_PRODUCER_START, L_PRODUCER_HEARTBEAT);
  }
}
