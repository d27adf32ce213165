import { MAX_SEQUENCE_BATCH, SEQUENCE_ATTEMPTS, SequenceAllocator, SequencedTarget } from './sequence-allocator';

const tick = () => new Promise((r) => setImmediate(r));

/** A scope of a sequenced collection held in memory: a set of taken numbers, like the unique index. */
function scopeOf(taken: number[] = []) {
  const numbers = new Set(taken);
  const calls = { highest: 0, writes: [] as number[][] };
  const target: SequencedTarget<number> = {
    highest: async () => {
      calls.highest++;
      return Math.max(0, ...numbers);
    },
    // Ordered, stops at the first taken number, like an ordered insertMany over a unique index.
    insertRun: async (docs) => {
      calls.writes.push(docs);
      await tick();
      let stored = 0;
      for (const n of docs) {
        if (numbers.has(n)) break;
        numbers.add(n);
        stored++;
      }
      return stored;
    },
  };
  return { numbers, calls, target };
}

const asNumber = (n: number) => n;

describe('SequenceAllocator', () => {
  it('numbers from the highest in use, reading it once and counting on from the cache', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf([4]);
    expect((await a.insertNext('acct', s.target, asNumber))?.sequence).toBe(5);
    expect((await a.insertNext('acct', s.target, asNumber))?.sequence).toBe(6);
    expect(s.calls.highest).toBe(1);
  });

  it('group-commits concurrent inserts of one scope: consecutive numbers, one write per batch, in call order', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf();
    const results = await Promise.all(Array.from({ length: 10 }, () => a.insertNext('acct', s.target, asNumber)));
    expect(results.map((r) => r?.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results.map((r) => r?.doc)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.calls.writes).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it('callers arriving while a write is in flight share the next write', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf();
    const first = a.insertNext('acct', s.target, asNumber);
    await Promise.resolve();
    await Promise.resolve();
    const later = Array.from({ length: 3 }, () => a.insertNext('acct', s.target, asNumber));
    await Promise.all([first, ...later]);
    expect(s.calls.writes).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at MAX_SEQUENCE_BATCH', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf();
    await Promise.all(Array.from({ length: MAX_SEQUENCE_BATCH + 3 }, () => a.insertNext('acct', s.target, asNumber)));
    expect(s.calls.writes.map((w) => w.length)).toEqual([MAX_SEQUENCE_BATCH, 3]);
  });

  it('after a conflict (another instance took a number) stores the front, re-reads the highest and retries the rest', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf([1]);
    expect((await a.insertNext('acct', s.target, asNumber))?.sequence).toBe(2);
    s.numbers.add(5);
    const results = await Promise.all(Array.from({ length: 4 }, () => a.insertNext('acct', s.target, asNumber)));
    expect(results.map((r) => r?.sequence)).toEqual([3, 4, 6, 7]);
    expect(s.calls.writes).toEqual([[2], [3, 4, 5, 6], [6, 7]]);
    expect(s.calls.highest).toBe(2);
  });

  it('gives up on a caller after SEQUENCE_ATTEMPTS conflicts in a row', async () => {
    const a = new SequenceAllocator();
    const insertRun = jest.fn(async () => 0);
    expect(await a.insertNext('acct', { highest: async () => 0, insertRun }, asNumber)).toBeUndefined();
    expect(insertRun).toHaveBeenCalledTimes(SEQUENCE_ATTEMPTS);
  });

  it("rejects every caller of a failed write and forgets the cached number (the write's outcome is unknown)", async () => {
    const a = new SequenceAllocator();
    const s = scopeOf();
    const down = new Error('store down');
    let storeDown = false;
    const target: SequencedTarget<number> = {
      ...s.target,
      insertRun: (docs) => (storeDown ? Promise.reject(down) : s.target.insertRun(docs)),
    };
    expect((await a.insertNext('acct', target, asNumber))?.sequence).toBe(1);
    storeDown = true;
    const results = await Promise.allSettled([a.insertNext('acct', target, asNumber), a.insertNext('acct', target, asNumber)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    storeDown = false;
    expect((await a.insertNext('acct', target, asNumber))?.sequence).toBe(2);
    expect(s.calls.highest).toBe(2);
  });

  it('keeps scopes apart: their writes run side by side', async () => {
    const a = new SequenceAllocator();
    const one = scopeOf();
    const other = scopeOf([10]);
    const results = await Promise.all([
      a.insertNext('one', one.target, asNumber),
      a.insertNext('other', other.target, asNumber),
      a.insertNext('one', one.target, asNumber),
    ]);
    expect(results.map((r) => r?.sequence)).toEqual([1, 11, 2]);
    expect(one.calls.writes).toEqual([[1, 2]]);
  });
});
