import type { EventStatus } from '../../../contract/enums';
import { AppConfig } from '../../../platform/config/app-config.service';
import { validateEnv } from '../../../platform/config/env.schema';
import type { TrackerEventRecordView } from '../../tracker-events';
import { ARGOCD_BODY_FIELDS, argocdStatus, planArgocdNotification } from './argocd-mapping';
import { correlatedEventId } from './correlation';
import { monotoneDeploymentUpdate, trailingSha, upstreamInstant } from './deployment-moves';
import { FLUX_REASON_STATUS, fluxRevision, planFluxEvent } from './flux-mapping';
import { GITLAB_DEPLOYMENT_STATUS, GITLAB_TIER_ENVIRONMENT, planGitlabDelivery } from './gitlab-mapping';
import type { IntakePlan } from './intake-plan';

const environments = new AppConfig(validateEnv({})).intake.environments;
const storedAt = (status: number, startDate?: string) => ({ attributes: { status, startDate } }) as unknown as TrackerEventRecordView;
function record(plan: IntakePlan) {
  if (plan.kind !== 'record') throw new Error(`not recorded: ${JSON.stringify(plan)}`);
  return plan;
}
function updateOf(plan: IntakePlan, status: number) {
  const update = record(plan).update;
  return typeof update === 'function' ? update(storedAt(status)) : update;
}

describe('monotone deployment moves', () => {
  it.each([
    [1, 1, 1],
    [1, 3, 3],
    [3, 1, undefined],
    [4, 1, undefined],
    [9, 1, undefined],
    [3, 4, 4],
  ])('a stored %i receiving %i becomes %s', (stored, incoming, result) => {
    const update = monotoneDeploymentUpdate({ status: incoming as EventStatus, source: 's' })(storedAt(stored));
    expect(update?.attributes?.status).toBe(result);
  });
  it('ends a deployment at the final status time, never before its start', () => {
    const move = monotoneDeploymentUpdate({ status: 3, source: 's', statusAt: '2024-03-01T10:05:00.000Z' });
    expect(move(storedAt(1, '2024-03-01T10:00:00Z'))?.attributes?.endDate).toBe('2024-03-01T10:05:00.000Z');
    expect(move(storedAt(1, '2024-03-01T11:00:00Z'))?.attributes?.endDate).toBeUndefined();
  });
  it.each([
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00.000Z'],
    ['2013-12-03 17:23:34 UTC', '2013-12-03T17:23:34.000Z'],
    ['2013-12-03T17:23:34Z', '2013-12-03T17:23:34.000Z'],
    ['2024-03-01T10:00:00+01:00', '2024-03-01T09:00:00.000Z'],
    ['yesterday', undefined],
    [42, undefined],
  ])('reads the upstream time %s', (text, iso) => {
    expect(upstreamInstant(text)).toBe(iso);
  });
  it.each([
    ['http://h/root/p/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468', '279484c09fbe69ededfced8c1bb6e6d24616b468'],
    ['main@sha1:8B4FD5D2dd7e3c3f3a2c8a9b1e0d6f7a8b9c0d1e', '8b4fd5d2dd7e3c3f3a2c8a9b1e0d6f7a8b9c0d1e'],
    ['main/731f7eaddfb6af01cb2173e18f0f75b0ba780ef1', '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1'],
    ['279484c0', '279484c0'],
    ['6.5.4+f6c6d9b7a3b1', undefined],
  ])('finds the commit of %s', (text, sha) => {
    expect(trailingSha(text)).toBe(sha);
  });
});

const gitlabDeployment = (over: Record<string, unknown> = {}) => ({
  object_kind: 'deployment',
  status: 'success',
  status_changed_at: '2021-04-28 21:50:00 +0200',
  deployment_id: 15,
  deployable_url: 'http://gitlab.example.com/root/app/-/jobs/796',
  environment: 'staging',
  environment_tier: 'staging',
  project: { id: 30, path_with_namespace: 'root/app', web_url: 'http://gitlab.example.com/root/app' },
  short_sha: '279484c0',
  user: { username: 'root' },
  commit_url: 'http://gitlab.example.com/root/app/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468',
  commit_title: 'Add new file',
  ...over,
});
const gitlab = (event: string, payload: unknown) => planGitlabDelivery({ event, payload, host: 'gitlab.example.com' }, environments);

describe('planGitlabDelivery', () => {
  it.each(Object.entries(GITLAB_DEPLOYMENT_STATUS))('maps deployment status %s to %i', (status, expected) => {
    expect(record(gitlab('Deployment Hook', gitlabDeployment({ status }))).create.attributes.status).toBe(expected);
  });
  it('records a deployment of the project, correlated by instance, project and deployment id, with its commit', () => {
    const plan = record(gitlab('Deployment Hook', gitlabDeployment()));
    expect(plan.eventId.equals(correlatedEventId(['gitlab', 'gitlab.example.com', 'deployment', '30', '15']))).toBe(true);
    expect(plan.create).toEqual({
      title: 'Deploy root/app to staging',
      attributes: {
        type: 1,
        service: 'root/app',
        environment: 6,
        status: 3,
        source: 'gitlab',
        message: 'Add new file\njob http://gitlab.example.com/root/app/-/jobs/796',
        owner: 'root',
        startDate: '2021-04-28T19:50:00.000Z',
        endDate: '2021-04-28T19:50:00.000Z',
      },
    });
    expect(plan.intake).toEqual({ provider: 'gitlab', externalId: '30/15', commitSha: '279484c09fbe69ededfced8c1bb6e6d24616b468' });
  });
  it.each(Object.entries(GITLAB_TIER_ENVIRONMENT))('maps an unnamed environment of tier %s to %i', (tier, expected) => {
    const plan = gitlab('Deployment Hook', gitlabDeployment({ environment: 'review/x', environment_tier: tier }));
    expect(record(plan).create.attributes.environment).toBe(expected);
  });
  it('prefers INGEST_ENVIRONMENTS over the tier, and ignores tier other with the reason', () => {
    expect(
      record(gitlab('Deployment Hook', gitlabDeployment({ environment: 'prod', environment_tier: 'staging' }))).create.attributes
        .environment,
    ).toBe(7);
    expect(gitlab('Deployment Hook', gitlabDeployment({ environment: 'sandbox', environment_tier: 'other' }))).toEqual({
      kind: 'ignored',
      reason: 'environment "sandbox" is not mapped by INGEST_ENVIRONMENTS, and its GitLab tier "other" names no tracker environment',
    });
  });
  it('never moves a finished deployment back: running after success changes nothing', () => {
    expect(updateOf(gitlab('Deployment Hook', gitlabDeployment({ status: 'running' })), 3)).toBeUndefined();
    expect(updateOf(gitlab('Deployment Hook', gitlabDeployment({ status: 'success' })), 1)?.attributes?.status).toBe(3);
  });
  it('maps a merged merge request to a change, and ignores other actions and events', () => {
    const payload = {
      object_kind: 'merge_request',
      project: { path_with_namespace: 'gitlabhq/gitlab-test' },
      object_attributes: {
        action: 'merge',
        title: 'MS-Viewport',
        url: 'http://example.com/diaspora/merge_requests/1',
        merge_commit_sha: 'ee0a3fb31ac16e11b9dbb596ad16d4af654d08f8',
        updated_at: '2013-12-03T17:23:34Z',
      },
    };
    expect(gitlab('Merge Request Hook', payload)).toEqual({
      kind: 'change',
      source: 'gitlab',
      change: {
        service: 'gitlabhq/gitlab-test',
        mergedAt: '2013-12-03T17:23:34.000Z',
        sha: 'ee0a3fb31ac16e11b9dbb596ad16d4af654d08f8',
        pullRequestLink: 'http://example.com/diaspora/merge_requests/1',
        title: 'MS-Viewport',
      },
    });
    expect(gitlab('Merge Request Hook', { ...payload, object_attributes: { action: 'open' } })).toMatchObject({ kind: 'ignored' });
    expect(gitlab('Push Hook', {})).toEqual({ kind: 'ignored', reason: 'GitLab event "Push Hook" is not one Tracker records' });
  });
  it('refuses a body whose object_kind is not the event, naming the field', () => {
    expect(() => gitlab('Deployment Hook', { object_kind: 'push' })).toThrow(expect.objectContaining({ kind: 'invalid-input' }));
  });
});

const fluxEvent = (reason: string, over: Record<string, unknown> = {}) => ({
  involvedObject: { kind: 'Kustomization', name: 'webapp', namespace: 'apps', uid: 'u-1' },
  metadata: { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' },
  severity: 'info',
  reason,
  message: 'm',
  reportingController: 'kustomize-controller',
  timestamp: '2024-03-01T10:00:00Z',
  ...over,
});
const flux = (payload: unknown) => planFluxEvent({ payload, defaultEnvironment: 7 }, environments);

describe('planFluxEvent', () => {
  it.each(Object.entries(FLUX_REASON_STATUS))('maps reason %s to %i', (reason, status) => {
    expect(record(flux(fluxEvent(reason))).create.attributes.status).toBe(status);
  });
  it('is one deployment per (object uid, revision), of the object name in FLUX_ENVIRONMENT unless the Alert names them', () => {
    const plan = record(flux(fluxEvent('Progressing')));
    expect(plan.eventId.equals(correlatedEventId(['flux', 'u-1', 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1']))).toBe(true);
    expect(plan.create.attributes).toMatchObject({ service: 'webapp', environment: 7, status: 1 });
    expect(plan.intake.commitSha).toBe('731f7eaddfb6af01cb2173e18f0f75b0ba780ef1');
    const named = fluxEvent('Progressing', {
      metadata: { revision: 'v1', service: 'shop', environment: 'staging', cluster: 'eu-1' },
    });
    expect(record(flux(named)).create.attributes).toMatchObject({ service: 'shop', environment: 6 });
  });
  it('ignores other kinds, other reasons, events without a revision and unmapped environments, with the reason', () => {
    expect(flux(fluxEvent('Progressing', { involvedObject: { kind: 'GitRepository', name: 'a', uid: 'u' } }))).toMatchObject({
      kind: 'ignored',
    });
    expect(flux(fluxEvent('NewArtifact'))).toEqual({ kind: 'ignored', reason: 'Flux reason "NewArtifact" is not one Tracker maps' });
    expect(flux(fluxEvent('Progressing', { metadata: {} }))).toMatchObject({ kind: 'ignored' });
    expect(flux(fluxEvent('Progressing', { metadata: { revision: 'v1', environment: 'moon' } }))).toMatchObject({ kind: 'ignored' });
  });
  it('reads the revision from revision or any <group>/revision key', () => {
    expect(fluxRevision({ revision: 'a' })).toBe('a');
    expect(fluxRevision({ 'helm.toolkit.fluxcd.io/revision': 'b' })).toBe('b');
    expect(fluxRevision(null)).toBeUndefined();
  });
});

const argoBody = (over: Record<string, unknown> = {}) => ({
  application: 'guestbook',
  namespace: 'argocd',
  project: 'default',
  uid: null,
  revision: '53e28ff20cc530b9ada2173fbbd64d48338583ba',
  syncStatus: 'Synced',
  healthStatus: 'Healthy',
  operationPhase: 'Succeeded',
  startedAt: '2024-03-01T10:00:00Z',
  finishedAt: '2024-03-01T10:02:00Z',
  destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook', name: null },
  repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
  service: null,
  environment: 'production',
  ...over,
});

describe('planArgocdNotification', () => {
  it.each([
    ['Running', 'Progressing', 1],
    ['Succeeded', 'Progressing', 1],
    ['Succeeded', 'Healthy', 3],
    ['Succeeded', 'Degraded', 4],
    ['Failed', 'Healthy', 4],
    ['Error', 'Missing', 4],
    [undefined, 'Healthy', undefined],
  ])('phase %s with health %s is status %s', (phase, health, status) => {
    expect(argocdStatus(phase, health)).toBe(status);
  });
  it('is one deployment per (application, operation start, revision)', () => {
    const plan = record(planArgocdNotification(argoBody(), environments));
    expect(
      plan.eventId.equals(
        correlatedEventId(['argocd', 'argocd', 'guestbook', '2024-03-01T10:00:00.000Z', '53e28ff20cc530b9ada2173fbbd64d48338583ba']),
      ),
    ).toBe(true);
    expect(plan.create.attributes).toMatchObject({ service: 'guestbook', environment: 7, status: 3, endDate: '2024-03-01T10:02:00.000Z' });
  });
  it('ignores an application naming no environment, and refuses fields the template never renders', () => {
    expect(planArgocdNotification(argoBody({ environment: null }), environments)).toMatchObject({ kind: 'ignored' });
    expect(() => planArgocdNotification({ ...argoBody(), extra: 1 }, environments)).toThrow(
      expect.objectContaining({ kind: 'invalid-input' }),
    );
    expect(() => planArgocdNotification(argoBody({ revision: 5 }), environments)).toThrow(
      expect.objectContaining({ kind: 'invalid-input' }),
    );
    expect(ARGOCD_BODY_FIELDS).toHaveLength(14);
  });
});
