import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem, expectAstraValid } from '../support/astra-schema';
import { createEvent } from '../support/astra-events';
import { mintToken } from '../support/auth';
import { eventually, http } from '../support/http';
import type { Role } from '../../src/auth/roles';

/**
 * Banners have no published schema: a banner is the event's fields under type application/astra-banner,
 * version 1.0 and its own id, so it is checked as an event_1.4 once type and version are swapped back.
 */
function expectBannerList(body: any): void {
  expect(body).toMatchObject({ type: 'application/astra-banners', version: '1.0' });
  for (const item of body.items) if (!Array.isArray(item)) expect(item).toMatchObject({ type: 'application/astra-banner', version: '1.0' });
  const asEvents = {
    ...body,
    type: 'application/astra-events',
    version: '1.4',
    items: body.items.map((i: any) => (Array.isArray(i) ? i : { ...i, type: 'application/astra-event', version: '1.4' })),
  };
  expectAstraValid('event_1.4_list_response_body', asEvents);
}

describe('banners (extension) and the ttl cascade', () => {
  let app: TestApp;
  let store: Connection;
  const base = (account: string) => `${app.http}/accounts/${account}/core/v1`;
  const as = (account: string, role: Role, user = randomUUID()) => ({
    authorization: `Bearer ${mintToken({ [account]: role }, { user })}`,
  });
  async function banners(url: string, headers: Record<string, string>) {
    const res = await http('GET', url, { headers });
    expect(res.status).toBe(200);
    expectBannerList(res.body);
    return res.body as { items: any[]; metadata: { count?: number; continue?: string } };
  }

  beforeAll(async () => {
    app = await startTestApp({ env: { TTL_SWEEP_MS: '1000' } });
    store = app.tracker.app.get<Connection>(getConnectionToken());
  });
  afterAll(async () => {
    await app?.close();
  });

  it('active banners: the banner destination, visibility, until a matching cleared event', async () => {
    const account = randomUUID();
    const viewer = as(account, 'viewer');
    const license = await createEvent(app.http, account, {
      destinations: ['banner'],
      summary: 'License Expiring',
      severity: 'warning',
      descriptionURL: 'https://docs.example/license',
      correctiveActionURL: '/settings/license',
      data: { isAcknowledgeable: 'false' },
    });
    const adminOnly = await createEvent(app.http, account, { destinations: ['banner'], visibility: ['admin'] });
    await createEvent(app.http, account, { destinations: ['notification'] });

    const list = await banners(`${base(account)}/banners?count=true`, viewer);
    expect(list.metadata.count).toBe(1);
    const banner = list.items[0];
    expect(banner.id).not.toBe(license.id);
    expect(banner).toMatchObject({
      summary: 'License Expiring',
      correlationID: license.correlationID,
      descriptionURL: 'https://docs.example/license',
      correctiveActionURL: '/settings/license',
      data: { isAcknowledgeable: 'false' },
    });
    expect((await banners(`${base(account)}/banners?count=true`, as(account, 'admin'))).metadata.count).toBe(2);

    // A cleared event with the same summary but another correlationID clears nothing; the matching one does.
    await createEvent(app.http, account, { summary: 'License Expiring', severity: 'cleared' });
    expect((await banners(`${base(account)}/banners?count=true`, viewer)).metadata.count).toBe(1);
    await createEvent(app.http, account, {
      summary: 'License Expiring',
      correlationID: license.correlationID,
      severity: 'cleared',
      destinations: ['banner'],
    });
    const afterClear = await banners(`${base(account)}/banners?count=true`, as(account, 'owner'));
    // The cleared event itself is no banner either; the admin-only one stays.
    expect(afterClear.items.map((b) => b.correlationID)).toEqual([adminOnly.correlationID]);
    expect(afterClear.metadata.count).toBe(1);
  });

  it('dismissal: 204 for an acknowledgeable banner (then gone for that user only); 403 problems/11 otherwise', async () => {
    const account = randomUUID();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const aliceH = as(account, 'member', alice);
    const bobH = as(account, 'member', bob);
    await createEvent(app.http, account, { destinations: ['banner'], summary: 'Dismiss Me', data: { isAcknowledgeable: 'true' } });
    await createEvent(app.http, account, { destinations: ['banner'], summary: 'Keep Me', data: { isAcknowledgeable: 'false' } });
    await createEvent(app.http, account, { destinations: ['banner'], summary: 'Keep Me Too' });
    const mine = await banners(`${base(account)}/users/${alice}/banners?orderBy=summary`, aliceH);
    expect(mine.items.map((b) => b.summary)).toEqual(['Dismiss Me', 'Keep Me', 'Keep Me Too']);
    const [dismissable, kept, keptToo] = mine.items;

    expectAstraProblem(await http('DELETE', `${base(account)}/users/${alice}/banners/${kept.id}`, { headers: aliceH }), 11);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${alice}/banners/${keptToo.id}`, { headers: aliceH }), 11);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${bob}/banners/${dismissable.id}`, { headers: aliceH }), 11);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${alice}/banners/${randomUUID()}`, { headers: aliceH }), 1);
    expectAstraProblem(await http('GET', `${base(account)}/users/${bob}/banners`, { headers: aliceH }), 11);

    const del = await http('DELETE', `${base(account)}/users/${alice}/banners/${dismissable.id}`, { headers: aliceH });
    expect(del.status).toBe(204);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${alice}/banners/${dismissable.id}`, { headers: aliceH }), 1);
    expect((await banners(`${base(account)}/users/${alice}/banners?orderBy=summary`, aliceH)).items.map((b) => b.summary)).toEqual([
      'Keep Me',
      'Keep Me Too',
    ]);
    expect((await banners(`${base(account)}/users/${bob}/banners?count=true`, bobH)).metadata.count).toBe(3);
    // The account-wide list is not per user.
    expect((await banners(`${base(account)}/banners?count=true`, aliceH)).metadata.count).toBe(3);

    // keyset walk over a user's list
    const seen: string[] = [];
    let cont = '';
    do {
      const page = await banners(`${base(account)}/users/${bob}/banners?limit=2&continue=${encodeURIComponent(cont)}`, bobH);
      seen.push(...page.items.map((b) => b.id));
      cont = page.metadata.continue ?? '';
    } while (cont);
    expect(seen.sort()).toEqual(mine.items.map((b) => b.id).sort());
  });

  it('the extension is documented in the Swagger document', async () => {
    const doc = (await http('GET', `${app.http}/docs-json`)).body;
    const paths = Object.keys(doc.paths);
    for (const p of [
      'banners',
      'users/{user_id}/banners',
      'users/{user_id}/banners/{banner_id}',
      'notifications',
      'users/{user_id}/unreadNotifications/{unreadNotification_id}',
    ]) {
      expect(paths).toContain(`/accounts/{account_id}/core/v1/${p}`);
    }
    expect(doc.paths['/accounts/{account_id}/core/v1/users/{user_id}/banners/{banner_id}'].delete.description).toMatch(/isAcknowledgeable/);
  });

  it('ttl: notification, unread notification and banner go at eventTime + ttl; the sweep deletes their marks', async () => {
    const account = randomUUID();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const aliceH = as(account, 'member', alice);
    const bobH = as(account, 'member', bob);
    const t0 = Date.now();
    const ttl = 4;
    const expiring = await createEvent(app.http, account, {
      eventTime: new Date(t0).toISOString(),
      destinations: ['notification', 'banner'],
      data: { ttl, isAcknowledgeable: 'true' },
    });
    const lasting = await createEvent(app.http, account, { destinations: ['notification', 'banner'], data: { isAcknowledgeable: 'true' } });

    const notifications = (await http('GET', `${base(account)}/notifications?count=true`, { headers: aliceH })).body;
    expect(notifications.metadata.count).toBe(2);
    const aliceUnread = (
      await http('GET', `${base(account)}/users/${alice}/unreadNotifications?orderBy=sequenceCount`, { headers: aliceH })
    ).body.items;
    const bobUnread = (await http('GET', `${base(account)}/users/${bob}/unreadNotifications?orderBy=sequenceCount`, { headers: bobH })).body
      .items;
    const aliceBanners = (await http('GET', `${base(account)}/users/${alice}/banners?orderBy=sequenceCount`, { headers: aliceH })).body
      .items;
    // alice reads and dismisses both; bob leaves them unread
    for (const u of aliceUnread)
      expect((await http('DELETE', `${base(account)}/users/${alice}/unreadNotifications/${u.id}`, { headers: aliceH })).status).toBe(204);
    for (const b of aliceBanners)
      expect((await http('DELETE', `${base(account)}/users/${alice}/banners/${b.id}`, { headers: aliceH })).status).toBe(204);
    const marks = (eventID: string) =>
      Promise.all([
        store.collection('notification_read_marks').countDocuments({ eventID }),
        store.collection('banner_dismissals').countDocuments({ eventID }),
      ]);
    expect(await marks(expiring.id)).toEqual([1, 1]);
    expect(Date.now()).toBeLessThan(t0 + ttl * 1000);

    // Gone from every read at eventTime + ttl, whether or not the sweeper has run: polled until it goes, never before.
    const expiredNotification = notifications.items.find((n: { sequenceCount: number }) => n.sequenceCount === expiring.sequenceCount);
    const expired = await eventually(
      async () => {
        const res = await http('GET', `${base(account)}/notifications/${expiredNotification.id}`, { headers: aliceH });
        return res.status !== 200 && res;
      },
      ttl * 1000 + 10_000,
      50,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(t0 + ttl * 1000);
    expectAstraProblem(expired, 1);
    const n = (await http('GET', `${base(account)}/notifications`, { headers: bobH })).body;
    expectAstraValid('notification_1.3_list_response_body', n);
    expect(n.items.map((i: { sequenceCount: number }) => i.sequenceCount)).toEqual([lasting.sequenceCount]);
    const u = (await http('GET', `${base(account)}/users/${bob}/unreadNotifications?count=true`, { headers: bobH })).body;
    expectAstraValid('unreadNotification_1.0_list_response_body', u);
    expect(u.items.map((i: { sequenceCount: number }) => i.sequenceCount)).toEqual([lasting.sequenceCount]);
    expect(u.metadata.count).toBe(1);
    expectAstraProblem(await http('GET', `${base(account)}/users/${bob}/unreadNotifications/${bobUnread[0].id}`, { headers: bobH }), 1);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${bob}/unreadNotifications/${bobUnread[0].id}`, { headers: bobH }), 1);
    const b = await banners(`${base(account)}/banners?count=true`, bobH);
    expect(b.items.map((i) => i.sequenceCount)).toEqual([lasting.sequenceCount]);

    // The interval sweeper deletes the event; its hook deleted the marks first. The lasting event's stay.
    await eventually(async () => (await store.collection('activity_events').countDocuments({ _id: expiring.id as never })) === 0, 15_000);
    expect(await marks(expiring.id)).toEqual([0, 0]);
    expect(await marks(lasting.id)).toEqual([1, 1]);
    expect(
      (await http('GET', `${base(account)}/users/${alice}/unreadNotifications?count=true`, { headers: aliceH })).body.metadata.count,
    ).toBe(0);
  });
});
