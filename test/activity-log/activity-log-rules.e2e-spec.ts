import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { ActivityEventSweeper } from '../../src/features/activity-log/activity-event.sweeper';
import { ActivityLogHooks } from '../../src/features/activity-log/activity-log.hooks';
import { ActivityLogService } from '../../src/features/activity-log/activity-log.service';
import { systemScope } from '../../src/auth/account-scope';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem, expectAstraValid } from '../support/astra-schema';
import { createEvent, eventsUrl } from '../support/astra-events';
import { bearer } from '../support/auth';
import { eventually, http } from '../support/http';

const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;

describe('activity log rules: visibility, ttl expiry and sweeping, cleared conditions', () => {
  let app: TestApp;
  let store: Connection;
  const stored = (id: string) => store.collection('activity_events').countDocuments({ _id: id as never });

  beforeAll(async () => {
    app = await startTestApp({ env: { TTL_SWEEP_MS: '1000' } });
    store = app.tracker.app.get<Connection>(getConnectionToken());
  });
  afterAll(async () => {
    await app?.close();
  });

  it('visibility: absent or [] = every role; otherwise the listed roles and every higher role', async () => {
    const account = randomUUID();
    const cases: [string[] | undefined, (typeof ROLES)[number][]][] = [
      [undefined, ['viewer', 'member', 'admin', 'owner']],
      [[], ['viewer', 'member', 'admin', 'owner']],
      [['viewer'], ['viewer', 'member', 'admin', 'owner']],
      [['member'], ['member', 'admin', 'owner']],
      [['admin'], ['admin', 'owner']],
      [['owner'], ['owner']],
      [
        ['owner', 'member'],
        ['member', 'admin', 'owner'],
      ],
      [['auditor'], []],
    ];
    const created = [];
    for (const [visibility] of cases) created.push(await createEvent(app.http, account, visibility ? { visibility } : {}, 'owner'));
    expect(created[1].visibility).toBeUndefined();
    for (const role of ROLES) {
      const res = await http('GET', `${eventsUrl(app.http, account)}?orderBy=sequenceCount&count=true`, { headers: bearer(account, role) });
      expectAstraValid('event_1.4_list_response_body', res.body);
      const expected = created.filter((_, i) => cases[i][1].includes(role)).map((e) => e.id);
      expect({ role, ids: res.body.items.map((e: { id: string }) => e.id) }).toEqual({ role, ids: expected });
      expect(res.body.metadata.count).toBe(expected.length);
      for (const [i, e] of created.entries()) {
        const one = await http('GET', `${eventsUrl(app.http, account)}/${e.id}`, { headers: bearer(account, role) });
        if (cases[i][1].includes(role)) expect(one.status).toBe(200);
        else expectAstraProblem(one, 2);
      }
    }
  });

  it('ttl: the event vanishes from every read exactly at eventTime + ttl', async () => {
    const account = randomUUID();
    const url = eventsUrl(app.http, account);
    const t0 = Date.now();
    const expiresAt = t0 + 1500;
    const e = await createEvent(app.http, account, { eventTime: new Date(t0).toISOString(), data: { ttl: 1.5 } });
    const observations: { start: number; end: number; one: number; listed: boolean }[] = [];
    await eventually(
      async () => {
        const start = Date.now();
        const [one, page] = await Promise.all([
          http('GET', `${url}/${e.id}`, { headers: bearer(account, 'viewer') }),
          http('GET', `${url}?filter=id eq '${e.id}'`, { headers: bearer(account, 'viewer') }),
        ]);
        const end = Date.now();
        observations.push({ start, end, one: one.status, listed: page.body.items.length === 1 });
        return one.status === 404 && !page.body.items.length && end > expiresAt + 100;
      },
      10_000,
      20,
    );
    for (const o of observations) {
      if (o.end < expiresAt) expect(o).toMatchObject({ one: 200, listed: true });
      if (o.start >= expiresAt) expect(o).toMatchObject({ one: 404, listed: false });
    }
    expect(observations.some((o) => o.one === 200)).toBe(true);
    // Hidden at once, even before any sweep; still stored until the sweeper runs.
    const late = observations.find((o) => o.start >= expiresAt);
    expect(late && late.start - expiresAt).toBeLessThan(200);
  });

  it('an already-expired event is created but never readable; ttl 0 or absent never expires', async () => {
    const account = randomUUID();
    const past = new Date(Date.now() - 60_000).toISOString();
    const gone = await createEvent(app.http, account, { eventTime: past, data: { ttl: 30 } });
    const kept = await createEvent(app.http, account, { eventTime: '2001-01-01T00:00:00Z', data: { ttl: 0 } });
    expectAstraProblem(await http('GET', `${eventsUrl(app.http, account)}/${gone.id}`, { headers: bearer(account, 'owner') }), 2);
    expect((await http('GET', `${eventsUrl(app.http, account)}/${kept.id}`, { headers: bearer(account, 'owner') })).status).toBe(200);
  });

  it('the sweeper deletes expired events (on its interval), calls the hooks first, and never reuses their numbers', async () => {
    const account = randomUUID();
    const calls: { accountId: string; ids: string[]; storedAtCall: number }[] = [];
    app.tracker.app.get(ActivityLogHooks).register({
      onEventsExpired: async (accountId, ids) => {
        if (accountId === account)
          calls.push({
            accountId,
            ids,
            storedAtCall: await store.collection('activity_events').countDocuments({ _id: { $in: ids as never[] } }),
          });
      },
    });
    const keep = await createEvent(app.http, account, { summary: 'Keeps living' });
    const t0 = Date.now();
    const doomed = [
      await createEvent(app.http, account, { eventTime: new Date(t0).toISOString(), data: { ttl: 1 } }),
      await createEvent(app.http, account, { eventTime: new Date(t0).toISOString(), data: { ttl: 1 } }),
    ];
    expect(doomed.map((d) => d.sequenceCount)).toEqual([2, 3]);
    // Hidden at t0 + 1 s; the 1 s interval sweeper deletes them soon after.
    await eventually(async () => (await stored(doomed[0].id)) === 0 && (await stored(doomed[1].id)) === 0, 10_000);
    expect(await stored(keep.id)).toBe(1);
    const call = calls.find((c) => c.ids.includes(doomed[0].id));
    expect(call?.ids.sort()).toEqual(doomed.map((d) => d.id).sort());
    expect(call?.storedAtCall).toBe(2);

    // A fresh instance (no cached counter) must continue after the swept numbers, not reuse them.
    const fresh = await startTestApp({ database: app.database });
    try {
      expect((await createEvent(fresh.http, account)).sequenceCount).toBe(4);
    } finally {
      await fresh.close();
    }
    // A manual sweep (what the interval runs) finds nothing left of this account and keeps the live event.
    await app.tracker.app.get(ActivityEventSweeper).sweepOnce();
    expect(await stored(keep.id)).toBe(1);
  });

  it('cleared: a cleared event with the same summary and correlationID clears the earlier ones', async () => {
    const account = randomUUID();
    const corr = randomUUID();
    const raised = await createEvent(app.http, account, {
      correlationID: corr,
      summary: 'Disk full',
      severity: 'critical',
      destinations: ['banner'],
    });
    const other = await createEvent(app.http, account, { correlationID: corr, summary: 'Other condition', severity: 'warning' });
    const unrelated = await createEvent(app.http, account, { summary: 'Disk full', severity: 'critical' });
    const clear = await createEvent(app.http, account, {
      correlationID: corr,
      summary: 'Disk full',
      severity: 'cleared',
      visibility: ['owner'],
    });
    const again = await createEvent(app.http, account, { correlationID: corr, summary: 'Disk full', severity: 'critical' });
    const service = app.tracker.app.get(ActivityLogService);
    const cleared = await service.clearedIds(systemScope(account), [raised, other, unrelated, clear, again] as never);
    expect([...cleared].sort()).toEqual([raised.id, clear.id].sort());
    expect(await service.isCleared(systemScope(account), raised as never)).toBe(true);
    expect(await service.isCleared(systemScope(account), again as never)).toBe(false);
  });
});
