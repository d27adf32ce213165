import { ChainHead, chainLinkId, decideOnChain, readOnChain } from './append-only-chain';

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
});
