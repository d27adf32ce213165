import { MongoClient, ObjectId } from 'mongodb';
import { startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { CD_INTAKE_ENV, cdFixtures, fluxSignature, postArgocd, postFlux, postGitlab } from '../support/cd-intake';
import { http } from '../support/http';
import { withOneByteChanged } from '../support/intake';

/*
 * POST /api/v1alpha1/webhooks/flux: Flux notification-controller events (test/fixtures/cd-intake/flux), signed
 * as a Provider of type generic-hmac signs them; and the refusals of an app with no secrets configured.
 */

const fixtures = cdFixtures('flux');
const body = (file: string) => JSON.stringify(fixtures.get(file));

const EXPECTED: [file: string, answer: number, stored?: { status: number; service: string; environment: number }][] = [
  ['kustomization-progressing.json', 201, { status: 1, service: 'podinfo', environment: 7 }],
  ['kustomization-succeeded.json', 200, { status: 3, service: 'podinfo', environment: 7 }],
  ['kustomization-validation-failed.json', 201, { status: 4, service: 'webapp', environment: 6 }],
  ['helmrelease-upgrade-succeeded.json', 201, { status: 3, service: 'podinfo', environment: 6 }],
  ['helmrelease-install-failed.json', 201, { status: 4, service: 'redis', environment: 6 }],
  ['gitrepository-new-artifact.json', 202],
];

describe('Flux webhook intake', () => {
  let app: TestApp;
  let bare: TestApp;
  let store: MongoClient;

  beforeAll(async () => {
    // FLUX_ENVIRONMENT 6: events whose Alert names no environment are staging here.
    app = await startTestApp({ env: { ...CD_INTAKE_ENV, FLUX_ENVIRONMENT: '6' } });
    // No secret at all, unsigned Flux allowed: the other intakes refuse 403, Flux takes a Provider of type generic.
    bare = await startTestApp({ env: { FLUX_ALLOW_UNSIGNED: 'true', RATE_LIMIT_PER_MINUTE: '1000000' } });
    store = await MongoClient.connect(app.storeUri);
  });
  afterAll(async () => {
    await store?.close();
    await app?.close();
    await bare?.close();
  });

  const events = () => store.db(app.database).collection('tracker_events');

  it('takes every fixture signed with the secret, one deployment per (object, revision)', async () => {
    const seen: string[] = [];
    for (const [file, answer, stored] of EXPECTED) {
      const res = await postFlux(app.http, body(file));
      expect({ file, status: res.status }).toEqual({ file, status: answer });
      seen.push(`${file} ${res.status}`);
      if (!stored) {
        expect(res.body.ignored).toBe(true);
        continue;
      }
      const doc = await events().findOne({ _id: new ObjectId(res.body.eventId as string) });
      expect({ file, status: doc?.attributes.status, service: doc?.attributes.service, environment: doc?.attributes.environment }).toEqual({
        file,
        ...stored,
      });
      expect(doc?.attributes.source).toBe('flux');
    }
    const podinfo = await events().findOne({ 'intake.provider': 'flux', 'intake.commitSha': '8b4fd5d2dd7e3c3f3a2c8a9b1e0d6f7a8b9c0d1e' });
    expect(podinfo?.title).toBe('Deploy podinfo@main@sha1:8b4fd5d2dd7e3c3f3a2c8a9b1e0d6f7a8b9c0d1e to production (prod-eu-1)');
    expect(podinfo?.attributes.endDate.toISOString()).toBe('2024-03-01T10:00:42.000Z');
    reportFigure(`Flux fixtures: ${seen.join(', ')}`);
  });

  it('stores nothing for a repeated event, and a late Progressing never moves a finished deployment back', async () => {
    const doc = await events().findOne({ 'intake.commitSha': '8b4fd5d2dd7e3c3f3a2c8a9b1e0d6f7a8b9c0d1e' });
    for (const file of ['kustomization-succeeded.json', 'kustomization-progressing.json']) {
      const res = await postFlux(app.http, body(file));
      expect({ file, status: res.status, duplicate: res.body.duplicate }).toEqual({ file, status: 200, duplicate: true });
    }
    const late = JSON.stringify({ ...fixtures.get('kustomization-progressing.json'), reason: 'ProgressingWithRetry' });
    expect((await postFlux(app.http, late)).body).toMatchObject({ duplicate: false, result: 'unchanged' });
    expect(await events().findOne({ _id: doc!._id })).toEqual(doc);
  });

  it.each([
    ['the body with one byte changed', () => withOneByteChanged(body('helmrelease-install-failed.json')), undefined],
    ['a signature made with another secret', () => body('helmrelease-install-failed.json'), fluxSignature('x', 'other')],
    ['no signature', () => body('helmrelease-install-failed.json'), null],
    ['a malformed signature', () => body('helmrelease-install-failed.json'), 'sha1=abc'],
  ])('refuses %s with 401 invalid-signature', async (_what, bytes, signature) => {
    const raw = bytes();
    const sig = signature === undefined ? fluxSignature(body('helmrelease-install-failed.json')) : signature;
    const res = await postFlux(app.http, raw, { signature: sig });
    expect(res.status).toBe(401);
    expect(res.body.type).toContain('invalid-signature');
  });

  it('counts what it ignored by provider and type in /metrics (Flux: the reason; GitLab: the event)', async () => {
    await postFlux(app.http, body('gitrepository-new-artifact.json'));
    await postGitlab(app.http, 'Push Hook', '{"object_kind":"push"}');
    const metrics = (await http('GET', `${app.http}/metrics`)).text;
    expect(metrics).toMatch(/tracker_intake_ignored_total\{provider="flux",type="NewArtifact"\} [1-9]/);
    expect(metrics).toMatch(/tracker_intake_ignored_total\{provider="gitlab",type="Push_Hook"\} 1/);
  });

  it('refuses an authenticated body that is not a Flux event with 400 naming the field', async () => {
    const res = await postFlux(app.http, JSON.stringify({ involvedObject: { kind: 'Kustomization' }, reason: 'Progressing' }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('involvedObject.name');
    expect((await postFlux(app.http, '[]')).status).toBe(400);
  });

  it('with FLUX_ALLOW_UNSIGNED=true and no secret: takes an unsigned event, refuses a signature it cannot check', async () => {
    expect((await postFlux(bare.http, body('helmrelease-upgrade-succeeded.json'), { signature: null })).status).toBe(201);
    expect((await postFlux(bare.http, body('helmrelease-install-failed.json'))).status).toBe(401);
  });

  it('without the secrets configured: GitLab and Argo CD answer 403 naming the variable', async () => {
    const gitlab = await postGitlab(bare.http, 'Deployment Hook', '{}');
    expect([gitlab.status, gitlab.body.detail]).toEqual([403, expect.stringContaining('GITLAB_WEBHOOK_TOKEN')]);
    const argocd = await postArgocd(bare.http, '{}');
    expect([argocd.status, argocd.body.detail]).toEqual([403, expect.stringContaining('ARGOCD_WEBHOOK_TOKEN')]);
  });
});
