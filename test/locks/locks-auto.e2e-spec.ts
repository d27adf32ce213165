import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { CURL, githubActionsCurl, GRPCURL_EXAMPLES, jenkinsCurl, runCurl, runGrpcurl } from '../support/tracker-event-examples';

/*
 * AUTO_LOCK=on: a Start (1) of a deployment (1) or operation (2) tracker event takes its service's lock in that
 * environment (owner: attributes.owner, else source, else "tracker"); another owner's Start is refused with 409 /
 * ALREADY_EXISTS and nothing is stored; Success, Failure, Error, Close or Done releases it, and so does deleting
 * the event. The guide's examples
 * work as written in this mode too (with AUTO_LOCK=off, the default, every other tracker-events spec runs them).
 */

const API = '/api/v1alpha1';

describe('automatic locks from tracker events (AUTO_LOCK=on)', () => {
  let app: TestApp;
  let events: UnaryClient;
  const url = (path: string) => `${app.http}${API}${path}`;
  const create = (title: string, attributes: object) => http('POST', url('/event'), { body: { title, attributes } });
  const setStatus = (id: string, status: number) => http('PUT', url('/event'), { body: { id, attributes: { status } } });
  const locksOf = async (service: string) => (await http('GET', url(`/locks?service=${service}`))).body.locks as Record<string, unknown>[];
  const stored = async (service: string) => (await http('GET', url(`/events/search?service=${service}`))).body.totalCount as number;
  const lockLog = async (id: string) =>
    (await http('GET', url(`/event/${id}/changelog`))).body.changelog
      .filter((e: { field: string }) => e.field === 'lock')
      .map((e: { new: string; source: string }) => `${e.new} by ${e.source}`);

  beforeAll(async () => {
    app = await startTestApp({ env: { AUTO_LOCK: 'on', AUTO_LOCK_TTL_SECONDS: '900' } });
    events = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
  });
  afterAll(async () => {
    events?.close();
    await app?.close();
  });

  it('a Start takes the lock; another owner is refused (409 locked, nothing stored); finishing releases it', async () => {
    const first = await create('Deploy v1', { type: 1, service: 'auto', status: 1, environment: 7, owner: 'team-a' });
    expect(first.status).toBe(200);
    const [lock] = await locksOf('auto');
    expect(lock).toMatchObject({
      service: 'auto',
      environment: 7,
      resource: 'deployment',
      owner: 'team-a',
      reason: 'Deploy v1',
      eventId: first.body.id,
    });
    expect(Date.parse(lock.expiresAt as string) - Date.parse(lock.acquiredAt as string)).toBe(900_000);

    const refused = await create('Deploy v2', { type: 1, service: 'auto', status: 1, environment: 7, owner: 'team-b' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'urn:tracker:problems:locked', holder: { id: lock.id, owner: 'team-a' } });
    const viaGrpc = await expectGrpcError(
      events.call('CreateEvent', {
        title: 'Deploy v2',
        attributes: { type: 1, service: 'auto', status: 1, environment: 7, owner: 'team-b' },
      }),
      status.ALREADY_EXISTS,
    );
    expect(viaGrpc.details).toContain('"team-a"');
    expect(await stored('auto')).toBe(1);

    // Not a finishing status: still locked.
    expect((await setStatus(first.body.id, 5)).status).toBe(200);
    expect(await locksOf('auto')).toHaveLength(1);
    expect((await setStatus(first.body.id, 3)).status).toBe(200);
    expect(await locksOf('auto')).toEqual([]);
    expect(await lockLog(first.body.id)).toEqual(['locked by team-a', 'unlocked by team-a']);

    const next = await create('Deploy v2', { type: 1, service: 'auto', status: 1, environment: 7, owner: 'team-b' });
    expect(next.status).toBe(200);
    expect((await locksOf('auto'))[0]).toMatchObject({ owner: 'team-b', eventId: next.body.id });
  });

  it.each([4, 6, 8, 9])('status %i releases the lock too', async (finished) => {
    const { body } = await create('Op', { type: 2, service: `finish-${finished}`, status: 1, environment: 1 });
    expect(await locksOf(`finish-${finished}`)).toHaveLength(1);
    await setStatus(body.id, finished);
    expect(await locksOf(`finish-${finished}`)).toEqual([]);
  });

  it('operations lock "operation", apart from deployments; environments lock apart; owner falls back to source, then "tracker"', async () => {
    expect((await create('Deploy', { type: 1, service: 'mixed', status: 1, environment: 7, source: 'github_actions' })).status).toBe(200);
    expect((await create('Migrate', { type: 2, service: 'mixed', status: 1, environment: 7 })).status).toBe(200);
    expect((await create('Deploy staging', { type: 1, service: 'mixed', status: 1, environment: 6, owner: 'someone' })).status).toBe(200);
    expect((await locksOf('mixed')).map((l) => [l.environment, l.resource, l.owner])).toEqual([
      [6, 'deployment', 'someone'],
      [7, 'deployment', 'github_actions'],
      [7, 'operation', 'tracker'],
    ]);
  });

  it('takes no lock for other types, other statuses, or without an environment; the same owner starting again renews', async () => {
    for (const attributes of [
      { type: 4, service: 'free', status: 1, environment: 7 },
      { type: 1, service: 'free', status: 3, environment: 7 },
      { type: 1, service: 'free', status: 1 },
    ]) {
      expect((await create('x', attributes)).status).toBe(200);
    }
    expect(await locksOf('free')).toEqual([]);
    const first = await create('Deploy', { type: 1, service: 'again', status: 1, environment: 7, owner: 'me' });
    const second = await create('Deploy again', { type: 1, service: 'again', status: 1, environment: 7, owner: 'me' });
    expect(second.status).toBe(200);
    expect(await locksOf('again')).toMatchObject([{ eventId: first.body.id }]);
    expect(await lockLog(second.body.id)).toEqual([]);
  });

  it('deleting an event releases the lock it took (it used to stay held until the lease ran out)', async () => {
    const started = await create('Deploy to delete', { type: 1, service: 'deleted', status: 1, environment: 7, owner: 'team-d' });
    expect(await locksOf('deleted')).toHaveLength(1);
    expect((await http('DELETE', url(`/event/${started.body.id}`))).status).toBe(200);
    expect(await locksOf('deleted')).toEqual([]);
    const next = await create('Deploy after', { type: 1, service: 'deleted', status: 1, environment: 7, owner: 'team-e' });
    expect(next.status).toBe(200);
  });

  it('runs the guide examples as written', async () => {
    for (const command of [CURL.create, CURL.trackDeployment, CURL.reportIncident, CURL.trackDrift, CURL.monitorRpa]) {
      expect((await runCurl(command, app)).status).toBe(200);
    }
    expect((await runCurl(githubActionsCurl({ repository: 'acme/api', refName: 'main', actor: 'octocat', prUrl: '' }), app)).status).toBe(
      200,
    );
    expect((await runCurl(jenkinsCurl('platform/deploy', 7), app)).status).toBe(200);
    // The guide's update example finishes a deployment that started, releasing its lock.
    const started = await create('Deploy user-service v2.1.0 to production', {
      type: 1,
      service: 'user-service',
      status: 1,
      environment: 7,
      owner: 'platform-team',
    });
    expect(await locksOf('user-service')).toHaveLength(1);
    const updated = await runCurl(CURL.update, { http: app.http, id: started.body.id });
    expect(updated.status).toBe(200);
    expect(await locksOf('user-service')).toEqual([]);
    expect(await runGrpcurl(GRPCURL_EXAMPLES.create, app)).toMatchObject({ title: 'Deploy user-service v2.1.0' });
    expect((await runCurl(CURL.listPage1, app)).status).toBe(200);
  });
});
