import { EventStatus, EventType } from '../../../contract/enums';
import { parseInstant } from '../../../platform/validation/date-range';
import type { CreateEventDto } from '../../tracker-events';
import type { MappedCdEvent } from '../cdevents/cdevent-schemas';
import { correlatedEventId } from './correlation';
import { refusedCharacterProblem } from '../../../platform/validation/identifier';
import { mapEnvironment } from './environments';
import type { CreateCodeChangeDto } from '../../code-changes';
import { at, checkedName, clip, ignored, instantOrNothing, IntakePlan, linkOrNothing, optionalText } from './intake-plan';

export const CDEVENTS_SOURCE = 'cdevents';

/** service.* -> what the deployment event says (issue 16): status, title verb, rollback mark. */
const SERVICE_EVENTS: Record<string, { status: EventStatus; verb: string; rollback?: true }> = {
  'service.deployed': { status: EventStatus.Success, verb: 'Deploy' },
  'service.upgraded': { status: EventStatus.Success, verb: 'Upgrade' },
  'service.rolledback': { status: EventStatus.Warning, verb: 'Roll back', rollback: true },
  'service.removed': { status: EventStatus.Done, verb: 'Remove' },
};

/** pipelinerun.finished `outcome` -> status. The spec names success, error and failure; anything else is a Failure. */
const OUTCOME_STATUS: Record<string, EventStatus> = {
  success: EventStatus.Success,
  failure: EventStatus.Failure,
  error: EventStatus.Error,
};

/** A CDEvent that passed its schema, with the CloudEvent context it came in. */
export interface CdEventDelivery {
  name: MappedCdEvent;
  /** CloudEvent `source` (= CDEvent context.source) */
  source: string;
  /** CloudEvent `id` */
  id: string;
  /** The CDEvent (context, subject, customData...), already valid against its schema. */
  data: Record<string, unknown>;
  /**
   * The verified caller (`sub`) when TRACKER_AUTH=required: what one caller's CloudEvents record is correlated
   * only with that caller's, so nobody can take another emitter's (source, id) or subject first.
   */
  caller?: string;
}

/** What a valid CDEvent asks of Tracker. */
export function planCdEvent(delivery: CdEventDelivery, environments: ReadonlyMap<string, number>): IntakePlan {
  const { name, data } = delivery;
  // Anonymous ids are the ones Tracker always derived; a caller's are prefixed (JSON parts: no collision).
  const scope = delivery.caller === undefined ? [] : ['caller', delivery.caller];
  const correlated = (...parts: string[]) => correlatedEventId([...scope, CDEVENTS_SOURCE, ...parts]);
  const subjectId = String(at(data, 'subject.id'));
  // The subject's identity is (source, id); its source defaults to the context's (CDEvents spec, subject.source).
  const subjectSource = optionalText(data, 'subject.source') ?? delivery.source;
  const timestamp = instantOrNothing(at(data, 'context.timestamp'), parseInstant);

  let environment: number | undefined;
  const environmentName = optionalText(data, 'subject.content.environment.id');
  if (environmentName !== undefined) {
    checkedName(environmentName, 'data.subject.content.environment.id', refusedCharacterProblem);
    const match = mapEnvironment(environmentName, environments);
    if (match.kind === 'unmapped') return ignored(match.reason);
    environment = match.environment;
  }
  const envText = environmentName ? ` to ${environmentName}` : '';

  const service = SERVICE_EVENTS[name];
  if (service) {
    const artifact = optionalText(data, 'subject.content.artifactId');
    const create: CreateEventDto = {
      title: clip(`${service.verb} ${subjectId}${envText}`, 500),
      attributes: {
        type: EventType.Deployment,
        service: clip(serviceName(data, 'subject.id'), 300),
        status: service.status,
        source: CDEVENTS_SOURCE,
        ...(environment ? { environment } : {}),
        ...(artifact ? { message: clip(`artifact ${artifact}`, 10_000) } : {}),
        ...(timestamp ? { startDate: timestamp } : {}),
      },
    };
    return {
      kind: 'record',
      // Each service event is its own deployment: one tracker event per CloudEvent.
      eventId: correlated('event', delivery.source, delivery.id),
      create,
      intake: { provider: CDEVENTS_SOURCE, externalId: subjectId, ...(service.rollback ? { rollback: true } : {}) },
    };
  }

  if (name === 'pipelinerun.started' || name === 'pipelinerun.finished') {
    const pipeline = optionalText(data, 'subject.content.pipelineName');
    const url = optionalText(data, 'subject.content.url');
    const finished = name === 'pipelinerun.finished';
    const outcome = optionalText(data, 'subject.content.outcome');
    const status = finished ? (OUTCOME_STATUS[outcome ?? ''] ?? EventStatus.Failure) : EventStatus.Start;
    const errors = optionalText(data, 'subject.content.errors');
    const message = [url, errors].filter(Boolean).join('\n') || undefined;
    const create: CreateEventDto = {
      title: clip(`Pipeline run ${subjectId}${pipeline ? ` of ${pipeline}` : ''}`, 500),
      attributes: {
        type: EventType.Operation,
        service: clip(serviceName(data, 'subject.content.pipelineName', 'subject.id'), 300),
        status,
        source: CDEVENTS_SOURCE,
        ...(message ? { message: clip(message, 10_000) } : {}),
        ...(timestamp && !finished ? { startDate: timestamp } : {}),
      },
    };
    return {
      kind: 'record',
      eventId: correlated('pipelinerun', subjectSource, subjectId),
      create,
      // A late `started` leaves a run alone; `finished` sets its outcome (and end, when after its start).
      update: finished
        ? { attributes: { status, source: CDEVENTS_SOURCE, ...(message ? { message: clip(message, 10_000) } : {}) } }
        : undefined,
      intake: { provider: CDEVENTS_SOURCE, externalId: subjectId },
    };
  }

  if (name === 'incident.detected' || name === 'incident.reported' || name === 'incident.resolved') {
    const resolved = name === 'incident.resolved';
    const description = optionalText(data, 'subject.content.description');
    const status = resolved ? EventStatus.Close : EventStatus.Open;
    const create: CreateEventDto = {
      title: clip(description ?? `Incident ${subjectId}`, 500),
      attributes: {
        type: EventType.Incident,
        service: clip(serviceName(data, 'subject.content.service.id', 'subject.id'), 300),
        status,
        source: CDEVENTS_SOURCE,
        ...(environment ? { environment } : {}),
        ...(description ? { message: clip(description, 10_000) } : {}),
        ...(timestamp && !resolved ? { startDate: timestamp } : {}),
      },
    };
    return {
      kind: 'record',
      eventId: correlated('incident', subjectSource, subjectId),
      create,
      // detected and reported of one incident are the same incident (the first opens it); resolved closes it.
      update: resolved ? { attributes: { status, source: CDEVENTS_SOURCE } } : undefined,
      intake: { provider: CDEVENTS_SOURCE, externalId: subjectId },
    };
  }

  // change.merged: a change of the repository it names (else of the subject), merged at the CDEvent's time.
  if (!timestamp) return ignored('change.merged without a readable context.timestamp');
  const link = linkOrNothing(subjectId);
  const change: CreateCodeChangeDto = {
    service: clip(serviceName(data, 'subject.content.repository.id', 'subject.id'), 300),
    mergedAt: timestamp,
    title: clip(`Change ${subjectId}`, 1000),
    ...(link ? { pullRequestLink: link } : {}),
  };
  return { kind: 'change', change, source: CDEVENTS_SOURCE };
}

/**
 * The service a CDEvent names: the first of `paths` that holds text (each CDEvent kind has its own field, and
 * the subject id as a fallback), refused with a 400 naming that field when it is no acceptable name.
 */
function serviceName(data: Record<string, unknown>, ...paths: string[]): string {
  const path = paths.find((p) => optionalText(data, p) !== undefined) ?? paths[paths.length - 1];
  return checkedName(String(at(data, path)), `data.${path}`);
}
