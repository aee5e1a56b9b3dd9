import { filter, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { HandlerError } from '../errors/index.js';
import { EventBus } from './event-bus.js';

type Bar = { readonly kind: 'bar'; readonly close: number };
type Fill = { readonly kind: 'fill'; readonly qty: number };
type Ping = { readonly kind: 'ping'; readonly n: number };
type Ev = Bar | Fill | Ping;

const bar = (close: number): Bar => ({ kind: 'bar', close });
const fill = (qty: number): Fill => ({ kind: 'fill', qty });
const ping = (n: number): Ping => ({ kind: 'ping', n });
const label = (e: Ev): string =>
  e.kind === 'bar' ? `bar${e.close}` : e.kind === 'fill' ? `fill${e.qty}` : `ping${e.n}`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EventBus dispatch', () => {
  it('delivers each event to its kind, then to subscribeAll handlers, with narrowed types', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    bus.subscribe('bar', (e) => {
      expectTypeOf(e).toEqualTypeOf<Bar>();
      log.push(`bar-handler:${e.close}`);
    });
    bus.subscribe('fill', (e) => {
      expectTypeOf(e).toEqualTypeOf<Fill>();
      log.push(`fill-handler:${e.qty}`);
    });
    bus.subscribeAll((e) => {
      expectTypeOf(e).toEqualTypeOf<Ev>();
      log.push(`all:${label(e)}`);
    });
    bus.publish(bar(1));
    bus.publish(fill(2));
    bus.publish(ping(3));
    expect(log).toEqual(['bar-handler:1', 'all:bar1', 'fill-handler:2', 'all:fill2', 'all:ping3']);
    expect(bus.stats).toEqual({ published: 3, handlerErrors: 0, onErrorFailures: 0 });
  });

  it('rejects unknown kinds and mismatched handlers at compile time', () => {
    const bus = new EventBus<Ev>();
    // @ts-expect-error 'tick' is not a kind of Ev
    bus.subscribe('tick', () => {});
    // @ts-expect-error a bar handler cannot read a fill's qty
    bus.subscribe('bar', (e) => e.qty);
    // @ts-expect-error events must belong to the union
    bus.publish({ kind: 'bar', qty: 1 });
    expect(bus.subscriberCount('bar')).toBe(1);
  });

  it('calls handlers of one kind in subscription order', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) bus.subscribe('bar', () => log.push(name));
    bus.publish(bar(1));
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('queues events published during dispatch so every subscriber sees publish order', () => {
    const bus = new EventBus<Ev>();
    const seenByB: string[] = [];
    const seenByAll: string[] = [];
    // A runs first and publishes from inside its handler.
    bus.subscribe('bar', (e) => {
      if (e.close === 1) {
        bus.publish(fill(10));
        bus.publish(bar(2));
      }
    });
    bus.subscribe('bar', (e) => seenByB.push(label(e)), { name: 'B' });
    bus.subscribe('fill', (e) => {
      seenByB.push(label(e));
      if (e.qty === 10) bus.publish(ping(99));
    });
    bus.subscribeAll((e) => seenByAll.push(label(e)));
    bus.publish(bar(1));
    expect(seenByB).toEqual(['bar1', 'fill10', 'bar2']);
    expect(seenByAll).toEqual(['bar1', 'fill10', 'bar2', 'ping99']);
    expect(bus.stats.published).toBe(4);
  });

  it('does not call a handler after its unsubscribe, even mid-dispatch', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    let offB = (): void => {};
    bus.subscribe('bar', () => {
      log.push('a');
      offB();
    });
    offB = bus.subscribe('bar', () => log.push('b'));
    bus.subscribe('bar', () => log.push('c'));
    bus.publish(bar(1));
    bus.publish(bar(2));
    expect(log).toEqual(['a', 'c', 'a', 'c']);
    expect(bus.subscriberCount('bar')).toBe(2);
  });

  it('lets a handler unsubscribe itself and subscribe others, who see the next event', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    const off = bus.subscribe('bar', (e) => {
      log.push(`once${e.close}`);
      off();
      bus.subscribe('bar', (e2) => log.push(`late${e2.close}`));
      bus.publish(bar(e.close + 1));
    });
    bus.publish(bar(1));
    expect(log).toEqual(['once1', 'late2']);
    off(); // idempotent
    expect(bus.subscriberCount('bar')).toBe(1);
  });

  it('counts subscribers per kind', () => {
    const bus = new EventBus<Ev>();
    const offs = [bus.subscribe('bar', () => {}), bus.subscribe('bar', () => {}), bus.subscribeAll(() => {})];
    bus.subscribe('fill', () => {});
    expect(bus.subscriberCounts()).toEqual({ bar: 2, fill: 1, '*': 1 });
    for (const off of offs) off();
    expect(bus.subscriberCounts()).toEqual({ fill: 1 });
    expect(bus.subscriberCount('bar')).toBe(0);
    expect(bus.subscriberCount('*')).toBe(0);
  });
});

describe('EventBus error containment', () => {
  it('wraps a throwing handler in HandlerError, counts it, and still runs the others', () => {
    const reported: [HandlerError, Ev][] = [];
    const bus = new EventBus<Ev>({ onError: (err, event) => reported.push([err, event]) });
    const log: string[] = [];
    bus.subscribe('bar', () => log.push('before'));
    bus.subscribe(
      'bar',
      () => {
        throw new Error('kaput');
      },
      { name: 'strategy-x' },
    );
    bus.subscribe('bar', () => log.push('after'));
    bus.subscribeAll(() => log.push('all'));
    const event = bar(7);
    bus.publish(event);
    expect(log).toEqual(['before', 'after', 'all']);
    expect(bus.stats.handlerErrors).toBe(1);
    expect(reported).toHaveLength(1);
    const [err, ev] = reported[0]!;
    expect(err).toBeInstanceOf(HandlerError);
    expect(err.eventKind).toBe('bar');
    expect(err.subscriber).toBe('strategy-x');
    expect((err.cause as Error).message).toBe('kaput');
    expect(ev).toBe(event);
  });

  it('writes handler errors with their stack to stderr by default', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const bus = new EventBus<Ev>();
    bus.subscribe('fill', () => {
      throw new Error('to-stderr');
    });
    bus.publish(fill(1));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('HandlerError');
    expect(writes[0]).toContain('to-stderr');
    expect(writes[0]).toMatch(/at .*event-bus\.test\.ts/);
  });

  it('does not loop when onError throws: counts it and writes to stderr', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    let onErrorCalls = 0;
    const bus = new EventBus<Ev>({
      onError: () => {
        onErrorCalls++;
        throw new Error('reporter down');
      },
    });
    const log: string[] = [];
    bus.subscribe('bar', () => {
      throw new Error('handler down');
    });
    bus.subscribe('bar', (e) => log.push(label(e)));
    bus.publish(bar(1));
    bus.publish(bar(2));
    expect(log).toEqual(['bar1', 'bar2']);
    expect(onErrorCalls).toBe(2);
    expect(bus.stats.handlerErrors).toBe(2);
    expect(bus.stats.onErrorFailures).toBe(2);
    expect(writes.join('')).toContain('reporter down');
    expect(writes.join('')).toContain('handler down');
  });

  it('dispatches events the reporter publishes after the failing dispatch', () => {
    const log: string[] = [];
    const bus = new EventBus<Ev>({ onError: (err) => bus.publish(ping(err.eventKind.length)) });
    bus.subscribe('bar', () => {
      throw new Error('x');
    });
    bus.subscribeAll((e) => log.push(label(e)));
    bus.publish(bar(1));
    expect(log).toEqual(['bar1', 'ping3']);
  });
});

describe('EventBus Observable views', () => {
  it('on$ composes with operators and unsubscribes when done', () => {
    const bus = new EventBus<Ev>();
    const out: number[] = [];
    let completed = false;
    bus
      .on$('bar')
      .pipe(
        filter((b) => b.close > 100),
        map((b) => b.close * 2),
        take(2),
      )
      .subscribe({ next: (v) => out.push(v), complete: () => (completed = true) });
    expect(bus.subscriberCount('bar')).toBe(1);
    for (const close of [50, 101, 99, 150, 200]) bus.publish(bar(close));
    expect(out).toEqual([202, 300]);
    expect(completed).toBe(true);
    expect(bus.subscriberCount('bar')).toBe(0);
  });

  it('on$ is typed by kind and all$ sees every event', () => {
    const bus = new EventBus<Ev>();
    expectTypeOf(bus.on$('fill')).toEqualTypeOf<import('rxjs').Observable<Fill>>();
    const all: string[] = [];
    const sub = bus.all$().subscribe((e) => all.push(label(e)));
    bus.publish(bar(1));
    bus.publish(fill(2));
    expect(all).toEqual(['bar1', 'fill2']);
    expect(bus.subscriberCount('*')).toBe(1);
    sub.unsubscribe();
    expect(bus.subscriberCount('*')).toBe(0);
  });

  it('leaves no handler behind after many subscribe/unsubscribe cycles', () => {
    const bus = new EventBus<Ev>();
    for (let i = 0; i < 1_000; i++) {
      const sub = bus.on$('ping').subscribe(() => {});
      bus.publish(ping(i));
      sub.unsubscribe();
    }
    expect(bus.subscriberCounts()).toEqual({});
  });

  it('completes Observable views on dispose and ignores later publishes', async () => {
    const bus = new EventBus<Ev>();
    const collected = new Promise<Ev[]>((resolve) => bus.all$().pipe(toArray()).subscribe(resolve));
    const handler = vi.fn();
    bus.subscribe('bar', handler);
    bus.publish(bar(1));
    bus.dispose();
    bus.publish(bar(2));
    expect(await collected).toEqual([bar(1)]);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(bus.subscriberCounts()).toEqual({});
    expect(bus.stats.published).toBe(1);
    const late = vi.fn();
    bus.subscribe('bar', late)();
    let lateCompleted = false;
    bus.on$('bar').subscribe({ complete: () => (lateCompleted = true) });
    expect(lateCompleted).toBe(true);
  });
});
