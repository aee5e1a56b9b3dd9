/**
 * A FIFO on a circular array: push and shift are O(1) and reuse slots, so a steady state allocates
 * nothing. When full, `push` doubles the storage; a caller that must stay bounded checks `size`
 * against the capacity it chose first.
 */
export class RingBuffer<T> {
  private slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  /** Preallocates room for `initialCapacity` items (at least one). */
  constructor(initialCapacity = 16) {
    this.slots = new Array<T | undefined>(Math.max(1, initialCapacity)).fill(undefined);
  }

  /** Number of items held. */
  get size(): number {
    return this.count;
  }

  /** Appends an item at the tail, growing the storage if it is full. */
  push(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[this.index(this.count)] = item;
    this.count++;
  }

  /** Removes and returns the head item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    // Clear the slot so the buffer does not keep a consumed item alive.
    this.slots[this.head] = undefined;
    this.head = this.index(1);
    this.count--;
    return item;
  }

  /** Removes every item. */
  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  /** A copy of the items, head first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.slots[this.index(i)] as T);
    return out;
  }

  private index(offset: number): number {
    const i = this.head + offset;
    return i >= this.slots.length ? i - this.slots.length : i;
  }

  private grow(): void {
    const items = this.toArray();
    this.slots = new Array<T | undefined>(this.slots.length * 2).fill(undefined);
    for (let i = 0; i < items.length; i++) this.slots[i] = items[i];
    this.head = 0;
  }
}
