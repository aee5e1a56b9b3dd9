/**
 * How the adapter reaches the venue's websocket stream: one connection that delivers raw JSON
 * messages and accepts commands. Reconnects and heartbeats live behind it.
 */
export interface StreamTransport {
  /** Opens the connection; `onMessage` receives every message, in the order the venue sent them. */
  open(onMessage: (message: unknown) => void): Promise<void>;
  /** Sends one command (subscribe, unsubscribe). */
  send(command: unknown): void;
  /** Closes the connection; no message is delivered after the returned promise settles. */
  close(): Promise<void>;
}
