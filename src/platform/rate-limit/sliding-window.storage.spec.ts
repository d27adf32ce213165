import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowStorage } from './sliding-window.storage';

/** A small deterministic generator, so a failure replays. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe('SlidingWindowStorage', () => {
  afterEach(() => jest.useRealTimers());

  it.each([
    ['blocking for the ttl once past the limit (what the app configures)', 10_000, 10_000],
    ['blocking for longer than the ttl', 5_000, 12_000],
    ['without blocking', 10_000, 0],
  ])('answers exactly as @nestjs/throttler storage does: %s', async (_name, ttl, blockDuration) => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    for (const seed of [1, 2, 3, 4]) {
      const stock = new ThrottlerStorageService();
      const ours = new SlidingWindowStorage();
      const rnd = lcg(seed);
      try {
        for (let i = 0; i < 3000; i++) {
          // Mostly bursts (a few ms apart), sometimes a pause past the window.
          jest.advanceTimersByTime(rnd(10) === 0 ? rnd(3 * ttl) : rnd(40));
          const key = `default|caller-${rnd(3)}`;
          const limit = 5 + rnd(2) * 20;
          const expected = await stock.increment(key, ttl, limit, blockDuration, 'default');
          expect({ i, seed, ...(await ours.increment(key, ttl, limit, blockDuration, 'default')) }).toEqual({ i, seed, ...expected });
        }
      } finally {
        stock.onApplicationShutdown();
        ours.onApplicationShutdown();
      }
    }
  });

  it('forgets callers that went quiet, and keeps blocked ones until their block ends', () => {
    const ours = new SlidingWindowStorage();
    try {
      const t0 = Date.UTC(2026, 0, 1);
      ours.hit('quiet', 60_000, 100, 60_000, 'default', t0);
      for (let i = 0; i < 3; i++) ours.hit('blocked', 60_000, 1, 120_000, 'default', t0 + i);
      ours.evictIdle(t0 + 30_000);
      expect(ours.size).toBe(2);
      ours.evictIdle(t0 + 61_000);
      expect(ours.size).toBe(1);
      ours.evictIdle(t0 + 121_000);
      expect(ours.size).toBe(0);
    } finally {
      ours.onApplicationShutdown();
    }
  });

  it('keeps a constant cost per request for one busy caller: the expired prefix is dropped', () => {
    const ours = new SlidingWindowStorage();
    try {
      const t0 = Date.UTC(2026, 0, 1);
      let last = { totalHits: 0 };
      for (let i = 0; i < 50_000; i++) last = ours.hit('busy', 1_000, 1_000_000, 1_000, 'default', t0 + i);
      // One hit per ms over a one-second window: a thousand live hits.
      expect(last.totalHits).toBe(1_000);
    } finally {
      ours.onApplicationShutdown();
    }
  });
});
