import { EventStatus, EventType } from '../../../contract/enums';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import { refusedCharacterProblem } from '../../../platform/validation/identifier';
import type { CreateEventDto } from '../../tracker-events';
import type { CreateCodeChangeDto } from '../../code-changes';
import { correlatedEventId } from './correlation';
import { FINAL_DEPLOYMENT_STATUSES, monotoneDeploymentUpdate, trailingSha, upstreamInstant } from './deployment-moves';
import { mapEnvironment } from './environments';
import { at, checkedName, clip, ignored, IntakePlan, linkOrNothing, optionalText, requiredText } from './intake-plan';

export const GITLAB_SOURCE = 'gitlab';

/**
 * GitLab deployment `status` -> tracker status (issue 27). `canceled` is Done, not Failure: somebody (or a newer
 * pipeline) stopped the deployment on purpose; nothing failed, and counting it as a failed deployment would
 * inflate the change failure rate.
 */
export const GITLAB_DEPLOYMENT_STATUS: Readonly<Record<string, EventStatus>> = Object.freeze({
  created: EventStatus.Start,
  running: EventStatus.Start,
  success: EventStatus.Success,
  failed: EventStatus.Failure,
  canceled: EventStatus.Done,
});

/** GitLab environment tier -> tracker environment, used when INGEST_ENVIRONMENTS does not map the name. */
export const GITLAB_TIER_ENVIRONMENT: Readonly<Record<string, number>> = Object.freeze({
  production: 7,
  staging: 6,
  testing: 4,
  development: 1,
});

export interface GitlabDelivery {
  /** X-Gitlab-Event */
  event: string;
  /** The parsed body (its token already checked). */
  payload: unknown;
  /** The GitLab instance (X-Gitlab-Instance, else the project's web_url host): deployment ids are per instance. */
  host: string;
}

/** What an authenticated GitLab delivery asks of Tracker. */
export function planGitlabDelivery(delivery: GitlabDelivery, environments: ReadonlyMap<string, number>): IntakePlan {
  switch (delivery.event) {
    case 'Deployment Hook':
      return planDeployment(delivery, environments);
    case 'Merge Request Hook':
      return planMergeRequest(delivery.payload);
    default:
      return ignored(`GitLab event "${clip(delivery.event, 100)}" is not one Tracker records`);
  }
}

function objectKind(payload: unknown, expected: string): void {
  if (at(payload, 'object_kind') !== expected)
    throw InvalidInputError.field('object_kind', `must be "${expected}" for this X-Gitlab-Event`);
}

function integerAt(payload: unknown, path: string): number {
  const value = at(payload, path);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw InvalidInputError.field(path, 'must be an integer');
  return value;
}

function planDeployment({ payload, host }: GitlabDelivery, environments: ReadonlyMap<string, number>): IntakePlan {
  objectKind(payload, 'deployment');
  const deploymentId = integerAt(payload, 'deployment_id');
  const projectId = integerAt(payload, 'project.id');
  const service = clip(checkedName(requiredText(payload, 'project.path_with_namespace', 'body'), 'project.path_with_namespace'), 300);
  const state = requiredText(payload, 'status', 'body');
  if (!Object.hasOwn(GITLAB_DEPLOYMENT_STATUS, state))
    return ignored(`GitLab deployment status "${clip(state, 100)}" is not one Tracker maps`);
  const status = GITLAB_DEPLOYMENT_STATUS[state];

  const environmentName = checkedName(requiredText(payload, 'environment', 'body'), 'environment', refusedCharacterProblem);
  let environment: number;
  const named = mapEnvironment(environmentName, environments);
  if (named.kind === 'mapped') environment = named.environment;
  else {
    const tier = optionalText(payload, 'environment_tier');
    if (!tier || !Object.hasOwn(GITLAB_TIER_ENVIRONMENT, tier))
      return ignored(`${named.reason}, and its GitLab tier "${clip(tier ?? '(none)', 100)}" names no tracker environment`);
    environment = GITLAB_TIER_ENVIRONMENT[tier];
  }

  const statusAt = upstreamInstant(at(payload, 'status_changed_at'));
  const sha = trailingSha(optionalText(payload, 'commit_url')) ?? trailingSha(optionalText(payload, 'short_sha'));
  const ref = optionalText(payload, 'ref');
  const job = linkOrNothing(at(payload, 'deployable_url'));
  const commitTitle = optionalText(payload, 'commit_title');
  const message = [commitTitle, job && `job ${job}`].filter(Boolean).join('\n') || undefined;
  const username = optionalText(payload, 'user.username');
  const owner = username && username.length <= 200 ? checkedName(username, 'user.username') : undefined;
  const final = FINAL_DEPLOYMENT_STATUSES.has(status);
  const create: CreateEventDto = {
    title: clip(`Deploy ${service}${ref ? `@${ref}` : ''} to ${environmentName}`, 500),
    attributes: {
      type: EventType.Deployment,
      service,
      environment,
      status,
      source: GITLAB_SOURCE,
      ...(message ? { message: clip(message, 10_000) } : {}),
      ...(owner ? { owner } : {}),
      // The first delivery seen starts the deployment; a final one seen first also ends it then.
      ...(statusAt ? { startDate: statusAt } : {}),
      ...(statusAt && final ? { endDate: statusAt } : {}),
    },
  };
  return {
    kind: 'record',
    eventId: correlatedEventId([GITLAB_SOURCE, host, 'deployment', String(projectId), String(deploymentId)]),
    create,
    update: monotoneDeploymentUpdate({ status, source: GITLAB_SOURCE, statusAt }),
    intake: { provider: GITLAB_SOURCE, externalId: `${projectId}/${deploymentId}`, ...(sha ? { commitSha: sha } : {}) },
  };
}

/** A merged merge request is a change of the project, like GitHub's merged pull request. */
function planMergeRequest(payload: unknown): IntakePlan {
  objectKind(payload, 'merge_request');
  const action = optionalText(payload, 'object_attributes.action') ?? '(none)';
  if (action !== 'merge') return ignored(`merge request action "${clip(action, 100)}" is not recorded (only a merge is a change)`);
  // GitLab names no merge time in the hook; the merge is the update the hook reports.
  const mergedAt =
    upstreamInstant(at(payload, 'object_attributes.merged_at')) ?? upstreamInstant(at(payload, 'object_attributes.updated_at'));
  if (!mergedAt) throw InvalidInputError.field('object_attributes.updated_at', 'must be the merge time of a merged merge request');
  const sha = optionalText(payload, 'object_attributes.merge_commit_sha');
  const link = linkOrNothing(at(payload, 'object_attributes.url'));
  const title = optionalText(payload, 'object_attributes.title');
  const change: CreateCodeChangeDto = {
    service: clip(checkedName(requiredText(payload, 'project.path_with_namespace', 'body'), 'project.path_with_namespace'), 300),
    mergedAt,
    ...(sha && /^[0-9a-fA-F]{7,64}$/.test(sha) ? { sha } : {}),
    ...(link ? { pullRequestLink: link } : {}),
    ...(title ? { title: clip(title, 1000) } : {}),
  };
  return { kind: 'change', change, source: GITLAB_SOURCE };
}
