import type { SimOrder } from './sim-order.js';

/** True when `a` sorts before `b`: lower rank, then lower sequence (earlier time priority). */
function before(a: SimOrder, b: SimOrder): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq);
}

/** The first index whose order does not sort before `order` (binary search). */
function lowerBound(list: readonly SimOrder[], order: SimOrder): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!, order)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `order` into `list`, kept sorted by (rank, seq), and records the list on the order. */
export function insertOrder(list: SimOrder[], order: SimOrder): void {
  const at = lowerBound(list, order);
  if (at === list.length) list.push(order);
  else list.splice(at, 0, order);
  order.list = list;
}

/** Removes `order` from the list it is in; false when it is in none. */
export function removeOrder(order: SimOrder): boolean {
  const list = order.list;
  if (list === null) return false;
  let at = lowerBound(list, order);
  if (list[at] !== order) at = list.indexOf(order);
  if (at >= 0) list.splice(at, 1);
  order.list = null;
  return at >= 0;
}

/** The first index in `list` (sorted by rank) whose rank is at least `rank`. */
export function firstAtRank(list: readonly SimOrder[], rank: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.rank < rank) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
