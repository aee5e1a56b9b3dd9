/** What a {@link TimerHeap} needs of its entries: a due time, a tie-breaking sequence and a slot. */
export interface HeapEntry {
  /** When the entry is due; the primary key. */
  dueUs: number;
  /** Breaks ties between equal due times: lower fires first. Must be unique per heap. */
  readonly seq: number;
  /** The entry's position in the heap, or -1 when it is not in one. Owned by the heap. */
  heapIndex: number;
}

/**
 * A binary min-heap ordered by `(dueUs, seq)`. Entries remember their own position, so removing
 * any entry is O(log n) without a search. Push and pop reuse the backing array, so a steady
 * state allocates nothing.
 *
 * @example
 * ```ts
 * const heap = new TimerHeap<HeapEntry>();
 * heap.push({ dueUs: 20, seq: 1, heapIndex: -1 });
 * heap.push({ dueUs: 10, seq: 2, heapIndex: -1 });
 * heap.pop()?.dueUs; // 10
 * ```
 */
export class TimerHeap<T extends HeapEntry> {
  private readonly items: T[] = [];

  /** Number of entries in the heap. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest entry, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an entry that is not already in a heap. */
  push(entry: T): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.siftUp(entry.heapIndex);
  }

  /** Removes and returns the earliest entry. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `entry` if this heap holds it; returns whether it did. */
  remove(entry: T): boolean {
    const i = entry.heapIndex;
    if (i < 0 || this.items[i] !== entry) return false;
    this.removeAt(i);
    return true;
  }

  /** Removes every entry, calling `each` on them in no particular order. */
  clear(each?: (entry: T) => void): void {
    for (const entry of this.items) {
      entry.heapIndex = -1;
      each?.(entry);
    }
    this.items.length = 0;
  }

  private removeAt(i: number): void {
    const items = this.items;
    const removed = items[i]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (last === removed) return;
    items[i] = last;
    last.heapIndex = i;
    // The moved entry may belong above or below its new slot; at most one sift does anything.
    this.siftUp(i);
    this.siftDown(last.heapIndex);
  }

  private siftUp(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!before(entry, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(items[right]!, items[left]!)) child = right;
      const childEntry = items[child]!;
      if (!before(childEntry, entry)) break;
      items[i] = childEntry;
      childEntry.heapIndex = i;
      i = child;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.dueUs < b.dueUs || (a.dueUs === b.dueUs && a.seq < b.seq);
}
