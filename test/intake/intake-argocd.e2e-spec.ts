import { MongoClient, ObjectId } from 'mongodb';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { ARGOCD_TOKEN, CD_FIXTURES, CD_INTAKE_ENV, postArgocd, renderArgocd } from '../support/cd-intake';

/*
 * POST /api/v1alpha1/webhooks/argocd, fed with what the shipped template (deploy/argocd/notifications.yaml)
 * renders, by Go's text/template (tools/argocd-render), against Application objects shaped like Argo CD's own
 * examples (test/fixtures/cd-intake/argocd).
 */

const FILES = [
  'guestbook-sync-running.json',
  'guestbook-deployed.json',
  'guestbook-health-degraded.json',
  'guestbook-sync-failed.json',
  'helm-guestbook-no-operation.json',
];
/** In the order posted: [file, answer, tracker status of the guestbook deployment after it]. */
const EXPECTED: [string, number, number | undefined][] = [
  ['guestbook-sync-running.json', 201, 1],
  ['guestbook-deployed.json', 200, 3],
  ['guestbook-health-degraded.json', 200, 4],
  ['guestbook-sync-failed.json', 201, 4],
  ['helm-guestbook-no-operation.json', 202, undefined],
];

describe('Argo CD notifications intake (the shipped template, rendered by Go text/template)', () => {
  let app: TestApp;
  let store: MongoClient;
  const rendered = new Map<string, string>();

  beforeAll(async () => {
    for (const r of renderArgocd(FILES.map((f) => join(CD_FIXTURES, 'argocd', f)))) {
      if (r.error !== undefined) throw new Error(`${r.file}: ${r.error}`);
      rendered.set(r.file.split('/').pop()!, r.body!);
    }
    app = await startTestApp({ env: CD_INTAKE_ENV });
    store = await MongoClient.connect(app.storeUri);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await app?.close();
  });

  const events = () => store.db(app.database).collection('tracker_events');

  it('renders every Application into a JSON body of exactly the documented fields', () => {
    for (const file of FILES) {
      const body = JSON.parse(rendered.get(file)!);
      expect(Object.keys(body).sort()).toEqual(
        [
          'application',
          'namespace',
          'uid',
          'project',
          'revision',
          'syncStatus',
          'healthStatus',
          'operationPhase',
          'startedAt',
          'finishedAt',
          'destination',
          'repoURL',
          'service',
          'environment',
        ].sort(),
      );
    }
    expect(JSON.parse(rendered.get('guestbook-deployed.json')!)).toMatchObject({
      application: 'guestbook',
      revision: '53e28ff20cc530b9ada2173fbbd64d48338583ba',
      operationPhase: 'Succeeded',
      healthStatus: 'Healthy',
      service: 'guestbook-ui',
      // the annotation wins over the label
      environment: 'production',
    });
  });

  it('takes each rendered body: one deployment per (application, operation start, revision), moved on by later notifications', async () => {
    const seen: string[] = [];
    let guestbook: string | undefined;
    for (const [file, answer, status] of EXPECTED) {
      const res = await postArgocd(app.http, rendered.get(file)!);
      expect({ file, status: res.status }).toEqual({ file, status: answer });
      seen.push(`${file} ${res.status}`);
      if (status === undefined) {
        expect(res.body.reason).toContain('is not a deployment step');
        continue;
      }
      if (file !== 'guestbook-sync-failed.json') {
        guestbook ??= res.body.eventId;
        expect(res.body.eventId).toBe(guestbook);
      } else expect(res.body.eventId).not.toBe(guestbook);
      const doc = await events().findOne({ _id: new ObjectId(res.body.eventId as string) });
      expect({ file, status: doc?.attributes.status }).toEqual({ file, status });
      expect(doc?.attributes).toMatchObject({ service: 'guestbook-ui', environment: 7, source: 'argocd' });
    }
    const doc = await events().findOne({ _id: new ObjectId(guestbook) });
    expect(doc?.intake.commitSha).toBe('53e28ff20cc530b9ada2173fbbd64d48338583ba');
    expect(doc?.attributes.endDate.toISOString()).toBe('2024-03-01T10:02:00.000Z');
    reportFigure(`Argo CD rendered fixtures: ${seen.join(', ')}`);
  });

  it('stores nothing when on-deployed fires again for the same revision, nor for a late sync-running', async () => {
    const doc = await events().findOne({
      'intake.provider': 'argocd',
      'attributes.status': 4,
      'intake.commitSha': '53e28ff20cc530b9ada2173fbbd64d48338583ba',
    });
    const again = await postArgocd(app.http, rendered.get('guestbook-deployed.json')!);
    expect(again.body.duplicate).toBe(true);
    const late = JSON.stringify({ ...JSON.parse(rendered.get('guestbook-sync-running.json')!), syncStatus: 'Unknown' });
    expect((await postArgocd(app.http, late)).body).toMatchObject({ duplicate: false, result: 'unchanged' });
    expect(await events().findOne({ _id: doc!._id })).toEqual(doc);
  });

  it.each([
    ['the token with one byte changed', `${ARGOCD_TOKEN.slice(0, -1)}X`],
    ['another token', 'wrong'],
    ['no token', null],
  ])('refuses %s with 401 invalid-signature', async (_what, token) => {
    const res = await postArgocd(app.http, rendered.get('guestbook-sync-failed.json')!, { token });
    expect(res.status).toBe(401);
    expect(res.body.type).toContain('invalid-signature');
  });

  it('refuses a body the template never renders with 400 naming the field', async () => {
    const extra = await postArgocd(app.http, JSON.stringify({ application: 'a', surprise: 1 }));
    expect([extra.status, JSON.stringify(extra.body)]).toEqual([400, expect.stringContaining('surprise')]);
    const wrongType = await postArgocd(app.http, JSON.stringify({ application: 'a', revision: 42 }));
    expect([wrongType.status, JSON.stringify(wrongType.body)]).toEqual([400, expect.stringContaining('revision')]);
    expect((await postArgocd(app.http, JSON.stringify({ revision: 'x' }))).status).toBe(400);
  });
});
