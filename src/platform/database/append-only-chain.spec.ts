import { performance } from 'node:perf_hooks';
import { ChainHead, ChainHint, chainLinkId, decideOnChain, hintMove, linksBelow, readOnChain } from './append-only-chain';

/** A store of links with an insert that fails on an existing id, yielding between steps like a real store. */
function memoryChain() {
  const links = new Map<string, ChainHead<string>>();
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const readOn = (from: ChainHead<string>) =>
    readOnChain(from, async (gen) => {
      await tick();
      return links.get(chainLinkId('k', gen)) ?? null;
    });
  const append = async (gen: number, value: string) => {
    await tick();
    if (links.has(chainLinkId('k', gen))) return false;
    links.set(chainLinkId('k', gen), { gen, value });
    return true;
  };
  return { links, readOn, append };
}

const START: ChainHead<string> = { gen: 0, value: 'free' };

describe('append-only chain', () => {
  it('reads on to the newest link', async () => {
    const chain = memoryChain();
    await chain.append(1, 'a');
    await chain.append(2, 'b');
    expect(await chain.readOn(START)).toEqual({ gen: 2, value: 'b' });
  });

  it('lets exactly one of many concurrent writers take a free key; the others decide again on its link', async () => {
    const chain = memoryChain();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        decideOnChain<string, string>(START, {
          readOn: chain.readOn,
          append: chain.append,
          rule: (head) => (head.value === 'free' ? { write: `w${i}`, answer: `took as w${i}` } : { answer: `refused by ${head.value}` }),
          clock: () => new Date(0),
          maxAttempts: 3,
        }),
      ),
    );
    const taken = answers.filter((a) => a?.appended);
    expect(taken).toHaveLength(1);
    const winner = chain.links.get(chainLinkId('k', 1))!.value;
    expect(answers.filter((a) => a?.answer === `refused by ${winner}`)).toHaveLength(19);
  });

  it('gives up (undefined) when every attempt lost its race', async () => {
    const decided = await decideOnChain<string, string>(START, {
      readOn: async (from) => ({ gen: from.gen + 1, value: 'moved' }),
      append: async () => false,
      rule: () => ({ write: 'mine', answer: 'ok' }),
      clock: () => new Date(0),
      maxAttempts: 2,
    });
    expect(decided).toBeUndefined();
  });

  describe('a slow writer on a pruned chain', () => {
    const takeIfFree = (head: ChainHead<string>) => (head.value === 'free' ? { write: 'mine', answer: 'took' } : { answer: 'refused' });
    /** A trust window of 5 ms, and an append that takes longer. */
    const window = (head: () => Promise<ChainHead<string>>) => ({ since: performance.now(), windowMs: 5, head });
    const slowly = (append: (gen: number, value: string) => Promise<boolean>) => async (gen: number, value: string) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return append(gen, value);
    };

    it('trusts a slow append whose link is the head read afresh', async () => {
      const chain = memoryChain();
      const decided = await decideOnChain<string, string>(START, {
        readOn: chain.readOn,
        append: slowly(chain.append),
        rule: takeIfFree,
        clock: () => new Date(0),
        maxAttempts: 1,
        trust: window(() => chain.readOn(START)),
      });
      expect(decided).toEqual({ answer: 'took', appended: true, trusted: true });
    });

    it('does not trust a slow append that re-inserted a pruned link below the head', async () => {
      const chain = memoryChain();
      // The writer read link 1 as the head; meanwhile 2 and 3 were appended, the hint moved to 3, and 1..2 were pruned.
      const seen: ChainHead<string> = { gen: 1, value: 'free' };
      chain.links.set(chainLinkId('k', 3), { gen: 3, value: 'taken' });
      const hint: ChainHead<string> = { gen: 3, value: 'taken' };
      const decided = await decideOnChain<string, string>(seen, {
        readOn: chain.readOn,
        append: slowly(chain.append),
        rule: takeIfFree,
        clock: () => new Date(0),
        maxAttempts: 1,
        trust: window(() => chain.readOn(hint)),
      });
      expect(chain.links.get(chainLinkId('k', 2))?.value).toBe('mine');
      expect(decided).toEqual({ answer: 'took', appended: true, trusted: false });
    });

    it('decides on the head read afresh, not on a head read before the window', async () => {
      const chain = memoryChain();
      const append = jest.fn(chain.append);
      const hint: ChainHead<string> = { gen: 3, value: 'taken' };
      const decided = await decideOnChain<string, string>(START, {
        readOn: chain.readOn,
        append,
        rule: takeIfFree,
        clock: () => new Date(0),
        maxAttempts: 1,
        trust: { since: performance.now() - 1000, windowMs: 5, head: async () => hint },
      });
      expect(decided).toEqual({ answer: 'refused', appended: false, trusted: true });
      expect(append).not.toHaveBeenCalled();
    });

    it('is not checked within the trust window', async () => {
      const chain = memoryChain();
      const head = jest.fn(() => chain.readOn(START));
      const decided = await decideOnChain<string, string>(START, {
        readOn: chain.readOn,
        append: chain.append,
        rule: takeIfFree,
        clock: () => new Date(0),
        maxAttempts: 1,
        trust: { since: performance.now(), windowMs: 60_000, head },
      });
      expect(decided?.trusted).toBe(true);
      expect(head).not.toHaveBeenCalled();
    });
  });

  it('moves a hint only forward, and prunes only below hints that hold a link above 1', () => {
    expect(hintMove('k', { gen: 4 }).filter).toEqual({ _id: 'k', $or: [{ head: null }, { 'head.gen': { $lt: 4 } }] });
    const hints: ChainHint[] = [
      { _id: 'a', head: { gen: 5 } },
      { _id: 'b', head: { gen: 1 } },
      { _id: 'c', head: null },
    ];
    expect(linksBelow(hints, 'key')).toEqual([{ key: 'a', gen: { $lt: 5 } }]);
  });
});
