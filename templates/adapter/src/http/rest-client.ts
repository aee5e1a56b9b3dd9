import { ValidationError } from '@quantkubera/core';
import type { z } from 'zod';
import {
  ErrorWireSchema,
  type MarketWire,
  MarketWireSchema,
  type OrderWire,
  OrderWireSchema,
  type PlaceOrderWire,
  type TradeWire,
  TradeWireSchema,
} from '../schemas/index.js';
import type { RestTransport } from './rest-transport.js';

/** The outcome of a private request: the venue's record, or its refusal reason. */
export type VenueResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** The venue's REST API, typed: every response is validated against its wire schema. */
export class RestClient {
  readonly #transport: RestTransport;

  constructor(transport: RestTransport) {
    this.#transport = transport;
  }

  /** The listed markets. */
  async markets(): Promise<MarketWire[]> {
    return this.#expect(
      'GET /markets',
      await this.#transport.request('GET', '/markets'),
      MarketWireSchema.array(),
    );
  }

  /** Places an order. */
  async placeOrder(order: PlaceOrderWire): Promise<VenueResult<OrderWire>> {
    return this.#result(
      'POST /orders',
      await this.#transport.request('POST', '/orders', order),
      OrderWireSchema,
    );
  }

  /** Changes an open order's price and quantity. */
  async amendOrder(
    clientId: string,
    change: { price?: string; qty: string },
  ): Promise<VenueResult<OrderWire>> {
    const path = `/orders/${encodeURIComponent(clientId)}`;
    return this.#result(`PUT ${path}`, await this.#transport.request('PUT', path, change), OrderWireSchema);
  }

  /** Cancels one order. */
  async cancelOrder(clientId: string): Promise<VenueResult<OrderWire>> {
    const path = `/orders/${encodeURIComponent(clientId)}`;
    return this.#result(`DELETE ${path}`, await this.#transport.request('DELETE', path), OrderWireSchema);
  }

  /** Cancels every open order, optionally of one symbol and side; returns the canceled orders. */
  async cancelAll(filter: { symbol?: string; side?: 'buy' | 'sell' }): Promise<OrderWire[]> {
    const response = await this.#transport.request('DELETE', '/orders', filter);
    return this.#expect('DELETE /orders', response, OrderWireSchema.array());
  }

  /** Every order the venue keeps for the account. */
  async orders(): Promise<OrderWire[]> {
    return this.#expect(
      'GET /orders',
      await this.#transport.request('GET', '/orders'),
      OrderWireSchema.array(),
    );
  }

  /** Every execution the venue keeps for the account. */
  async trades(): Promise<TradeWire[]> {
    return this.#expect(
      'GET /trades',
      await this.#transport.request('GET', '/trades'),
      TradeWireSchema.array(),
    );
  }

  #result<S extends z.ZodType>(
    what: string,
    response: { ok: boolean; body: unknown },
    schema: S,
  ): VenueResult<z.infer<S>> {
    if (!response.ok) {
      const error = ErrorWireSchema.safeParse(response.body);
      return {
        ok: false,
        reason: error.success ? `${error.data.code}: ${error.data.message}` : `${what} refused`,
      };
    }
    return { ok: true, value: this.#parse(what, response.body, schema) };
  }

  #expect<S extends z.ZodType>(
    what: string,
    response: { ok: boolean; body: unknown },
    schema: S,
  ): z.infer<S> {
    const result = this.#result(what, response, schema);
    if (!result.ok) {
      // A refused query leaves nothing to reconcile against: surface it to the caller.
      throw new ValidationError(`${what} response`, [
        { path: [], pathString: '(root)', message: `venue refused: ${result.reason}`, code: 'custom' },
      ]);
    }
    return result.value;
  }

  #parse<S extends z.ZodType>(what: string, body: unknown, schema: S): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw ValidationError.fromZod(`${what} response`, parsed.error);
    return parsed.data;
  }
}
