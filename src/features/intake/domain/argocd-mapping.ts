import { EventStatus, EventType } from '../../../contract/enums';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import { refusedCharacterProblem } from '../../../platform/validation/identifier';
import type { CreateEventDto } from '../../tracker-events';
import { correlatedEventId } from './correlation';
import { FINAL_DEPLOYMENT_STATUSES, monotoneDeploymentUpdate, trailingSha, upstreamInstant } from './deployment-moves';
import { mapEnvironment } from './environments';
import { at, checkedName, clip, ignored, IntakePlan, linkOrNothing, optionalText, requiredText } from './intake-plan';

export const ARGOCD_SOURCE = 'argocd';

/** The body fields the shipped template (deploy/argocd/notifications.yaml) renders; all but `application` may be null. */
export const ARGOCD_BODY_FIELDS = [
  'application',
  'namespace',
  'project',
  'uid',
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
] as const;

/**
 * An Argo CD notification's status (issue 27), from the operation phase and the health the template reports, in
 * this order: an operation that failed or errored, or a Degraded health, is a Failure (on-sync-failed,
 * on-health-degraded); a Running operation is a Start (on-sync-running); a Succeeded operation whose application
 * is Healthy is a Success (on-deployed); a Succeeded one not yet Healthy is still a Start. Anything else says
 * nothing about a deployment.
 */
export function argocdStatus(phase: string | undefined, health: string | undefined): EventStatus | undefined {
  if (phase === 'Failed' || phase === 'Error' || health === 'Degraded') return EventStatus.Failure;
  if (phase === 'Running' || phase === 'Terminating') return EventStatus.Start;
  if (phase === 'Succeeded') return health === 'Healthy' ? EventStatus.Success : EventStatus.Start;
  return undefined;
}

function textOrNull(payload: unknown, path: string): string | undefined {
  const value = at(payload, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw InvalidInputError.field(path, 'must be a string or null');
  return value.trim() === '' ? undefined : value;
}

/** What an authenticated Argo CD notification (the shipped template's body) asks of Tracker. */
export function planArgocdNotification(payload: unknown, environments: ReadonlyMap<string, number>): IntakePlan {
  const unknown = Object.keys(payload as object).find((key) => !(ARGOCD_BODY_FIELDS as readonly string[]).includes(key));
  if (unknown) throw InvalidInputError.field(clip(unknown, 100), 'is not a field of the Argo CD notification body (docs/intake.md)');
  const application = requiredText(payload, 'application', 'body');
  for (const field of ARGOCD_BODY_FIELDS) if (field !== 'destination') textOrNull(payload, field);
  const destination = at(payload, 'destination');
  if (destination !== undefined && destination !== null && (typeof destination !== 'object' || Array.isArray(destination)))
    throw InvalidInputError.field('destination', 'must be an object or null');
  const phase = textOrNull(payload, 'operationPhase');
  const health = textOrNull(payload, 'healthStatus');
  const status = argocdStatus(phase, health);
  if (status === undefined)
    return ignored(
      `Argo CD operation phase "${clip(phase ?? '(none)', 50)}" with health "${clip(health ?? '(none)', 50)}" is not a deployment step`,
    );

  const environmentName = textOrNull(payload, 'environment');
  if (!environmentName)
    return ignored(`Argo CD application ${clip(application, 100)} names no environment (annotation or label tracker/environment)`);
  checkedName(environmentName, 'environment', refusedCharacterProblem);
  const match = mapEnvironment(environmentName, environments);
  if (match.kind === 'unmapped') return ignored(match.reason);
  const named = textOrNull(payload, 'service');
  const service = clip(checkedName(named ?? application, named ? 'service' : 'application'), 300);
  const namespace = textOrNull(payload, 'namespace') ?? '';
  const revision = textOrNull(payload, 'revision') ?? '';
  const startedAt = upstreamInstant(at(payload, 'startedAt'));
  const finishedAt = upstreamInstant(at(payload, 'finishedAt'));
  const final = FINAL_DEPLOYMENT_STATUSES.has(status);
  const repo = linkOrNothing(at(payload, 'repoURL'));
  const server = optionalText(destination, 'server') ?? optionalText(destination, 'name');
  const target = [server, optionalText(destination, 'namespace')].filter(Boolean).join(' / ');
  const message = clip(
    [`sync ${textOrNull(payload, 'syncStatus') ?? '?'}, health ${health ?? '?'}, operation ${phase ?? '?'}`, target && `to ${target}`, repo]
      .filter(Boolean)
      .join('\n'),
    10_000,
  );
  const sha = trailingSha(revision);
  const endDate = final ? (finishedAt ?? undefined) : undefined;
  const create: CreateEventDto = {
    title: clip(`Deploy ${service}${revision ? `@${revision.slice(0, 12)}` : ''} to ${environmentName}`, 500),
    attributes: {
      type: EventType.Deployment,
      service,
      environment: match.environment,
      status,
      source: ARGOCD_SOURCE,
      message,
      ...(startedAt ? { startDate: startedAt } : {}),
      ...(endDate && (!startedAt || endDate >= startedAt) ? { endDate } : {}),
    },
  };
  return {
    kind: 'record',
    // One deployment per (application, operation start, revision): a repeated on-deployed lands on the same one.
    eventId: correlatedEventId([ARGOCD_SOURCE, namespace, application, startedAt ?? '', revision]),
    create,
    update: monotoneDeploymentUpdate({ status, source: ARGOCD_SOURCE, statusAt: finishedAt, message }),
    intake: {
      provider: ARGOCD_SOURCE,
      externalId: clip(`${namespace ? `${namespace}/` : ''}${application}@${revision}`, 1000),
      ...(sha ? { commitSha: sha } : {}),
    },
  };
}
