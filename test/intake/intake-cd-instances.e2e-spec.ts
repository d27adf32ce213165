import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { correlatedEventId } from '../../src/features/intake/domain/correlation';
import { freshDatabaseName, startTestApp, TestApp } from '../support/app-harness';
import { reportFigure } from '../support/figures';
import { CD_INTAKE_ENV, cdFixtures, postArgocd, postFlux, postGitlab } from '../support/cd-intake';
import { githubExamples, postGithub, WEBHOOK_SECRET } from '../support/intake';
import type { HttpResult } from '../support/http';

/*
 * Two instances on one store. (1) The same delivery reaching both many times is recorded once. (2) The race an
 * earlier attempt lost: a deployment's running and success deliveries racing on the two instances must end
 * Success (3), never Start (1): status moves are decided at the revision written (monotone at the store), so a
 * late non-final status never moves a finished deployment back. Each race is repeated ROUNDS times, with
 * fresh deployments, for GitLab, GitHub, Flux and Argo CD.
 */

const COPIES = 16;
const ROUNDS = 6;

describe('CD intake across two instances', () => {
  const database = freshDatabaseName('cd_intake_once');
  let apps: TestApp[];
  let store: MongoClient;
  const gitlab = cdFixtures('gitlab');
  const flux = cdFixtures('flux');

  beforeAll(async () => {
    const env = { ...CD_INTAKE_ENV, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET };
    apps = [await startTestApp({ database, env }), await startTestApp({ database, env })];
    store = await MongoClient.connect(apps[0].storeUri);
  });
  afterAll(async () => {
    await store?.close();
    for (const app of apps ?? []) await app.close();
  });

  const events = () => store.db(database).collection('tracker_events');
  const ok = (answers: HttpResult[]) => expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);

  it('records one GitLab delivery once when its copies reach both instances at the same time', async () => {
    const text = JSON.stringify({ ...gitlab.get('deployment-success.json'), deployment_id: 800_000 });
    const uuid = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: COPIES }, (_, i) => postGitlab(apps[i % 2].http, 'Deployment Hook', text, { uuid })),
    );
    ok(answers);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await events().countDocuments({ 'intake.provider': 'gitlab', 'intake.externalId': '30/800000' })).toBe(1);
    reportFigure(`same GitLab delivery x${COPIES} across 2 instances: 1 recorded`);
  });

  it('records one Flux event once, and one Argo CD notification once, across both instances', async () => {
    const uid = randomUUID();
    const event = JSON.stringify({
      ...flux.get('helmrelease-upgrade-succeeded.json'),
      involvedObject: { kind: 'HelmRelease', name: 'x', uid },
    });
    const fluxAnswers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postFlux(apps[i % 2].http, event)));
    ok(fluxAnswers);
    expect(fluxAnswers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    const app = randomUUID();
    const notification = JSON.stringify(argocdBody(app, 'Succeeded', 'Healthy'));
    const argoAnswers = await Promise.all(Array.from({ length: COPIES }, (_, i) => postArgocd(apps[i % 2].http, notification)));
    ok(argoAnswers);
    expect(argoAnswers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await events().countDocuments({ 'intake.provider': 'argocd', 'intake.externalId': `argocd/${app}@${'a'.repeat(40)}` })).toBe(1);
  });

  /** Sends `late` (a non-final status) and `final` copies interleaved over both instances; answers the stored status. */
  async function race(send: (instance: number, final: boolean) => Promise<HttpResult>, find: () => Promise<any>): Promise<number> {
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => send(i % 2, Math.floor(i / 2) % 2 === 1)));
    ok(answers);
    const docs = await find();
    expect(docs).toHaveLength(1);
    return docs[0].attributes.status;
  }

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'GitLab running and success racing on two instances end Success (round %i)',
    async (round) => {
      const id = 810_000 + round;
      const running = JSON.stringify({ ...gitlab.get('deployment-running.json'), deployment_id: id });
      const success = JSON.stringify({ ...gitlab.get('deployment-success.json'), deployment_id: id });
      const status = await race(
        (i, final) => postGitlab(apps[i].http, 'Deployment Hook', final ? success : running),
        () =>
          events()
            .find({ 'intake.provider': 'gitlab', 'intake.externalId': `30/${id}` })
            .toArray(),
      );
      expect(status).toBe(3);
    },
  );

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'GitHub in_progress and success racing on two instances end Success (round %i)',
    async (round) => {
      const base = githubExamples().find(
        (e) => e.event === 'deployment_status' && e.payload.deployment_status.state === 'success',
      )!.payload;
      const id = 820_000 + round;
      const status = await race(
        (i, final) => {
          const payload = structuredClone(base);
          payload.deployment.id = id;
          payload.deployment.environment = 'production';
          payload.deployment_status.environment = 'production';
          payload.deployment_status.state = final ? 'success' : 'in_progress';
          return postGithub(apps[i].http, 'deployment_status', JSON.stringify(payload));
        },
        () =>
          events()
            .find({ 'intake.provider': 'github', 'intake.externalId': String(id) })
            .toArray(),
      );
      expect(status).toBe(3);
    },
  );

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'Flux Progressing and ReconciliationSucceeded racing end Success (round %i)',
    async () => {
      const uid = randomUUID();
      const status = await race(
        (i, final) => {
          const event = { ...flux.get('kustomization-progressing.json'), reason: final ? 'ReconciliationSucceeded' : 'Progressing' };
          event.involvedObject = { ...event.involvedObject, uid };
          return postFlux(apps[i].http, JSON.stringify(event));
        },
        () =>
          events()
            .find({ _id: correlatedEventId(['flux', uid, 'main@sha1:8b4fd5d2dd7e3c3f3a2c8a9b1e0d6f7a8b9c0d1e']) })
            .toArray(),
      );
      expect(status).toBe(3);
    },
  );

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'Argo CD Running and Succeeded/Healthy racing end Success (round %i)',
    async () => {
      const app = randomUUID();
      const status = await race(
        (i, final) =>
          postArgocd(
            apps[i].http,
            JSON.stringify(final ? argocdBody(app, 'Succeeded', 'Healthy') : argocdBody(app, 'Running', 'Progressing')),
          ),
        () =>
          events()
            .find({ 'intake.provider': 'argocd', 'intake.externalId': `argocd/${app}@${'a'.repeat(40)}` })
            .toArray(),
      );
      expect(status).toBe(3);
    },
  );
});

function argocdBody(application: string, operationPhase: string, healthStatus: string) {
  return {
    application,
    namespace: 'argocd',
    project: 'default',
    uid: null,
    revision: 'a'.repeat(40),
    syncStatus: 'Synced',
    healthStatus,
    operationPhase,
    startedAt: '2024-03-01T10:00:00Z',
    finishedAt: operationPhase === 'Running' ? null : '2024-03-01T10:02:00Z',
    destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook', name: null },
    repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
    service: 'race',
    environment: 'production',
  };
}
