import { EventStatus, EventType } from '../../../contract/enums';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import { refusedCharacterProblem } from '../../../platform/validation/identifier';
import type { CreateEventDto } from '../../tracker-events';
import { correlatedEventId } from './correlation';
import { FINAL_DEPLOYMENT_STATUSES, monotoneDeploymentUpdate, trailingSha, upstreamInstant } from './deployment-moves';
import { mapEnvironment } from './environments';
import { at, checkedName, clip, ignored, IntakePlan, optionalText, requiredText } from './intake-plan';

export const FLUX_SOURCE = 'flux';

/** The Flux objects whose events are deployments. */
export const FLUX_KINDS: readonly string[] = ['Kustomization', 'HelmRelease'];

/**
 * Flux event `reason` -> tracker status (issue 27), for Kustomization (kustomize-controller) and HelmRelease
 * (helm-controller) events. Every reason Tracker maps is listed (docs/intake.md); any other is ignored.
 * RollbackSucceeded is a Failure: the revision being deployed did not stay (helm-controller rolled it back after
 * its upgrade failed).
 */
export const FLUX_REASON_STATUS: Readonly<Record<string, EventStatus>> = Object.freeze({
  Progressing: EventStatus.Start,
  ProgressingWithRetry: EventStatus.Start,
  ReconciliationSucceeded: EventStatus.Success,
  InstallSucceeded: EventStatus.Success,
  UpgradeSucceeded: EventStatus.Success,
  ReconciliationFailed: EventStatus.Failure,
  HealthCheckFailed: EventStatus.Failure,
  ValidationFailed: EventStatus.Failure,
  BuildFailed: EventStatus.Failure,
  PruneFailed: EventStatus.Failure,
  ArtifactFailed: EventStatus.Failure,
  InstallFailed: EventStatus.Failure,
  UpgradeFailed: EventStatus.Failure,
  RollbackSucceeded: EventStatus.Failure,
  RollbackFailed: EventStatus.Failure,
  InitFailed: EventStatus.Failure,
  GetLastReleaseFailed: EventStatus.Failure,
});

/** Metadata keys (an Alert's eventMetadata) naming the service, the environment and the cluster. */
const SERVICE_KEY = 'service';
const ENVIRONMENT_KEY = 'environment';
const CLUSTER_KEY = 'cluster';

export interface FluxDelivery {
  payload: unknown;
  /** FLUX_ENVIRONMENT: the environment of events whose Alert names none. */
  defaultEnvironment: number;
}

/**
 * The revision an event is about: the metadata key `revision` or any `<group>/revision` key (Flux prefixes its
 * own keys with the API group: `kustomize.toolkit.fluxcd.io/revision`, `helm.toolkit.fluxcd.io/revision`).
 */
export function fluxRevision(metadata: unknown): string | undefined {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const entries = Object.entries(metadata as Record<string, unknown>);
  const found = entries.find(([key]) => key === 'revision') ?? entries.find(([key]) => key.endsWith('/revision'));
  return typeof found?.[1] === 'string' && found[1].trim() !== '' ? found[1] : undefined;
}

/** What an authenticated Flux event asks of Tracker. */
export function planFluxEvent({ payload, defaultEnvironment }: FluxDelivery, environments: ReadonlyMap<string, number>): IntakePlan {
  const kind = requiredText(payload, 'involvedObject.kind', 'body');
  const name = requiredText(payload, 'involvedObject.name', 'body');
  const uid = requiredText(payload, 'involvedObject.uid', 'body');
  const reason = requiredText(payload, 'reason', 'body');
  if (!FLUX_KINDS.includes(kind)) return ignored(`Flux ${clip(kind, 100)} events are not deployments (only Kustomization and HelmRelease)`);
  if (!Object.hasOwn(FLUX_REASON_STATUS, reason)) return ignored(`Flux reason "${clip(reason, 100)}" is not one Tracker maps`);
  const status = FLUX_REASON_STATUS[reason];
  const metadata = at(payload, 'metadata');
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)))
    throw InvalidInputError.field('metadata', 'must be an object of strings');
  const revision = fluxRevision(metadata);
  if (!revision) return ignored(`Flux ${kind} ${clip(name, 100)} event names no revision in its metadata`);
  if (revision.length > 500) throw InvalidInputError.field('metadata.revision', 'must be at most 500 characters');

  const namedService = optionalText(metadata, SERVICE_KEY);
  const service = clip(checkedName(namedService ?? name, namedService ? `metadata.${SERVICE_KEY}` : 'involvedObject.name'), 300);
  const environmentName = optionalText(metadata, ENVIRONMENT_KEY);
  let environment = defaultEnvironment;
  if (environmentName !== undefined) {
    checkedName(environmentName, `metadata.${ENVIRONMENT_KEY}`, refusedCharacterProblem);
    const match = mapEnvironment(environmentName, environments);
    if (match.kind === 'unmapped') return ignored(match.reason);
    environment = match.environment;
  }
  const cluster = optionalText(metadata, CLUSTER_KEY);
  const namespace = optionalText(payload, 'involvedObject.namespace');
  const statusAt = upstreamInstant(at(payload, 'timestamp'));
  const text = optionalText(payload, 'message');
  const message = clip([`${reason}: ${text ?? ''}`.trim(), cluster && `cluster ${cluster}`].filter(Boolean).join('\n'), 10_000);
  const sha = trailingSha(revision);
  const create: CreateEventDto = {
    title: clip(`Deploy ${service}@${revision}${environmentName ? ` to ${environmentName}` : ''}${cluster ? ` (${cluster})` : ''}`, 500),
    attributes: {
      type: EventType.Deployment,
      service,
      environment,
      status,
      source: FLUX_SOURCE,
      message,
      ...(statusAt ? { startDate: statusAt } : {}),
      ...(statusAt && FINAL_DEPLOYMENT_STATUSES.has(status) ? { endDate: statusAt } : {}),
    },
  };
  return {
    kind: 'record',
    // One deployment per (object, revision): every event of one revision's rollout lands on it.
    eventId: correlatedEventId([FLUX_SOURCE, uid, revision]),
    create,
    update: monotoneDeploymentUpdate({ status, source: FLUX_SOURCE, statusAt, message }),
    intake: {
      provider: FLUX_SOURCE,
      externalId: clip(`${namespace ? `${namespace}/` : ''}${kind}/${name}@${revision}`, 1000),
      ...(sha ? { commitSha: sha } : {}),
    },
  };
}
