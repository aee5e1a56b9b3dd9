import { inspect } from 'node:util';
import { Observable } from 'rxjs';
import { HandlerError } from '../errors/index.js';
import { RingBuffer } from './ring-buffer.js';

/** The shape every bus event has: a string discriminant `kind`. */
export interface BusEvent {
  /** Discriminates the event type; subscriptions are keyed by it. */
  readonly kind: string;
}

/** Narrows an event union `E` to the members whose `kind` is `K`. */
export type EventOfKind<E extends BusEvent, K extends E['kind']> = Extract<E, { kind: K }>;

/** Removes a subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** Options for {@link EventBus.subscribe} and {@link EventBus.subscribeAll}. */
export interface SubscribeOptions {
  /** Names the subscriber in `HandlerError`s. */
  readonly name?: string;
}

/** Options for an {@link EventBus}. */
export interface EventBusOptions<E extends BusEvent> {
  /**
   * Receives every error a handler throws, wrapped in a `HandlerError`, with the event. Defaults
   * to writing the error and its stack to stderr. If it throws, that is counted in
   * `stats.onErrorFailures` and written to stderr; it is never called recursively.
   */
  readonly onError?: (error: HandlerError, event: E) => void;
}

/** Counters of an {@link EventBus}; they only grow. */
export interface EventBusStats {
  /** Events passed to `publish` (before `dispose`). */
  readonly published: number;
  /** Handler invocations that threw. */
  readonly handlerErrors: number;
  /** Times `onError` itself threw. */
  readonly onErrorFailures: number;
}

interface Subscriber<E> {
  readonly handler: (event: E) => void;
  readonly name: string | undefined;
  active: boolean;
  /** Completes an Observable view when the bus is disposed. */
  readonly complete: (() => void) | undefined;
}

/**
 * The subscribers of one kind, replaced whole (copy-on-write) on every change, so a dispatch in
 * progress iterates a stable snapshot. `handlers[i]` is `subs[i].handler`, kept flat so the hot
 * loop calls functions straight out of an array.
 */
interface Route<E> {
  /** Mutable only to neutralise a removed handler in a snapshot a dispatch is iterating. */
  readonly handlers: ((event: E) => void)[];
  readonly subs: readonly Subscriber<E>[];
}

const IDLE = 0;
const DISPATCHING = 1;
const DISPOSED = 2;
type BusState = typeof IDLE | typeof DISPATCHING | typeof DISPOSED;

/** The key under which {@link EventBus.subscribeAll} handlers are counted. */
const ALL = '*';

/**
 * A synchronous, typed publish/subscribe dispatcher keyed by `kind`: the in-process hot path.
 *
 * - Dispatch iterates plain arrays that are replaced (copy-on-write) on subscribe and unsubscribe,
 *   so publishing allocates nothing. Handlers for the event's kind run first, in subscription
 *   order, then `subscribeAll` handlers.
 * - Run to completion: an event published from inside a handler is queued and dispatched after
 *   the current one, so every subscriber sees events in publish order.
 * - A handler unsubscribed mid-dispatch is not called again, even for the current event; one
 *   subscribed mid-dispatch first sees the next event.
 * - A throwing handler does not stop the others; its error goes to `onError`.
 *
 * @example
 * ```ts
 * type Ev = { kind: 'bar'; close: number } | { kind: 'fill'; qty: number };
 * const bus = new EventBus<Ev>();
 * const off = bus.subscribe('bar', (bar) => console.log(bar.close), { name: 'printer' });
 * bus.on$('fill').pipe(take(1)).subscribe((fill) => console.log(fill.qty));
 * bus.publish({ kind: 'bar', close: 101.5 });
 * off();
 * ```
 */
export class EventBus<E extends BusEvent> {
  private readonly routes = new Map<string, Route<E>>();
  private all: Route<E> = { handlers: [], subs: [] };
  private hasAll = false;
  private readonly pending = new RingBuffer<E>(64);
  /** IDLE, DISPATCHING or DISPOSED: one field, so publish tests one value on the hot path. */
  private state: BusState = IDLE;
  /**
   * The route the current (or last) dispatch iterates. Removing a subscriber replaces its route
   * and also swaps its handler in this snapshot for a no-op, so the loop needs no check per
   * handler. Old snapshots are never reused, so changing them is safe.
   */
  private inflight: Route<E> | undefined;
  /** True while `pending` holds events queued by handlers: one field to test per publish. */
  private hasPending = false;
  // One-entry route cache: streams are runs of one kind (quotes, then trades...), and a string
  // identity check is cheaper than a Map lookup on every publish.
  private lastKind: string | undefined;
  private lastRoute: Route<E> | undefined;
  private published = 0;
  private handlerErrors = 0;
  private onErrorFailures = 0;
  private readonly onError: (error: HandlerError, event: E) => void;

  /** Creates a bus; see {@link EventBusOptions}. */
  constructor(options: EventBusOptions<E> = {}) {
    this.onError = options.onError ?? writeToStderr;
  }

  /** Live counters (read-only view). */
  get stats(): EventBusStats {
    return {
      published: this.published,
      handlerErrors: this.handlerErrors,
      onErrorFailures: this.onErrorFailures,
    };
  }

  /** Subscribes `handler` to events of one kind; it receives the narrowed event type. */
  subscribe<K extends E['kind']>(
    kind: K,
    handler: (event: EventOfKind<E, K>) => void,
    options?: SubscribeOptions,
  ): Unsubscribe {
    // Safe: dispatch only passes this handler events whose kind is K.
    return this.add(kind, handler as (event: E) => void, options?.name, undefined);
  }

  /** Subscribes `handler` to every event, after the kind-specific handlers. */
  subscribeAll(handler: (event: E) => void, options?: SubscribeOptions): Unsubscribe {
    return this.add(ALL, handler, options?.name, undefined);
  }

  /**
   * Publishes an event to its kind's subscribers, then to `subscribeAll` subscribers. Called from
   * inside a handler, it queues the event until the current dispatch finishes. Ignored after
   * `dispose()`.
   */
  publish(event: E): void {
    if (this.state !== IDLE) {
      if (this.state === DISPATCHING) {
        this.published++;
        this.pending.push(event);
        this.hasPending = true;
      }
      return;
    }
    this.published++;
    this.state = DISPATCHING;
    this.dispatch(event);
    if (this.hasPending) this.drain();
    if (this.state === DISPATCHING) this.state = IDLE;
  }

  /**
   * An Observable of one kind of event: subscribing to it subscribes to the bus, unsubscribing
   * removes the handler. It completes when the bus is disposed.
   *
   * @example
   * ```ts
   * bus.on$('bar').pipe(filter((b) => b.close > 100), map((b) => b.close)).subscribe(console.log);
   * ```
   */
  on$<K extends E['kind']>(kind: K): Observable<EventOfKind<E, K>> {
    return new Observable<EventOfKind<E, K>>((subscriber) =>
      this.add(
        kind,
        (event) => subscriber.next(event as EventOfKind<E, K>),
        `on$(${kind})`,
        () => subscriber.complete(),
      ),
    );
  }

  /** An Observable of every event; see {@link EventBus.on$}. */
  all$(): Observable<E> {
    return new Observable<E>((subscriber) =>
      this.add(
        ALL,
        (event) => subscriber.next(event),
        'all$()',
        () => subscriber.complete(),
      ),
    );
  }

  /** Number of live subscriptions to `kind`; `'*'` counts `subscribeAll` and `all$` ones. */
  subscriberCount(kind: E['kind'] | '*'): number {
    return kind === ALL ? this.all.subs.length : (this.routes.get(kind)?.subs.length ?? 0);
  }

  /** Live subscriptions per kind (`'*'` for `subscribeAll`), omitting kinds with none. */
  subscriberCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [kind, route] of this.routes) counts[kind] = route.subs.length;
    if (this.all.subs.length > 0) counts[ALL] = this.all.subs.length;
    return counts;
  }

  /**
   * Removes every subscription (completing Observable views) and drops queued events. Later
   * `publish` calls are ignored, and later subscriptions are inert and complete at once.
   */
  dispose(): void {
    if (this.state === DISPOSED) return;
    if (this.inflight !== undefined) this.inflight.handlers.fill(noop);
    this.state = DISPOSED;
    this.pending.clear();
    this.hasPending = false;
    const subs = [...this.all.subs, ...[...this.routes.values()].flatMap((r) => r.subs)];
    this.all = { handlers: [], subs: [] };
    this.hasAll = false;
    this.routes.clear();
    this.lastKind = undefined;
    this.lastRoute = undefined;
    for (const sub of subs) {
      sub.active = false;
      sub.complete?.();
    }
  }

  private add(
    kind: string,
    handler: (event: E) => void,
    name: string | undefined,
    complete: (() => void) | undefined,
  ): Unsubscribe {
    if (this.state === DISPOSED) {
      complete?.();
      return noop;
    }
    const sub: Subscriber<E> = { handler, name, active: true, complete };
    const current = kind === ALL ? this.all : this.routes.get(kind);
    this.setRoute(kind, [...(current?.subs ?? []), sub]);
    return () => this.remove(kind, sub);
  }

  private remove(kind: string, sub: Subscriber<E>): void {
    if (!sub.active) return;
    // Flag first: a dispatch already iterating the old snapshot checks it and skips this handler.
    sub.active = false;
    const inflight = this.inflight;
    if (inflight !== undefined) {
      const at = inflight.subs.indexOf(sub);
      if (at >= 0) inflight.handlers[at] = noop;
    }
    const current = kind === ALL ? this.all : this.routes.get(kind);
    this.setRoute(
      kind,
      (current?.subs ?? []).filter((s) => s !== sub),
    );
  }

  private setRoute(kind: string, subs: Subscriber<E>[]): void {
    const route: Route<E> = { handlers: subs.map((s) => s.handler), subs };
    if (kind === ALL) {
      this.all = route;
      this.hasAll = subs.length > 0;
    } else if (subs.length > 0) this.routes.set(kind, route);
    else this.routes.delete(kind);
    this.lastKind = undefined;
    this.lastRoute = undefined;
  }

  private dispatch(event: E): void {
    const kind = event.kind;
    let route: Route<E> | undefined;
    if (kind === this.lastKind) {
      route = this.lastRoute;
    } else {
      route = this.routes.get(kind);
      this.lastKind = kind;
      this.lastRoute = route;
    }
    if (route !== undefined) {
      this.inflight = route;
      const handlers = route.handlers;
      for (let i = 0; i < handlers.length; i++) {
        try {
          handlers[i]!(event);
        } catch (cause) {
          this.fail(route.subs[i]!, event, cause);
        }
      }
    }
    if (this.hasAll) this.deliverAll(event);
  }

  private deliverAll(event: E): void {
    const route = this.all;
    for (let i = 0; i < route.handlers.length; i++) {
      const sub = route.subs[i]!;
      if (!sub.active) continue;
      try {
        route.handlers[i]!(event);
      } catch (cause) {
        this.fail(sub, event, cause);
      }
    }
  }

  private drain(): void {
    for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
      this.dispatch(next);
    }
    this.hasPending = false;
  }

  private fail(sub: Subscriber<E>, event: E, cause: unknown): void {
    this.handlerErrors++;
    const error = new HandlerError(event.kind, sub.name, cause);
    try {
      this.onError(error, event);
    } catch (reporterError) {
      this.onErrorFailures++;
      writeToStderr(error);
      process.stderr.write(`event bus onError threw: ${inspect(reporterError)}\n`);
    }
  }
}

function noop(): void {}

function writeToStderr(error: Error): void {
  // inspect() prints the stack and the cause chain, so the original throw site is visible.
  process.stderr.write(`${inspect(error)}\n`);
}
