import type { RestResponse, RestTransport, StreamTransport } from '../../src/index.js';
import { MAKER_FEE_RATE, TAKER_FEE_RATE } from '../../src/index.js';

type Side = 'buy' | 'sell';
type Status = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';

interface Order {
  orderId: string;
  clientId: string;
  symbol: string;
  side: Side;
  type: 'limit' | 'market';
  tif: 'gtc' | 'ioc' | 'fok';
  status: Status;
  qty: number;
  filledQty: number;
  notional: number;
  price?: number;
  updatedAt: number;
}

interface Market {
  symbol: string;
  base: string;
  quote: string;
  tickSize: number;
  stepSize: number;
  bid: number;
  ask: number;
  size: number;
}

interface Connection {
  onMessage: ((message: unknown) => void) | undefined;
  channels: Set<string>;
}

const fmt = (n: number): string => String(Number(n.toFixed(10)));

/**
 * A small but real venue in memory, speaking the same wire format as the venue's REST API and
 * stream: it lists markets, keeps a top of book, matches orders against it (marketable orders take
 * the touch, others rest until the touch crosses them), charges fees and streams trades, books,
 * order changes and executions. Everything it sends is delivered asynchronously, like a network,
 * and `settle()` waits until nothing is in flight.
 */
export class InMemoryVenue {
  readonly #markets = new Map<string, Market>();
  readonly #orders = new Map<string, Order>();
  readonly #trades: Record<string, unknown>[] = [];
  readonly #connections = new Set<Connection>();
  #pending = 0;
  #seq = 0;
  /** Venue time in ms: advances by one per request, so every record has a distinct, ordered time. */
  #timeMs = 1_732_000_000_000;

  constructor(markets: readonly Omit<Market, 'bid' | 'ask' | 'size'>[]) {
    for (const m of markets) this.#markets.set(m.symbol, { ...m, bid: 0, ask: 0, size: 0 });
  }

  /** The REST side of the venue. */
  readonly rest: RestTransport = {
    request: (method, path, body) => this.#later(() => this.#route(method, path, body)),
  };

  /** Opens a stream connection. */
  stream(): StreamTransport {
    const connection: Connection = { onMessage: undefined, channels: new Set() };
    return {
      open: async (onMessage) => {
        connection.onMessage = onMessage;
        this.#connections.add(connection);
      },
      send: (command) => {
        const c = command as { op: string; channel: string; symbol: string };
        const key = `${c.channel}:${c.symbol}`;
        if (c.op === 'subscribe') connection.channels.add(key);
        else connection.channels.delete(key);
      },
      close: async () => {
        this.#connections.delete(connection);
        connection.onMessage = undefined;
      },
    };
  }

  /** Sets the top of book, publishes it, and fills resting orders it crosses. */
  setTouch(symbol: string, bid: number, ask: number, size: number): void {
    const market = this.#market(symbol);
    Object.assign(market, { bid, ask, size });
    this.#publishBook(market);
    for (const order of this.#orders.values()) {
      if (order.symbol === symbol && isOpen(order)) this.#match(order, market, true);
    }
  }

  /** Publishes one public trade and the current book of a market. */
  publish(symbol: string): void {
    const market = this.#market(symbol);
    this.#seq += 1;
    this.#broadcast(`trades:${symbol}`, {
      channel: 'trades',
      symbol,
      id: `t${this.#seq}`,
      price: fmt(market.ask || 1),
      qty: fmt(market.stepSize),
      side: 'buy',
      time: this.#tick(),
    });
    this.#publishBook(market);
  }

  /** Waits until every request answer and stream message in flight has been delivered. */
  async settle(): Promise<void> {
    for (let idle = 0; idle < 3; ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      idle = this.#pending === 0 ? idle + 1 : 0;
    }
  }

  #route(method: string, path: string, body: unknown): RestResponse {
    const [, resource, id] = path.split('/');
    const clientId = id === undefined ? undefined : decodeURIComponent(id);
    if (method === 'GET' && resource === 'markets') {
      return ok(
        [...this.#markets.values()].map((m) => ({
          symbol: m.symbol,
          base: m.base,
          quote: m.quote,
          tickSize: fmt(m.tickSize),
          stepSize: fmt(m.stepSize),
          pricePrecision: decimals(m.tickSize),
          qtyPrecision: decimals(m.stepSize),
        })),
      );
    }
    if (method === 'GET' && resource === 'orders') return ok([...this.#orders.values()].map(wire));
    if (method === 'GET' && resource === 'trades') return ok(this.#trades);
    if (method === 'POST' && resource === 'orders') return this.#place(body as Record<string, string>);
    if (method === 'PUT' && resource === 'orders' && clientId !== undefined) {
      return this.#amend(clientId, body as { price?: string; qty: string });
    }
    if (method === 'DELETE' && resource === 'orders' && clientId !== undefined) return this.#cancel(clientId);
    if (method === 'DELETE' && resource === 'orders') {
      const filter = (body ?? {}) as { symbol?: string; side?: Side };
      const canceled = [...this.#orders.values()].filter(
        (o) =>
          isOpen(o) &&
          (filter.symbol === undefined || o.symbol === filter.symbol) &&
          (filter.side === undefined || o.side === filter.side),
      );
      for (const order of canceled) this.#close(order, 'cancelled');
      return ok(canceled.map(wire));
    }
    return refuse(404, 'NOT_FOUND', `${method} ${path}`);
  }

  #place(body: Record<string, string>): RestResponse {
    const market = this.#markets.get(body.symbol ?? '');
    if (market === undefined) return refuse(400, 'BAD_SYMBOL', `unknown symbol ${body.symbol}`);
    if (this.#orders.has(body.clientId ?? ''))
      return refuse(400, 'DUPLICATE', `clientId ${body.clientId} in use`);
    const qty = Number(body.qty);
    if (!(qty > 0)) return refuse(400, 'BAD_QTY', `qty ${body.qty}`);
    this.#seq += 1;
    const order: Order = {
      orderId: `o${this.#seq}`,
      clientId: body.clientId ?? '',
      symbol: market.symbol,
      side: body.side as Side,
      type: body.type as Order['type'],
      tif: (body.tif ?? 'gtc') as Order['tif'],
      status: 'open',
      qty,
      filledQty: 0,
      notional: 0,
      updatedAt: this.#tick(),
      ...(body.price === undefined ? {} : { price: Number(body.price) }),
    };
    this.#orders.set(order.clientId, order);
    const answer = ok(wire(order));
    // The executions go out on the stream right after the answer, as a real venue's would.
    this.#match(order, market, false);
    if (isOpen(order) && order.tif !== 'gtc') this.#close(order, 'expired');
    return answer;
  }

  #amend(clientId: string, change: { price?: string; qty: string }): RestResponse {
    const order = this.#orders.get(clientId);
    if (order === undefined || !isOpen(order))
      return refuse(400, 'NOT_OPEN', `order ${clientId} is not open`);
    order.qty = Number(change.qty);
    if (change.price !== undefined) order.price = Number(change.price);
    order.updatedAt = this.#tick();
    this.#match(order, this.#market(order.symbol), false);
    return ok(wire(order));
  }

  #cancel(clientId: string): RestResponse {
    const order = this.#orders.get(clientId);
    if (order === undefined || !isOpen(order))
      return refuse(400, 'NOT_OPEN', `order ${clientId} is not open`);
    this.#close(order, 'cancelled');
    return ok(wire(order));
  }

  /** Fills `order` against the touch when it is marketable there. */
  #match(order: Order, market: Market, maker: boolean): void {
    if (market.size <= 0) return;
    const price = order.side === 'buy' ? market.ask : market.bid;
    const crosses =
      order.type === 'market' ||
      (order.price !== undefined && (order.side === 'buy' ? order.price >= price : order.price <= price));
    if (!crosses) return;
    const qty = Math.min(order.qty - order.filledQty, market.size);
    if (qty <= 0) return;
    order.filledQty += qty;
    order.notional += qty * price;
    order.status = order.filledQty >= order.qty ? 'filled' : 'partially_filled';
    order.updatedAt = this.#tick();
    this.#seq += 1;
    const fill = {
      tradeId: `x${this.#seq}`,
      orderId: order.orderId,
      clientId: order.clientId,
      symbol: order.symbol,
      side: order.side,
      price: fmt(price),
      qty: fmt(qty),
      fee: fmt(qty * price * (maker ? MAKER_FEE_RATE : TAKER_FEE_RATE)),
      feeAsset: market.quote,
      maker,
      time: order.updatedAt,
    };
    this.#trades.push(fill);
    this.#broadcast('fills', { channel: 'fills', fill });
    this.#broadcast('orders', { channel: 'orders', order: wire(order) });
  }

  #close(order: Order, status: Status): void {
    order.status = status;
    order.updatedAt = this.#tick();
    this.#broadcast('orders', { channel: 'orders', order: wire(order) });
  }

  #publishBook(market: Market): void {
    this.#broadcast(`book:${market.symbol}`, {
      channel: 'book',
      symbol: market.symbol,
      bid: fmt(market.bid),
      bidQty: fmt(market.size),
      ask: fmt(market.ask),
      askQty: fmt(market.size),
      time: this.#tick(),
    });
  }

  /** Private channels (orders, fills) reach every connection; public ones only subscribers. */
  #broadcast(channel: string, message: unknown): void {
    for (const connection of this.#connections) {
      if (channel !== 'orders' && channel !== 'fills' && !connection.channels.has(channel)) continue;
      void this.#later(() => connection.onMessage?.(structuredClone(message)));
    }
  }

  #later<T>(work: () => T): Promise<T> {
    this.#pending += 1;
    return new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        this.#pending -= 1;
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  #market(symbol: string): Market {
    const market = this.#markets.get(symbol);
    if (market === undefined) throw new RangeError(`InMemoryVenue: unknown symbol ${symbol}`);
    return market;
  }

  #tick(): number {
    this.#timeMs += 1;
    return this.#timeMs;
  }
}

function isOpen(order: Order): boolean {
  return order.status === 'open' || order.status === 'partially_filled';
}

function wire(order: Order): Record<string, unknown> {
  return {
    orderId: order.orderId,
    clientId: order.clientId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    tif: order.tif,
    status: order.status,
    qty: fmt(order.qty),
    filledQty: fmt(order.filledQty),
    avgPrice: fmt(order.filledQty === 0 ? 0 : order.notional / order.filledQty),
    updatedAt: order.updatedAt,
    ...(order.price === undefined ? {} : { price: fmt(order.price) }),
  };
}

function decimals(step: number): number {
  const text = fmt(step);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function ok(body: unknown): RestResponse {
  return { ok: true, status: 200, body };
}

function refuse(status: number, code: string, message: string): RestResponse {
  return { ok: false, status, body: { code, message } };
}
