import mongoose, { Connection } from 'mongoose';
import type { ChainPruning } from '../../src/platform/database/append-only-chain';
import type { AcquireAnswer, LockKey } from '../../src/features/locks/domain/lock-rules';
import { LockLeases } from '../../src/features/locks/lock-leases';
import { reportFigure } from '../support/figures';
import { GatedRepository, gatedInstances } from '../support/gated-lock-repository';
import { eventually } from '../support/http';

/** A short grace, so idle keys are deleted within the test; the trust window is half of it, as in production. */
const PRUNING: ChainPruning = { graceMs: 500, trustMs: 250 };
const ROUNDS = 4;
const PER_INSTANCE = 3;

/**
 * Lock exclusivity while idle keys are deleted (docs/locks.md, "Deleting idle keys"), on the real store: two
 * instances, each with its own connection, both sweeping back to back with a short grace. Per round, two
 * acquirers of one instance read a released key free, then stall before their insert; the sweep deletes the
 * key; contenders of both instances take it again (one winner); then the stalled inserts go ahead, either while
 * the closed chain is still stored or after it was deleted too. They must never answer that they took the lock.
 */
describe('lock exclusivity while idle keys are deleted: two instances on one store', () => {
  let connections: Connection[] = [];
  let repos: GatedRepository[];
  let generations: mongoose.mongo.Collection;
  let heads: mongoose.mongo.Collection;
  let stopPruning: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ connections, repos, generations, heads } = await gatedInstances('locks_key_prune'));
  });
  afterEach(async () => {
    await stopPruning?.();
    stopPruning = undefined;
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  /** Both instances sweep in turn, back to back, until stopped; answers how many documents went. */
  function pruneContinuously(instances: LockLeases[]): { pruned: number } {
    const total = { pruned: 0 };
    let running = true;
    const loop = (async () => {
      for (let i = 0; running; i++) {
        total.pruned += await instances[i % 2].prune(new Date());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    stopPruning = async () => {
      running = false;
      await loop;
    };
    return total;
  }

  const keyOf = (service: string): LockKey => ({ service, environment: 7, resource: 'deployment' });
  const keyText = (service: string) => JSON.stringify([service, 7, 'deployment']);
  type Outcome = AcquireAnswer['outcome'] | 'retry';
  const attempt = (leases: LockLeases, service: string, owner: string): Promise<{ outcome: Outcome; answer?: AcquireAnswer }> =>
    leases.acquire(keyOf(service), { owner, ttlSeconds: 60 }).then(
      (answer) => ({ outcome: answer.outcome, answer }),
      (err: Error) => {
        if (!/took too long to be trusted|being deleted/.test(err.message)) throw err;
        return { outcome: 'retry' as const };
      },
    );
  const lockOf = (answer?: AcquireAnswer) => (answer as Extract<AcquireAnswer, { outcome: 'acquired' }>).lock;

  /**
   * One round: the key is taken and released; two stalled acquirers read it free; the sweep deletes the key
   * (its hint goes); contenders of both instances race for it (one winner, on a new chain); with `collected`
   * the old chain's generations are deleted too; then the stalled inserts go ahead. Answers their outcomes, and
   * checks the winner holds the key alone.
   */
  async function round(instances: LockLeases[], service: string, k: number, collected: boolean): Promise<Outcome[]> {
    const first = await instances[k % 2].acquire(keyOf(service), { owner: `first-${k}`, ttlSeconds: 60 });
    expect(first.outcome).toBe('acquired');
    expect((await instances[k % 2].release(lockOf(first).lockId, { owner: `first-${k}`, force: false })).outcome).toBe('ok');
    const oldChain = ((await heads.findOne({ _id: keyText(service) as never }))?.chain as string | undefined) ?? keyText(service);

    repos[1].close();
    const stalled = [0, 1].map((i) => attempt(instances[1], service, `slow-${k}-${i}`));
    await eventually(async () => repos[1].waiting === 2, 10_000, 10);
    await eventually(async () => (await heads.countDocuments({ _id: keyText(service) as never })) === 0, 10_000, 20);

    const fast = await Promise.all(
      Array.from({ length: PER_INSTANCE * 2 }, (_, i) => attempt(instances[i % 2], service, `fast-${k}-${i}`)),
    );
    const winners = fast.filter((a) => a.outcome === 'acquired');
    expect(winners).toHaveLength(1);
    const lock = lockOf(winners[0].answer);
    for (const a of fast.filter((o) => o !== winners[0]))
      expect((a.answer as { holder?: { lockId: string } })?.holder?.lockId).toBe(lock.lockId);

    if (collected) await eventually(async () => (await generations.countDocuments({ chain: oldChain })) === 0, 10_000, 20);
    repos[1].open();
    const late = await Promise.all(stalled);
    // (Once a stalled writer took the deleted chain, the other may be refused naming it: only without the trust check.)
    const refused = late.some((o) => o.outcome === 'acquired') ? [] : late.filter((o) => o.outcome === 'refused');
    for (const a of refused) expect((a.answer as Extract<AcquireAnswer, { outcome: 'refused' }>).holder.lockId).toBe(lock.lockId);

    for (const leases of instances) {
      expect((await leases.get(lock.lockId))?.lock.owner).toBe(lock.owner);
      expect((await leases.list({ service })).map((l) => l.lock.lockId)).toEqual([lock.lockId]);
    }
    expect((await instances[k % 2].release(lock.lockId, { owner: lock.owner, force: false })).outcome).toBe('ok');
    return late.map((a) => a.outcome);
  }

  it('a writer that read a key before it was deleted never takes it from the next holder', async () => {
    const instances = repos.map((repo) => new LockLeases(repo, () => new Date(), PRUNING));
    const total = pruneContinuously(instances);
    const late: Outcome[] = [];
    for (let k = 0; k < ROUNDS; k++) late.push(...(await round(instances, 'key-prune-race', k, k % 2 === 1)));
    await stopPruning!();

    expect(late.filter((o) => o === 'acquired')).toHaveLength(0);
    reportFigure(
      `idle key deletion race: ${ROUNDS} rounds (key deleted and taken again under stalled acquirers), stalled acquirers ` +
        `${late.filter((o) => o === 'refused').length} refused, ${late.filter((o) => o === 'retry').length} untrusted, 0 acquired; ${total.pruned} documents pruned`,
    );
    // Released and idle, the key goes entirely.
    await instances[0].prune(new Date(Date.now() + PRUNING.graceMs));
    await instances[1].prune(new Date(Date.now() + 2 * PRUNING.graceMs));
    expect(await heads.countDocuments({ _id: keyText('key-prune-race') as never })).toBe(0);
    expect(await generations.countDocuments({ key: keyText('key-prune-race') })).toBe(0);
  });

  it('without the trust check, a writer stalled past the deletion of the chain it read answers that it took the lock', async () => {
    const instances = repos.map((repo) => new LockLeases(repo, () => new Date(), { ...PRUNING, trustMs: Number.POSITIVE_INFINITY }));
    pruneContinuously(instances);
    const late = await round(instances, 'key-prune-race-unchecked', 0, true);
    // Its generation went into the deleted chain: nobody reads it, but its caller was told it holds the lock.
    expect(late).toContain('acquired');
  });
});
