import { randomUUID } from 'node:crypto';
import { expectAstraAuth, expectAstraMethodNotAllowed } from '../../../test/support/astra-routes';
import { expectAstraProblem } from '../../../test/support/astra-schema';
import { bearer } from '../../../test/support/auth';
import { ControllerApp, startControllerApp, stubOf } from '../../../test/support/controller-app';
import { BannersHttpController } from './banners.http.controller';
import { BannersService } from './banners.service';

const account = randomUUID();
const user = randomUUID();
const bannerId = randomUUID();
const base = `/accounts/${account}/core/v1`;
const PATHS: Record<string, string> = {
  banners: `${base}/banners`,
  'users/{user}/banners': `${base}/users/${user}/banners`,
  'users/{user}/banners/{id}': `${base}/users/${user}/banners/${bannerId}`,
};

describe('BannersHttpController (extension)', () => {
  let app: ControllerApp;
  const service = stubOf<BannersService, 'list' | 'dismiss'>('list', 'dismiss');

  beforeAll(async () => {
    app = await startControllerApp({ controllers: [BannersHttpController], providers: [{ provide: BannersService, useValue: service }] });
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    jest.resetAllMocks();
    service.list.mockResolvedValue({ type: 'application/astra-banners', version: '1.0', items: [], metadata: {} });
    service.dismiss.mockResolvedValue(undefined);
  });

  it.each([
    ['GET', 'banners', 200],
    ['GET', 'users/{user}/banners', 200],
    ['DELETE', 'users/{user}/banners/{id}', 204],
  ] as const)('%s %s: the auth table, then %d for every role', async (method, target, success) => {
    await expectAstraAuth((headers) => app.request(method, PATHS[target], { headers }), { account, user, minRole: 'viewer' }, success);
  });

  it("lists the account's banners, or one user's view of them", async () => {
    await app.request('GET', `${PATHS.banners}?count=true`, { headers: bearer(account, 'viewer', { user }) });
    await app.request('GET', PATHS['users/{user}/banners'], { headers: bearer(account, 'viewer', { user }) });
    expect(service.list.mock.calls.map(([, query, forUser]) => [query, forUser])).toEqual([
      [{ count: 'true' }, undefined],
      [{}, user],
    ]);
    expectAstraProblem(await app.request('GET', PATHS.banners, { headers: { ...bearer(account, 'viewer'), accept: 'text/html' } }), 32);
  });

  it.each([
    ['POST', 'banners', 'GET, HEAD'],
    ['PUT', 'banners', 'GET, HEAD'],
    ['PATCH', 'banners', 'GET, HEAD'],
    ['DELETE', 'banners', 'GET, HEAD'],
    ['POST', 'users/{user}/banners', 'GET, HEAD'],
    ['PUT', 'users/{user}/banners', 'GET, HEAD'],
    ['DELETE', 'users/{user}/banners', 'GET, HEAD'],
    ['GET', 'users/{user}/banners/{id}', 'DELETE'],
    ['PUT', 'users/{user}/banners/{id}', 'DELETE'],
    ['POST', 'users/{user}/banners/{id}', 'DELETE'],
  ])('%s %s is 405 problems/69 with Allow: %s', async (method, target, allow) => {
    await expectAstraMethodNotAllowed(
      (headers) => app.request(method, PATHS[target], { headers }),
      bearer(account, 'owner', { user }),
      allow,
    );
  });
});
