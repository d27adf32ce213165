import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { CLOUDEVENTS_PATH, conformanceExamples, postGithub, structured, WEBHOOK_SECRET, withFreshId } from '../support/intake';

/*
 * Look-alike identifiers (issue 24, item 10; docs/security.md, "Identifiers"): a service, owner, lock, change or
 * intake name holding a right-to-left override (U+202E) or a zero width space (U+200B) is refused with a 400
 * naming the field (INVALID_ARGUMENT on gRPC), so `payments` and a look-alike cannot coexist; free text (titles,
 * reasons, messages) keeps those characters as given.
 */

const API = '/api/v1alpha1';
const RLO = 'pay\u202Ements';
const ZWSP = 'pay\u200Bments';
const LOOK_ALIKES = [
  ['U+202E', RLO],
  ['U+200B', ZWSP],
] as const;

describe('look-alike identifiers', () => {
  let app: TestApp;
  let events: UnaryClient;
  let locks: UnaryClient;
  let changes: UnaryClient;
  const url = (path: string) => `${app.http}${API}${path}`;
  const fieldsOf = (body: { invalidFields?: { name: string; reason: string }[] }) => body.invalidFields ?? [];
  /** A 400 whose problem names exactly `field`, with a reason naming the character. */
  const expectRefused = (res: { status: number; body: any }, field: string, codePoint: string) => {
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([{ name: field, reason: expect.stringContaining(codePoint) }]);
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    events = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
    locks = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/lock/v1alpha1/lock.proto'), 'tracker.lock.v1alpha1.LockService');
    changes = grpcClient(app.grpc, join(PROTO_ROOT, 'tracker/change/v1alpha1/change.proto'), 'tracker.change.v1alpha1.ChangeService');
  });
  afterAll(async () => {
    [events, locks, changes].forEach((c) => c?.close());
    await app?.close();
  });

  describe.each(LOOK_ALIKES)('REST, %s', (codePoint, name) => {
    it('refuses it as an event service or owner (create and update), naming the field', async () => {
      const create = (attributes: object) =>
        http('POST', url('/event'), { body: { title: 'Deploy', attributes: { type: 1, ...attributes } } });
      expectRefused(await create({ service: name }), 'attributes.service', codePoint);
      expectRefused(await create({ service: 'payments', owner: name }), 'attributes.owner', codePoint);
      const { body: stored } = await create({ service: 'payments' });
      const update = await http('PUT', url('/event'), { body: { id: stored.id, attributes: { service: name } } });
      expectRefused(update, 'attributes.service', codePoint);
      expect((await http('GET', url(`/event/${stored.id}`))).body.attributes.service).toBe('payments');
    });

    it('refuses it as a lock service, owner or resource, on acquire, renew and release', async () => {
      const acquire = (body: object) =>
        http('POST', url('/locks'), { body: { service: 'payments', environment: 7, owner: 'ci', ...body } });
      expectRefused(await acquire({ service: name }), 'service', codePoint);
      expectRefused(await acquire({ owner: name }), 'owner', codePoint);
      expect(fieldsOf((await acquire({ resource: name })).body).map((f) => f.name)).toEqual(['resource']);
      const held = await acquire({ service: `payments-${randomUUID()}`, reason: `deploy ${name}` });
      expect(held.status).toBe(201);
      expect(held.body.reason).toBe(`deploy ${name}`); // free text keeps it
      expectRefused(await http('POST', url(`/locks/${held.body.id}/renew`), { body: { owner: name } }), 'owner', codePoint);
      expectRefused(await http('DELETE', url(`/locks/${held.body.id}?owner=${encodeURIComponent(name)}`)), 'owner', codePoint);
    });

    it('refuses it as a change service', async () => {
      const res = await http('POST', url('/changes'), { body: { service: name, mergedAt: '2024-03-01T10:00:00Z', title: 'x' } });
      expectRefused(res, 'service', codePoint);
    });

    it.each([
      '/events/search?service=',
      '/events/stats?service=',
      '/events/overlaps?from=2024-01-01&to=2024-01-31&service=',
      '/locks?service=',
      '/locks?owner=',
      '/changes?service=',
      '/insights/dora?service=',
      '/events/stream?service=',
    ])('refuses it as a filter: GET %s', async (path) => {
      expectRefused(await http('GET', url(`${path}${encodeURIComponent(name)}`)), path.endsWith('owner=') ? 'owner' : 'service', codePoint);
    });

    it('keeps it in a title and a message, stored and answered as given', async () => {
      const title = `Deploy ${name} v2 \u2067 isolate`;
      const res = await http('POST', url('/event'), {
        body: { title, attributes: { type: 1, service: 'payments', message: `message ${name}` } },
      });
      expect(res.status).toBe(200);
      const got = (await http('GET', url(`/event/${res.body.id}`))).body;
      expect(got.title).toBe(title);
      expect(got.attributes.message).toBe(`message ${name}`);
    });
  });

  it('normalises names to NFC: a decomposed and a composed service are one service', async () => {
    const service = `caf\u00E9-${randomUUID()}`;
    const decomposed = service.normalize('NFD');
    expect(decomposed).not.toBe(service);
    const res = await http('POST', url('/event'), { body: { title: 'Deploy', attributes: { type: 1, service: decomposed } } });
    expect(res.status).toBe(200);
    expect(res.body.attributes.service).toBe(service);
    const found = await http('GET', url(`/events/search?service=${encodeURIComponent(decomposed)}`));
    expect(found.body.events.map((e: { id: string }) => e.id)).toEqual([res.body.id]);
  });

  describe.each(LOOK_ALIKES)('gRPC, %s', (codePoint, name) => {
    const refused = async (call: Promise<unknown>, field: string) => {
      const err = await expectGrpcError(call, status.INVALID_ARGUMENT);
      expect(err.details).toContain(field);
      expect(err.details).toContain(codePoint);
    };

    it('refuses it as an event service or owner, and in a search filter', async () => {
      await refused(events.call('CreateEvent', { title: 'Deploy', attributes: { type: 1, service: name } }), 'attributes.service');
      await refused(
        events.call('CreateEvent', { title: 'Deploy', attributes: { type: 1, service: 'payments', owner: name } }),
        'attributes.owner',
      );
      await refused(events.call('SearchEvents', { service: name }), 'service');
    });

    it('refuses it as a lock service or owner, and a change service', async () => {
      await refused(locks.call('AcquireLock', { service: name, environment: 7, owner: 'ci' }), 'service');
      await refused(locks.call('AcquireLock', { service: 'payments', environment: 7, owner: name }), 'owner');
      await refused(locks.call('ListLocks', { owner: name }), 'owner');
      await refused(changes.call('CreateChange', { service: name, mergedAt: '2024-03-01T10:00:00Z' }), 'service');
    });

    it('keeps it in a title', async () => {
      const title = `Deploy ${name}`;
      const created = await events.call<{ id: string; title: string }>('CreateEvent', {
        title,
        attributes: { type: 1, service: 'payments' },
      });
      expect(created.title).toBe(title);
      expect((await events.call<{ title: string }>('GetEvent', { id: created.id })).title).toBe(title);
    });
  });

  describe('intake: a look-alike name refuses the delivery (400 naming the upstream field); nothing is stored', () => {
    const deployment = (over: Record<string, unknown>) =>
      JSON.stringify({
        deployment: { id: Math.floor(Math.random() * 1e9), environment: 'production', ref: 'main', creator: { login: 'octocat' }, ...over },
        repository: { full_name: 'org/payments' },
      });

    it.each([
      ['deployment.payload.service', { payload: { service: RLO } }, 'U+202E'],
      ['deployment.environment', { environment: 'produc\u200Btion' }, 'U+200B'],
    ])('GitHub: %s', async (field, over, codePoint) => {
      expectRefused(await postGithub(app.http, 'deployment', deployment(over)), field, codePoint);
    });

    it.each([
      ['data.subject.id', (c: any) => (c.subject.id = RLO), 'U+202E'],
      ['data.subject.content.environment.id', (c: any) => (c.subject.content.environment.id = 'pr\u200Bod'), 'U+200B'],
    ])('CloudEvents: %s', async (field, mutate, codePoint) => {
      const cdevent = withFreshId(conformanceExamples().find((e) => e.file === 'service_deployed.json')!.cdevent);
      cdevent.subject.content.environment.id = 'prod';
      mutate(cdevent);
      const res = await http('POST', `${app.http}${CLOUDEVENTS_PATH}`, {
        raw: JSON.stringify(structured(cdevent)),
        headers: { 'content-type': 'application/cloudevents+json' },
      });
      expectRefused(res, field, codePoint);
    });

    it('stored no look-alike service', async () => {
      const list = await http('GET', url('/events/list?per_page=100'));
      const services = list.body.events.map((e: { attributes: { service: string } }) => e.attributes.service);
      expect(services.filter((s: string) => /[\u200B\u202E]/.test(s))).toEqual([]);
    });
  });
});
