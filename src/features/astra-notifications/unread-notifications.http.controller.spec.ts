import { randomUUID } from 'node:crypto';
import { expectAstraAuth, expectAstraMethodNotAllowed } from '../../../test/support/astra-routes';
import { expectAstraProblem } from '../../../test/support/astra-schema';
import { bearer } from '../../../test/support/auth';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { AstraNotificationsService } from './astra-notifications.service';
import { UnreadNotificationsHttpController } from './unread-notifications.http.controller';

const account = randomUUID();
const user = randomUUID();
const unreadId = randomUUID();
const BASES: Record<string, string> = {
  user: `/accounts/${account}/core/v1/users/${user}/unreadNotifications`,
  group: `/accounts/${account}/core/v1/groups/${randomUUID()}/users/${user}/unreadNotifications`,
};
const path = (base: string, item: boolean) => (item ? `${BASES[base]}/${unreadId}` : BASES[base]);

describe('UnreadNotificationsHttpController (U1-U3 and the group paths G1-G3)', () => {
  let app: ControllerApp;
  const service = stubOf<AstraNotificationsService, 'listUnread' | 'getUnread' | 'markRead'>('listUnread', 'getUnread', 'markRead');

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [UnreadNotificationsHttpController],
      providers: [{ provide: AstraNotificationsService, useValue: service }],
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    jest.resetAllMocks();
    service.listUnread.mockResolvedValue({ type: 'application/astra-unreadNotifications', version: '1.0', items: [], metadata: {} });
    service.getUnread.mockResolvedValue({ type: 'application/astra-unreadNotification', version: '1.0', id: unreadId } as never);
    service.markRead.mockResolvedValue(undefined);
  });

  it.each([
    ['GET', 'user', false, 200],
    ['GET', 'user', true, 200],
    ['DELETE', 'user', true, 204],
    ['GET', 'group', false, 200],
    ['GET', 'group', true, 200],
    ['DELETE', 'group', true, 204],
  ] as const)('%s on the %s path (item: %s): the auth table, then %d for every role', async (method, base, item, success) => {
    await expectAstraAuth((headers) => app.request(method, path(base, item), { headers }), { account, user, minRole: 'viewer' }, success);
  });

  it('hands the service the user of the path', async () => {
    await app.request('DELETE', path('group', true), { headers: bearer(account, 'viewer', { user }) });
    expect(service.markRead).toHaveBeenCalledWith(expect.objectContaining({ accountId: account, userId: user }), user, unreadId);
  });

  it('refuses a malformed group id with 400 problems/35 (after auth), before the service', async () => {
    const bad = `/accounts/${account}/core/v1/groups/bad/users/${user}/unreadNotifications`;
    expectAstraProblem(await app.request('GET', bad), 3);
    expectAstraProblem(await app.request('GET', bad, { headers: bearer(account, 'viewer', { user }) }), 35);
    expectAstraProblem(await app.request('DELETE', `${bad}/${unreadId}`, { headers: bearer(account, 'viewer', { user }) }), 35);
    expect(service.listUnread).not.toHaveBeenCalled();
    expect(service.markRead).not.toHaveBeenCalled();
  });

  it('answers in the media type asked for, 406 problems/32 for one it cannot serve', async () => {
    const typed = await app.request('GET', path('user', true), {
      headers: { ...bearer(account, 'viewer', { user }), accept: 'application/astra-unreadNotification+json' },
    });
    expect(typed.headers.get('content-type')).toMatch(/^application\/astra-unreadNotification\+json/i);
    expectAstraProblem(
      await app.request('GET', path('user', false), { headers: { ...bearer(account, 'viewer', { user }), accept: 'text/html' } }),
      32,
    );
  });

  it.each([
    ...['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].flatMap((m) => [
      [m, 'user', false, 'GET, HEAD'] as const,
      [m, 'group', false, 'GET, HEAD'] as const,
    ]),
    ...['POST', 'PUT', 'PATCH', 'OPTIONS'].flatMap((m) => [
      [m, 'user', true, 'GET, HEAD, DELETE'] as const,
      [m, 'group', true, 'GET, HEAD, DELETE'] as const,
    ]),
  ])('%s on the %s path (item: %s) is 405 problems/69 with Allow: %s', async (method, base, item, allow) => {
    await expectAstraMethodNotAllowed(
      (headers) => app.request(method, path(base, item), { headers }),
      bearer(account, 'owner', { user }),
      allow,
    );
  });
});
