import { SharedResults } from './shared-results';

describe('SharedResults', () => {
  let now = 0;
  const clock = () => now;

  it('shares one computation among identical requests within the time to live, then computes again', async () => {
    const shared = new SharedResults<number>(30_000, 10, clock);
    let calls = 0;
    const compute = () => Promise.resolve(++calls);
    expect(await Promise.all([shared.get('k', compute), shared.get('k', compute)])).toEqual([1, 1]);
    now += 29_999;
    expect(await shared.get('k', compute)).toBe(1);
    expect(await shared.get('other', compute)).toBe(2);
    now += 1;
    expect(await shared.get('k', compute)).toBe(3);
  });

  it('keeps no failure, and at most `capacity` answers', async () => {
    const shared = new SharedResults<number>(30_000, 2, clock);
    await expect(shared.get('k', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await shared.get('k', () => Promise.resolve(1))).toBe(1);
    await shared.get('a', () => Promise.resolve(2));
    await shared.get('b', () => Promise.resolve(3));
    // k, the oldest, was dropped
    expect(await shared.get('k', () => Promise.resolve(4))).toBe(4);
  });
});
