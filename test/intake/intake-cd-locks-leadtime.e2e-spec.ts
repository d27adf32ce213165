import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import { CD_INTAKE_ENV, cdFixtures, postArgocd, postFlux, postGitlab } from '../support/cd-intake';

/*
 * The CD intakes' deployments are tracker deployments like any other: with AUTO_LOCK=on a Start takes the
 * service's lock in its environment and a final status releases it, another owner's Start is refused 409 with
 * nothing stored; and a deployment's commit links the changes it ships, so lead time counts them.
 */

const API = '/api/v1alpha1';
const gitlab = cdFixtures('gitlab');
const flux = cdFixtures('flux');

describe('CD intake: automatic locks and lead time', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { ...CD_INTAKE_ENV, AUTO_LOCK: 'on', AUTO_LOCK_TTL_SECONDS: '900' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const locksOf = async (service: string) =>
    (await http('GET', `${app.http}${API}/locks?service=${encodeURIComponent(service)}`)).body.locks as Record<string, unknown>[];

  it('a GitLab running deployment takes the lock, another owner is refused 409, success releases it', async () => {
    const service = 'locks/gitlab-app';
    const deployment = (id: number, status: string, username: string) =>
      JSON.stringify({
        ...gitlab.get('deployment-running.json'),
        deployment_id: id,
        status,
        project: { ...gitlab.get('deployment-running.json').project, path_with_namespace: service },
        user: { ...gitlab.get('deployment-running.json').user, username },
      });
    expect((await postGitlab(app.http, 'Deployment Hook', deployment(70_001, 'running', 'alice'))).status).toBe(201);
    expect(await locksOf(service)).toEqual([expect.objectContaining({ owner: 'alice', environment: 6, resource: 'deployment' })]);
    const refused = await postGitlab(app.http, 'Deployment Hook', deployment(70_002, 'running', 'bob'));
    expect(refused.status).toBe(409);
    expect((await http('GET', `${app.http}${API}/events/search?service=${encodeURIComponent(service)}`)).body.totalCount).toBe(1);
    expect((await postGitlab(app.http, 'Deployment Hook', deployment(70_001, 'success', 'alice'))).status).toBe(200);
    expect(await locksOf(service)).toEqual([]);
  });

  it('Flux and Argo CD deployments lock and release the same way', async () => {
    const uid = 'lock-uid-1';
    const event = (reason: string) =>
      JSON.stringify({ ...flux.get('kustomization-progressing.json'), reason, involvedObject: { kind: 'Kustomization', name: 'x', uid } });
    expect((await postFlux(app.http, event('Progressing'))).status).toBe(201);
    expect(await locksOf('podinfo')).toHaveLength(1);
    expect((await postFlux(app.http, event('ReconciliationSucceeded'))).status).toBe(200);
    expect(await locksOf('podinfo')).toEqual([]);

    const body = (operationPhase: string, healthStatus: string) =>
      JSON.stringify({
        application: 'locked-app',
        revision: 'b'.repeat(40),
        operationPhase,
        healthStatus,
        startedAt: '2024-03-01T10:00:00Z',
        finishedAt: operationPhase === 'Running' ? null : '2024-03-01T10:02:00Z',
        environment: 'production',
      });
    expect((await postArgocd(app.http, body('Running', 'Progressing'))).status).toBe(201);
    expect(await locksOf('locked-app')).toHaveLength(1);
    expect((await postArgocd(app.http, body('Failed', 'Healthy'))).status).toBe(200);
    expect(await locksOf('locked-app')).toEqual([]);
  });

  it('lead time links a GitLab merge to the GitLab deployment that ships its commit', async () => {
    const service = 'lead/gitlab-app';
    const sha = 'c0ffee0000000000000000000000000000000001';
    const project = { ...gitlab.get('deployment-success.json').project, path_with_namespace: service };
    const merge = {
      ...gitlab.get('merge-request-merge.json'),
      project,
      object_attributes: {
        ...gitlab.get('merge-request-merge.json').object_attributes,
        merge_commit_sha: sha,
        updated_at: '2024-03-05T08:00:00Z',
      },
    };
    expect((await postGitlab(app.http, 'Merge Request Hook', JSON.stringify(merge))).status).toBe(201);
    const deployment = {
      ...gitlab.get('deployment-success.json'),
      deployment_id: 70_100,
      project,
      environment: 'production',
      status_changed_at: '2024-03-05 10:00:00 +0000',
      commit_url: `http://10.126.0.2:3000/${service}/-/commit/${sha}`,
    };
    expect((await postGitlab(app.http, 'Deployment Hook', JSON.stringify(deployment))).status).toBe(201);
    const dora = await http('GET', `${app.http}${API}/insights/dora?service=${encodeURIComponent(service)}&from=2024-03-01&to=2024-03-30`);
    expect(dora.status).toBe(200);
    expect(dora.body.leadTimeForChanges).toMatchObject({ samples: 1, medianSeconds: 7200, deploymentsWithoutChanges: 0 });
  });
});
