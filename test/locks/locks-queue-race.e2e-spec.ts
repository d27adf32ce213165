import mongoose, { Connection } from 'mongoose';
import type { LockKey } from '../../src/features/locks/domain/lock-rules';
import type { Handoff } from '../../src/features/locks/domain/lock-queue';
import { LockLeases } from '../../src/features/locks/lock-leases';
import { reportFigure } from '../support/figures';
import { gatedInstances } from '../support/gated-lock-repository';

const WAITERS = 50;
const KEY: LockKey = { service: 'queue-race', environment: 7, resource: 'deployment' };
const TTL = 10;
/** `LOCKS_QUEUE_SEED` replays another schedule. */
const SEED = Number(process.env.LOCKS_QUEUE_SEED ?? 28);

/** A small seeded generator (mulberry32), so a failing schedule can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A change that lost too many appends answers 409 "retry": the client retries (asking again is idempotent). */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i > 20 || !/retry/.test((err as Error).message)) throw err;
    }
  }
}

/**
 * The lock queue's hand-off (docs/locks.md, "Queue"), on the real store: two instances, each with its own
 * connection, one clock the test moves. 50 waiters join the line through both; then, until every waiter held
 * the lock, the holder either releases (through both instances at once) or its lease runs out and both
 * instances' expiry sweeps race with a late release, while an intruder (no wait) tries to take the key, a waiter renews its ticket and both
 * instances read the line. Each waiter becomes the holder exactly once, in line order, never two at a time;
 * the intruder never gets in while anyone waits.
 */
describe('lock queue hand-off: 50 waiters, two instances on one store', () => {
  let connections: Connection[] = [];
  let generations: mongoose.mongo.Collection;
  let instances: LockLeases[];
  let now = new Date('2027-01-04T10:00:00Z');
  const acquired: { lockId: string; by: number }[] = [];

  beforeAll(async () => {
    const gated = await gatedInstances('locks_queue');
    connections = gated.connections;
    generations = gated.generations;
    instances = gated.repos.map((repo) => new LockLeases(repo, () => now));
    instances.forEach((leases, by) =>
      leases.onHandoff(async (_key, handoff: Handoff) => {
        for (const lock of handoff.acquired) acquired.push({ lockId: lock.lockId, by });
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  it('hands the lock to each waiter exactly once, in line order, never two at a time', async () => {
    const rand = random(SEED);
    const first = await instances[0].acquire(KEY, { owner: 'first', ttlSeconds: TTL });
    expect(first.outcome).toBe('acquired');

    // Join in waves of five, alternating instances.
    for (let wave = 0; wave < WAITERS; wave += 5) {
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, j) =>
          retrying(() => instances[(wave + j) % 2].acquireOrWait(KEY, { owner: `w${wave + j}`, ttlSeconds: TTL, waitSeconds: 86_400 })),
        ),
      );
      for (const a of answers) expect(a.outcome).toBe('queued');
    }
    const line = await instances[1].line(KEY);
    expect(line.holder?.owner).toBe('first');
    expect(line.waiters).toHaveLength(WAITERS);
    const order = line.waiters.map((t) => t.ticketId);
    const ownerOf = new Map(line.waiters.map((t) => [t.ticketId, t.owner]));
    // Asking again keeps the place.
    const again = await instances[0].acquireOrWait(KEY, { owner: line.waiters[7].owner, ttlSeconds: TTL, waitSeconds: 86_400 });
    expect(again).toMatchObject({ outcome: 'queued', position: 8, ticket: { ticketId: order[7] } });

    let holder = first.outcome === 'acquired' ? first.lock : undefined;
    let releases = 0;
    let expiries = 0;
    while (acquired.length < WAITERS) {
      const before = acquired.length;
      const noise = [
        retrying(() => instances[Math.floor(rand() * 2)].acquire(KEY, { owner: 'intruder', ttlSeconds: TTL })).then((a) =>
          expect(a.outcome).toBe('refused'),
        ),
        // Read while the hand-off happens: the holder before it, the next one, or (a lease that ran out) nobody.
        ...instances.map((leases) =>
          leases.line(KEY).then((l) => expect([holder!.lockId, order[before], undefined]).toContain(l.holder?.lockId)),
        ),
      ];
      const waiting = order.slice(before + 1);
      if (waiting.length > 0) {
        const owner = ownerOf.get(waiting[Math.floor(rand() * waiting.length)])!;
        noise.push(
          retrying(() => instances[Math.floor(rand() * 2)].acquireOrWait(KEY, { owner, ttlSeconds: TTL, waitSeconds: 86_400 })).then((a) =>
            expect(a.outcome).toBe('queued'),
          ),
        );
      }
      if (rand() < 0.5) {
        releases++;
        // The holder's release sent to both instances at once (a retried call): one releases, one finds nothing.
        const released = await Promise.all(
          instances.map((leases) => retrying(() => leases.release(holder!.lockId, { owner: holder!.owner, force: false }))),
        );
        expect(released.map((r) => r.outcome).sort()).toEqual(['not-found', 'ok']);
      } else {
        expiries++;
        now = new Date(holder!.expiresAt.getTime() + 1000);
        // Both sweeps race a release that came too late: the lease is over, so the release finds nothing.
        const [late] = await Promise.all([
          retrying(() => instances[Math.floor(rand() * 2)].release(holder!.lockId, { owner: holder!.owner, force: false })),
          ...instances.map((leases) => retrying(() => leases.expireAll())),
        ]);
        expect(late.outcome).toBe('not-found');
      }
      await Promise.all(noise);
      expect(acquired).toHaveLength(before + 1);
      const next = acquired[before].lockId;
      expect(next).toBe(order[before]);
      const [a, b] = await Promise.all(instances.map((leases) => leases.line(KEY)));
      expect(a.holder?.lockId).toBe(next);
      expect(b.holder?.lockId).toBe(next);
      expect(a.waiters.map((t) => t.ticketId)).toEqual(order.slice(before + 1));
      holder = a.holder;
    }

    // Every generation of the chain holds at most one lock; the holders follow the line, each in one run.
    const chain = await generations
      .find({ key: JSON.stringify([KEY.service, KEY.environment, KEY.resource]) })
      .sort({ gen: 1 })
      .toArray();
    const runs: string[] = [];
    for (const g of chain) {
      if (g.state !== 'held') continue;
      const id = g.lock.lockId as string;
      if (runs[runs.length - 1] !== id) runs.push(id);
    }
    expect(runs).toEqual([first.outcome === 'acquired' ? first.lock.lockId : '', ...order]);
    expect(new Set(acquired.map((a) => a.lockId)).size).toBe(WAITERS);
    reportFigure(
      `lock queue (seed ${SEED}): ${WAITERS} waiters over 2 instances, ${releases} releases and ${expiries} expiries: ` +
        `${WAITERS} hand-offs in line order (${acquired.filter((a) => a.by === 0).length} by instance 0, ` +
        `${acquired.filter((a) => a.by === 1).length} by instance 1), ${chain.length} generations`,
    );
  }, 240_000);
});
