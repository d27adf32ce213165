/**
 * Runs tasks with the same key one after another (different keys run freely). Updates of one event go
 * through it because the embedded store applies an update as read-modify-write of the whole document, so
 * its revision check is not a true compare-and-set; on MongoDB the revision check alone would suffice.
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
