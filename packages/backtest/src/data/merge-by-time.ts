import type { CanonicalEvent } from '@quantkubera/core';

/**
 * Merges streams that are each in time order into one stream in time order: by `tsEvent`, ties
 * broken by stream index, so the merge is deterministic. Lazy; holds one event per stream.
 */
export function* mergeByTime<E extends CanonicalEvent>(streams: readonly Iterable<E>[]): IterableIterator<E> {
  const iterators = streams.map((s) => s[Symbol.iterator]());
  const heads: (E | undefined)[] = iterators.map((it) => {
    const r = it.next();
    return r.done === true ? undefined : r.value;
  });
  if (iterators.length === 1) {
    const it = iterators[0]!;
    for (let e = heads[0]; e !== undefined; ) {
      yield e;
      const r = it.next();
      e = r.done === true ? undefined : r.value;
    }
    return;
  }
  for (;;) {
    let best = -1;
    let bestTs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && h.tsEvent < bestTs) {
        best = i;
        bestTs = h.tsEvent;
      }
    }
    if (best < 0) return;
    yield heads[best]!;
    const r = iterators[best]!.next();
    heads[best] = r.done === true ? undefined : r.value;
  }
}
