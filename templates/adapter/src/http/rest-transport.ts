/** A REST response: the venue's JSON body, and whether it accepted the request. */
export interface RestResponse {
  /** True for a 2xx answer. */
  readonly ok: boolean;
  /** The HTTP status. */
  readonly status: number;
  /** The parsed JSON body. */
  readonly body: unknown;
}

/**
 * How the adapter reaches the venue's REST API: signing, rate limits and retries live behind this
 * one call. A venue refusal is an answer (`ok: false`), never a thrown error; only a transport
 * failure (no connection) rejects.
 */
export interface RestTransport {
  /** Sends one request and resolves with the venue's answer. */
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<RestResponse>;
}
