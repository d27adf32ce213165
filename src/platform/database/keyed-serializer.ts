/**
 * Runs tasks with the same key one after another (different keys run freely), within this instance. The store
 * workarounds that need "one at a time per document" use it: updates of one tracker event (FerretDB's
 * conditional update is not a compare-and-set) and sequence numbers of one account (SequenceAllocator).
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (for tests: the map must not grow without bound). */
  get size(): number {
    return this.tails.size;
  }
}
