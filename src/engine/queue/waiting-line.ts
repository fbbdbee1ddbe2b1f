/**
 * The dispatcher's FIFO: taking from the front is O(1) (a moving head, compacted now and then),
 * where Array#shift or splice(0, 1) copy the whole backlog on every take. A backlog of tens of
 * thousands under overload made that the engine's biggest cost (bench/README.md).
 */
export class WaitingLine<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  /** The item at `index` from the front. */
  at(index: number): T {
    return this.items[this.head + index] as T;
  }

  /** Removes the item at `index` from the front: O(1) at the front, O(n) elsewhere (rare: workflows at their limit). */
  removeAt(index: number): void {
    if (index === 0) {
      this.items[this.head++] = undefined;
      if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return;
    }
    this.items.splice(this.head + index, 1);
  }

  /** Empties the line, returning what was in it, front first. */
  takeAll(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return all;
  }
}
