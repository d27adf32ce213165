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

  describe('a slow append on a pruned chain', () => {
    const takeIfFree = (head: ChainHead<string>) => (head.value === 'free' ? { write: 'mine', answer: 'took' } : { answer: 'refused' });
    /** Started long ago: past a 10 ms trust window. */
    const slow = (head: () => Promise<ChainHead<string>>) => ({ since: performance.now() - 1000, windowMs: 10, head });

    it('is trusted when its link is the head read afresh', async () => {
      const chain = memoryChain();
      const decided = await decideOnChain<string, string>(START, {
        readOn: chain.readOn,
        append: chain.append,
        rule: takeIfFree,
        clock: () => new Date(0),
        maxAttempts: 1,
        trust: slow(() => chain.readOn(START)),
      });
      expect(decided).toEqual({ answer: 'took', appended: true, trusted: true });
    });

    it('is not trusted when it re-inserted a pruned link below the head (the writer read before the chain moved on)', async () => {
      const chain = memoryChain();
      // The writer read link 1 as the head; meanwhile 2 and 3 were appended, the hint moved to 3, and 1..2 were pruned.
      const seen: ChainHead<string> = { gen: 1, value: 'free' };
      chain.links.set(chainLinkId('k', 3), { gen: 3, value: 'taken' });
      const hint: ChainHead<string> = { gen: 3, value: 'taken' };
      const decided = await decideOnChain<string, string>(seen, {
        readOn: chain.readOn,
        append: chain.append,
        rule: takeIfFree,
        clock: () => new Date(0),
        maxAttempts: 1,
        trust: slow(() => chain.readOn(hint)),
      });
      expect(chain.links.get(chainLinkId('k', 2))?.value).toBe('mine');
      expect(decided).toEqual({ answer: 'took', appended: true, trusted: false });
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
    const hints: ChainHint[] = [{ _id: 'a', head: { gen: 5 } }, { _id: 'b', head: { gen: 1 } }, { _id: 'c', head: null }];
    expect(linksBelow(hints, 'key')).toEqual([{ key: 'a', gen: { $lt: 5 } }]);
  });
});
