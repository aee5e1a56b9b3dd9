export { StreamClient } from './stream-client.js';
export type { StreamTransport } from './stream-transport.js';
