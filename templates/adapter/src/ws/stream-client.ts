import { ValidationError } from '@quantkubera/core';
import { type StreamMessage, StreamMessageSchema, type SubscribeCommand } from '../schemas/index.js';
import type { StreamTransport } from './stream-transport.js';

/** The venue's stream, typed: every message is validated before it reaches a handler. */
export class StreamClient {
  readonly #transport: StreamTransport;
  #open = false;

  constructor(transport: StreamTransport) {
    this.#transport = transport;
  }

  /**
   * Opens the stream. A message that fails validation goes to `onInvalid` with the reason: one bad
   * frame must not stop the stream.
   */
  async open(
    onMessage: (message: StreamMessage) => void,
    onInvalid: (error: ValidationError) => void,
  ): Promise<void> {
    this.#open = true;
    await this.#transport.open((raw) => {
      if (!this.#open) return;
      const parsed = StreamMessageSchema.safeParse(raw);
      if (parsed.success) onMessage(parsed.data);
      else onInvalid(ValidationError.fromZod('stream message', parsed.error));
    });
  }

  /** Sends a subscribe or unsubscribe command. */
  send(command: SubscribeCommand): void {
    if (this.#open) this.#transport.send(command);
  }

  /** Closes the stream; no handler runs afterwards. */
  async close(): Promise<void> {
    this.#open = false;
    await this.#transport.close();
  }
}
