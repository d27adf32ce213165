import { DEFAULT_INGEST_ENVIRONMENTS } from '../../../platform/config/env.schema';
import { AppConfig } from '../../../platform/config/app-config.service';
import { validateEnv } from '../../../platform/config/env.schema';
import { planCdEvent } from './cdevents-mapping';
import { correlatedEventId } from './correlation';
import { mapEnvironment } from './environments';
import type { IntakePlan } from './intake-plan';
import type { TrackerEventRecordView } from '../../tracker-events';
import { DEPLOYMENT_STATE_STATUS, planGithubDelivery } from './github-mapping';

const environments = new AppConfig(validateEnv({})).intake.environments;

/** The update a record plan applies to a stored event of the given status. */
function updateOf(plan: IntakePlan, status: number) {
  if (plan.kind !== 'record') return undefined;
  return typeof plan.update === 'function' ? plan.update({ attributes: { status } } as TrackerEventRecordView) : plan.update;
}

describe('INGEST_ENVIRONMENTS', () => {
  it.each([
    ['development', 1],
    ['DEV', 1],
    ['integration', 2],
    ['tnr', 3],
    ['uat', 4],
    ['QA', 4],
    ['recette', 5],
    ['preprod', 6],
    ['Pre-Production', 6],
    ['staging', 6],
    ['production', 7],
    [' prod ', 7],
    ['mco', 8],
  ])('the documented default maps %s to %i, case-insensitively', (name, environment) => {
    expect(mapEnvironment(name, environments)).toEqual({ kind: 'mapped', environment });
  });

  it('leaves other names unmapped, with the reason', () => {
    expect(mapEnvironment('github-pages', environments)).toEqual({
      kind: 'unmapped',
      reason: 'environment "github-pages" is not mapped by INGEST_ENVIRONMENTS',
    });
  });

  it('replaces the whole default list when set', () => {
    const table = new AppConfig(validateEnv({ INGEST_ENVIRONMENTS: 'Live=7, canary = 6' })).intake.environments;
    expect([...table]).toEqual([
      ['live', 7],
      ['canary', 6],
    ]);
    expect(DEFAULT_INGEST_ENVIRONMENTS.split(',')).toHaveLength(13);
  });
});

describe('correlatedEventId', () => {
  it('is a stable 24-hex id per key, different for different keys', () => {
    const a = correlatedEventId(['github', 'github.com', 'deployment', '1']);
    expect(a.toHexString()).toMatch(/^[0-9a-f]{24}$/);
    expect(correlatedEventId(['github', 'github.com', 'deployment', '1']).equals(a)).toBe(true);
    expect(correlatedEventId(['github', 'github.com', 'deployment', '2']).equals(a)).toBe(false);
    // JSON-encoded parts: no two part lists share a key by concatenation.
    expect(correlatedEventId(['a', 'bc']).equals(correlatedEventId(['ab', 'c']))).toBe(false);
  });
});

const deployment = (over: Record<string, unknown> = {}) => ({
  deployment: {
    id: 42,
    sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    ref: 'main',
    environment: 'production',
    created_at: '2024-03-01T10:00:00Z',
    description: 'Deploy request',
    payload: {},
    creator: { login: 'octocat' },
    ...over,
  },
  repository: { full_name: 'org/app' },
});

describe('planGithubDelivery', () => {
  it('maps a deployment to a Start deployment event of the repository, correlated by the deployment id', () => {
    const plan = planGithubDelivery({ event: 'deployment', payload: deployment(), host: 'github.com' }, environments);
    expect(plan).toEqual({
      kind: 'record',
      eventId: correlatedEventId(['github', 'github.com', 'deployment', '42']),
      create: {
        title: 'Deploy org/app@main to production',
        attributes: {
          type: 1,
          service: 'org/app',
          environment: 7,
          status: 1,
          source: 'github',
          message: 'Deploy request',
          owner: 'octocat',
          startDate: '2024-03-01T10:00:00Z',
        },
      },
      update: undefined,
      intake: { provider: 'github', externalId: '42', commitSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e' },
    });
  });

  it.each(Object.entries(DEPLOYMENT_STATE_STATUS))('maps deployment_status %s to status %i', (state, status) => {
    const payload = { ...deployment(), deployment_status: { state, environment: 'production', updated_at: '2024-03-01T10:05:00Z' } };
    const plan = planGithubDelivery({ event: 'deployment_status', payload, host: 'github.com' }, environments);
    if (plan.kind !== 'record') throw new Error('not recorded');
    expect(plan.create.attributes.status).toBe(status);
    const final = ['success', 'failure', 'error', 'inactive'].includes(state);
    // Against a running deployment every status applies; against a finished one only another final status does.
    expect(updateOf(plan, 1)?.attributes?.status).toBe(status);
    expect(updateOf(plan, 1)?.attributes?.endDate).toBe(final ? '2024-03-01T10:05:00Z' : undefined);
    expect(updateOf(plan, 3)?.attributes?.status).toBe(final ? status : undefined);
  });

  it('takes the service and the pull request link from the deployment payload when it names them', () => {
    const payload = deployment({ payload: { service: 'billing', pull_request_url: 'https://github.com/org/app/pull/7' } });
    const plan = planGithubDelivery({ event: 'deployment', payload, host: 'ghe.example.com' }, environments);
    if (plan.kind !== 'record') throw new Error('not recorded');
    expect(plan.create.attributes.service).toBe('billing');
    expect(plan.create.links).toEqual({ pullRequestLink: 'https://github.com/org/app/pull/7' });
    expect(plan.eventId.equals(correlatedEventId(['github', 'ghe.example.com', 'deployment', '42']))).toBe(true);
  });

  it('ignores unmapped environments, unknown states, other events and unmerged pull requests, with the reason', () => {
    const plan = (event: string, payload: unknown) => planGithubDelivery({ event, payload, host: 'github.com' }, environments);
    expect(plan('deployment', deployment({ environment: 'github-pages' }))).toEqual({
      kind: 'ignored',
      reason: 'environment "github-pages" is not mapped by INGEST_ENVIRONMENTS',
    });
    expect(plan('deployment_status', { ...deployment(), deployment_status: { state: 'exploded' } })).toMatchObject({ kind: 'ignored' });
    expect(plan('issues', {})).toEqual({ kind: 'ignored', reason: 'GitHub event "issues" is not one Tracker records' });
    expect(plan('pull_request', { action: 'closed', pull_request: { merged: false } })).toMatchObject({ kind: 'ignored' });
  });

  it('maps a merged pull request to a change', () => {
    const payload = {
      action: 'closed',
      pull_request: {
        merged: true,
        merged_at: '2024-03-01T10:00:00Z',
        merge_commit_sha: 'c4295bd74fb0f4fda03689c3df3f2803b658fd85',
        html_url: 'https://github.com/org/app/pull/2',
        title: 'Fix it',
      },
      repository: { full_name: 'org/app' },
    };
    expect(planGithubDelivery({ event: 'pull_request', payload, host: 'github.com' }, environments)).toEqual({
      kind: 'change',
      source: 'github',
      change: {
        service: 'org/app',
        mergedAt: '2024-03-01T10:00:00Z',
        sha: 'c4295bd74fb0f4fda03689c3df3f2803b658fd85',
        pullRequestLink: 'https://github.com/org/app/pull/2',
        title: 'Fix it',
      },
    });
  });

  it('names the field of a delivery it cannot read', () => {
    expect(() =>
      planGithubDelivery({ event: 'deployment', payload: { deployment: { id: '1' } }, host: 'github.com' }, environments),
    ).toThrow('deployment.id: must be an integer');
    expect(() =>
      planGithubDelivery({ event: 'deployment', payload: deployment({ environment: 7 }), host: 'github.com' }, environments),
    ).toThrow('deployment.environment');
  });

  it.each([
    ['deployment.payload.service', deployment({ payload: { service: 'pay\u202Ements' } }), /U\+202E/],
    ['repository.full_name', { ...deployment(), repository: { full_name: 'org/pay\u200Bments' } }, /U\+200B/],
    ['deployment.environment', deployment({ environment: 'produc\u200Btion' }), /U\+200B/],
    ['deployment.environment', deployment({ environment: '\uFEFFproduction' }), /U\+FEFF/],
    ['deployment.creator.login', deployment({ creator: { login: 'octo\u202Ecat' } }), /U\+202E/],
  ])('refuses a look-alike name in %s, naming the field', (field, payload, reason) => {
    expect(() => planGithubDelivery({ event: 'deployment', payload, host: 'github.com' }, environments)).toThrow(
      expect.objectContaining({ extra: { invalidFields: [{ name: field, reason: expect.stringMatching(reason) }] } }),
    );
  });

  it('refuses a look-alike repository in a merged pull request, and still maps surrounding spaces of environments', () => {
    const payload = {
      action: 'closed',
      pull_request: { merged: true, merged_at: '2024-03-01T10:00:00Z' },
      repository: { full_name: 'org/app\u2066' },
    };
    expect(() => planGithubDelivery({ event: 'pull_request', payload, host: 'github.com' }, environments)).toThrow(/repository\.full_name/);
    const spaced = planGithubDelivery(
      { event: 'deployment', payload: deployment({ environment: ' production ' }), host: 'github.com' },
      environments,
    );
    expect(spaced).toMatchObject({ kind: 'record', create: { attributes: { environment: 7 } } });
  });
});

const cdevent = (subject: Record<string, unknown>) => ({
  context: { version: '0.4.1', id: 'e-1', source: '/ci', type: 't', timestamp: '2024-03-01T10:00:00Z' },
  subject,
});

describe('planCdEvent', () => {
  const plan = (name: Parameters<typeof planCdEvent>[0]['name'], subject: Record<string, unknown>) =>
    planCdEvent({ name, source: '/ci', id: 'e-1', data: cdevent(subject) }, environments);

  it.each([
    ['service.deployed', 3, undefined],
    ['service.upgraded', 3, undefined],
    ['service.rolledback', 5, true],
    ['service.removed', 9, undefined],
  ] as const)('maps %s to a deployment with status %i (rollback mark %s)', (name, status, rollback) => {
    const p = plan(name, { id: 'app', type: 'service', content: { environment: { id: 'prod' } } });
    if (p.kind !== 'record') throw new Error('not recorded');
    expect(p.create.attributes).toMatchObject({ type: 1, service: 'app', environment: 7, status, source: 'cdevents' });
    expect(p.intake).toEqual({ provider: 'cdevents', externalId: 'app', ...(rollback ? { rollback } : {}) });
    expect(p.eventId.equals(correlatedEventId(['cdevents', 'event', '/ci', 'e-1']))).toBe(true);
  });

  it('correlates a pipeline run by its subject: started creates it, finished sets the outcome', () => {
    const started = plan('pipelinerun.started', { id: 'run-1', type: 'pipelineRun', content: { pipelineName: 'build' } });
    const finished = plan('pipelinerun.finished', {
      id: 'run-1',
      type: 'pipelineRun',
      content: { pipelineName: 'build', outcome: 'error' },
    });
    if (started.kind !== 'record' || finished.kind !== 'record') throw new Error('not recorded');
    expect(started.eventId.equals(finished.eventId)).toBe(true);
    expect(started.create.attributes).toMatchObject({ type: 2, service: 'build', status: 1 });
    expect(started.update).toBeUndefined();
    expect(updateOf(finished, 1)?.attributes?.status).toBe(6);
  });

  it('opens an incident on detected or reported and closes the same one on resolved', () => {
    const subject = { id: 'inc-1', type: 'incident', content: { environment: { id: 'prod' }, service: { id: 'api' } } };
    const detected = plan('incident.detected', subject);
    const resolved = plan('incident.resolved', subject);
    if (detected.kind !== 'record' || resolved.kind !== 'record') throw new Error('not recorded');
    expect(detected.eventId.equals(resolved.eventId)).toBe(true);
    expect(detected.create.attributes).toMatchObject({ type: 4, service: 'api', environment: 7, status: 7 });
    expect(updateOf(resolved, 7)?.attributes?.status).toBe(8);
  });

  it("correlates a caller's CloudEvents apart from everyone else's, and leaves anonymous ids as they were", () => {
    const subject = { id: 'app', type: 'service', content: { environment: { id: 'prod' } } };
    const of = (caller?: string) => {
      const p = planCdEvent({ name: 'service.deployed', source: '/ci', id: 'e-1', data: cdevent(subject), caller }, environments);
      if (p.kind !== 'record') throw new Error('not recorded');
      return p.eventId.toHexString();
    };
    expect(of()).toBe(correlatedEventId(['cdevents', 'event', '/ci', 'e-1']).toHexString());
    expect(new Set([of(), of('alice'), of('mallory')]).size).toBe(3);
    expect(of('alice')).toBe(of('alice'));
  });

  it('ignores an unmapped environment, and maps change.merged to a change of the repository', () => {
    expect(plan('service.deployed', { id: 'app', content: { environment: { id: 'moon' } } })).toMatchObject({ kind: 'ignored' });
    expect(plan('change.merged', { id: 'pr-9', content: { repository: { id: 'org/app' } } })).toEqual({
      kind: 'change',
      source: 'cdevents',
      change: { service: 'org/app', mergedAt: '2024-03-01T10:00:00Z', title: 'Change pr-9' },
    });
  });

  it.each([
    ['data.subject.id', 'service.deployed', { id: 'pay\u202Ements', content: { environment: { id: 'prod' } } }],
    ['data.subject.content.environment.id', 'service.deployed', { id: 'app', content: { environment: { id: 'pr\u200Bod' } } }],
    ['data.subject.content.pipelineName', 'pipelinerun.started', { id: 'run-1', content: { pipelineName: 'bu\u200Bild' } }],
    ['data.subject.id', 'pipelinerun.started', { id: 'run\u202E-1', content: {} }],
    ['data.subject.content.service.id', 'incident.detected', { id: 'inc-1', content: { service: { id: 'a\u2067pi' } } }],
    ['data.subject.content.repository.id', 'change.merged', { id: 'pr-9', content: { repository: { id: 'org/a\u00ADpp' } } }],
  ] as const)('refuses a look-alike name in %s (%s), naming the field', (field, name, subject) => {
    expect(() => plan(name, subject)).toThrow(
      expect.objectContaining({ extra: { invalidFields: [expect.objectContaining({ name: field })] } }),
    );
  });
});
