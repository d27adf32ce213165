import { SEQUENCE_ATTEMPTS, SequenceAllocator, SequencedInsert } from './sequence-allocator';

const tick = () => new Promise((r) => setImmediate(r));

/** A scope of a sequenced collection held in memory: a set of taken numbers, like the unique index. */
function scopeOf(taken: number[] = []) {
  const numbers = new Set(taken);
  const calls = { highest: 0, inserts: [] as number[] };
  const target: SequencedInsert = {
    highest: async () => {
      calls.highest++;
      return Math.max(0, ...numbers);
    },
    insert: async (n) => {
      calls.inserts.push(n);
      await tick();
      if (numbers.has(n)) return false;
      numbers.add(n);
      return true;
    },
  };
  return { numbers, calls, target };
}

describe('SequenceAllocator', () => {
  it('numbers from the highest in use, reading it once and counting on from the cache', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf([4]);
    expect(await a.insertNext('acct', s.target)).toBe(5);
    expect(await a.insertNext('acct', s.target)).toBe(6);
    expect(s.calls.highest).toBe(1);
  });

  it('re-reads the highest number after a conflict (another instance took it) and tries again', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf([1]);
    expect(await a.insertNext('acct', s.target)).toBe(2);
    s.numbers.add(3);
    s.numbers.add(4);
    expect(await a.insertNext('acct', s.target)).toBe(5);
    expect(s.calls.inserts).toEqual([2, 3, 5]);
  });

  it('gives up after SEQUENCE_ATTEMPTS conflicts in a row', async () => {
    const a = new SequenceAllocator();
    const insert = jest.fn(async () => false);
    expect(await a.insertNext('acct', { highest: async () => 0, insert })).toBeUndefined();
    expect(insert).toHaveBeenCalledTimes(SEQUENCE_ATTEMPTS);
  });

  it('lets an insert error through and forgets the cached number (the insert may have landed)', async () => {
    const a = new SequenceAllocator();
    const s = scopeOf();
    expect(await a.insertNext('acct', s.target)).toBe(1);
    const down = new Error('store down');
    await expect(a.insertNext('acct', { ...s.target, insert: async () => Promise.reject(down) })).rejects.toBe(down);
    expect(await a.insertNext('acct', s.target)).toBe(2);
    expect(s.calls.highest).toBe(2);
  });

  it('runs the inserts of one scope one after another, in call order, and other scopes beside them', async () => {
    const a = new SequenceAllocator();
    const one = scopeOf();
    const other = scopeOf([10]);
    const log: string[] = [];
    const traced = (name: string, target: SequencedInsert): SequencedInsert => ({
      highest: target.highest,
      insert: async (n) => {
        log.push(`${name} start ${n}`);
        const ok = await target.insert(n);
        log.push(`${name} end ${n}`);
        return ok;
      },
    });
    const results = await Promise.all([
      a.insertNext('one', traced('one', one.target)),
      a.insertNext('one', traced('one', one.target)),
      a.insertNext('other', traced('other', other.target)),
    ]);
    expect(results).toEqual([1, 2, 11]);
    const ones = log.filter((l) => l.startsWith('one'));
    expect(ones).toEqual(['one start 1', 'one end 1', 'one start 2', 'one end 2']);
    expect(log.indexOf('other start 11')).toBeLessThan(log.indexOf('one end 1'));
  });
});
