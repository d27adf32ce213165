import { randomUUID } from 'node:crypto';
import { expectAstraAuth, expectAstraMethodNotAllowed } from '../../../test/support/astra-routes';
import { expectAstraProblem } from '../../../test/support/astra-schema';
import { bearer } from '../../../test/support/auth';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { AstraNotificationsService } from './astra-notifications.service';
import { AstraNotificationsHttpController } from './notifications.http.controller';

const account = randomUUID();
const user = randomUUID();
const notificationId = randomUUID();
const url = `/accounts/${account}/core/v1/notifications`;
const itemUrl = `${url}/${notificationId}`;
const path = (target: string) => (target === 'notifications' ? url : itemUrl);

describe('AstraNotificationsHttpController', () => {
  let app: ControllerApp;
  const service = stubOf<AstraNotificationsService, 'list' | 'get'>('list', 'get');

  beforeAll(async () => {
    app = await startControllerApp({
      controllers: [AstraNotificationsHttpController],
      providers: [{ provide: AstraNotificationsService, useValue: service }],
    });
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    jest.resetAllMocks();
    service.list.mockResolvedValue({ type: 'application/astra-notifications', version: '1.3', items: [], metadata: {} });
    service.get.mockResolvedValue({ type: 'application/astra-notification', version: '1.3', id: notificationId } as never);
  });

  it.each(['notifications', 'notifications/{id}'])('GET %s: the auth table, then 200 for every role', async (target) => {
    await expectAstraAuth((headers) => app.request('GET', path(target), { headers }), { account, user, minRole: 'viewer' }, 200);
  });

  it('answers in the media type asked for, 406 problems/32 for one it cannot serve', async () => {
    const typed = await app.request('GET', itemUrl, {
      headers: { ...bearer(account, 'viewer'), accept: 'application/astra-notification+json' },
    });
    expect(typed.headers.get('content-type')).toMatch(/^application\/astra-notification\+json/);
    expectAstraProblem(await app.request('GET', url, { headers: { ...bearer(account, 'viewer'), accept: 'text/html' } }), 32);
  });

  it.each([
    ['POST', 'notifications'],
    ['PUT', 'notifications'],
    ['PATCH', 'notifications'],
    ['DELETE', 'notifications'],
    ['OPTIONS', 'notifications'],
    ['POST', 'notifications/{id}'],
    ['PUT', 'notifications/{id}'],
    ['PATCH', 'notifications/{id}'],
    ['DELETE', 'notifications/{id}'],
    ['OPTIONS', 'notifications/{id}'],
  ])('%s %s is 405 problems/69 with Allow: GET, HEAD', async (method, target) => {
    await expectAstraMethodNotAllowed((headers) => app.request(method, path(target), { headers }), bearer(account, 'owner'), 'GET, HEAD');
  });
});
