import { type Clock, LiveClock } from '@quantkubera/core';
import { type AdapterConfig, parseConfig } from './config.js';
import { DataClient } from './data-client.js';
import { ExecutionClient } from './execution-client.js';
import { RestClient, type RestTransport } from './http/index.js';
import { InstrumentProvider } from './instrument-provider.js';
import { StreamClient, type StreamTransport } from './ws/index.js';

/** How the adapter reaches the venue: a REST transport and a factory of stream connections. */
export interface VenueConnections {
  /** The REST API (signed with the config's key and secret). */
  readonly rest: RestTransport;
  /** Opens a new stream connection; the feed and the gateway each take one. */
  readonly stream: () => StreamTransport;
  /** The time source; a `LiveClock` by default. */
  readonly clock?: Clock;
}

/** A connected adapter: its instruments, its market data feed and its execution gateway. */
export interface Adapter {
  /** The validated configuration. */
  readonly config: AdapterConfig;
  /** The venue's instruments, loaded. */
  readonly instruments: InstrumentProvider;
  /** Market data, as a `MarketDataFeed`. */
  readonly feed: DataClient;
  /** Order routing, as an `ExecutionGateway`. */
  readonly gateway: ExecutionClient;
}

/**
 * Builds the adapter from its configuration: validates it, loads the venue's instruments and wires
 * the feed and the gateway to their own stream connections.
 *
 * @example
 * ```ts
 * const adapter = await createAdapter({ apiKey, apiSecret }, { rest, stream: () => openStream() });
 * await adapter.gateway.connect((event) => kernel.onExecution(event));
 * ```
 */
export async function createAdapter(config: unknown, connections: VenueConnections): Promise<Adapter> {
  const parsed = parseConfig(config);
  const clock = connections.clock ?? new LiveClock();
  const rest = new RestClient(connections.rest);
  const instruments = new InstrumentProvider(rest);
  await instruments.load();
  return {
    config: parsed,
    instruments,
    feed: new DataClient({ stream: new StreamClient(connections.stream()), instruments, clock }),
    gateway: new ExecutionClient({
      id: parsed.gatewayId,
      rest,
      stream: new StreamClient(connections.stream()),
      instruments,
      clock,
    }),
  };
}
