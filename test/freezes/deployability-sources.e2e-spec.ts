import { randomUUID } from 'node:crypto';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { eventually, http } from '../support/http';
import { fingerprint, freshAlerts, freshPagerDuty, INCIDENT_ENV, postAlertmanager, postPagerDuty } from '../support/incident-intake';

/*
 * GET /api/v1alpha1/deployability (docs/freezes.md, "Deployability") across every source it reads, over real HTTP
 * on two app instances sharing one store: open incidents from the PagerDuty and Alertmanager intakes (instance 0
 * has DEPLOY_BLOCK_ON_OPEN_INCIDENT=on, instance 1 the default off), the lock queue (docs/locks.md, "Queue"), and
 * a one-off freeze with its enforcement on deployments (409 frozen, X-Freeze-Override).
 */

const API = '/api/v1alpha1';

interface Reason {
  kind: 'lock' | 'freeze' | 'incident';
  id: string;
  title: string;
  until?: string;
}
interface Answer {
  allowed: boolean;
  reasons: Reason[];
  nextAllowedAt: string | null;
}

describe('deployability across incidents, the lock queue and freezes: two instances on one store', () => {
  const database = freshDatabaseName('deployability_sources');
  let apps: TestApp[];
  const run = randomUUID().slice(0, 8);
  const svc = (name: string) => `${name}-${run}`;

  beforeAll(async () => {
    const env = { ...INCIDENT_ENV, RATE_LIMIT_PER_MINUTE: '1000000', TTL_SWEEP_MS: '3600000' };
    apps = [await startTestApp({ database, env: { ...env, DEPLOY_BLOCK_ON_OPEN_INCIDENT: 'on' } }), await startTestApp({ database, env })];
  });
  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
  });

  const check = async (i: number, service: string, params: { owner?: string; at?: string; environment?: number } = {}): Promise<Answer> => {
    const q = new URLSearchParams({ service, environment: String(params.environment ?? 7) });
    if (params.at) q.set('at', params.at);
    if (params.owner) q.set('owner', params.owner);
    const res = await http<Answer>('GET', `${apps[i].http}${API}/deployability?${q.toString()}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const kinds = (a: Answer) => a.reasons.map((r) => r.kind);
  /** Allowed now: no reason, and nextAllowedAt is the instant asked about (the earliest no known reason applies). */
  const expectFree = async (i: number, service: string, params: { owner?: string; environment?: number } = {}) => {
    const at = new Date().toISOString();
    expect(await check(i, service, { ...params, at })).toEqual({ allowed: true, reasons: [], nextAllowedAt: at });
  };

  describe('open incidents (DEPLOY_BLOCK_ON_OPEN_INCIDENT)', () => {
    it('a PagerDuty incident blocks while open: triggered, resolved, reopened (with its old endDate); never with the setting off', async () => {
      const service = svc('pd');
      const incident = `P${run.toUpperCase()}`;
      const send = async (i: number, fixture: string) => {
        const res = await postPagerDuty(apps[i].http, JSON.stringify(freshPagerDuty(`pagerduty/${fixture}.json`, incident, service)));
        expect({ fixture, status: res.status }).toEqual({ fixture, status: fixture === 'incident.triggered' ? 201 : 200 });
        return res;
      };
      await expectFree(0, service);

      const triggered = await send(1, 'incident.triggered');
      const id: string = triggered.body.eventId;
      const blocked = await check(0, service);
      expect(blocked).toEqual({
        allowed: false,
        reasons: [{ kind: 'incident', id, title: expect.any(String) }],
        nextAllowedAt: null,
      });
      // INCIDENT_ENVIRONMENT is 7 (default): another environment, and the instance with the setting off, are free.
      await expectFree(0, service, { environment: 6 });
      await expectFree(1, service);

      await send(0, 'incident.resolved');
      const resolved = (await http('GET', `${apps[0].http}${API}/event/${id}`)).body;
      expect(resolved.attributes.endDate).toBeTruthy();
      await expectFree(0, service);

      await send(1, 'incident.reopened');
      const reopened = (await http('GET', `${apps[1].http}${API}/event/${id}`)).body;
      // The reopened incident is Open (7) and keeps the endDate of its resolution: it still counts as open.
      expect(reopened.attributes).toMatchObject({ status: 7, endDate: resolved.attributes.endDate });
      const again = await check(0, service);
      expect(again).toMatchObject({ allowed: false, nextAllowedAt: null });
      expect(again.reasons).toEqual([expect.objectContaining({ kind: 'incident', id })]);
      await expectFree(1, service);
    });

    it('a firing Alertmanager alert blocks its service until it is resolved; never with the setting off', async () => {
      const service = svc('am');
      const prints = [fingerprint(), fingerprint()];
      const firing = freshAlerts('alertmanager/firing.json', prints, service);
      const fired = await postAlertmanager(apps[1].http, JSON.stringify(firing));
      expect(fired.status).toBe(200);
      expect(fired.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['recorded', 'recorded']);

      const blocked = await check(0, service);
      expect(blocked).toMatchObject({ allowed: false, nextAllowedAt: null });
      expect(kinds(blocked)).toEqual(['incident', 'incident']);
      await expectFree(1, service);

      // Resolve the first alert: the second still blocks; then the second.
      const resolve = (index: number) => {
        const body = freshAlerts('alertmanager/firing.json', prints, service);
        body.status = 'resolved';
        body.alerts = [body.alerts[index]];
        body.alerts[0].status = 'resolved';
        body.alerts[0].endsAt = new Date(Date.parse(body.alerts[0].startsAt) + 600_000).toISOString();
        return postAlertmanager(apps[index % 2].http, JSON.stringify(body));
      };
      expect((await resolve(0)).body.results.map((r: { result?: string }) => r.result)).toEqual(['updated']);
      const one = await check(0, service);
      expect(one).toMatchObject({ allowed: false, nextAllowedAt: null });
      expect(kinds(one)).toEqual(['incident']);
      expect((await resolve(1)).body.results.map((r: { result?: string }) => r.result)).toEqual(['updated']);
      await expectFree(0, service);
    });
  });

  it('the lock queue: a lease whose lock passes to a waiter has no end for others; the waiter sees the expiry, then holds it', async () => {
    const service = svc('lock');
    const held = await http('POST', `${apps[0].http}${API}/locks`, { body: { service, environment: 7, owner: 'A', ttlSeconds: 600 } });
    expect(held.status).toBe(201);
    const queued = await http('POST', `${apps[1].http}${API}/locks`, { body: { service, environment: 7, owner: 'B', wait: true } });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ queued: true, position: 1 });
    const ticketId: string = queued.body.ticketId;

    for (const i of [0, 1]) {
      // C: the lease ends, but the lock passes to B: no `until`, no next instant.
      const forC = await check(i, service, { owner: 'C' });
      expect(forC).toEqual({
        allowed: false,
        reasons: [{ kind: 'lock', id: held.body.id, title: expect.any(String) }],
        nextAllowedAt: null,
      });
      expect(forC.reasons[0].title).toContain('next in line: B');
      // Without an owner: the same.
      expect((await check(i, service)).nextAllowedAt).toBeNull();
      // B: first in line, the key frees for it when A's lease ends.
      const forB = await check(i, service, { owner: 'B' });
      expect(forB).toEqual({
        allowed: false,
        reasons: [{ kind: 'lock', id: held.body.id, title: expect.any(String), until: held.body.expiresAt }],
        nextAllowedAt: held.body.expiresAt,
      });
      // A: its own lock does not block it.
      expect((await check(i, service, { owner: 'A' })).allowed).toBe(true);
    }

    expect((await http('DELETE', `${apps[1].http}${API}/locks/${held.body.id}?owner=A`)).status).toBe(200);
    const now = await http('GET', `${apps[0].http}${API}/locks/${ticketId}`);
    expect(now).toMatchObject({ status: 200, body: { id: ticketId, owner: 'B' } });
    for (const i of [0, 1]) {
      await expectFree(i, service, { owner: 'B' });
      // Nobody waits any more: for C, B's lease ends when the key frees.
      expect(await check(i, service, { owner: 'C' })).toEqual({
        allowed: false,
        reasons: [{ kind: 'lock', id: ticketId, title: expect.any(String), until: now.body.expiresAt }],
        nextAllowedAt: now.body.expiresAt,
      });
    }
  });

  it("a lease that ran out with a waiter in line (hand-off not yet appended) still blocks others: the key is the waiter's", async () => {
    const service = svc('pending');
    const held = await http('POST', `${apps[0].http}${API}/locks`, { body: { service, environment: 7, owner: 'A', ttlSeconds: 10 } });
    expect(held.status).toBe(201);
    const queued = await http('POST', `${apps[1].http}${API}/locks`, {
      body: { service, environment: 7, owner: 'B', wait: true, waitSeconds: 120, ttlSeconds: 60 },
    });
    expect(queued.status).toBe(202);
    // The sweepers run every hour here (TTL_SWEEP_MS): nothing appends the hand-off while A's lease runs out.
    await eventually(async () => (await http('GET', `${apps[0].http}${API}/locks/${held.body.id}`)).status === 404, 20_000, 250);
    expect((await http('GET', `${apps[1].http}${API}/locks/queue?service=${service}&environment=7`)).body.holder).toBeUndefined();

    for (const i of [0, 1]) {
      // C: the key goes to B at the next append, for a lease that starts then: blocked, no known end.
      expect(await check(i, service, { owner: 'C' })).toEqual({
        allowed: false,
        reasons: [{ kind: 'lock', id: queued.body.ticketId, title: expect.any(String) }],
        nextAllowedAt: null,
      });
      // B: its turn.
      await expectFree(i, service, { owner: 'B' });
    }
    // As an acquisition by C finds it: refused, naming B's ticket as the holder.
    const intruder = await http('POST', `${apps[0].http}${API}/locks`, { body: { service, environment: 7, owner: 'C' } });
    expect(intruder.status).toBe(409);
    expect(intruder.body.holder).toMatchObject({ id: queued.body.ticketId, owner: 'B' });
    const handed = await http('GET', `${apps[1].http}${API}/locks/${queued.body.ticketId}`);
    expect(handed.status).toBe(200);
    expect(await check(1, service, { owner: 'C' })).toMatchObject({ allowed: false, nextAllowedAt: handed.body.expiresAt });
  });

  it('a freeze covering now: reason until its end, nextAllowedAt its end; a deployment Start is 409 frozen unless overridden', async () => {
    const service = svc('frozen');
    const start = Date.now() - 60_000;
    const freeze = await http('POST', `${apps[0].http}${API}/freezes`, {
      body: {
        name: 'Deploy freeze',
        services: [service],
        environments: [7],
        start: new Date(start).toISOString(),
        end: new Date(start + 3_600_000).toISOString(),
      },
    });
    expect(freeze.status).toBe(201);
    const end: string = freeze.body.end;

    for (const i of [0, 1]) {
      expect(await check(i, service)).toEqual({
        allowed: false,
        reasons: [{ kind: 'freeze', id: freeze.body.id, title: 'Deploy freeze', until: end }],
        nextAllowedAt: end,
      });
    }
    // Another environment, and the instant of its end, are free.
    await expectFree(0, service, { environment: 6 });
    expect((await check(1, service, { at: end })).allowed).toBe(true);

    // A lock ending within the freeze does not move nextAllowedAt; one ending after it does.
    const lock = await http('POST', `${apps[1].http}${API}/locks`, { body: { service, environment: 7, owner: 'A', ttlSeconds: 600 } });
    expect(lock.status).toBe(201);
    const both = await check(0, service);
    expect(kinds(both).sort()).toEqual(['freeze', 'lock']);
    expect(both.nextAllowedAt).toBe(end);
    expect((await http('DELETE', `${apps[0].http}${API}/locks/${lock.body.id}?owner=A`)).status).toBe(200);
    const longer = await http('POST', `${apps[0].http}${API}/locks`, { body: { service, environment: 7, owner: 'A', ttlSeconds: 7200 } });
    expect(longer.status).toBe(201);
    expect((await check(1, service)).nextAllowedAt).toBe(longer.body.expiresAt);
    expect((await http('DELETE', `${apps[1].http}${API}/locks/${longer.body.id}?owner=A`)).status).toBe(200);

    const body = { title: `Deploy ${service}`, attributes: { type: 1, service, status: 1, environment: 7, source: 'ci' } };
    const refused = await http('POST', `${apps[1].http}${API}/event`, { body });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:tracker:problems:frozen');
    expect(refused.body.freezes).toEqual([expect.objectContaining({ id: freeze.body.id, name: 'Deploy freeze' })]);

    const overridden = await http('POST', `${apps[0].http}${API}/event`, { body, headers: { 'x-freeze-override': 'hotfix INC-7' } });
    expect(overridden.status).toBe(200);
    expect(overridden.body.frozen).toBe(true);
    const stored = await http('GET', `${apps[1].http}${API}/event/${overridden.body.id}`);
    expect(stored.body.frozen).toBe(true);
    const log = (await http('GET', `${apps[1].http}${API}/event/${overridden.body.id}/changelog`)).body.changelog;
    expect(log.find((e: { field: string }) => e.field === 'freeze').new).toMatch(/^override: hotfix INC-7/);
  });
});
