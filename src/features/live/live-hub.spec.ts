import type { LiveLogRepository } from './data/live-log.repository';
import type { LiveLogEntryRecord } from './data/live-log.schema';
import type { LiveMessage } from './domain/live-message';
import { GAP_WAIT_MS, LiveHub, POLL_MS } from './live-hub';
import { Subscription } from './subscription';

const msg = (position: number): LiveMessage => ({
  position,
  stream: 'tracker',
  kind: 'created',
  key: `e${position}`,
  at: 0,
  data: { id: `e${position}` },
});
const rec = (position: number): LiveLogEntryRecord => ({
  _id: position,
  change: `tracker:e${position}@0`,
  stream: 'tracker',
  kind: 'created',
  key: `e${position}`,
  at: new Date(0),
  data: { id: `e${position}` },
});

/** An in-memory live log: positions 1..n stored. */
function logOf(stored: number[], sharedWithOtherWriters = true) {
  const log = {
    stored,
    sharedWithOtherWriters,
    highest: jest.fn(async () => Math.max(0, ...stored)),
    readAfter: jest.fn(async (after: number, limit: number, upTo = Number.MAX_SAFE_INTEGER) =>
      stored
        .filter((p) => p > after && p <= upTo)
        .sort((a, b) => a - b)
        .slice(0, limit)
        .map(rec),
    ),
  };
  return log;
}

async function drain(sub: Subscription, count: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const m = await sub.next();
    if (!m) break;
    out.push(m.position);
  }
  return out;
}

const noCatchUp = () => Promise.resolve([]);

describe('LiveHub', () => {
  let hub: LiveHub;
  afterEach(() => hub.stop());

  it('releases in position order whatever order messages arrive in, each once', async () => {
    const log = logOf([]);
    hub = new LiveHub(log as unknown as LiveLogRepository);
    const sub = await hub.join(() => true, 100, undefined, noCatchUp);
    hub.offer([msg(3), msg(2)]);
    hub.offer([msg(1), msg(2)]);
    hub.offer([msg(4)]);
    expect(await drain(sub, 4)).toEqual([1, 2, 3, 4]);
    expect(hub.position).toBe(4);
  });

  it('never skips a missing position: after GAP_WAIT_MS it reads it from the log (a message above it proves it is stored)', async () => {
    jest.useFakeTimers();
    try {
      const log = logOf([1, 2, 3]);
      hub = new LiveHub(log as unknown as LiveLogRepository);
      log.stored = [];
      log.highest.mockResolvedValue(0);
      const sub = await hub.join(() => true, 100, undefined, noCatchUp);
      log.stored.push(1, 2, 3);
      hub.offer([msg(3)]);
      const got = drain(sub, 3);
      // Until GAP_WAIT_MS has passed the hub waits for position 1 to be offered; then it reads the log.
      await jest.advanceTimersByTimeAsync(GAP_WAIT_MS - 1);
      expect(log.readAfter).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      expect(await got).toEqual([1, 2, 3]);
      expect(log.readAfter.mock.calls.map(([after]) => after)).toEqual([0]);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([
    [true, 'reads what another instance appended, at the next poll'],
    [false, 'never polls a log only this instance appends to (the embedded store)'],
  ])('shared with other writers: %s, %s', async (shared) => {
    jest.useFakeTimers();
    try {
      const stored: number[] = [];
      const log = logOf(stored, shared);
      hub = new LiveHub(log as unknown as LiveLogRepository);
      const sub = await hub.join(() => true, 100, undefined, noCatchUp);
      stored.push(1);
      await jest.advanceTimersByTimeAsync(POLL_MS * 3);
      expect(log.readAfter.mock.calls.length > 0).toBe(shared);
      if (shared) expect(await drain(sub, 1)).toEqual([1]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a resume reads the log up to where it joined, then takes the live messages, with no repeat', async () => {
    const log = logOf([1, 2, 3, 4, 5]);
    hub = new LiveHub(log as unknown as LiveLogRepository);
    const sub = await hub.join(
      (m) => m.position !== 3,
      100,
      1,
      async (after, upTo) => (await log.readAfter(after, 2, upTo)).map((r) => ({ ...msg(r._id) })),
    );
    expect(sub.joinedAt).toBe(5);
    hub.offer([msg(5), msg(6), msg(7)]);
    expect(await drain(sub, 5)).toEqual([2, 4, 5, 6, 7]);
  });

  it('ends a subscriber that lets more than its buffer wait (overflow), keeping its last delivered cursor', async () => {
    const log = logOf([]);
    hub = new LiveHub(log as unknown as LiveLogRepository);
    const sub = await hub.join(() => true, 3, undefined, noCatchUp);
    hub.offer([msg(1)]);
    expect(await drain(sub, 1)).toEqual([1]);
    hub.offer([msg(2), msg(3), msg(4), msg(5)]);
    expect(sub.endReason).toBe('overflow');
    expect(await sub.next()).toBeUndefined();
    expect(sub.delivered).toBe(1);
    expect(hub.subscriberCount).toBe(0);
  });

  it('endAll ends every stream with reason shutdown', async () => {
    const log = logOf([]);
    hub = new LiveHub(log as unknown as LiveLogRepository);
    const subs = await Promise.all([1, 2, 3].map(() => hub.join(() => true, 10, undefined, noCatchUp)));
    const waiting = subs.map((s) => s.next());
    hub.endAll('shutdown');
    expect(await Promise.all(waiting)).toEqual([undefined, undefined, undefined]);
    expect(subs.map((s) => s.endReason)).toEqual(['shutdown', 'shutdown', 'shutdown']);
  });
});
