import { InsertCoalescer } from './insert-coalescer';

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

describe('InsertCoalescer', () => {
  it('writes a lone document at once', async () => {
    const batches: number[][] = [];
    const c = new InsertCoalescer<number>(async (docs) => void batches.push(docs));
    await c.insert(1);
    expect(batches).toEqual([[1]]);
  });

  it('groups documents that arrive while a write is in flight', async () => {
    const batches: number[][] = [];
    const first = deferred();
    const c = new InsertCoalescer<number>(
      async (docs) => {
        batches.push(docs);
        if (batches.length === 1) await first.gate;
      },
      { maxBatch: 100, maxInFlight: 1 },
    );
    const a = c.insert(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4].map((n) => c.insert(n));
    first.release();
    await Promise.all([a, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatch', async () => {
    const batches: number[][] = [];
    const c = new InsertCoalescer<number>(async (docs) => void batches.push(docs), { maxBatch: 2, maxInFlight: 1 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => c.insert(n)));
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('settles each document with its own outcome on a partial failure', async () => {
    const c = new InsertCoalescer<string>(async (docs) => {
      const i = docs.indexOf('dup');
      if (i >= 0) throw Object.assign(new Error('bulk'), { writeErrors: [{ index: i, code: 11000, errmsg: 'E11000 duplicate key' }] });
    });
    const results = await Promise.allSettled(['a', 'dup', 'b'].map((d) => c.insert(d)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 11000 });
  });

  it('fails the whole batch when the store counts fewer inserts than the failures explain', async () => {
    const c = new InsertCoalescer<string>(async () => {
      throw Object.assign(new Error('bulk'), { insertedCount: 0, writeErrors: [{ index: 1, code: 11000, errmsg: 'dup' }] });
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((d) => c.insert(d)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('fails every document of a batch the store did not take', async () => {
    const down = Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
    const c = new InsertCoalescer<number>(async () => {
      throw down;
    });
    const results = await Promise.allSettled([1, 2].map((n) => c.insert(n)));
    expect(results.every((r) => r.status === 'rejected' && r.reason === down)).toBe(true);
  });

  it('acknowledges nothing when the driver reports a whole-batch failure with an empty writeErrors list', async () => {
    // What mongodb 6 throws from insertMany when the store is frozen: MongoBulkWriteError, writeErrors [].
    const frozen = Object.assign(new Error('connection <monitor> to 127.0.0.1:1 timed out'), {
      name: 'MongoBulkWriteError',
      writeErrors: [],
    });
    const c = new InsertCoalescer<number>(async () => {
      throw frozen;
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => c.insert(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('refuses what queued behind a batch the unreachable store failed, without writing it', async () => {
    const down = Object.assign(new Error('Server selection timed out after 2500 ms'), { name: 'MongoServerSelectionError' });
    const first = deferred();
    const written: number[][] = [];
    const c = new InsertCoalescer<number>(async (docs) => {
      written.push(docs);
      await first.gate;
      throw down;
    });
    const a = c.insert(1);
    await new Promise((r) => setImmediate(r));
    const queued = [2, 3].map((n) => c.insert(n));
    first.release();
    const results = await Promise.allSettled([a, ...queued]);
    expect(results.every((r) => r.status === 'rejected' && r.reason === down)).toBe(true);
    expect(written).toEqual([[1]]);
    // The next document is written again, in a batch of its own.
    await expect(c.insert(4)).rejects.toBe(down);
    expect(written).toEqual([[1], [4]]);
  });

  it('still writes what queued behind a batch refused for its own content', async () => {
    const written: number[][] = [];
    const first = deferred();
    const c = new InsertCoalescer<number>(async (docs) => {
      written.push(docs);
      if (written.length === 1) {
        await first.gate;
        throw new Error('document failed validation');
      }
    });
    const a = c.insert(1);
    await new Promise((r) => setImmediate(r));
    const queued = c.insert(2);
    first.release();
    await expect(a).rejects.toThrow('validation');
    await expect(queued).resolves.toBeUndefined();
    expect(written).toEqual([[1], [2]]);
  });
});
