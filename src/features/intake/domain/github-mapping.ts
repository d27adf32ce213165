import type { DeploymentEvent, DeploymentStatusEvent, PullRequestEvent } from '@octokit/webhooks-types';
import { EventStatus, EventType } from '../../../contract/enums';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import { parseInstant } from '../../../platform/validation/date-range';
import type { CreateEventDto } from '../../tracker-events';
import type { CreateCodeChangeDto } from '../../code-changes';
import { correlatedEventId } from './correlation';
import { refusedCharacterProblem } from '../../../platform/validation/identifier';
import { mapEnvironment } from './environments';
import { at, checkedName, clip, ignored, instantOrNothing, IntakePlan, linkOrNothing, optionalText, requiredText } from './intake-plan';

export const GITHUB_SOURCE = 'github';

/**
 * GitHub deployment status state -> tracker status (issue 16). `waiting` (a deployment waiting for an approval
 * or a timer, newer than the issue's list) is a deployment that has not finished: Start, like queued.
 */
export const DEPLOYMENT_STATE_STATUS: Readonly<Record<string, EventStatus>> = Object.freeze({
  queued: EventStatus.Start,
  pending: EventStatus.Start,
  in_progress: EventStatus.Start,
  waiting: EventStatus.Start,
  success: EventStatus.Success,
  failure: EventStatus.Failure,
  error: EventStatus.Error,
  inactive: EventStatus.Done,
});

/** States after which the deployment is over: the status time becomes the event's end. */
const FINAL_STATES = new Set(['success', 'failure', 'error', 'inactive']);
/** Their tracker statuses. */
const FINAL_STATUSES = new Set<number>([EventStatus.Success, EventStatus.Failure, EventStatus.Error, EventStatus.Done]);

/** Keys of a deployment's free-form `payload` that may name the pull request it ships. */
const PULL_REQUEST_KEYS = ['pullRequestLink', 'pull_request_url', 'pullRequestUrl', 'pull_request'];

export interface GithubDelivery {
  /** X-GitHub-Event */
  event: string;
  /** The verified, parsed body. */
  payload: unknown;
  /** github.com, or the X-GitHub-Enterprise-Host of a GitHub Enterprise Server (its deployment ids are its own). */
  host: string;
}

/** What a verified GitHub delivery asks of Tracker (ping is answered before this). */
export function planGithubDelivery(delivery: GithubDelivery, environments: ReadonlyMap<string, number>): IntakePlan {
  switch (delivery.event) {
    case 'deployment':
      return planDeployment(delivery, environments, undefined);
    case 'deployment_status':
      return planDeployment(delivery, environments, delivery.payload as DeploymentStatusEvent);
    case 'pull_request':
      return planPullRequest(delivery.payload as PullRequestEvent);
    default:
      return ignored(`GitHub event "${clip(delivery.event, 100)}" is not one Tracker records`);
  }
}

/** A merged pull request is a change of the repository (the service a deployment of it defaults to). */
function planPullRequest(payload: PullRequestEvent): IntakePlan {
  const action = optionalText(payload, 'action') ?? '(none)';
  if (action !== 'closed' || at(payload, 'pull_request.merged') !== true)
    return ignored(`pull_request "${clip(action, 100)}" is not recorded (only a merged pull request is a change)`);
  const mergedAt = instantOrNothing(at(payload, 'pull_request.merged_at'), parseInstant);
  if (!mergedAt) throw InvalidInputError.field('pull_request.merged_at', 'must be the merge time (ISO 8601) of a merged pull request');
  const sha = optionalText(payload, 'pull_request.merge_commit_sha');
  const link = linkOrNothing(at(payload, 'pull_request.html_url'));
  const title = optionalText(payload, 'pull_request.title');
  const change: CreateCodeChangeDto = {
    service: clip(checkedName(requiredText(payload, 'repository.full_name', 'body'), 'repository.full_name'), 300),
    mergedAt,
    ...(sha && /^[0-9a-fA-F]{7,64}$/.test(sha) ? { sha } : {}),
    ...(link ? { pullRequestLink: link } : {}),
    ...(title ? { title: clip(title, 1000) } : {}),
  };
  return { kind: 'change', change, source: GITHUB_SOURCE };
}

function planDeployment(
  { payload, host }: GithubDelivery,
  environments: ReadonlyMap<string, number>,
  statusEvent: DeploymentStatusEvent | undefined,
): IntakePlan {
  const deployment = at(payload, 'deployment') as DeploymentEvent['deployment'] | undefined;
  const id = at(deployment, 'id');
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw InvalidInputError.field('deployment.id', 'must be an integer');
  const repository = requiredText(payload, 'repository.full_name', 'body');

  let state: string | undefined;
  let status: EventStatus = EventStatus.Start;
  if (statusEvent) {
    state = requiredText(payload, 'deployment_status.state', 'body');
    if (!(state in DEPLOYMENT_STATE_STATUS)) return ignored(`deployment_status state "${clip(state, 100)}" is not one Tracker maps`);
    status = DEPLOYMENT_STATE_STATUS[state];
  }
  const statusEnvironment = optionalText(payload, 'deployment_status.environment');
  const environmentName = checkedName(
    statusEnvironment ?? requiredText(deployment, 'environment', 'deployment'),
    statusEnvironment ? 'deployment_status.environment' : 'deployment.environment',
    refusedCharacterProblem,
  );
  const environment = mapEnvironment(environmentName, environments);
  if (environment.kind === 'unmapped') return ignored(environment.reason);

  const named = optionalText(deployment, 'payload.service');
  const service =
    named && named.length <= 300
      ? checkedName(named, 'deployment.payload.service')
      : clip(checkedName(repository, 'repository.full_name'), 300);
  const ref = optionalText(deployment, 'ref');
  const sha = optionalText(deployment, 'sha');
  const startDate = instantOrNothing(at(deployment, 'created_at'), parseInstant);
  const statusAt = instantOrNothing(
    at(payload, 'deployment_status.updated_at') ?? at(payload, 'deployment_status.created_at'),
    parseInstant,
  );
  const endDate =
    state && FINAL_STATES.has(state) && statusAt && (!startDate || parseInstant(statusAt)! >= parseInstant(startDate)!)
      ? statusAt
      : undefined;
  const description = optionalText(payload, 'deployment_status.description') ?? optionalText(deployment, 'description');
  const pullRequestLink = PULL_REQUEST_KEYS.map((key) => linkOrNothing(at(deployment, `payload.${key}`))).find(Boolean);
  const login = optionalText(deployment, 'creator.login');
  const owner = login && checkedName(login, 'deployment.creator.login');

  const create: CreateEventDto = {
    title: clip(`Deploy ${service}${ref ? `@${ref}` : ''} to ${environmentName}`, 500),
    attributes: {
      type: EventType.Deployment,
      service,
      environment: environment.environment,
      status,
      source: GITHUB_SOURCE,
      ...(description ? { message: clip(description, 10_000) } : {}),
      ...(owner && owner.length <= 200 ? { owner } : {}),
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
    },
    ...(pullRequestLink ? { links: { pullRequestLink } } : {}),
  };
  return {
    kind: 'record',
    eventId: correlatedEventId([GITHUB_SOURCE, host, 'deployment', String(id)]),
    create,
    // A `deployment` delivery arriving after a status of the same deployment changes nothing; a status moves it on.
    update: statusEvent
      ? (stored) =>
          // Deliveries can arrive out of order: a late queued/in_progress never moves a finished deployment back.
          state && !FINAL_STATES.has(state) && FINAL_STATUSES.has(stored.attributes?.status ?? 0)
            ? undefined
            : {
                attributes: {
                  status,
                  source: GITHUB_SOURCE,
                  ...(description ? { message: clip(description, 10_000) } : {}),
                  ...(endDate ? { endDate } : {}),
                },
                ...(pullRequestLink ? { links: { pullRequestLink } } : {}),
              }
      : undefined,
    intake: { provider: GITHUB_SOURCE, externalId: String(id), ...(sha ? { commitSha: clip(sha, 100) } : {}) },
  };
}
