import { EventStatus } from '../../../contract/enums';
import type { TrackerEventRecordView, UpdateEventDto } from '../../tracker-events';

/** Tracker statuses after which a deployment is over: no later non-final status moves it back. */
export const FINAL_DEPLOYMENT_STATUSES: ReadonlySet<number> = new Set<number>([
  EventStatus.Success,
  EventStatus.Failure,
  EventStatus.Error,
  EventStatus.Done,
]);

export interface DeploymentMove {
  status: EventStatus;
  source: string;
  /** When the upstream says the status was reached (ISO 8601): a final status's time becomes the event's end. */
  statusAt?: string;
  message?: string;
}

/**
 * The update a later delivery of one deployment asks for, as a function of the stored event. TrackerEventsService
 * evaluates it against the very revision its conditional write is made at (and again after a lost race), so the
 * moves it allows are monotone across instances: a non-final status (Start) never replaces a final one, whatever
 * order the deliveries are stored in. A final status replaces a Start or another final status (an upstream may
 * correct itself: degraded after deployed). The end is set only when not before the stored start.
 */
export function monotoneDeploymentUpdate(move: DeploymentMove): (stored: TrackerEventRecordView) => Omit<UpdateEventDto, 'id'> | undefined {
  const final = FINAL_DEPLOYMENT_STATUSES.has(move.status);
  return (stored) => {
    if (!final && FINAL_DEPLOYMENT_STATUSES.has(stored.attributes?.status ?? 0)) return undefined;
    const start = stored.attributes?.startDate;
    const endDate =
      final && move.statusAt && (!start || new Date(move.statusAt).getTime() >= new Date(start).getTime()) ? move.statusAt : undefined;
    return {
      attributes: {
        status: move.status,
        source: move.source,
        ...(move.message ? { message: move.message } : {}),
        ...(endDate ? { endDate } : {}),
      },
    };
  };
}

/**
 * A time as GitLab writes it in webhooks ("2021-04-28 21:50:00 +0200", "2013-12-03 17:23:34 UTC") or ISO 8601,
 * as an ISO 8601 instant; undefined when unreadable.
 */
export function upstreamInstant(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const gitlab = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (UTC|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  const text = gitlab
    ? `${gitlab[1]}T${gitlab[2]}${gitlab[3] === 'UTC' ? 'Z' : `${gitlab[3].slice(0, 3)}:${gitlab[3].slice(-2)}`}`
    : value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** A commit sha (7-64 hex digits) found at the end of `text` (a GitLab commit URL, a Flux revision), else undefined. */
export function trailingSha(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const match = /(?:^|[/:@])([0-9a-f]{7,64})$/i.exec(text.trim());
  return match?.[1].toLowerCase();
}
