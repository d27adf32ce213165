import mongoose, { Connection } from 'mongoose';
import type { ChainPruning } from '../../src/platform/database/append-only-chain';
import type { AcquireAnswer, LockKey } from '../../src/features/locks/domain/lock-rules';
import { LockLeases } from '../../src/features/locks/lock-leases';
import { reportFigure } from '../support/figures';
import { GatedRepository, gatedInstances } from '../support/gated-lock-repository';
import { eventually } from '../support/http';

/** A short grace, so pruning happens within the test; the trust window is half of it, as in production. */
const PRUNING: ChainPruning = { graceMs: 500, trustMs: 250 };
const ROUNDS = 4;
/** Fast contenders per instance in every round. */
const PER_INSTANCE = 3;

/**
 * Lock exclusivity while the chains are pruned (docs/locks.md, "Pruning"), on the real store: two instances,
 * each with its own connection, a sweep pruning continuously, and a writer that read the head, then stalls past
 * the grace before its insert (a gate): the generation it inserts was pruned meanwhile, so its insert succeeds
 * below the true head. It must not answer that it took the lock.
 */
describe('lock exclusivity while the chains are pruned: two instances on one store', () => {
  let connections: Connection[] = [];
  let repos: GatedRepository[];
  let generations: mongoose.mongo.Collection;
  let heads: mongoose.mongo.Collection;
  let pruned = 0;
  let stopPruning: () => Promise<void>;

  beforeAll(async () => {
    ({ connections, repos, generations, heads } = await gatedInstances('locks_prune'));
  });
  afterAll(async () => {
    await stopPruning?.();
    await Promise.all(connections.map((c) => c.close()));
  });

  /** Both instances prune in turn, back to back, until stopped. */
  function pruneContinuously(instances: LockLeases[]) {
    let running = true;
    const loop = (async () => {
      for (let i = 0; running; i++) {
        pruned += await instances[i % 2].prune(new Date());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    stopPruning = async () => {
      running = false;
      await loop;
    };
  }

  const keyOf = (service: string): LockKey => ({ service, environment: 7, resource: 'deployment' });
  const keyText = (service: string) => JSON.stringify([service, 7, 'deployment']);
  type Outcome = AcquireAnswer['outcome'] | 'retry';
  const attempt = (leases: LockLeases, service: string, owner: string): Promise<{ outcome: Outcome; answer?: AcquireAnswer }> =>
    leases.acquire(keyOf(service), { owner, ttlSeconds: 60 }).then(
      (answer) => ({ outcome: answer.outcome, answer }),
      (err: Error) => {
        if (!/took too long to be trusted/.test(err.message)) throw err;
        return { outcome: 'retry' as const };
      },
    );

  /**
   * One round on a free key: two stalled acquirers read it free; then fast contenders of both instances race
   * for it, the winner renews three times, the sweep prunes below the hint, and only then the stalled inserts go
   * ahead. Answers the stalled acquirers' outcomes, and checks the fast winner holds the key throughout.
   */
  async function round(instances: LockLeases[], service: string, k: number): Promise<Outcome[]> {
    repos[1].close();
    const stalled = [0, 1].map((i) => attempt(instances[1], service, `slow-${k}-${i}`));
    await eventually(async () => repos[1].waiting === 2, 10_000, 10);

    const fast = await Promise.all(
      Array.from({ length: PER_INSTANCE * 2 }, (_, i) => attempt(instances[i % 2], service, `fast-${k}-${i}`)),
    );
    const winners = fast.filter((a) => a.outcome === 'acquired');
    expect(winners).toHaveLength(1);
    const lock = (winners[0].answer as Extract<AcquireAnswer, { outcome: 'acquired' }>).lock;
    expect(fast.filter((a) => a !== winners[0]).map((a) => (a.answer as { holder?: { lockId: string } })?.holder?.lockId)).toEqual(
      Array.from({ length: PER_INSTANCE * 2 - 1 }, () => lock.lockId),
    );
    for (let r = 0; r < 3; r++) expect((await instances[r % 2].renew(lock.lockId, lock.owner)).outcome).toBe('ok');

    // The sweep deletes what lies below the settled hint, including the generation the stalled writers will insert.
    const hint = (await heads.findOne({ _id: keyText(service) as never }))!.head.gen as number;
    await eventually(async () => (await generations.countDocuments({ key: keyText(service), gen: { $lt: hint } })) === 0, 10_000, 20);
    repos[1].open();
    const late = await Promise.all(stalled);
    // A stalled writer that lost the insert starts again from the hint: it is refused, naming the true holder.
    for (const a of late.filter((o) => o.outcome === 'refused'))
      expect((a.answer as Extract<AcquireAnswer, { outcome: 'refused' }>).holder.lockId).toBe(lock.lockId);

    // Whatever the stalled writers answered, the fast winner still holds the key, alone.
    for (const leases of instances) {
      expect((await leases.get(lock.lockId))?.lock.owner).toBe(lock.owner);
      expect((await leases.list({ service })).map((l) => l.lock.lockId)).toEqual([lock.lockId]);
    }
    expect((await instances[k % 2].release(lock.lockId, { owner: lock.owner, force: false })).outcome).toBe('ok');
    return late.map((a) => a.outcome);
  }

  it('a writer stalled past the grace never takes a lock another owner holds; history stays bounded', async () => {
    const instances = repos.map((repo) => new LockLeases(repo, () => new Date(), PRUNING));
    pruneContinuously(instances);
    const late: Outcome[] = [];
    for (let k = 0; k < ROUNDS; k++) late.push(...(await round(instances, 'prune-race', k)));
    await stopPruning();

    expect(late.filter((o) => o === 'acquired')).toHaveLength(0);
    // The stalled inserts did land on pruned generations (or the test would prove nothing), and were not trusted.
    expect(late.filter((o) => o === 'retry').length).toBeGreaterThan(0);
    reportFigure(
      `lock prune race: ${ROUNDS} rounds, stalled acquirers ${late.filter((o) => o === 'retry').length} untrusted (re-inserted a pruned generation), ${late.filter((o) => o === 'refused').length} refused, 0 acquired; ${pruned} generations pruned`,
    );

    // Once its hint settles, a sweep leaves the key its head generation only (late re-inserts below it go too).
    pruned += await instances[0].prune(new Date(Date.now() + PRUNING.graceMs));
    expect(await generations.countDocuments({ key: keyText('prune-race') })).toBe(1);
    const again = await instances[1].acquire(keyOf('prune-race'), { owner: 'after', ttlSeconds: 60 });
    expect(again.outcome).toBe('acquired');
  });

  it('without the trust check, the same schedule lets a second owner in (what the check is for)', async () => {
    const instances = repos.map((repo) => new LockLeases(repo, () => new Date(), { ...PRUNING, trustMs: Number.POSITIVE_INFINITY }));
    pruneContinuously(instances);
    const service = 'prune-race-unchecked';
    // Used before (generations 1 and 2), so the stalled writer reads generation 2 and will insert 3. (A writer
    // that read a key with no chain cannot re-insert its generation 1: the key's chain is named when it starts.)
    const before = await instances[0].acquire(keyOf(service), { owner: 'before', ttlSeconds: 60 });
    await instances[0].release((before as { lock: { lockId: string } }).lock.lockId, { owner: 'before', force: false });
    repos[1].close();
    const stalled = attempt(instances[1], service, 'slow-unchecked');
    await eventually(async () => repos[1].waiting === 1, 10_000, 10);
    const first = await instances[0].acquire(keyOf(service), { owner: 'fast', ttlSeconds: 60 });
    expect(first.outcome).toBe('acquired');
    for (let r = 0; r < 2; r++) await instances[0].renew((first as { lock: { lockId: string } }).lock.lockId, 'fast');
    await eventually(async () => (await generations.countDocuments({ key: keyText(service), gen: { $lt: 5 } })) === 0, 10_000, 20);
    repos[1].open();
    expect((await stalled).outcome).toBe('acquired');
    await stopPruning();
  });
});
