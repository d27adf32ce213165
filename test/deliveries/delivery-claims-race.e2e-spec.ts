import mongoose, { Connection, Model } from 'mongoose';
import type { AppConfig } from '../../src/platform/config/app-config.service';
import { DeliveryClaimRepository } from '../../src/features/deliveries/data/delivery-claim.repository';
import {
  DELIVERY_CLAIM_HEAD_MODEL,
  DELIVERY_CLAIM_MODEL,
  DeliveryClaimHeadModelDefinition,
  DeliveryClaimModelDefinition,
} from '../../src/features/deliveries/data/delivery-claim.schema';
import { AttemptClaims, PRUNE_GRACE_MS } from '../../src/features/deliveries/delivery/attempt-claims';
import type { AttemptResult } from '../../src/features/deliveries/delivery/delivery-record';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';

const LEASE_MS = 30_000;
const ROUNDS = 20;
/** Contenders per instance in every round. */
const PER_INSTANCE = 12;

/**
 * Attempt-claim takeovers (docs/store.md, "Append-only chains") on the real store: two instances,
 * each with its own connection, repository and holder name, race to take over one expired claim.
 */
describe('delivery attempt claims on one store, two instances', () => {
  const database = freshDatabaseName('claims');
  const connections: Connection[] = [];
  let instances: AttemptClaims[];
  let links: mongoose.mongo.Collection;

  beforeAll(async () => {
    const config = { notify: { leaseMs: LEASE_MS } } as AppConfig;
    instances = [];
    for (let i = 0; i < 2; i++) {
      const connection = await mongoose.createConnection(testStoreUri(database), { autoIndex: false }).asPromise();
      connections.push(connection);
      const claims = connection.model(DELIVERY_CLAIM_MODEL, DeliveryClaimModelDefinition.schema) as Model<any>;
      const heads = connection.model(DELIVERY_CLAIM_HEAD_MODEL, DeliveryClaimHeadModelDefinition.schema) as Model<any>;
      instances.push(new AttemptClaims(new DeliveryClaimRepository(claims, heads), config));
    }
    links = connections[0].collection('delivery_claims');
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  /** Every contender of both instances claims `dedupKey` attempt 1 at `at`, all at once. */
  async function race(dedupKey: string, at: Date) {
    const contenders = Array.from({ length: PER_INSTANCE * 2 }, (_, i) => instances[i % 2]);
    const outcomes = await Promise.all(contenders.map((c) => c.acquire(dedupKey, 1, 'e1', at)));
    const winners = outcomes.flatMap((o, i) => (o.kind === 'acquired' ? [contenders[i]] : []));
    return { outcomes, winners };
  }

  const result: AttemptResult = { attempt: { at: new Date('2026-01-01T00:00:00Z'), ok: true, detail: 'HTTP 200' }, state: 'delivered' };

  it('lets exactly one of 24 contenders take over an expired claim, round after round, then prunes the chain', async () => {
    const key = 'aaaaaaaaaaaaaaaaaaaaaaaa:slack:created#1';
    const base = Date.now();
    const roundAt = (k: number) => new Date(base + k * (LEASE_MS + 1000));

    const first = await race(key, roundAt(0));
    expect(first.winners).toHaveLength(1);
    let holder = first.winners[0];
    for (let k = 1; k <= ROUNDS; k++) {
      // While the lease runs, nobody gets it.
      const early = await race(key, new Date(roundAt(k - 1).getTime() + LEASE_MS - 1));
      expect(early.winners).toHaveLength(0);
      // Past it, exactly one contender of either instance takes over the crashed holder's claim.
      const { outcomes, winners } = await race(key, roundAt(k));
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'busy')).toHaveLength(PER_INSTANCE * 2 - 1);
      // The previous holder lost it: its result is refused (unless it is the same instance again).
      if (holder !== winners[0]) expect(await holder.finish(`${key}#1`, result)).toBe(false);
      holder = winners[0];
    }
    expect(await holder.finish(`${key}#1`, result)).toBe(true);
    const replay = await race(key, roundAt(ROUNDS + 1));
    expect(replay.outcomes.every((o) => o.kind === 'done' && o.result.attempt.at instanceof Date)).toBe(true);
    expect(replay.outcomes[0]).toEqual({ kind: 'done', result });

    // One link per takeover plus the result, until the sweep prunes every link below the head.
    const claim = `${key}#1`;
    expect(await links.countDocuments({ claim })).toBe(ROUNDS + 2);
    const sweepAt = new Date(roundAt(ROUNDS + 2).getTime() + PRUNE_GRACE_MS);
    await instances[1].sweep(sweepAt, new Date(0));
    expect(
      await links
        .find({ claim })
        .map((l) => l.gen)
        .toArray(),
    ).toEqual([ROUNDS + 2]);
    expect(await instances[0].acquire(key, 1, 'e1', roundAt(ROUNDS + 3))).toEqual({ kind: 'done', result });

    // Past the retention, the finished chain goes whole.
    await instances[0].sweep(sweepAt, new Date(sweepAt.getTime() + 1));
    expect(await links.countDocuments({ claim })).toBe(0);
  });

  it('after pruning, a takeover appends past the head; it never re-inserts a pruned link', async () => {
    const key = 'bbbbbbbbbbbbbbbbbbbbbbbb:email:created#1';
    const base = Date.now();
    const roundAt = (k: number) => new Date(base + k * (LEASE_MS + 1000));
    for (let k = 0; k < 4; k++) expect((await race(key, roundAt(k))).winners).toHaveLength(1);
    const claim = `${key}#1`;
    await instances[0].sweep(new Date(roundAt(4).getTime() + PRUNE_GRACE_MS), new Date(0));
    expect(
      await links
        .find({ claim })
        .map((l) => l.gen)
        .toArray(),
    ).toEqual([4]);

    const { winners } = await race(key, new Date(roundAt(4).getTime() + PRUNE_GRACE_MS));
    expect(winners).toHaveLength(1);
    expect(
      await links
        .find({ claim })
        .map((l) => l.gen)
        .toArray(),
    ).toEqual([4, 5]);
    expect(await winners[0].finish(claim, result)).toBe(true);
  });
});
