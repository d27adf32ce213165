import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem, expectAstraValid } from '../support/astra-schema';
import { createEvent } from '../support/astra-events';
import { mintToken } from '../support/auth';
import { http } from '../support/http';
import type { Role } from '../../src/auth/roles';

const ROLES: Role[] = ['viewer', 'member', 'admin', 'owner'];

describe('Astra notifications and unread notifications (REST)', () => {
  let app: TestApp;
  const base = (account: string) => `${app.http}/accounts/${account}/core/v1`;
  const as = (account: string, role: Role, user = randomUUID()) => ({
    authorization: `Bearer ${mintToken({ [account]: role }, { user })}`,
  });

  /** GET with the published schema checked on every 200 answer. */
  async function get(url: string, headers: Record<string, string>, schema: string) {
    const res = await http('GET', url, { headers });
    if (res.status === 200) expectAstraValid(schema, res.body);
    return res;
  }
  const listNotifications = (account: string, headers: Record<string, string>, query = '') =>
    get(`${base(account)}/notifications${query}`, headers, 'notification_1.3_list_response_body');
  const listUnread = (account: string, user: string, headers: Record<string, string>, query = '') =>
    get(`${base(account)}/users/${user}/unreadNotifications${query}`, headers, 'unreadNotification_1.0_list_response_body');

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('an event with the notification destination is a notification (own id, the event fields); others are not', async () => {
    const account = randomUUID();
    const viewer = as(account, 'viewer');
    const noted = await createEvent(app.http, account, {
      destinations: ['notification', 'banner'],
      descriptionURL: 'https://docs.example/x',
      data: { isAcknowledgeable: 'true' },
    });
    await createEvent(app.http, account, { destinations: ['banner'] });
    await createEvent(app.http, account, {});

    const list = await listNotifications(account, viewer, '?count=true');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/^application\/json/);
    expect(list.body).toMatchObject({ type: 'application/astra-notifications', version: '1.3', metadata: { count: 1 } });
    expect(list.body.items).toHaveLength(1);
    const n = list.body.items[0];
    expect(n.id).not.toBe(noted.id);
    const { type: _t, version: _v, id: _i, ...eventFields } = noted;
    expect(n).toEqual({ type: 'application/astra-notification', version: '1.3', id: n.id, ...eventFields });

    const one = await get(`${base(account)}/notifications/${n.id}`, viewer, 'notification_1.3_get_response_body');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(n);
    const typed = await http('GET', `${base(account)}/notifications/${n.id}`, {
      headers: { ...viewer, accept: 'application/astra-notification+json' },
    });
    expect(typed.headers.get('content-type')).toMatch(/^application\/astra-notification\+json/);

    // The event id itself names no notification, and an event without the destination has none.
    expectAstraProblem(await http('GET', `${base(account)}/notifications/${noted.id}`, { headers: viewer }), 1);
    expectAstraProblem(await http('GET', `${base(account)}/notifications/${randomUUID()}`, { headers: viewer }), 1);
    expectAstraProblem(await http('GET', `${base(account)}/notifications/not-a-uuid`, { headers: viewer }), 35);

    // include and filter by the notification's own id
    const picked = await listNotifications(account, viewer, `?include=id,summary&filter=${encodeURIComponent(`id eq '${n.id}'`)}`);
    expect(picked.body.items).toEqual([[n.id, noted.summary]]);
    const none = await listNotifications(account, viewer, `?filter=${encodeURIComponent(`id eq '${noted.id}'`)}`);
    expect(none.body.items).toEqual([]);
    expectAstraProblem(await http('GET', `${base(account)}/notifications?orderBy=id`, { headers: viewer }), 5);
    expectAstraProblem(
      await http('GET', `${base(account)}/notifications?filter=${encodeURIComponent("id in 'a'")}`, { headers: viewer }),
      5,
    );
  });

  it('visibility per role, as for events (hidden = 404 problems/1)', async () => {
    const account = randomUUID();
    const visibilities: (string[] | undefined)[] = [undefined, ['member'], ['admin'], ['owner']];
    const created = [];
    for (const visibility of visibilities)
      created.push(
        await createEvent(app.http, account, { destinations: ['notification'], ...(visibility ? { visibility } : {}) }, 'owner'),
      );
    for (const [r, role] of ROLES.entries()) {
      const headers = as(account, role);
      const list = await listNotifications(account, headers, '?orderBy=sequenceCount&count=true');
      const expected = created.filter((_, i) => i <= r).map((e) => e.sequenceCount);
      expect({ role, seq: list.body.items.map((i: { sequenceCount: number }) => i.sequenceCount) }).toEqual({ role, seq: expected });
      expect(list.body.metadata.count).toBe(expected.length);
      // Each created event's notification: visible or 404 problems/1
      const ids = (await listNotifications(account, as(account, 'owner'), '?orderBy=sequenceCount')).body.items.map(
        (i: { id: string }) => i.id,
      );
      for (const [i, id] of ids.entries()) {
        const res = await http('GET', `${base(account)}/notifications/${id}`, { headers });
        if (i <= r) expect(res.status).toBe(200);
        else expectAstraProblem(res, 1);
      }
    }
  });

  it('auth: 401 problems/3 and /4, 403 problems/11 for an account not in the token, 400 problems/33', async () => {
    const account = randomUUID();
    expectAstraProblem(await http('GET', `${base(account)}/notifications`), 3);
    expectAstraProblem(await http('GET', `${base(account)}/notifications`, { headers: { authorization: 'Bearer not.a.jwt' } }), 4);
    expectAstraProblem(await http('GET', `${base(account)}/notifications`, { headers: as(randomUUID(), 'owner') }), 11);
    expectAstraProblem(await http('GET', `${app.http}/accounts/nope/core/v1/notifications`, { headers: as(account, 'owner') }), 33);
    const user = randomUUID();
    expectAstraProblem(await http('GET', `${base(account)}/users/${user}/unreadNotifications`), 3);
  });

  it('unread per user: everything visible is unread until that user marks it read; count=true is the unread count', async () => {
    const account = randomUUID();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const aliceH = as(account, 'member', alice);
    const bobH = as(account, 'viewer', bob);
    const events = [];
    for (let i = 0; i < 3; i++)
      events.push(await createEvent(app.http, account, { destinations: ['notification'], severity: i === 0 ? 'critical' : 'warning' }));
    await createEvent(app.http, account, { destinations: ['notification'], visibility: ['admin'] }); // nobody here sees it
    await createEvent(app.http, account, {}); // not a notification

    const aliceList = await listUnread(account, alice, aliceH, '?count=true');
    expect(aliceList.status).toBe(200);
    expect(aliceList.body).toMatchObject({ type: 'application/astra-unreadNotifications', version: '1.0', metadata: { count: 3 } });
    // newest first (sequenceCount desc); each names its notification
    expect(aliceList.body.items.map((u: { sequenceCount: number }) => u.sequenceCount)).toEqual(
      events.map((e) => e.sequenceCount).reverse(),
    );
    const notifications = (await listNotifications(account, aliceH, '?orderBy=sequenceCount%20desc')).body.items;
    expect(aliceList.body.items.map((u: { notificationID: string }) => u.notificationID)).toEqual(
      notifications.map((n: { id: string }) => n.id),
    );
    const target = aliceList.body.items[2];
    expect(target).toMatchObject({
      type: 'application/astra-unreadNotification',
      version: '1.0',
      severity: 'critical',
      sequenceCount: events[0].sequenceCount,
    });
    expect(target.metadata.createdBy).toBe('00000000-0000-0000-0000-000000000000');

    const bobList = await listUnread(account, bob, bobH, '?count=true');
    // Different per user: bob's unread ids for the same notifications differ from alice's
    const bobIds = bobList.body.items.map((u: { id: string }) => u.id);
    for (const u of aliceList.body.items) expect(bobIds).not.toContain(u.id);

    const url = `${base(account)}/users/${alice}/unreadNotifications/${target.id}`;
    const one = await get(url, aliceH, 'unreadNotification_1.0_get_response_body');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(target);
    const typed = await http('GET', url, { headers: { ...aliceH, accept: 'application/astra-unreadNotification+json' } });
    expect(typed.headers.get('content-type')).toMatch(/^application\/astra-unreadNotification\+json/i);

    // Mark read: 204 and no body; then gone for alice only.
    const del = await http('DELETE', url, { headers: aliceH });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectAstraProblem(await http('GET', url, { headers: aliceH }), 1);
    expectAstraProblem(await http('DELETE', url, { headers: aliceH }), 1);
    const after = await listUnread(account, alice, aliceH, '?count=true');
    expect(after.body.metadata.count).toBe(2);
    expect(after.body.items.map((u: { id: string }) => u.id)).not.toContain(target.id);
    expect((await listUnread(account, bob, bobH, '?count=true')).body.metadata.count).toBe(3);
    // The notification itself stays.
    expect((await listNotifications(account, aliceH, '?count=true')).body.metadata.count).toBe(3);

    // filters on the unread resource, include, and a keyset walk over the unread set
    const crit = await listUnread(
      account,
      bob,
      bobH,
      `?filter=${encodeURIComponent("severity eq 'critical'")}&include=notificationID,sequenceCount`,
    );
    expect(crit.body.items).toEqual([[target.notificationID, events[0].sequenceCount]]);
    const byNotification = await listUnread(
      account,
      bob,
      bobH,
      `?filter=${encodeURIComponent(`notificationID eq '${target.notificationID}'`)}`,
    );
    expect(byNotification.body.items).toHaveLength(1);
    const seen: string[] = [];
    let cont = '';
    do {
      const page = await listUnread(account, bob, bobH, `?limit=1&continue=${encodeURIComponent(cont)}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u: { id: string }) => u.id));
      cont = page.body.metadata.continue ?? '';
    } while (cont);
    expect(seen).toEqual(bobIds);
  });

  it("another user's unread path is 403 problems/11; unknown ids 404 problems/1; malformed 400 problems/35", async () => {
    const account = randomUUID();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const aliceH = as(account, 'owner', alice);
    await createEvent(app.http, account, { destinations: ['notification'] });
    const bobUnread = (await listUnread(account, bob, as(account, 'viewer', bob))).body.items[0];
    expectAstraProblem(await http('GET', `${base(account)}/users/${bob}/unreadNotifications`, { headers: aliceH }), 11);
    expectAstraProblem(await http('GET', `${base(account)}/users/${bob}/unreadNotifications/${bobUnread.id}`, { headers: aliceH }), 11);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${bob}/unreadNotifications/${bobUnread.id}`, { headers: aliceH }), 11);
    // bob's unread id under alice's own path names nothing of hers
    expectAstraProblem(await http('GET', `${base(account)}/users/${alice}/unreadNotifications/${bobUnread.id}`, { headers: aliceH }), 1);
    expectAstraProblem(await http('DELETE', `${base(account)}/users/${alice}/unreadNotifications/${randomUUID()}`, { headers: aliceH }), 1);
    expectAstraProblem(await http('GET', `${base(account)}/users/${alice}/unreadNotifications/nope`, { headers: aliceH }), 35);
    // bob's unread state is untouched
    expect((await listUnread(account, bob, as(account, 'viewer', bob), '?count=true')).body.metadata.count).toBe(1);
  });

  it('group paths (G1-G3) act like U1-U3; other methods are 405 problems/69', async () => {
    const account = randomUUID();
    const user = randomUUID();
    const headers = as(account, 'member', user);
    await createEvent(app.http, account, { destinations: ['notification'] });
    const group = `${base(account)}/groups/${randomUUID()}/users/${user}/unreadNotifications`;
    const list = await get(`${group}?count=true`, headers, 'unreadNotification_1.0_list_response_body');
    expect(list.body.metadata.count).toBe(1);
    const id = list.body.items[0].id;
    expect((await get(`${group}/${id}`, headers, 'unreadNotification_1.0_get_response_body')).status).toBe(200);
    expect((await http('DELETE', `${group}/${id}`, { headers })).status).toBe(204);
    expect((await listUnread(account, user, headers, '?count=true')).body.metadata.count).toBe(0);
    expectAstraProblem(await http('GET', `${base(account)}/groups/bad/users/${user}/unreadNotifications`, { headers }), 35);

    for (const [method, url, allow] of [
      ['POST', `${base(account)}/notifications`, 'GET, HEAD'],
      ['PUT', `${base(account)}/notifications/${randomUUID()}`, 'GET, HEAD'],
      ['DELETE', `${base(account)}/notifications/${randomUUID()}`, 'GET, HEAD'],
      ['OPTIONS', `${base(account)}/notifications`, 'GET, HEAD'],
      ['POST', `${base(account)}/users/${user}/unreadNotifications`, 'GET, HEAD'],
      ['DELETE', `${group}`, 'GET, HEAD'],
      ['PUT', `${base(account)}/users/${user}/unreadNotifications/${id}`, 'GET, HEAD, DELETE'],
      ['PATCH', `${group}/${id}`, 'GET, HEAD, DELETE'],
      ['POST', `${base(account)}/banners`, 'GET, HEAD'],
      ['DELETE', `${base(account)}/users/${user}/banners`, 'GET, HEAD'],
      ['GET', `${base(account)}/users/${user}/banners/${randomUUID()}`, 'DELETE'],
      ['PATCH', `${base(account)}/users/${user}/banners/${randomUUID()}`, 'DELETE'],
    ]) {
      const res = await http(method, url, { headers });
      expectAstraProblem(res, 69);
      expect({ method, url, allow: res.headers.get('allow') }).toEqual({ method, url, allow });
      // whoever asks: no token needed to learn which methods exist
      const anonymous = await http(method, url);
      expect({ method, url, status: anonymous.status, allow: anonymous.headers.get('allow') }).toEqual({ method, url, status: 405, allow });
    }
  });
});
