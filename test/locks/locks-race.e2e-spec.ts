import { status } from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import { PRUNE_GRACE_MS } from '../../src/platform/database/append-only-chain';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { LockExpirySweeper } from '../../src/features/locks/lock-expiry.sweeper';
import { LockHistorySweeper } from '../../src/features/locks/lock-history.sweeper';
import { LOCK_ID_RETENTION_MS } from '../../src/features/locks/lock-leases';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { grpcClient, UnaryClient } from '../support/grpc-client';
import { eventually, http } from '../support/http';
import { reportFigure } from '../support/figures';

/*
 * Exclusivity across instances: two app instances on one store, many concurrent acquirers of one key through
 * both (REST and gRPC): exactly one acquisition, every other answer a refusal naming that winner. Then an expired
 * lease: taken over by exactly one of many, and its end recorded exactly once in the linked event's changelog,
 * whether a takeover or the sweepers of both instances record it. Last, history stays bounded: a key's
 * superseded generations go once their hint settled (exclusivity while pruning: locks-prune-race.e2e-spec.ts).
 */

const API = '/api/v1alpha1';
const LOCK_PROTO = join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto');

interface Answer {
  status: number;
  lock?: { id: string; owner: string };
  /** who the refusal names */
  holder?: string;
}

describe('lock exclusivity: two instances on one store', () => {
  const database = freshDatabaseName('locks_race');
  let apps: TestApp[];
  let clients: UnaryClient[];
  let store: MongoClient;

  beforeAll(async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '1000000', TTL_SWEEP_MS: '3600000' };
    apps = [await startTestApp({ database, env }), await startTestApp({ database, env })];
    clients = apps.map((app) => grpcClient(app.grpc, LOCK_PROTO, 'tracker.lock.v1alpha1.LockService'));
    store = await MongoClient.connect(apps[0].storeUri);
  });
  afterAll(async () => {
    clients?.forEach((c) => c.close());
    await store?.close();
    for (const app of apps ?? []) await app.close();
  });

  /** Acquirer i: instance i % 2, REST for even i / 2, gRPC for odd. */
  function acquirer(service: string, ttlSeconds?: number) {
    return async (i: number): Promise<Answer> => {
      const body = { service, environment: 7, owner: `owner-${i}`, ...(ttlSeconds ? { ttlSeconds } : {}) };
      const app = apps[i % 2];
      if (Math.floor(i / 2) % 2 === 0) {
        const res = await http('POST', `${app.http}${API}/locks`, { body });
        return { status: res.status, lock: res.status === 201 ? res.body : undefined, holder: res.body.holder?.id };
      }
      try {
        const res = await clients[i % 2].call<{ lock: { id: string; owner: string }; created: boolean }>('AcquireLock', body);
        return { status: res.created ? 201 : 200, lock: res.lock };
      } catch (err) {
        const e = err as { code: number; details: string };
        return {
          status: e.code === Number(status.ALREADY_EXISTS) ? 409 : 500 + e.code,
          holder: /lock ([0-9a-f-]{36})/.exec(e.details)?.[1],
        };
      }
    };
  }

  /** Exactly one 201; every other answer a 409 naming that winner. Returns the winner. */
  function expectOneWinner(answers: Answer[]): { id: string; owner: string } {
    const winners = answers.filter((a) => a.status === 201);
    expect(winners).toHaveLength(1);
    const winner = winners[0].lock!;
    const others = answers.filter((a) => a !== winners[0]);
    expect(others.map((a) => [a.status, a.holder])).toEqual(others.map(() => [409, winner.id]));
    return winner;
  }

  const generations = (service: string) =>
    store
      .db()
      .collection('lock_generations')
      .find({ key: JSON.stringify([service, 7, 'deployment']) }, { sort: { gen: 1 } })
      .toArray();
  const lockIds = async (service: string) =>
    (
      await store
        .db()
        .collection<{ _id: string }>('lock_ids')
        .find({ key: JSON.stringify([service, 7, 'deployment']) })
        .toArray()
    ).map((r) => r._id);

  it('200 concurrent acquirers through both instances: exactly one 201, every other a 409 naming the winner', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => acquirer('race')(i)));
    const winner = expectOneWinner(answers);
    reportFigure(
      `two-instance race: ${answers.length} acquirers, ${answers.filter((a) => a.status === 201).length} winner (${winner.owner})`,
    );
    expect(await generations('race')).toHaveLength(1);
    for (const app of apps)
      expect((await http('GET', `${app.http}${API}/locks/${winner.id}`)).body).toMatchObject({ id: winner.id, owner: winner.owner });
  });

  it('an expired lease is taken over by exactly one of 100; its end is recorded once, by the taker or by the sweepers', async () => {
    const event = async (service: string) =>
      (await http('POST', `${apps[0].http}${API}/event`, { body: { title: service, attributes: { type: 1, service, environment: 7 } } }))
        .body.id as string;
    const [taken, swept] = [await event('takeover'), await event('swept')];
    const short = async (service: string, eventId: string) =>
      (
        await http('POST', `${apps[1].http}${API}/locks`, {
          body: { service, environment: 7, owner: 'crashed-pipeline', ttlSeconds: 10, eventId },
        })
      ).body.id as string;
    const [takenLock, sweptLock] = [await short('takeover', taken), await short('swept', swept)];
    await eventually(async () => (await http('GET', `${apps[0].http}${API}/locks/${takenLock}`)).status === 404, 20_000, 250);
    await eventually(async () => (await http('GET', `${apps[0].http}${API}/locks/${sweptLock}`)).status === 404, 5_000, 250);

    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => acquirer('takeover')(i)));
    expectOneWinner(answers);
    // Both instances sweep at once: only one may record the end of the lease nobody took over.
    const ended = await Promise.all(apps.map((app) => app.tracker.app.get(LockExpirySweeper).sweepOnce()));
    expect(ended.reduce((a, b) => a + b, 0)).toBe(1);

    const lockEntries = async (id: string) =>
      (await http('GET', `${apps[0].http}${API}/event/${id}/changelog`)).body.changelog
        .filter((e: { field: string }) => e.field === 'lock')
        .map((e: { new: string }) => e.new);
    expect(await lockEntries(taken)).toEqual(['locked', 'lock expired']);
    expect(await lockEntries(swept)).toEqual(['locked', 'lock expired']);
    expect((await generations('takeover')).map((g) => g.state)).toEqual(['held', 'held']);
    expect((await generations('swept')).map((g) => [g.state, g.ended?.how])).toEqual([
      ['held', undefined],
      ['free', 'expired'],
    ]);
  });

  it('keeps a constant few generations per key: 20 acquire/release cycles, one prune sweep, the head alone remains', async () => {
    const CYCLES = 20;
    let taken0 = '';
    for (let k = 0; k < CYCLES; k++) {
      const app = apps[k % 2];
      const taken = await http('POST', `${app.http}${API}/locks`, { body: { service: 'history', environment: 7, owner: `o${k}` } });
      expect(taken.status).toBe(201);
      taken0 ||= taken.body.id;
      expect((await http('DELETE', `${apps[(k + 1) % 2].http}${API}/locks/${taken.body.id}?owner=o${k}`)).status).toBe(200);
    }
    // Held again, so the key is in use (an idle key is deleted whole: locks-key-prune-race.e2e-spec.ts).
    const again = await http('POST', `${apps[1].http}${API}/locks`, { body: { service: 'history', environment: 7, owner: 'after' } });
    expect(again.status).toBe(201);
    expect(await generations('history')).toHaveLength(CYCLES * 2 + 1);
    // Both instances sweep at once, as if the grace had passed since the hint last moved.
    const at = new Date(Date.now() + PRUNE_GRACE_MS + 1000);
    const pruned = await Promise.all(apps.map((app) => app.tracker.app.get(LockHistorySweeper).sweepOnce(at)));
    expect(pruned.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(CYCLES * 2);
    expect((await generations('history')).map((g) => [g.gen, g.state])).toEqual([[CYCLES * 2 + 1, 'held']]);
    reportFigure(`lock history: ${CYCLES} acquire/release cycles = ${CYCLES * 2} generations, 1 left after one prune sweep`);

    // The key works on from its pruned chain; the old lock ids answer 404 as before.
    const listed = await http('GET', `${apps[0].http}${API}/locks?service=history`);
    expect(listed.body.locks.map((l: { id: string }) => l.id)).toEqual([again.body.id]);
    expect((await http('GET', `${apps[0].http}${API}/locks/${taken0}`)).status).toBe(404);
    const renewed = await http('POST', `${apps[0].http}${API}/locks/${again.body.id}/renew`, { body: { owner: 'after' } });
    expect(renewed.status).toBe(200);
    expect((await generations('history')).map((g) => g.gen)).toEqual([CYCLES * 2 + 1, CYCLES * 2 + 2]);

    // An hour on, the ids of the ended acquisitions go too; the held lock's id stays and still resolves.
    expect(await lockIds('history')).toHaveLength(CYCLES + 1);
    await apps[0].tracker.app.get(LockHistorySweeper).sweepOnce(new Date(Date.now() + LOCK_ID_RETENTION_MS + 1000));
    expect(await lockIds('history')).toEqual([again.body.id]);
    expect((await http('GET', `${apps[1].http}${API}/locks/${again.body.id}`)).status).toBe(200);
    expect((await http('DELETE', `${apps[1].http}${API}/locks/${again.body.id}?owner=after`)).status).toBe(200);
  });
});
